"""What each scenario input means in plain words: typical values and what it changes (the
Calculator's `e` / f1 on a field, issue 13 item 8). The input's label and one-line help are
its own (`inputs/options.py`); this adds what a newcomer needs to choose a value."""

from __future__ import annotations

from typing import NamedTuple


class InputHelp(NamedTuple):
    typical: str  # typical values, with where they come from
    changes: str  # which figures move when it changes


INPUT_HELP: dict[str, InputHelp] = {
    "name": InputHelp("any words; it follows the model until you rename it", "only the label in tables"),
    "model": InputHelp("a catalog model (ctrl+l), a bare count like 7B, or an imported config.json",
                       "everything: parameters, memory, compute, speed, predicted loss"),
    "precision": InputHelp("bf16 to serve or train on GPUs; q4_k_m or int4 to fit a big model on a desktop card",
                           "weights memory, decode speed (fewer bytes to read), and what fits"),
    "kv_precision": InputHelp("auto (16-bit); fp8 halves the cache on GPUs that support it",
                              "KV cache memory, the largest context and batch that fit"),
    "inference.batch": InputHelp("1 for one chat; 8–64 for a serving engine; for training the micro-batch per device (1–8)",
                                 "KV cache and activations, aggregate tokens/s; training activation memory"),
    "inference.context": InputHelp("4,096–8,192 for chat; 32k–128k for long documents (up to the model's limit)",
                                   "KV cache grows in proportion; prefill time; training sequence length"),
    "inference.runtime": InputHelp("optimized (vLLM, llama.cpp) for serving; eager for a plain transformers loop",
                                   "decode and prefill speed (kernel launch overhead)"),
    "target": InputHelp("H100 / H200 in a cloud; RTX 4090 / 5090 on a desk; Apple M-series laptops",
                        "usable memory (what fits), speed, training time and price"),
    "gpus": InputHelp("1 on a desk; 8 in one server; hundreds to thousands to pretrain",
                      "memory per device, speed (tensor parallel), training time"),
    "price_per_hour_usd": InputHelp("$2–4 per H100-hour on demand in 2024–25; less reserved",
                                    "training cost, cost per million tokens, what a dollar budget buys"),
    "host_ram_bytes": InputHelp("32–128GB in a desktop PC; 1–2TB in a GPU server",
                                "whether a model too big for the device runs with offload, and how fast"),
    "purpose": InputHelp("inference to serve a model; fine-tune with LoRA/QLoRA on your data; pretrain from scratch",
                         "which figures are shown, a fine-tune's default tokens (100M) and the predicted loss"),
    "training.tokens": InputHelp("fine-tune: 10M–1B (your dataset); pretraining: 20 per parameter (Chinchilla) "
                                 "to 2,000 (Llama 3 8B: 15T)",
                                 "training compute, time, cost, energy; the predicted loss"),
    "training.method": InputHelp("full to pretrain; LoRA or QLoRA to fine-tune on one GPU",
                                 "training memory (frozen base, no optimizer state for it) and compute (~2/3)"),
    "training.lora_rank": InputHelp("8–64 (QLoRA paper: 64; peft's default: 8)", "adapter parameters, a little memory and compute"),
    "training.optimizer": InputHelp("AdamW almost always; 8-bit AdamW or Adafactor to save memory",
                                    "optimizer memory: 12 bytes per weight for AdamW, 2 for 8-bit"),
    "training.regime": InputHelp("mixed (fp32 master weights) is the usual; pure bf16 saves memory",
                                 "weights, gradients and optimizer bytes per parameter"),
    "training.recompute": InputHelp("none if it fits; selective or full when activations do not",
                                    "activation memory down, compute up (full: +1/3)"),
    "training.zero": InputHelp("0 on one GPU; 1–3 over many (3 = FSDP)", "training memory per device (state is sharded)"),
    "training.tensor_parallel": InputHelp("1; 2–8 within one server's NVLink", "training memory per device"),
    "training.pipeline_parallel": InputHelp("1; 2–16 for the largest models across servers", "training memory per device"),
    "training.mfu": InputHelp("30–50% for large runs (Llama 3: 38–43%); lower for small models",
                              "training time, GPU-hours, cost; what a budget buys"),
    "scaling.law": InputHelp("Epoch AI's refit (default), Chinchilla as printed, Kaplan, or Muennighoff for repeated data",
                             "the predicted loss and the compute-optimal size"),
    "scaling.unique_tokens": InputHelp("the size of your corpus when it is smaller than the training tokens",
                                       "the predicted loss (repeated data is worth less)"),
    "scaling.data_quality": InputHelp("1 (an assumption either way); filtered data such as FineWeb-Edu reports "
                                      "reaching a benchmark score on several times fewer tokens, less on others",
                                      "the tokens the law sees (quality × D) and so the predicted loss; not compute"),
    "scaling.inference_tokens": InputHelp("a chat model serving 1B requests of 1,000 tokens: 1T; a small "
                                          "internal tool: 1–10B",
                                          "the inference-aware size and tokens on the Scaling screen (Sardana "
                                          "et al. 2024)"),
    "budget.usd": InputHelp("$10k–$1M for a research run", "the budget plan: size, tokens, loss, time"),
    "budget.gpu_hours": InputHelp("1,000–100,000 device-hours", "the budget plan: size, tokens, loss, time"),
    "budget.days": InputHelp("7–90 days on the scenario's devices", "the budget plan: size, tokens, loss, cost"),
    "budget.flops": InputHelp("1e21–1e25 (GPT-3: 3.1e23; Llama 3 405B: 3.8e25)", "the budget plan: size, tokens, loss"),
}


