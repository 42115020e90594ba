"""Memory to run a model: weights, KV cache, prefill workspace and runtime overhead.

Figures assume a PyTorch runtime on a CUDA GPU: the prefill workspace is what Hugging Face
transformers' eager forward keeps alive (under torch.inference_mode, with SDPA / flash
attention and only the last token's logits), the overhead is the CUDA context plus the cuBLAS
workspace. Each formula cites its source beside it; `explanations` carry them to the user.
"""

from __future__ import annotations

from typing import Callable, Literal, NamedTuple

from paramtui.core.errors import UserError
from paramtui.core.model.architecture import Architecture
from paramtui.core.model.layers.network import network_of
from paramtui.core.model.layers.token_mixers import CompressedAttention
from paramtui.core.units import format_bytes
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.model.precision import (
    ParamCountLike,
    Precision,
    bytes_for_bits,
    weights_bytes,
)

from paramtui.core.formulas.layer_shapes import (
    CUBLAS_WORKSPACE_BYTES,
    CUDA_CONTEXT_BYTES,
    as_precision,
    require_positive,
    decoder_layers,
    shared_expert_width,
    attention_widths,
    rope_dim,
)

# --------------------------------------------------------------------------------------------
# KV cache



# Which tokens a sliding-window layer keeps is the runtime's choice: "window" keeps only the
# window (transformers' sliding cache, llama.cpp's SWA cache, vLLM's hybrid allocator);
# "full" reserves full-length pages for every layer, as servers without a hybrid allocator do.
SlidingPolicy = Literal["window", "full"]
SLIDING_POLICIES: tuple[str, ...] = ("window", "full")


class _CachedLayers(NamedTuple):
    """Decoder layers of one kind that cache keys and values: how many, width, tokens each."""

    count: int
    width: int  # elements per token per layer (K and V, or MLA's latent + rotary key)
    tokens: int
    mixer: object


def _cached_layers(arch: Architecture, tokens: int, policy: str) -> list[_CachedLayers]:
    """The decoder's caching layers by kind: a sliding-window layer keeps min(tokens, window)
    under the "window" policy (Mistral 7B v0.1 slides every layer; Gemma 2/3 and gpt-oss name
    their sliding layers in `layer_types`); linear-attention layers cache nothing that grows."""
    out = []
    for group in network_of(arch).groups:
        if group.stack != "decoder" or not group.mixer.kv_width():
            continue
        if isinstance(group.mixer, CompressedAttention):  # DeepSeek-V4: window and compressed entries
            out += [_CachedLayers(group.count, width, n, group.mixer)
                    for width, n in group.mixer.cache_entries(tokens, policy == "window") if n]
            continue
        window = getattr(group.mixer, "window", None)
        held = min(tokens, window) if window is not None and policy == "window" else tokens
        out.append(_CachedLayers(group.count, group.mixer.kv_width(), held, group.mixer))
    return out


def _kv_cache(
    arch: Architecture, tokens: int, batch: int, kv: Precision, encoder_tokens: int | None,
    policy: str = "window",
) -> int:
    """The KV cache in bytes (see `kv_cache_bytes`; `_explain_kv_cache` says it in words)."""
    if not arch.is_decoder and not arch.is_encoder_decoder:
        return 0
    bits = kv.exact_bits
    # MLA caches one compressed latent c_KV (kv_lora_rank) plus the shared decoupled RoPE key
    # (qk_rope_head_dim) per token per layer, not per-head K and V (DeepSeek-AI 2024,
    # DeepSeek-V2, section 2.1.2-2.1.3; what vLLM and SGLang store): LatentAttention.kv_width.
    elements = sum(c.count * c.width * c.tokens for c in _cached_layers(arch, tokens, policy)) * batch
    if arch.is_encoder_decoder:
        # Cross-attention K/V over the encoder output are computed once and cached for every
        # decoder layer (transformers EncoderDecoderCache). Assumption: the encoder input is
        # `encoder_tokens` long, by default as long as the context.
        enc = tokens if encoder_tokens is None else encoder_tokens
        elements += 2 * arch.kv_heads * arch.resolved_head_dim * decoder_layers(arch) * enc * batch
    return bytes_for_bits((elements, bits))


