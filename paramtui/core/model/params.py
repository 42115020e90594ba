"""Exact parameter counts from an architecture (DESIGN.md, Core: "Parameter count must be exact").

`count_parameters` gives the number Hugging Face transformers gives for the same config:
`sum(p.numel() for p in model.parameters())`, tied weights counted once, for the class
transformers builds (`…ForCausalLM` for decoders, `BertModel` for BERT,
`T5ForConditionalGeneration` for T5). Every term below is the shape of a module in
transformers' modeling code (modeling_llama.py, modeling_gpt2.py, modeling_falcon.py,
modeling_opt.py, modeling_t5.py, modeling_bert.py, modeling_deepseek_v3.py, ...): a Linear
has in·out weights plus out biases, an Embedding rows·width, a LayerNorm a weight and a bias,
an RMSNorm a weight. scripts/verify_counts_with_transformers.py checks the result against
transformers itself for every config in tests/core/hf_configs/.

Active parameters per token (MoE) are everything except the routed experts, plus
`num_experts_per_tok` routed experts in each MoE layer. Embeddings and the LM head count as
active: that is how both published active counts are made. Mixtral 8x7B's "12.9B active"
(Mistral AI, "Mixtral of experts", 2023; Jiang et al. 2024, section 2.1: "13B active") equals
46.70B total minus 6 of 8 experts in 32 layers, embeddings included (12.88B; without the
262M of embedding and head it would be 12.62B). DeepSeek-V3's "37B activated" (DeepSeek-AI
2024, technical report, abstract) likewise matches 37.55B with embeddings (35.70B without).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from paramtui.core.model.architecture import Architecture
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.units import format_count

PARTS = ("embedding", "attention", "mlp", "norm", "head")

_SOURCE = (
    "Module shapes in Hugging Face transformers' modeling code for this model_type "
    "(e.g. modeling_llama.py: q/k/v/o_proj, gate/up/down_proj, RMSNorm); "
    "count = sum(p.numel() for p in model.parameters()), tied weights once"
)
_MOE_SOURCE = (
    "Active = all parameters except routed experts, plus num_experts_per_tok experts per MoE "
    "layer (Shazeer et al. 2017; Fedus et al. 2022, Switch Transformer §2). Embeddings count as "
    "active, as in Mistral AI's 12.9B for Mixtral 8x7B and DeepSeek-V3's 37B"
)


class ParamCount(NamedTuple):
    """A model's parameters, in total, per token (MoE) and by part; the parts add up to the total."""

    total: int
    active: int  # per token; = total for a dense model
    embedding: int  # token + learned position + token-type embeddings (+ OPT's project_in/out)
    attention: int  # attention projections and biases, MLA down/up projections and their norms,
    # T5's relative attention bias
    mlp: int  # dense MLPs, routed and shared experts, routers and expert gates
    norm: int  # every norm weight and bias, the final norm included
    head: int  # untied LM head; BERT's pooler; 0 when the head is tied to the embedding
    explanations: Explanations = Explanations()  # none: an empty mapping, never written to


@dataclass(frozen=True)
class _Term:
    """One addend of a part: its symbolic formula, the same with numbers, and its value."""

    symbolic: str
    numeric: str
    value: int


def _linear(d_in: int, d_out: int, bias: bool) -> int:
    """torch.nn.Linear: an out×in weight plus, with bias, out more."""
    return d_in * d_out + (d_out if bias else 0)


def _norm(arch: Architecture, width: int) -> int:
    """LayerNorm has weight and bias; RMSNorm (and T5's LayerNorm, which is an RMSNorm) a weight."""
    return width * (2 if arch.norm_type == "layernorm" else 1)


