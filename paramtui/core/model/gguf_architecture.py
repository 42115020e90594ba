"""A GGUF file's architecture and parameter count, from its metadata and tensor names.

llama.cpp writes the shape under `<arch>.` keys (`llama.block_count`, `qwen3moe.expert_count`,
…; llama.cpp src/llama-arch.cpp, LLM_KV_NAMES) and names tensors by role (`token_embd`,
`blk.N.attn_q`, `blk.N.ffn_down_exps`, `output`; LLM_TENSOR_NAMES). The count is exact: the
sum of the tensors' elements, split by role from those names. The shape is what memory and
speed need (layers, widths, heads, KV heads, windows, experts); recurrent and hybrid files
(Mamba, Gated DeltaNet, LFM2's short convolutions) are read by `gguf_hybrid`. A key this
model of the network cannot represent yet (RWKV's time mixing, layers of different widths)
is refused in one line naming it, rather than answered with a wrong shape.

Multi-token prediction: `<arch>.nextn_predict_layers` = k says the last k of the
`block_count` blocks are NextN layers kept for speculative decoding (GLM-4.5: 92 layers + 1,
block_count 93; Qwen3.5, glm-dsa, Bailing MoE). llama.cpp, as of its GLM-4.5 support, gives
them no KV cache and does not run them when decoding normally (src/llama-model.cpp:
n_layer_kv_from_start = n_layer − nextn_predict_layers, their tensors created TENSOR_SKIP).
So the architecture is the main stack of block_count − k layers (KV cache, recurrent state,
FLOPs, activations, offload layers); the count keeps every tensor of the file and shows the
NextN layers' as their own part, `mtp`, outside the active count.
"""

from __future__ import annotations

import re
from typing import Any

from paramtui.core import validation as pyd
from paramtui.core.errors import UserError
from paramtui.core.io.checkpoint import Checkpoint
from paramtui.core.model.architecture import Architecture
from paramtui.core.model.params import ParamCount
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.units import format_count

# GGUF architecture names whose Hugging Face model_type differs (or that llama.cpp folds
# into another: Mistral and Mixtral files say "llama").
_MODEL_TYPES = {"qwen2moe": "qwen2_moe", "qwen3moe": "qwen3_moe", "deepseek2": "deepseek_v3",
                "gpt-oss": "gpt_oss", "gptneox": "gpt_neox", "olmoe": "olmoe", "glm4moe": "glm4_moe",
                "ernie4_5-moe": "ernie4_5_moe", "exaone4": "exaone4", "seed_oss": "seed_oss",
}
# Every n-th layer is full attention, the rest sliding (llama.cpp set_swa_pattern), where
# the file has a window but no pattern key: llama.cpp hard-codes these per architecture.
_SWA_EVERY = {"gemma2": 2, "gemma3": 6, "cohere2": 4, "gpt-oss": 2}


class _Meta:
    def __init__(self, ckpt: Checkpoint):
        self.m = ckpt.metadata
        self.arch = str(self.m.get("general.architecture") or "")
        self.origin = ckpt.path
        self.blocks = 0  # block_count, MTP layers included (set by `main_layers`)

    def main_layers(self) -> int:
        """The layers a token runs through: block_count less the multi-token-prediction
        (NextN) layers at its end; refused naming the key where those leave none."""
        self.blocks = int(self.required("block_count"))
        mtp = int(self.get("nextn_predict_layers") or 0)
        if not 0 <= mtp < self.blocks:
            raise UserError(f"{self.origin}: {self.key('nextn_predict_layers')} ({mtp}) must leave at least one "
                            f"of the {self.blocks} blocks outside the multi-token-prediction layers")
        return self.blocks - mtp

    def key(self, name: str) -> str:
        return f"{self.arch}.{name}"

    def get(self, name: str, default: Any = None) -> Any:
        return self.m.get(self.key(name), default)

    def required(self, name: str) -> Any:
        value = self.get(name)
        if value is None:
            raise UserError(f"{self.origin}: GGUF metadata lacks {self.key(name)!r}")
        return value

    def uniform(self, name: str, default: Any = None, *, allow_zero: bool = True) -> Any:
        """A per-model value that llama.cpp may write per layer (an array): the same in every
        layer, or refused naming the key."""
        value = self.get(name, default)
        if isinstance(value, list):
            values = set(value)
            if len(values) != 1 or (not allow_zero and 0 in values):
                raise UserError(f"{self.origin}: {self.key(name)} differs between layers ({sorted(values)[:4]}…): "
                                "layers of different shapes are not modelled yet")
            value = value[0]
        return value