class ArchitectureHelp(NamedTuple):
    title: str
    meaning: str
    typical: str
    changes: str


# The Calculator's architecture fields (f1 on one): their words are the model's own config
# keys, which a newcomer has not met; the layer pattern's kinds above all.
ARCHITECTURE_HELP: dict[str, ArchitectureHelp] = {
    "hidden_size": ArchitectureHelp(
        "Hidden size", "How many numbers carry each token from one layer to the next (the model's width).",
        "2,048–8,192 (Llama 3.1 8B: 4,096; 70B: 8,192)", "every layer's parameters, activations and compute"),
    "num_hidden_layers": ArchitectureHelp(
        "Layers", "How many blocks the model stacks, each a token mixer (attention or another kind) and an MLP.",
        "16–126 (Llama 3.1 8B: 32; 405B: 126)", "parameters, KV cache and compute, in proportion"),
    "layer_pattern": ArchitectureHelp(
        "Layer pattern", "How the layers mix tokens, as the unit that repeats: full = attention to the whole "
        "context (its KV cache grows with it); sliding = attention to only the last window of tokens; "
        "chunked = attention within fixed chunks of the context; linear = linear attention (Gated "
        "DeltaNet): a fixed-size recurrent state instead of a KV cache; mamba = a state-space layer, "
        "also a fixed-size state; mamba-attention = both side by side; conv = a short convolution; "
        "rwkv = RWKV's recurrent mixing; csa and hca = DeepSeek-V4's compressed attention (an entry per "
        "few tokens, or per many); mlp or moe = a layer with no token mixer.",
        "full for most models; '1 sliding + 1 full' (Gemma 2, gpt-oss); '5 sliding + 1 full' (Gemma 3); "
        "'3 linear + 1 full' (Qwen3-Next, Qwen3.5)",
        "KV cache and recurrent state; attention compute at long contexts"),
    "num_attention_heads": ArchitectureHelp(
        "Attention heads", "How many separate attention patterns each attention layer computes side by side.",
        "16–128 (Llama 3.1 8B: 32)", "attention compute; with KV heads, the KV cache"),
    "num_key_value_heads": ArchitectureHelp(
        "KV heads", "How many key/value pairs the heads share (grouped-query attention); as many as the heads "
        "when none are shared.", "1–8 in recent models (Llama 3.1 8B: 8 for 32 heads)",
        "the KV cache, in proportion"),
    "intermediate_size": ArchitectureHelp(
        "FFN size", "The width inside each layer's MLP (feed-forward network), usually 3–4× the hidden size.",
        "Llama 3.1 8B: 14,336 for a hidden size of 4,096", "MLP parameters, most of a dense model"),
    "vocab_size": ArchitectureHelp(
        "Vocabulary", "How many different tokens the model knows (the rows of its embedding table).",
        "32,000–262,144 (Llama 3: 128,256)", "embedding and output head parameters, the logits' memory"),
    "num_local_experts": ArchitectureHelp(
        "Experts", "How many MLPs ('experts') each mixture-of-experts layer holds; 0 or empty for a dense model.",
        "8 (Mixtral) to 384 (Kimi K2)", "total parameters and weights memory, not the active ones"),
    "num_experts_per_tok": ArchitectureHelp(
        "Experts per token (top-k)", "How many of those experts the router picks for each token.",
        "1–10 (Mixtral: 2; DeepSeek-V3: 8)", "active parameters, decode speed and compute"),
}