def _self_attention(arch: Architecture) -> int:
    """One layer's self-attention: q/k/v/o projections (GQA/MQA aware) or MLA, with biases."""
    d, h = arch.hidden_size, arch.num_attention_heads
    if arch.uses_mla:
        # DeepSeek-V2/V3 (DeepSeek-AI 2024, §2.1.1; transformers DeepseekV3Attention):
        # q: d -> q_lora (+RMSNorm) -> h·(nope+rope), or one d -> h·(nope+rope) without q_lora;
        # kv: d -> kv_lora + rope (+RMSNorm on kv_lora) -> h·(nope+v); o: h·v -> d.
        qk_head = arch.qk_nope_head_dim + arch.qk_rope_head_dim
        bias = arch.attention_bias
        if arch.q_lora_rank is None:
            q = _linear(d, h * qk_head, False)
        else:
            q = (_linear(d, arch.q_lora_rank, bias) + arch.q_lora_rank
                 + _linear(arch.q_lora_rank, h * qk_head, False))
        kv = (_linear(d, arch.kv_lora_rank + arch.qk_rope_head_dim, bias) + arch.kv_lora_rank
              + _linear(arch.kv_lora_rank, h * (arch.qk_nope_head_dim + arch.v_head_dim), False))
        return q + kv + _linear(h * arch.v_head_dim, d, bias)
    hd, kv_heads = arch.resolved_head_dim, arch.kv_heads
    qkv_bias = arch.attention_bias or arch.qkv_bias
    return (_linear(d, h * hd, qkv_bias) + 2 * _linear(d, kv_heads * hd, qkv_bias)
            + _linear(h * hd, d, arch.attention_bias))


def _cross_attention(arch: Architecture) -> int:
    """Decoder cross-attention of an encoder-decoder (T5 EncDecAttention): q/k/v/o, no MLA."""
    d, h, hd = arch.hidden_size, arch.num_attention_heads, arch.resolved_head_dim
    bias = arch.attention_bias
    return _linear(d, h * hd, bias) + 2 * _linear(d, arch.kv_heads * hd, bias) + _linear(h * hd, d, bias)


def _dense_mlp(arch: Architecture, width: int) -> int:
    """A dense MLP: gate+up+down when gated (SwiGLU/GeGLU), up+down otherwise, with biases."""
    d, bias = arch.hidden_size, arch.mlp_bias
    ins = 2 if arch.gated_mlp else 1
    return ins * _linear(d, width, bias) + _linear(width, d, bias)


def _expert_width(arch: Architecture) -> int:
    return arch.moe_intermediate_size or arch.intermediate_size


def _shared_width(arch: Architecture) -> int:
    """All shared experts together: n_shared · their width (DeepSeek builds one MLP that wide)."""
    return arch.n_shared_experts * (arch.shared_expert_intermediate_size or _expert_width(arch))


def _moe_parts(arch: Architecture) -> tuple[int, int]:
    """(routed experts, everything else) of one MoE layer's MLP block."""
    routed = arch.num_local_experts * _dense_mlp(arch, _expert_width(arch))
    router = arch.num_local_experts * arch.hidden_size  # gate: hidden -> experts, no bias
    shared = _dense_mlp(arch, _shared_width(arch)) if arch.n_shared_experts else 0
    gate = arch.hidden_size if arch.shared_expert_gate and arch.n_shared_experts else 0
    return routed, router + shared + gate


def _n(x: int) -> str:
    return f"{x:,}".replace(",", " ") if x >= 100_000 else str(x)


def _embedding_terms(arch: Architecture) -> list[_Term]:
    v, e, d = arch.vocab_size, arch.embedding_dim, arch.hidden_size
    terms = [_Term("vocab·d_emb", f"{v}·{e}", v * e)]
    if arch.position_embedding_type == "learned":
        rows = arch.max_position_embeddings + arch.position_embedding_offset
        sym = "(positions + offset)·d" if arch.position_embedding_offset else "positions·d"
        num = (f"({arch.max_position_embeddings} + {arch.position_embedding_offset})·{d}"
               if arch.position_embedding_offset else f"{arch.max_position_embeddings}·{d}")
        terms.append(_Term(sym, num, rows * d))
    if arch.type_vocab_size:
        terms.append(_Term("token_types·d", f"{arch.type_vocab_size}·{d}", arch.type_vocab_size * d))
    if e != d:
        terms.append(_Term("2·d_emb·d (project_in, project_out)", f"2·{e}·{d}", 2 * e * d))
    return terms


