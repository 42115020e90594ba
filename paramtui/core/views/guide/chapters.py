"""The Guide's nine chapters, one function each: an Estimate in, a Chapter out.

Numbers are the estimate's own, formatted by the figure registry (`_fig`); where a chapter
compares with another precision or size it asks the core's functions for it (weights bytes,
quality kept), never a formula of its own. Each chapter defines its terms on first use and
fits a screen or two at 80×24.
"""

from __future__ import annotations

from paramtui.core.result.figures import FIGURES
from paramtui.core.units import format_bytes, format_count
from paramtui.core.views.guide import Chapter, TryIt


def _fig(est, key: str) -> str:
    """A figure of the estimate as every screen shows it."""
    return FIGURES[key].format(est)


def _share(part: int, total: int) -> str:
    return f"{100 * part / total:.0f}%" if total else "–"


def _name(est) -> str:
    return est.model_name


def parameters(est) -> Chapter:
    p = est.params
    moe = p.active < p.total
    parts = [(p.embedding, "embeddings"), (p.attention, "attention"), (p.mlp, "MLP / experts"),
             (p.norm, "norms"), (p.head, "output head"), (p.encoders, "encoders"),
             (p.mtp, "multi-token-prediction layers (in the file, not run)")]
    shown = [(n, label) for n, label in parts if n]  # a tied head or a text-only model: fewer places
    where = "; ".join(f"{label} {format_count(n)} ({_share(n, p.total)})" for n, label in shown)
    places = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}.get(len(shown), str(len(shown)))
    paragraphs = [
        "A parameter is one number the model learned in training: a weight it multiplies its input "
        "by. A model is nothing but these numbers and the fixed recipe that combines them, so the "
        "count of parameters is the plainest measure of its size.",
        f"{_name(est)} has {_fig(est, 'params.total')} parameters. They live in {places} places: {where}.",
        "Embeddings are a table with one row of numbers per token of the vocabulary (the words the "
        "model knows, below). Attention is how each word looks at the words before it; the MLP (a "
        "small two-layer network in every layer) is where most of what the model knows is stored. "
        "Norms rescale numbers between steps, and the output head turns the last layer into a score "
        "for every token of the vocabulary (some models reuse the embedding table for it: 'tied').",
    ]
    if p.encoders:
        paragraphs.append(
            "Encoders are the separate networks of a model that also reads images (or sound): they turn "
            "a picture into tokens the language model reads, and work only when one is given.")
    if moe:
        paragraphs.append(
            f"This is a mixture of experts: each layer has several MLPs ('experts') and a router picks a "
            f"few for each token, so only {_fig(est, 'params.active')} parameters work on any one "
            "token. Memory holds them all; compute and speed follow the active ones.")
    if est.values.get("params.nominal_shape"):
        paragraphs.append(
            "This scenario gives only a bare count, so its split into parts is a typical shape for "
            "that size, not a real model's.")
    return Chapter(
        "parameters", "What a parameter is", tuple(paragraphs),
        TryIt("Choose another model (ctrl+l) and see where its parameters live.", "calculator", "model"),
        ("Vaswani et al. 2017, 'Attention Is All You Need' (the transformer's parts)",
         "Counts: Hugging Face transformers, sum(p.numel() for p in model.parameters())"))


def tokens(est) -> Chapter:
    arch = est.architecture
    paragraphs = [
        "A token is the unit a model reads and writes: a common word, part of a rarer word, a "
        "space or a punctuation mark. In English one token is about three quarters of a word, so "
        "1,000 tokens are about 750 words.",
        f"The vocabulary is the list of every token the model knows: {arch.vocab_size:,} for "
        f"{_name(est)}. The context is how many tokens it holds in view at once, the prompt and "
        f"its answer together: this scenario uses {_fig(est, 'scenario.context')} tokens "
        f"(about {int(est.values['scenario.context']) * 3 // 4:,} words).",
        f"Training tokens are how much text the model read while it learned: "
        f"{_fig(est, 'compute.training_tokens')} here, {_fig(est, 'scaling.tokens_per_param')} "
        "for every parameter. More tokens teach more, up to a point (chapters 7 and 8).",
    ]
    return Chapter(
        "tokens", "Tokens", tuple(paragraphs),
        TryIt("Change the context and watch the KV cache grow.", "calculator", "context"),
        ("OpenAI, 'What are tokens and how to count them' (about 4 characters or ¾ of a word in English)",
         "The model's config.json (vocab_size)"))