def _state_elements(arch: Architecture) -> list[tuple[int, int]]:
    """(layers, state elements per sequence per layer) of the layers with a fixed state."""
    return [(g.count, g.mixer.state_elements()) for g in network_of(arch).groups
            if hasattr(g.mixer, "state_elements") and g.mixer.state_elements()]


def recurrent_state_bytes(arch: Architecture, batch: int = 1, state_precision: Precision | str = "bf16") -> int:
    """The fixed per-sequence state of linear-attention and state-space layers: recurrent
    state plus the short convolution's last kernel − 1 inputs, whatever the context length."""
    require_positive("batch", batch)
    prec = as_precision(state_precision, kv=True)
    elements = sum(n * e for n, e in _state_elements(arch)) * batch
    return bytes_for_bits((elements, prec.exact_bits))


def _explain_recurrent_state(arch: Architecture, batch: int, prec: Precision, value: int) -> Explanation:
    parts = _state_elements(arch)
    if not parts:
        return Explanation(
            title="Recurrent state", meaning="Every layer of this model is attention: no fixed state.",
            formula="0", substituted="0 B", source="-")
    if arch.o_groups is not None:  # DeepSeek-V4: the compressors' buffers, not a recurrence
        return Explanation(
            title="Recurrent state",
            meaning="DeepSeek-V4's compressors hold the tokens of a window not yet closed into a compressed "
            "entry: at most rate − 1 tokens of their kv and gate projections (and on compressed sparse "
            f"attention layers the last window's overlap), per sequence, counted at their fullest. Held at {prec.name}.",
            formula="layers · (rate − 1) · (kv + gate widths) (+ overlap) · bytes · batch",
            substituted="(" + " + ".join(f"{n} · {e:,}" for n, e in parts)
            + f") · {prec.bits_per_weight / 8:g} · {batch} = {format_bytes(value)}",
            source="transformers DeepseekV4HCACache / DeepseekV4CSACache (buffer_kv, buffer_gate, overlap_kv)")
    return Explanation(
        title="Recurrent state",
        meaning="Linear-attention (Gated DeltaNet, Kimi Delta, RWKV), state-space (Mamba) and short-"
        "convolution layers keep a fixed state per sequence instead "
        "of a growing KV cache: a heads × key_dim × value_dim matrix and the short convolution's "
        f"(RWKV: its token shifts') last inputs. It does not grow with the context. Held at {prec.name}.",
        formula="layers · (v_heads · k_dim · v_dim + conv_channels · (kernel − 1)) · bytes · batch",
        substituted=" + ".join(f"{n} · {e:,}" for n, e in parts)
        + f" · {prec.bits_per_weight / 8:g} · {batch} = {format_bytes(value)}",
        source="Yang et al. 2024 (Gated Delta Networks); transformers Qwen3NextDynamicCache "
        "(conv_states, recurrent_states)",
    )