def _decoder_layers(arch: Architecture) -> int:
    """Layers of the decoder stack of an encoder-decoder."""
    return arch.num_decoder_layers or arch.num_hidden_layers


def _layers(arch: Architecture) -> str:
    """The symbol for num_hidden_layers: the encoder's depth in an encoder-decoder."""
    return "encoder_layers" if arch.is_encoder_decoder else "layers"


def _attention_terms(arch: Architecture) -> list[_Term]:
    L = arch.num_hidden_layers
    per_layer = _self_attention(arch)
    if arch.uses_mla:
        sym = f"{_layers(arch)}·MLA(q_a, q_a_norm, q_b, kv_a, kv_a_norm, kv_b, o)"
    else:
        bias = " + biases" if arch.attention_bias or arch.qkv_bias else ""
        sym = f"{_layers(arch)}·(d·(heads + 2·kv_heads)·head_dim + heads·head_dim·d{bias})"
    terms = [_Term(sym, f"{L}·{_n(per_layer)}", L * per_layer)]
    if arch.is_encoder_decoder:
        Ld = _decoder_layers(arch)
        cross = _cross_attention(arch)
        terms.append(_Term("decoder_layers·(self + cross attention)",
                           f"{Ld}·({_n(per_layer)} + {_n(cross)})", Ld * (per_layer + cross)))
    if arch.position_embedding_type == "relative":
        # T5: a (buckets × heads) relative position bias in the first layer of each stack only.
        stacks = 2 if arch.is_encoder_decoder else 1
        b, h = arch.relative_attention_num_buckets, arch.num_attention_heads
        terms.append(_Term("stacks·buckets·heads (relative bias, first layer)",
                           f"{stacks}·{b}·{h}", stacks * b * h))
    return terms


def _mlp_terms(arch: Architecture) -> list[_Term]:
    L = arch.num_hidden_layers
    moe_layers = arch.num_moe_layers
    dense_layers = L - moe_layers
    terms = []
    if dense_layers:
        per = _dense_mlp(arch, arch.intermediate_size)
        mats = "3" if arch.gated_mlp else "2"
        label = "encoder_layers" if arch.is_encoder_decoder else "dense_layers"
        terms.append(_Term(f"{label}·{mats}·d·ffn" + (" + biases" if arch.mlp_bias else ""),
                           f"{dense_layers}·{_n(per)}", dense_layers * per))
    if moe_layers:
        routed, other = _moe_parts(arch)
        terms.append(_Term("moe_layers·experts·expert_mlp", f"{moe_layers}·{_n(routed)}", moe_layers * routed))
        other_sym = "moe_layers·(router" + (" + shared experts" if arch.n_shared_experts else "") + (
            " + shared gate" if arch.shared_expert_gate and arch.n_shared_experts else "") + ")"
        terms.append(_Term(other_sym, f"{moe_layers}·{_n(other)}", moe_layers * other))
    if arch.is_encoder_decoder:
        Ld = _decoder_layers(arch)
        per = _dense_mlp(arch, arch.intermediate_size)
        terms.append(_Term("decoder_layers·ffn", f"{Ld}·{_n(per)}", Ld * per))
    return terms


def _norm_terms(arch: Architecture) -> list[_Term]:
    L, d = arch.num_hidden_layers, arch.hidden_size
    size = _norm(arch, d)
    kind = "(weight + bias)" if arch.norm_type == "layernorm" else "weight"
    k = arch.resolved_norms_per_layer
    terms = [_Term(f"{_layers(arch)}·norms_per_layer·d {kind}", f"{L}·{k}·{_n(size)}", L * k * size)]
    if arch.qk_norm:
        per = 2 * _norm(arch, arch.resolved_head_dim)
        terms.append(_Term("layers·2·head_dim (q_norm, k_norm)", f"{L}·{_n(per)}", L * per))
    if arch.is_encoder_decoder:
        # Decoder layers add a norm before cross-attention; each stack has its own final norm.
        Ld = _decoder_layers(arch)
        terms.append(_Term("decoder_layers·(norms_per_layer + 1)·d", f"{Ld}·{k + 1}·{_n(size)}", Ld * (k + 1) * size))
        if arch.final_norm:
            terms.append(_Term("2 final norms", f"2·{_n(size)}", 2 * size))
    elif arch.final_norm:
        terms.append(_Term("final norm", _n(size), size))
    if arch.embedding_norm:
        terms.append(_Term("embedding norm", _n(size), size))
    return terms