def precision(est) -> Chapter:
    from paramtui.core.model.precision import weights_bytes
    from paramtui.core.model.quant_quality import quality_kept

    p = est.params
    bf16 = weights_bytes(p, "bf16")
    int4 = weights_bytes(p, "int4")
    kept = quality_kept(est.precision.id, est.scenario.model)  # a model's published precision loses nothing
    if kept.kept is not None and kept.kept >= 1 and est.precision.id not in ("bf16", "fp32"):
        quality = f"{est.precision.id} is the precision its weights are published in, so nothing is lost"
    elif kept.kept is not None and kept.kept >= 1:
        quality = f"{est.precision.id} is the model's own 16-bit (or wider) form, so nothing is lost"
    elif kept.kept is not None:
        quality = f"published measurements: {kept.summary()}"
    else:
        quality = f"no measurement of what {est.precision.id} costs in quality is recorded"
    paragraphs = [
        "Each parameter is stored as a number with a fixed number of bits (a bit is a 0 or 1; a "
        "byte is 8 bits). The format is the precision: fp32 uses 32 bits (4 bytes), bf16 and fp16 "
        "use 16 bits (2 bytes), int8 one byte, and 4-bit formats half a byte.",
        f"So the weights take parameters × bytes per parameter: {_fig(est, 'params.total')} × 2 bytes "
        f"= {format_bytes(bf16)} in bf16, and {format_bytes(int4)} in 4-bit. In this scenario's "
        f"{est.precision.id} they take {_fig(est, 'memory.weights_bytes')}.",
        "Sizes are in GiB (2^30 bytes, about 7% more than a billion bytes), the unit memory is "
        "made and sold in: a \"24 GB\" RTX 4090 or a \"64 GB\" PC has 24 or 64 GiB, and "
        "nvidia-smi and llama.cpp count the same way. So 8B parameters × 2 bytes (16 billion "
        "bytes) read 14.9 GiB.",
        "Quantization stores the weights in fewer bits after training. It trades memory and speed "
        "(fewer bytes to read per token) for a little quality, more the fewer the bits: "
        f"{quality}.",
    ]
    return Chapter(
        "precision", "Bytes and precision", tuple(paragraphs),
        TryIt("Change the precision and watch the weights and the fit change.", "calculator", "precision"),
        ("IEEE 754 (fp32, fp16); Google Brain bfloat16", kept.source))


def running(est) -> Chapter:
    fits = est.values.get("memory.fits")
    verdict = (f"fits: it uses {_fig(est, 'memory.use_fraction')} of the usable memory"
               if fits else "does not fit on its own; see offload on the Deploy screen")
    paragraphs = [
        "To run a model (inference: producing text), the device holds three things in memory: the "
        "weights; the KV cache, which keeps two vectors (a key and a value) per token per layer so "
        "that each new token need not re-read the whole context; and working space.",
        f"This scenario: weights {_fig(est, 'memory.weights_bytes')}, KV cache "
        f"{_fig(est, 'memory.kv_cache_bytes')} for {_fig(est, 'scenario.batch')} request(s) of "
        f"{_fig(est, 'scenario.context')} tokens, total {_fig(est, 'memory.inference_total_bytes')}. "
        f"On {est.target.name} it {verdict}.",
        "The KV cache grows with context × batch (the number of requests served together); the "
        "weights do not. Writing each new token reads every weight once, so speed is mostly memory "
        "bandwidth ÷ bytes read: " + (f"about {_fig(est, 'speed.decode_tokens_per_s')} per request here."
                                      if est.values.get("speed.decode_tokens_per_s") is not None else
                                      "none here, as the model does not run on this target."),
    ]
    arch = est.architecture
    if arch.uses_mla:  # DeepSeek-V3, Kimi K2: why their KV cache is so small
        paragraphs.insert(2, (
            "This model's attention keeps one compressed vector per token per layer instead of a key "
            "and a value for every head (multi-head latent attention), which is why its KV cache is small."))
    if est.params.active < est.params.total:  # an MoE reads only the experts a token is routed to
        paragraphs.append(
            f"As a mixture of experts it reads only the {_fig(est, 'params.active')} active parameters per "
            "token, not all its weights, so it decodes about as fast as a dense model of that size, "
            "while memory must still hold every expert.")
    if est.values.get("memory.recurrent_state_bytes"):
        # a hybrid's small KV cache and its fourth part of memory, said where the terms are
        paragraphs.insert(2, (
            "Only this model's attention layers keep a KV cache. Its other layers (linear attention, "
            "Mamba or convolution) keep a recurrent state instead: a fixed-size summary of everything "
            "read so far, one per request, that does not grow with the context: "
            f"{_fig(est, 'memory.recurrent_state_bytes')} here."))
    return Chapter(
        "running", "Running a model", tuple(paragraphs),
        TryIt("Change the target, or the batch, and see what fits.", "calculator", "target"),
        ("Pope et al. 2022, 'Efficiently Scaling Transformer Inference' (KV cache, memory-bound decoding)",
         "Kwon et al. 2023, 'Efficient Memory Management for LLM Serving with PagedAttention' (vLLM)"))


