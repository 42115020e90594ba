"""Memory to run a model: weights, KV cache, prefill workspace and runtime overhead.

Figures assume a PyTorch runtime on a CUDA GPU: the prefill workspace is what Hugging Face
transformers' eager forward keeps alive (under torch.inference_mode, with SDPA / flash
attention and only the last token's logits), the overhead is the CUDA context plus the cuBLAS
workspace. Each formula cites its source beside it; `explanations` carry them to the user.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from paramtui.core.model.architecture import Architecture
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



def _cached_tokens_per_layer(arch: Architecture, tokens: int) -> list[int]:
    """Tokens each decoder layer holds: a sliding-window layer keeps at most the window
    (Mistral 7B v0.1 applies the window on every layer; Gemma 2 / gpt-oss name the sliding
    layers in `layer_types`)."""
    layers = decoder_layers(arch)
    if arch.sliding_window is None:
        return [tokens] * layers
    window = min(tokens, arch.sliding_window)
    if arch.layer_types is None:
        return [window] * layers
    return [window if t == "sliding_attention" else tokens for t in arch.layer_types]


def _kv_cache(
    arch: Architecture, tokens: int, batch: int, kv: Precision, encoder_tokens: int | None
) -> int:
    """The KV cache in bytes (see `kv_cache_bytes`; `_explain_kv_cache` says it in words)."""
    if not arch.is_decoder and not arch.is_encoder_decoder:
        return 0
    bits = kv.exact_bits
    cached = sum(_cached_tokens_per_layer(arch, tokens))
    if arch.uses_mla:
        # MLA caches one compressed latent c_KV (kv_lora_rank) plus the shared decoupled RoPE
        # key (qk_rope_head_dim) per token per layer, not per-head K and V
        # (DeepSeek-AI 2024, DeepSeek-V2, section 2.1.2-2.1.3; what vLLM and SGLang store).
        width = (arch.kv_lora_rank or 0) + (arch.qk_rope_head_dim or 0)
    else:
        width = 2 * arch.kv_heads * arch.resolved_head_dim
    elements = width * cached * batch
    if arch.is_encoder_decoder:
        # Cross-attention K/V over the encoder output are computed once and cached for every
        # decoder layer (transformers EncoderDecoderCache). Assumption: the encoder input is
        # `encoder_tokens` long, by default as long as the context.
        enc = tokens if encoder_tokens is None else encoder_tokens
        elements += 2 * arch.kv_heads * arch.resolved_head_dim * decoder_layers(arch) * enc * batch
    return bytes_for_bits((elements, bits))


def _explain_kv_cache(
    arch: Architecture, tokens: int, batch: int, kv: Precision, encoder_tokens: int | None, value: int
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
    per_layer_tokens = _cached_tokens_per_layer(arch, tokens)
    layers = len(per_layer_tokens)
    bytes_each = f"{kv.bits_per_weight / 8:g}"
    if arch.uses_mla:
        formula = "layers · (kv_lora_rank + qk_rope_head_dim) · bytes · tokens · batch"
        subst = (
            f"{layers} · ({arch.kv_lora_rank} + {arch.qk_rope_head_dim}) · "
            f"{bytes_each} · {_tokens_text(per_layer_tokens, tokens)} · {batch}"
        )
        meaning = (
            "Multi-head latent attention caches one compressed latent vector and a shared "
            "rotary key per token per layer, as serving runtimes (vLLM, SGLang) store it. "
            "transformers' eager implementation caches the decompressed per-head K and V "
            "instead, which is many times larger."
        )
        source = "DeepSeek-AI 2024, DeepSeek-V2, section 2.1 (low-rank key-value joint compression)"
    else:
        formula = "2 · layers · kv_heads · head_dim · bytes · tokens · batch"
        subst = (
            f"2 · {layers} · {arch.kv_heads} · {arch.resolved_head_dim} · {bytes_each}"
            f" · {_tokens_text(per_layer_tokens, tokens)} · {batch}"
        )
        meaning = (
            "Keys and values of every past token, kept per layer so each new token attends to "
            "them without recomputing; grouped-query and multi-query attention share K/V "
            "heads, so only kv_heads count."
        )
        source = (
            "Vaswani et al. 2017 (attention); Ainslie et al. 2023 (GQA); Shazeer 2019 (MQA)"
        )
        if arch.sliding_window is not None:
            meaning += f" Sliding-window layers keep at most {arch.sliding_window} tokens."
            source += "; Jiang et al. 2023 (Mistral 7B, sliding window attention)"
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


def _tokens_text(per_layer: list[int], tokens: int) -> str:
    if all(t == tokens for t in per_layer):
        return str(tokens)
    return f"(cached tokens summed over layers {sum(per_layer)} / {len(per_layer)} layers)"


def kv_cache_bytes(
    arch: Architecture,
    tokens: int,
    batch: int = 1,
    kv_precision: Precision | str = "bf16",
    encoder_tokens: int | None = None,
) -> int:
    """Exact KV-cache bytes for `batch` sequences of `tokens` tokens.

    Standard/GQA/MQA: 2 · layers · kv_heads · head_dim · bytes · tokens · batch;
    MLA: layers · (kv_lora_rank + qk_rope_head_dim) · bytes · tokens · batch;
    sliding-window layers hold min(tokens, window); encoder-only models hold none;
    encoder-decoder adds cross-attention K/V over `encoder_tokens` (default: `tokens`).
    """
    require_positive("tokens", tokens)
    require_positive("batch", batch)
    return _kv_cache(arch, tokens, batch, as_precision(kv_precision, kv=True), encoder_tokens)


# --------------------------------------------------------------------------------------------
# Inference


class InferenceMemory(NamedTuple):
    weights_bytes: int
    kv_cache_bytes: int
    activations_bytes: int
    overhead_bytes: int
    total_bytes: int
    explanations: Explanations


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

    w = weights_bytes(params, prec)
    kv = _kv_cache(arch, context, batch, kvp, encoder_tokens)
    act_bytes = 4 if prec.compute_dtype == "fp32" else 2
    act, act_detail = _prefill_workspace(arch, batch, context, act_bytes, prefill_chunk,
                                         flash_attention)
    overhead = CUDA_CONTEXT_BYTES + CUBLAS_WORKSPACE_BYTES
    total = w + kv + act + overhead
    total_params = params if isinstance(params, int) else params.total
    def explain() -> dict[str, Explanation]:
        expl = {
            "weights_bytes": Explanation(
                title="Weights",
                meaning=f"The parameters stored as {prec.name}; "
                + ("parts kept in 16-bit by the runtime: " + ", ".join(prec.high_precision_parts)
                   if prec.high_precision_parts else "every part at the same format") + ".",
                formula="body · bits_per_weight / 8 + 16-bit parts · 2",
                substituted=f"{total_params:,} params at {prec.bits_per_weight:g} bits = "
                f"{format_bytes(w)}",
                source=prec.source,
            ),
            "kv_cache_bytes": _explain_kv_cache(arch, context, batch, kvp, encoder_tokens, kv),
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
            "total_bytes": Explanation(
                title="Inference total",
                meaning="Everything on the device while serving: weights + KV cache + prefill "
                "workspace + runtime overhead.",
                formula="weights + kv_cache + activations + overhead",
                substituted=f"{format_bytes(w)} + {format_bytes(kv)} + {format_bytes(act)} + "
                f"{format_bytes(overhead)} = {format_bytes(total)}",
                source="sum of the parts above",
            ),
        }
        return expl

    return InferenceMemory(
        weights_bytes=w, kv_cache_bytes=kv, activations_bytes=act, overhead_bytes=overhead,
        total_bytes=total, explanations=Explanations(explain),
    )