def _explain_kv_cache(
    arch: Architecture, tokens: int, batch: int, kv: Precision, encoder_tokens: int | None, value: int,
    policy: str = "window",
) -> Explanation:
    title = "KV cache"
    if not arch.is_decoder and not arch.is_encoder_decoder:
        return Explanation(
            title=title,
            meaning="An encoder-only model (BERT-like) reads the whole input at once and "
            "generates nothing, so it keeps no key/value cache.",
            formula="0",
            substituted="0 B",
            source="Devlin et al. 2019 (BERT): bidirectional encoder, no autoregressive decoding",
        )
    cached = _cached_layers(arch, tokens, policy)
    layers = sum(c.count for c in cached)
    held = sum(c.count * c.tokens for c in cached)
    tokens_text = str(tokens) if held == layers * tokens else \
        f"(cached tokens summed over layers {held} / {layers} layers)"
    bytes_each = f"{kv.bits_per_weight / 8:g}"
    if arch.o_groups is not None:  # DeepSeek-V4
        formula = ("Σ layers · (head_dim · window tokens + entry width · ⌊tokens / rate⌋) · bytes · batch")
        subst = ("(" + " + ".join(f"{c.count} · {c.width:,} · {c.tokens}" for c in cached)
                 + f") · {bytes_each} · {batch}")
        meaning = (
            f"DeepSeek-V4 caches one vector per token shared by keys and values (head_dim {arch.resolved_head_dim}) "
            f"for the last {arch.sliding_window} tokens in every layer"
            + (" (allocation policy: keep the window)" if policy == "window" else
               " (given full length here: allocation policy full)")
            + f", plus one compressed entry per {arch.compress_rate_csa} tokens on its compressed sparse "
            f"attention layers (with the indexer's compressed key, {arch.index_head_dim} more) and per "
            f"{arch.compress_rate_hca} tokens on its heavily compressed ones, as serving runtimes store it "
            f"(transformers' cache holds the window twice, as keys and as values). Every part is counted at "
            f"the KV precision ({kv.name}). The compressors' partial windows are in the recurrent-state line.")
        source = ("DeepSeek-V4 paper, section 2.3 (compressed sparse and heavily compressed attention), as "
                  "transformers' modeling_deepseek_v4.py implements it (DeepseekV4HCACache, DeepseekV4CSACache)")
    elif arch.uses_mla:
        formula = "layers · (kv_lora_rank + qk_rope_head_dim) · bytes · tokens · batch"
        subst = (
            f"{layers} · ({arch.kv_lora_rank} + {arch.qk_rope_head_dim}) · "
            f"{bytes_each} · {tokens_text} · {batch}"
        )
        meaning = (
            "Multi-head latent attention caches one compressed latent vector and a shared "
            "rotary key per token per layer, as serving runtimes (vLLM, SGLang) store it. "
            "transformers' eager implementation caches the decompressed per-head K and V "
            "instead, which is many times larger."
        )
        source = "DeepSeek-AI 2024, DeepSeek-V2, section 2.1 (low-rank key-value joint compression)"
        if arch.index_n_heads:
            formula = "layers · (kv_lora_rank + qk_rope_head_dim + index_head_dim) · bytes · tokens · batch"
            subst = subst.replace(f" + {arch.qk_rope_head_dim})", f" + {arch.qk_rope_head_dim} + {arch.index_head_dim})")
            meaning += (" DeepSeek sparse attention adds the indexer's key (index_head_dim) for every token, "
                        f"counted here at the KV cache's precision ({kv.name}); DeepSeek's inference code "
                        "keeps it in FP8 with one scale per 128 values, which this figure does not assume.")
            source += "; DeepSeek-AI 2025, DeepSeek-V3.2-Exp, section 2.1 (lightning indexer)"
    else:
        formula = "2 · layers · kv_heads · head_dim · bytes · tokens · batch"
        subst = (
            f"2 · {layers} · {arch.kv_heads} · {arch.resolved_head_dim} · {bytes_each}"
            f" · {tokens_text} · {batch}"
        )
        meaning = (
            "Keys and values of every past token, kept per layer so each new token attends to "
            "them without recomputing; grouped-query and multi-query attention share K/V "
            "heads, so only kv_heads count."
        )
        source = (
            "Vaswani et al. 2017 (attention); Ainslie et al. 2023 (GQA); Shazeer 2019 (MQA)"
        )
        if len({c.width for c in cached}) > 1:  # layer kinds of their own head size (Gemma 4)
            formula = "Σ over layer kinds: layers · 2 · kv_heads · head_dim · tokens held · bytes · batch"
            subst = ("(" + " + ".join(f"{c.count} · {c.width:,} · {c.tokens}" for c in cached)
                     + f") · {bytes_each} · {batch}")
            meaning += " Full-attention layers have their own head size and KV heads here."
        reusing = sum(g.count for g in network_of(arch).groups if getattr(g.mixer, "shares_kv", False))
        if reusing:
            meaning += (f" {reusing} layers reuse the keys and values of the last earlier layer of their "
                        "kind and cache nothing of their own.")
            source += "; transformers modeling_gemma4.py (Gemma4TextAttention, kv_sharing_modes)"
        if any(getattr(c.mixer, "span", "") == "chunked" for c in cached):
            chunked = "Chunked-attention layers attend within chunks of " \
                f"{arch.attention_chunk_size} tokens"
            meaning += (f" {chunked} and keep at most one chunk (allocation policy: keep the window)."
                        if policy == "window" else
                        f" {chunked}; they are given full-length cache here (allocation policy: full).")
            source += "; Meta 2025 (Llama 4: chunked attention on the RoPE layers)"
        if any(getattr(c.mixer, "span", "") == "sliding" for c in cached):
            if policy == "window":
                meaning += (f" Sliding-window layers keep at most {arch.sliding_window} tokens "
                            "(allocation policy: keep the window).")
            else:
                meaning += (" Sliding-window layers are given full-length cache here (allocation "
                            "policy: full, as servers without a hybrid allocator reserve it).")
            source += "; Jiang et al. 2023 (Mistral 7B, sliding window attention)"
    stateful = sum(n for n, _ in _state_elements(arch))
    if stateful and arch.o_groups is None:
        meaning += (f" Only {layers} of {layers + stateful} layers are attention; the other {stateful} "
                    "keep a fixed recurrent state instead (its own line).")
    if arch.is_encoder_decoder:
        enc = tokens if encoder_tokens is None else encoder_tokens
        formula += " + 2 · layers · kv_heads · head_dim · bytes · encoder_tokens · batch"
        subst += f" + cross-attention over {enc} encoder tokens"
        meaning += (
            f" Encoder-decoder: the decoder also caches cross-attention K/V over the encoder "
            f"output, assumed {enc} tokens long."
        )
    return Explanation(
        title=title, meaning=meaning, formula=formula,
        substituted=f"{subst} = {format_bytes(value)}", source=source,
    )