def training_memory(est) -> Chapter:
    v = est.values
    n = est.params.total
    states = v["memory.training.weights_bytes"] + v["memory.training.gradients_bytes"] + \
        v["memory.training.optimizer_bytes"]
    paragraphs = [
        "Training needs far more memory than running. Full fine-tuning with the Adam optimizer "
        "(the usual one) keeps, per parameter: the weights in 16 bits (2 bytes) and a 32-bit "
        "master copy (4), a gradient (2: how to nudge each weight), and Adam's two running "
        "averages (8): about 16 bytes per parameter, before activations (the intermediate "
        "results kept from the forward pass for the backward pass).",
        f"This scenario ({v['scenario.method']}, {est.scenario.training.optimizer}): weights "
        f"{_fig(est, 'memory.training.weights_bytes')}, gradients {_fig(est, 'memory.training.gradients_bytes')}, "
        f"optimizer {_fig(est, 'memory.training.optimizer_bytes')}, activations "
        f"{_fig(est, 'memory.training.activations_bytes')}: {states / n:.1f} bytes per parameter "
        f"before activations, {_fig(est, 'memory.training.total_bytes')} at peak per device.",
        "LoRA freezes the model and trains small added matrices, so gradients and optimizer cover "
        "only those; QLoRA also stores the frozen model in 4 bits. Recomputation keeps fewer "
        "activations and recomputes them in the backward pass (slower, less memory). ZeRO splits "
        "optimizer, gradients and then weights across devices.",
    ]
    return Chapter(
        "training-memory", "Training memory", tuple(paragraphs),
        TryIt("Change the method (full, LoRA, QLoRA), recomputation or ZeRO.", "calculator", "method"),
        ("Rajbhandari et al. 2020, 'ZeRO: Memory Optimizations Toward Training Trillion Parameter Models', §3",
         "Hu et al. 2021, 'LoRA'; Dettmers et al. 2023, 'QLoRA'",
         "Korthikanti et al. 2022, 'Reducing Activation Recomputation in Large Transformer Models'"))


def compute(est) -> Chapter:
    v = est.values
    rule = 6 * v["params.active"] * v["compute.training_tokens"]
    paragraphs = [
        "Training compute is counted in FLOPs (floating-point operations: one multiply or add). "
        "Each parameter does about 2 per token going forward and 4 going back, so a run of N "
        "parameters on D tokens takes about 6·N·D FLOPs.",
        f"Here: 6 × {_fig(est, 'params.active')} × {_fig(est, 'compute.training_tokens')} = "
        f"{FIGURES['compute.training_flops'].fmt(rule)}; with attention's own work the run takes "
        f"{_fig(est, 'compute.training_flops')}.",
        f"A device does only part of its peak (MFU, the model FLOPs utilisation, {v['compute.mfu']:.0%} "
        f"here). On {v['scenario.gpus']} × {est.target.name} that is {_fig(est, 'compute.gpu_hours')} "
        f"(device-hours), {_fig(est, 'compute.wall_seconds')} of wall time, and "
        f"{_fig(est, 'compute.cost_usd')} at the target's hourly price.",
    ]
    return Chapter(
        "compute", "Compute, time and money", tuple(paragraphs),
        TryIt("Change the devices, the MFU or the training tokens.", "calculator", "tokens"),
        ("Kaplan et al. 2020, 'Scaling Laws for Neural Language Models', §2.1 (C ≈ 6N per token)",
         "Chowdhery et al. 2022, 'PaLM', App. B (MFU)"))


def scaling(est) -> Chapter:
    s = est.scaling
    extra = s.extra_compute_fraction
    paragraphs = [
        "Scaling laws are fits of how low the loss gets for N parameters trained on D tokens. "
        "Loss measures how surprised the model is by the next token (lower is better); it falls "
        "smoothly with both N and D, towards a floor no model beats.",
        f"For this scenario the law ({s.law}) predicts a loss of {_fig(est, 'scaling.loss')}. The "
        f"same compute spent best would train {_fig(est, 'scaling.compute_optimal.params')} "
        f"parameters on {_fig(est, 'scaling.compute_optimal.tokens')} tokens (compute-optimal, "
        f"about {s.optimal_tokens_per_param:.0f} tokens per parameter); this run uses "
        f"{s.tokens_per_param:,.0f}.",
        "Training a smaller model on more tokens than that ('over-training') costs more compute to "
        "reach a loss, once; but every token it then serves is cheaper, so models served to many "
        "users are trained far past 20 tokens per parameter (Llama 3 8B: about 1,900)."
        + (f" Here the run spends {extra:+.0%} compute against the optimum for its loss." if extra else ""),
        _inference_aware(est),
    ]
    return Chapter(
        "scaling", "Scaling laws", tuple(paragraphs),
        TryIt("Open the Scaling screen to see this run among the curves.", "scaling"),
        ("Hoffmann et al. 2022, 'Training Compute-Optimal Large Language Models' (Chinchilla)",
         "Besiroglu et al. 2024, 'Chinchilla Scaling: A replication attempt'",
         "Sardana et al. 2024, 'Beyond Chinchilla-Optimal'"))