def _head_terms(arch: Architecture) -> list[_Term]:
    terms = []
    if arch.has_lm_head and not arch.tie_word_embeddings:
        v, e = arch.vocab_size, arch.embedding_dim
        terms.append(_Term("vocab·d_emb (untied LM head)", f"{v}·{e}", v * e))
    if arch.pooler:
        d = arch.hidden_size
        terms.append(_Term("d·d + d (pooler)", f"{d}·{d} + {d}", d * d + d))
    return terms


_MEANINGS = {
    "embedding": ("Embedding parameters",
                  "The lookup tables that turn token ids (and positions, token types) into vectors."),
    "attention": ("Attention parameters",
                  "The query, key, value and output projections of every attention layer, with their biases."),
    "mlp": ("MLP / expert parameters",
            "The feed-forward blocks: dense MLPs, or for a mixture of experts all experts, shared "
            "experts and the routers that pick them."),
    "norm": ("Norm parameters", "The scale (and bias) vectors of every normalisation layer."),
    "head": ("Output head parameters",
             "The final projection back to the vocabulary when it is not shared with the embedding "
             "(0 when tied), and BERT's pooler."),
}


def _explain_part(part: str, terms: list[_Term], value: int) -> Explanation:
    title, meaning = _MEANINGS[part]
    if not terms:
        return Explanation(title=title, meaning=meaning, formula="none in this architecture",
                           substituted="0", source=_SOURCE)
    return Explanation(
        title=title,
        meaning=meaning,
        formula=" + ".join(t.symbolic for t in terms),
        substituted=" + ".join(t.numeric for t in terms) + f" = {format_count(value)}",
        source=_SOURCE,
    )


def count_parameters(arch: Architecture) -> ParamCount:
    """Total, active-per-token and per-part parameter counts of `arch`, as transformers counts them."""
    terms = {
        "embedding": _embedding_terms(arch),
        "attention": _attention_terms(arch),
        "mlp": _mlp_terms(arch),
        "norm": _norm_terms(arch),
        "head": _head_terms(arch),
    }
    parts = {k: sum(t.value for t in v) for k, v in terms.items()}
    total = sum(parts.values())

    moe_layers = arch.num_moe_layers
    per_expert = _dense_mlp(arch, _expert_width(arch)) if arch.is_moe else 0
    idle = arch.num_local_experts - arch.num_experts_per_tok
    active = total - moe_layers * idle * per_expert

    def explain() -> dict[str, Explanation]:
        explanations = {k: _explain_part(k, terms[k], parts[k]) for k in PARTS}
        explanations["total"] = Explanation(
            title="Parameters",
            meaning="Every weight of the model, counted once even where the input embedding and the "
            "output head share one matrix.",
            formula="embedding + attention + MLP + norms + head",
            substituted=" + ".join(format_count(parts[k]) for k in PARTS) + f" = {format_count(total)}"
            f" ({total:,})",
            source=_SOURCE,
        )
        if arch.is_moe:
            explanations["active"] = Explanation(
                title="Active parameters per token",
                meaning="The weights one token actually passes through: a mixture of experts routes each "
                "token to only a few of its experts.",
                formula="total − moe_layers·(experts − experts_per_token)·params_per_expert",
                substituted=f"{format_count(total)} − {moe_layers}·({arch.num_local_experts} − "
                f"{arch.num_experts_per_tok})·{format_count(per_expert)} = {format_count(active)}",
                source=_MOE_SOURCE,
            )
        else:
            explanations["active"] = Explanation(
                title="Active parameters per token",
                meaning="A dense model uses every weight for every token.",
                formula="active = total (dense)",
                substituted=f"= {format_count(total)}",
                source=_SOURCE,
            )
        return explanations

    return ParamCount(total=total, active=active, explanations=Explanations(explain), **parts)