def kv_cache_bytes(
    arch: Architecture,
    tokens: int,
    batch: int = 1,
    kv_precision: Precision | str = "bf16",
    encoder_tokens: int | None = None,
    sliding_policy: SlidingPolicy = "window",
) -> int:
    """Exact KV-cache bytes for `batch` sequences of `tokens` tokens.

    Standard/GQA/MQA: 2 · layers · kv_heads · head_dim · bytes · tokens · batch;
    MLA: layers · (kv_lora_rank + qk_rope_head_dim) · bytes · tokens · batch;
    sliding-window layers hold min(tokens, window) under `sliding_policy` "window", all tokens
    under "full"; linear-attention layers hold none (see `recurrent_state_bytes`);
    encoder-only models hold none; encoder-decoder adds cross-attention K/V over
    `encoder_tokens` (default: `tokens`).
    """
    require_positive("tokens", tokens)
    require_positive("batch", batch)
    if sliding_policy not in SLIDING_POLICIES:
        raise UserError(f"sliding-window allocation policy must be one of {', '.join(SLIDING_POLICIES)}")
    return _kv_cache(arch, tokens, batch, as_precision(kv_precision, kv=True), encoder_tokens, sliding_policy)


# --------------------------------------------------------------------------------------------
# Inference


class InferenceMemory(NamedTuple):
    weights_bytes: int
    kv_cache_bytes: int
    activations_bytes: int
    overhead_bytes: int
    inference_total_bytes: int  # the JSON's memory.inference_total_bytes
    explanations: Explanations
    recurrent_state_bytes: int = 0  # fixed per-sequence state of linear-attention / SSM layers