def gguf_architecture(ckpt: Checkpoint) -> Architecture:
    """The architecture a GGUF file's metadata describes."""
    g = _Meta(ckpt)
    if not g.arch:
        raise UserError(f"{ckpt.path}: GGUF metadata lacks 'general.architecture'")
    from paramtui.core.model.gguf_hybrid import RECURRENT, hybrid_architecture

    if g.arch in RECURRENT:
        return _validated(ckpt, hybrid_architecture(g, ckpt.tensor_elements, ckpt.tensor_shapes))
    recurrent = [k for k in g.m if k.startswith((g.key("ssm."), g.key("wkv."), g.key("shortconv."),
                                                   g.key("full_attention_interval")))]
    if recurrent:
        raise UserError(f"{ckpt.path}: {recurrent[0]}: the recurrent layers of a {g.arch!r} GGUF file are not "
                        f"modelled yet (these are: {', '.join(RECURRENT)})")
    names = ckpt.tensor_elements
    hidden = int(g.required("embedding_length"))
    layers = g.main_layers()
    heads = int(g.uniform("attention.head_count", allow_zero=False) or 0)
    if not heads:
        raise UserError(f"{ckpt.path}: GGUF metadata lacks {g.key('attention.head_count')!r}")
    kv_heads = g.uniform("attention.head_count_kv", heads, allow_zero=False)
    key_length = g.get("attention.key_length")
    value_length = g.get("attention.value_length")
    embd = names.get("token_embd.weight")
    vocab = g.get("vocab_size") or ckpt.metadata.get("tokenizer.ggml.tokens.length") or (embd // hidden if embd else None)
    if not vocab:
        raise UserError(f"{ckpt.path}: no vocabulary size (no {g.key('vocab_size')}, tokenizer or token_embd)")
    experts = int(g.get("expert_count") or 0)
    ffn = g.uniform("feed_forward_length", None)
    moe_ffn = g.get("expert_feed_forward_length")
    kwargs: dict[str, Any] = dict(
        model_type=_MODEL_TYPES.get(g.arch, g.arch.replace("-", "_")), vocab_size=int(vocab), hidden_size=hidden,
        num_hidden_layers=layers, num_attention_heads=heads, num_key_value_heads=int(kv_heads),
        intermediate_size=int(ffn or moe_ffn or 4 * hidden),
        gated_mlp=any(".ffn_gate" in n for n in names) or not any(".ffn_up" in n for n in names),
        norm_type="layernorm" if g.get("attention.layer_norm_epsilon") is not None else "rmsnorm",
        tie_word_embeddings="output.weight" not in names,
        position_embedding_type="learned" if "position_embd.weight" in names else "rope",
        max_position_embeddings=int(g.get("context_length") or 4096),
    )
    kv_lora = g.get("attention.kv_lora_rank")
    if kv_lora:  # multi-head latent attention (DeepSeek-V2/V3, Kimi K2)
        rope = int(g.required("rope.dimension_count"))
        k_len = int(g.get("attention.key_length_mla") or key_length or 0)
        kwargs.update(kv_lora_rank=int(kv_lora), q_lora_rank=int(g.get("attention.q_lora_rank") or 0) or None,
                      qk_rope_head_dim=rope, qk_nope_head_dim=k_len - rope,
                      v_head_dim=int(g.get("attention.value_length_mla") or value_length or 0),
                      num_key_value_heads=heads)
    else:
        if key_length is not None and value_length is not None and key_length != value_length:
            raise UserError(f"{ckpt.path}: {g.key('attention.value_length')} ({value_length}) differs from "
                            f"key_length ({key_length}): keys and values of different widths are not modelled yet")
        if key_length is not None:
            kwargs["head_dim"] = int(key_length)
    window = g.get("attention.sliding_window")
    if window:
        kwargs.update(sliding_window=int(window), layer_types=_layer_types(g, layers))
    kwargs.update(_shared_kv(g, layers, kwargs.get("layer_types")))
    _refuse_other_swa_head_size(g, key_length)
    if experts:
        shared = int(g.get("expert_shared_count") or 0)
        kwargs.update(num_local_experts=experts, num_experts_per_tok=int(g.required("expert_used_count")),
                      moe_intermediate_size=int(moe_ffn) if moe_ffn else None, n_shared_experts=shared,
                      first_k_dense_replace=int(g.get("leading_dense_block_count") or 0))
        shared_ffn = g.get("expert_shared_feed_forward_length")
        if shared_ffn:
            kwargs["shared_expert_intermediate_size"] = int(shared_ffn)
    return _validated(ckpt, kwargs)


def _shared_kv(g: _Meta, layers: int, layer_types: tuple[str, ...] | None) -> dict[str, Any]:
    """Gemma 3n's last `attention.shared_kv_layers` layers reuse the keys and values of the
    last earlier layer of their kind and cache none of their own (llama.cpp
    n_layer_kv_from_start = n_layer − shared_kv_layers)."""
    shared = int(g.get("attention.shared_kv_layers") or 0)
    if not shared:
        return {}
    key = g.key("attention.shared_kv_layers")
    if shared >= layers:
        raise UserError(f"{g.origin}: {key} ({shared}) must leave at least one of the {layers} layers caching")
    kinds = layer_types or ("full_attention",) * layers
    if set(kinds[layers - shared:]) - set(kinds[:layers - shared]):
        raise UserError(f"{g.origin}: {key} ({shared}): a shared layer's kind has no earlier layer "
                        "computing its keys and values")
    return {"kv_shared_layers": shared}


def _refuse_other_swa_head_size(g: _Meta, key_length: Any) -> None:
    """Sliding-window layers of another head size than the full ones (no field for it here)."""
    swa_length = g.get("attention.key_length_swa")
    if swa_length and key_length and swa_length != key_length:
        raise UserError(f"{g.origin}: {g.key('attention.key_length_swa')} ({swa_length}) differs from key_length "
                        f"({key_length}): sliding-window layers of another head size are not modelled yet")


def _validated(ckpt: Checkpoint, kwargs: dict[str, Any]) -> Architecture:
    try:
        return pyd.validate(Architecture, kwargs)
    except UserError as e:
        raise UserError(f"{ckpt.path}: the shape in its GGUF metadata is not valid: {e}") from None


def _layer_types(g: _Meta, layers: int) -> tuple[str, ...]:
    pattern = g.get("attention.sliding_window_pattern")
    if isinstance(pattern, list):  # per layer: true where the layer uses the window
        if len(pattern) not in (layers, g.blocks):  # the MTP layers' entries, where written, are not run
            raise UserError(f"{g.origin}: {g.key('attention.sliding_window_pattern')} lists {len(pattern)} "
                            f"layers, not {g.blocks}")
        return tuple("sliding_attention" if p else "full_attention" for p in pattern[:layers])
    every = int(pattern) if pattern else _SWA_EVERY.get(g.arch, 0)
    if not every:  # a window on every layer (Mistral 7B v0.1)
        return ("sliding_attention",) * layers
    return tuple("full_attention" if i % every == every - 1 else "sliding_attention" for i in range(layers))


def _part(name: str) -> str:
    """Which part of the model a tensor belongs to, by its llama.cpp name."""
    if ".shortconv." in name:  # blk.0.shortconv.in_proj.weight: LFM2's token mixer
        return "attention"
    # blk.0.attn_q.weight -> attn_q; blk.0.ssm_a (llama.cpp writes some without a suffix) -> ssm_a
    role = name.removesuffix(".weight").removesuffix(".bias").rsplit(".", 1)[-1]
    if "norm" in role or role.endswith("_ln"):  # time_mix_ln: RWKV's GroupNorm
        return "norm"
    if role in ("token_embd", "position_embd", "token_types"):
        return "embedding"
    if role in ("output", "cls", "cls_out"):
        return "head"
    if role.startswith(("attn", "ssm", "time_mix", "rope")) or role in ("wkv",):
        return "attention"
    return "mlp"


_BLOCK = re.compile(r"^blk\.(\d+)\.")


def _mtp_tensors(ckpt: Checkpoint) -> tuple[int, set[str]]:
    """(the multi-token-prediction layers' count, their tensors' names): every `blk.N.`
    tensor of the last `nextn_predict_layers` blocks."""
    g = _Meta(ckpt)
    main = g.main_layers()
    if main == g.blocks:
        return 0, set()
    names = {n for n in ckpt.tensor_elements if (m := _BLOCK.match(n)) and int(m.group(1)) >= main}
    return g.blocks - main, names


def gguf_param_count(ckpt: Checkpoint, arch: Architecture) -> ParamCount:
    """The exact count: the file's tensors' elements, split by role; active per token leaves
    out the routed experts a token does not use (`*_exps` tensors) and the multi-token-
    prediction layers, which are counted as their own part (`mtp`) and not run."""
    parts = dict.fromkeys(("embedding", "attention", "mlp", "norm", "head"), 0)
    routed = mtp = 0
    mtp_layers, mtp_names = _mtp_tensors(ckpt)
    for name, n in ckpt.tensor_elements.items():
        if name in mtp_names:
            mtp += n
            continue
        parts[_part(name)] += n
        if "_exps." in name:
            routed += n
    total = sum(parts.values()) + mtp
    run = total - mtp
    active = run
    if routed and arch.num_local_experts:
        active = run - routed + routed * arch.num_experts_per_tok // arch.num_local_experts

    def explain() -> dict[str, Explanation]:
        why = Explanation(
            title="Parameters (from the file)",
            meaning="Counted from the GGUF file's tensor table: every tensor's elements, split by "
            "the role llama.cpp names it with."
            + (" The multi-token-prediction layers' tensors are their own part." if mtp else ""),
            formula="total = Σ elements of the file's tensors",
            substituted=f"{len(ckpt.tensor_elements)} tensors = {format_count(total)} ({total:,})",
            source="the file's header (llama.cpp GGUF format, tensor info)")
        out = {"total": why}
        if active != total:
            mtp_term = f" − {mtp:,} (multi-token prediction)" if mtp else ""
            moe = routed and arch.num_local_experts
            out["active"] = Explanation(
                title="Active parameters (from the file)",
                meaning=("Per token only the experts the router picks run." if moe else "")
                + (" The multi-token-prediction layers are not run." if mtp else ""),
                formula=("total − multi-token prediction" if mtp else "total")
                + (" − routed experts + routed experts · experts_per_token / experts" if moe else ""),
                substituted=f"{total:,}{mtp_term}"
                + (f" − {routed:,} + {routed:,} · {arch.num_experts_per_tok}/{arch.num_local_experts}" if moe else "")
                + f" = {format_count(active)}",
                source="the file's *_exps tensors and expert counts" if moe else "the file's nextn_predict_layers")
        if mtp:
            out["mtp"] = Explanation(
                title="Multi-token prediction, in the file but not run",
                meaning=f"The last {mtp_layers} of the file's {arch.num_hidden_layers + mtp_layers} blocks are "
                "multi-token-prediction (NextN) layers, kept for speculative decoding. Assumed runtime: "
                "llama.cpp as of its GLM-4.5 support, which gives them no KV cache and does not run them "
                f"when decoding normally, so the KV cache, recurrent state, FLOPs, activations, active "
                f"parameters and offload layers here are the {arch.num_hidden_layers} main layers', and a "
                "decode step reads none of their bytes. Their "
                "weights are counted (the file holds them); llama.cpp skips loading them unless MTP "
                "drafting is on, so there the memory is lower by their bytes.",
                formula=f"Σ elements of blk.{arch.num_hidden_layers}…blk.{arch.num_hidden_layers + mtp_layers - 1}",
                substituted=f"{len(mtp_names)} tensors = {format_count(mtp)} ({mtp:,})",
                source="the file's nextn_predict_layers; llama.cpp src/llama-model.cpp "
                "(n_layer_kv_from_start = n_layer − nextn_predict_layers; NextN tensors TENSOR_SKIP)")
        return out

    return ParamCount(total=total, active=active, explanations=Explanations(explain), mtp=mtp, **parts)