def _inference_aware(est) -> str:
    v = est.values
    if v.get("scaling.inference_optimal.params") is None:
        return ("Inference-aware sizing (Sardana et al. 2024) finds the size and training tokens that "
                "reach a loss for the least training plus inference compute, given the tokens the model "
                "will serve in its life: set 'Serve tok' in the Calculator to see it for this scenario.")
    return (f"Serving {_fig(est, 'scaling.inference_tokens')} tokens in its life, the cheapest way to "
            f"this loss is {_fig(est, 'scaling.inference_optimal.params')} parameters on "
            f"{_fig(est, 'scaling.inference_optimal.tokens')} tokens "
            f"({v['scaling.inference_optimal.tokens_per_param']:,.0f} per parameter), saving "
            f"{_fig(est, 'scaling.inference_optimal.saving')} of training plus inference compute against "
            "the compute-optimal model (Sardana et al. 2024).")


def data(est) -> Chapter:
    s = est.scaling
    if s.unique_tokens is not None and s.epochs > 1:
        repeat = (f"This scenario repeats {format_count(s.unique_tokens)} unique tokens "
                  f"{s.epochs:.2g} times: its {format_count(s.tokens)} tokens are worth "
                  f"{format_count(s.effective_tokens)} fresh ones.")
    else:
        repeat = (f"This scenario's {_fig(est, 'compute.training_tokens')} tokens are all treated as "
                  "unique (no repetition set).")
    q = est.values.get("scaling.data_quality")
    quality = (f"This scenario assumes a quality of {q:g}: the law counts its tokens as "
               f"{_fig(est, 'scaling.effective_tokens')} of its own data." if q is not None else
               "This scenario assumes the laws' own data (quality 1); set 'Quality' to assume better or worse.")
    paragraphs = [
        "The laws assume text of one quality, each token seen once. Better data (filtered, "
        "deduplicated) reaches a loss with fewer tokens; how much is measured per dataset, not "
        "a constant: treat any quality multiplier as an assumption (FineWeb-Edu's filter "
        f"reports reaching other web datasets' MMLU score on several times fewer tokens, and less on "
        f"other benchmarks). {quality}",
        "Repeating data (epochs: passes over the same tokens) helps less each time: up to about "
        "4 epochs are nearly as good as fresh data, and beyond about 16 more repeats add almost "
        f"nothing. {repeat}",
    ]
    return Chapter(
        "data", "Data: quality and repetition", tuple(paragraphs),
        TryIt("Set the unique tokens below the training tokens to see what repetition costs.",
              "calculator", "unique"),
        ("Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models', §3",
         "Penedo et al. 2024, 'The FineWeb Datasets' (filtered web data trains better per token)"))


def picking(est) -> Chapter:
    from paramtui.core.model.quant_quality import quality_kept

    model = est.serving.model
    kept = quality_kept(est.precision.id)
    fits = "fits" if est.values.get("memory.fits") else "does not fit"
    license_ = getattr(model, "license", None) or "not recorded"
    paragraphs = [
        "Pick in this order. Fit: the weights and KV cache must fit the device's memory. Speed: "
        "tokens per second, faster than reading (about 5–10) for chat. Task quality: scores "
        "published for your task (code, math, chat), since size alone does not say. License: "
        "what you may do with it. Context: how long an input it reads.",
        f"{_name(est)} on {est.target.name} in {est.precision.id}: {fits} "
        f"({_fig(est, 'memory.inference_total_bytes')}), about {_fig(est, 'speed.decode_tokens_per_s')}, "
        f"{kept.percent if kept.kept is not None else 'unmeasured'} of 16-bit quality kept, "
        f"license {license_}, context up to {model.context_length or est.architecture.max_position_embeddings:,} tokens.",
    ]
    return Chapter(
        "picking", "Picking a model for a task", tuple(paragraphs),
        TryIt("On the Deploy screen press m to pick a model that fits, by task.", "deploy"),
        ("Published model cards (scores, licenses) as listed by `paramtui pick --task`", kept.source))