def _prefill_workspace(
    arch: Architecture, batch: int, context: int, act_bytes: int, chunk: int | None,
    flash_attention: bool,
) -> tuple[int, Callable[[], str]]:
    """Peak transient activations of one decoder layer during prefill, plus the last-token
    logits. Counted from the tensors transformers' eager forward holds at once under
    torch.inference_mode (no autograd state):

    - residual-width tensors: the embedding output (held by the model's forward until it
      returns), the layer input (held by the caller's loop variable), the post-attention
      residual and the normalised input: 4 · hidden;
    - inside the MLP at its peak: act(gate), up and their product for a gated MLP (3 · I),
      the up projection and its activation for a plain one (2 · I); for MoE layers the routed
      experts' share (top_k · 3 · I_expert) plus shared experts and the router logits;
    - inside attention: q, k, v, their rotary copies and the output; without flash attention
      the scores and fp32 softmax for every head (heads · s · s);
    - rotary cos/sin: 2 · rope_dim per token.
    """
    h = arch.hidden_size
    tokens_at_once = min(chunk, context) * batch if chunk else context * batch
    seq_at_once = min(chunk, context) if chunk else context
    q_w, kv_w, o_w = attention_widths(arch)
    gated = 3 if arch.gated_mlp else 2
    mlp_peak = 0
    moe_layers = arch.num_moe_layers
    if moe_layers:
        moe_i = arch.moe_intermediate_size or arch.intermediate_size
        mlp_peak = (arch.num_experts_per_tok * gated * moe_i + gated * shared_expert_width(arch)
                    + h + 2 * arch.num_local_experts)
    if moe_layers < arch.num_hidden_layers:  # some layers have a dense MLP
        mlp_peak = max(mlp_peak, gated * arch.intermediate_size)
    mlp_phase = 4 * h + mlp_peak
    attn_phase = 3 * h + 2 * q_w + kv_w + kv_w // 2 + o_w
    per_token = (max(mlp_phase, attn_phase) + 2 * rope_dim(arch)) * act_bytes
    workspace = per_token * tokens_at_once
    scores = 0
    if not flash_attention:
        # transformers eager_attention_forward: scores in the compute dtype plus the fp32
        # softmax, for every head of every query against every key.
        scores = batch * arch.num_attention_heads * seq_at_once * seq_at_once * (act_bytes + 4)
        workspace += scores
    logits = batch * arch.vocab_size * 4  # last token only, upcast to fp32 for sampling

    def detail() -> str:
        return (f"{per_token} B/token · {tokens_at_once} tokens"
                + (f" + scores {format_bytes(scores)}" if scores else "")
                + f" + logits {batch} · {arch.vocab_size} · 4")

    return workspace + logits, detail


def _weights_terms(params: ParamCountLike | int, prec: Precision) -> str:
    """The weights' count at each width, as `weights_bytes` adds them: the body at the format's
    bits and the parts the runtime keeps wider (so 'N at 8 bits' never hides 2.3B at 16)."""
    if isinstance(params, int):
        return f"{params:,} params at {prec.bits_per_weight:g} bits"
    wider: dict = {}
    for part in ("embedding", "head", "norm", "router"):
        count = int(getattr(params, part, 0) or 0)
        if count and prec.part_bits(part) != prec.exact_bits:
            wider.setdefault(prec.part_bits(part), []).append((part, count))
    body = params.total - sum(n for group in wider.values() for _, n in group)
    text = f"{body:,} params at {prec.bits_per_weight:g} bits"
    for bits, group in wider.items():
        text += f" + {sum(n for _, n in group):,} ({', '.join(p for p, _ in group)}) at {float(bits):g} bits"
    return text


def inference_memory(
    arch: Architecture,
    params: ParamCountLike | int,
    precision: Precision | str = "bf16",
    kv_precision: Precision | str = "bf16",
    batch: int = 1,
    context: int = 4096,
    prefill_chunk: int | None = None,
    flash_attention: bool = True,
    encoder_tokens: int | None = None,
    sliding_policy: SlidingPolicy = "window",
    state_precision: Precision | str = "bf16",
    stored_weights_bytes: int | None = None,
) -> InferenceMemory:
    """Memory to serve `batch` sequences of `context` tokens: weights, KV cache, the prefill
    activation workspace (whole prompt at once, or `prefill_chunk` tokens per sequence as
    vLLM's chunked prefill does) and the runtime overhead."""
    require_positive("batch", batch)
    require_positive("context", context)
    if prefill_chunk is not None:
        require_positive("prefill_chunk", prefill_chunk)
    prec = as_precision(precision)
    kvp = as_precision(kv_precision, kv=True)

    w = weights_bytes(params, prec) if stored_weights_bytes is None else stored_weights_bytes
    if sliding_policy not in SLIDING_POLICIES:
        raise UserError(f"sliding-window allocation policy must be one of {', '.join(SLIDING_POLICIES)}")
    kv = _kv_cache(arch, context, batch, kvp, encoder_tokens, sliding_policy)
    statep = as_precision(state_precision, kv=True)
    state = recurrent_state_bytes(arch, batch, statep)
    act_bytes = 4 if prec.compute_dtype == "fp32" else 2
    act, act_detail = _prefill_workspace(arch, batch, context, act_bytes, prefill_chunk,
                                         flash_attention)
    overhead = CUDA_CONTEXT_BYTES + CUBLAS_WORKSPACE_BYTES
    total = w + kv + state + act + overhead
    total_params = params if isinstance(params, int) else params.total
    def explain() -> dict[str, Explanation]:
        expl = {
            "weights_bytes": Explanation(
                title="Weights",
                meaning=f"The parameters stored as {prec.name}; "
                + ("parts kept in 16-bit by the runtime: " + ", ".join(prec.high_precision_parts)
                   if prec.high_precision_parts else "every part at the same format") + ".",
                formula=("expert matrices · bits_per_weight / 8 + the rest · 2" if prec.quantizes == "experts"
                         else "body · bits_per_weight / 8 + 16-bit parts · 2") if stored_weights_bytes is None
                else "Σ the file's tensor sizes (from its header)",
                substituted=(f"{getattr(params, 'expert_weights', 0):,} expert weights at {prec.bits_per_weight:g} bits"
                             f" + {total_params - getattr(params, 'expert_weights', 0):,} at 16 bits = {format_bytes(w)}"
                             if prec.quantizes == "experts" else
                             f"{_weights_terms(params, prec)} = {format_bytes(w)}")
                if stored_weights_bytes is None
                else f"{w:,} bytes = {format_bytes(w)} ({prec.description})",
                source=prec.source,
            ),
            "kv_cache_bytes": _explain_kv_cache(arch, context, batch, kvp, encoder_tokens, kv, sliding_policy),
            "recurrent_state_bytes": _explain_recurrent_state(arch, batch, statep, state),
            "activations_bytes": Explanation(
                title="Activations (prefill workspace)",
                meaning="Transient tensors of one layer while the prompt is processed (the largest "
                "is inside the MLP), plus the last token's logits. Freed after each layer, so it "
                "does not grow with depth.",
                formula="(4·hidden + MLP peak + 2·rope_dim) · act_bytes · tokens_at_once "
                "+ batch · vocab · 4",
                substituted=f"{act_detail()} = {format_bytes(act)}",
                source="Shapes of transformers' eager forward (LlamaModel/LlamaMLP) under "
                "torch.inference_mode, SDPA/flash attention (Dao et al. 2022: no s² scores); "
                "checked against measured_h100.json prefill peaks",
            ),
            "overhead_bytes": Explanation(
                title="Runtime overhead",
                meaning="Memory the runtime takes beside tensors: the CUDA context (driver, "
                "kernels) and the cuBLAS workspace.",
                formula="CUDA context + cuBLAS workspace",
                substituted=f"{format_bytes(CUDA_CONTEXT_BYTES)} + "
                f"{format_bytes(CUBLAS_WORKSPACE_BYTES)} = {format_bytes(overhead)}",
                source="cuBLAS workspace 32 MiB on Hopper: PyTorch PR #120925 / cuBLAS docs "
                "(cublasSetWorkspace); CUDA context: a 512 MiB allowance (not seen by "
                "torch.cuda.memory_allocated)",
            ),
            "inference_total_bytes": Explanation(
                title="Inference total",
                meaning="Everything on the device while serving: weights + KV cache + recurrent "
                "state + prefill workspace + runtime overhead.",
                formula="weights + kv_cache + recurrent_state + activations + overhead",
                substituted=f"{format_bytes(w)} + {format_bytes(kv)} + {format_bytes(state)} + "
                f"{format_bytes(act)} + {format_bytes(overhead)} = {format_bytes(total)}",
                source="sum of the parts above",
            ),
        }
        return expl

    return InferenceMemory(
        weights_bytes=w, kv_cache_bytes=kv, activations_bytes=act, overhead_bytes=overhead,
        inference_total_bytes=total, explanations=Explanations(explain), recurrent_state_bytes=state,
    )


