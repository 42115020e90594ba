"""Exact parameter counts from an architecture (docs/ARCHITECTURE.md, Core: Model spec: the count must be exact).

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

from dataclasses import dataclass, replace
from typing import NamedTuple

from paramtui.core.model.architecture import Architecture
from paramtui.core.model.layers.channel_mixers import DenseMLP, MixtureOfExperts, RWKVChannelMix
from paramtui.core.model.layers.network import Network, network_of
from paramtui.core.model.layers.token_mixers import (
    Attention,
    CompressedAttention,
    GatedDeltaNet,
    KimiDeltaAttention,
    LatentAttention,
    Mamba,
    ParallelMixer,
    RWKVTimeMix,
    ShortConv,
    TokenMixer,
)
from paramtui.core.model.layers.token_mixers import linear
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
    encoders: int = 0  # a multimodal checkpoint's vision tower and projector (encoders.py)
    # The routed experts' weight matrices alone (no biases): what an experts-only format such
    # as gpt-oss's MXFP4 stores quantised (model/precision.py, `quantizes="experts"`).
    expert_weights: int = 0
    # The MoE routers (hidden -> experts, with bias where the model has one), part of `mlp`:
    # transformers 5 builds them as plain parameters, not nn.Linear, so quantizers leave them
    # at the checkpoint's dtype (model/precision.py).
    router: int = 0
    # A GGUF file's multi-token-prediction (NextN) layers: in the file and the total, not run,
    # so outside `active` (model/gguf_architecture.py).
    mtp: int = 0


@dataclass(frozen=True)
class _Term:
    """One addend of a part: its symbolic formula, the same with numbers, and its value."""

    symbolic: str
    numeric: str
    value: int


def _norm(arch: Architecture, width: int) -> int:
    """LayerNorm has weight and bias; RMSNorm (and T5's LayerNorm, which is an RMSNorm) a weight."""
    return width * (2 if arch.norm_type == "layernorm" else 1)


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
    if arch.per_layer_input_size:
        # Gemma 4's per-layer embeddings: a table of layers·ple wide rows, the model's projection
        # d -> layers·ple, and in each layer a gate d -> ple and a projection ple -> d.
        ple, layers, pv = arch.per_layer_input_size, arch.num_hidden_layers, arch.per_layer_vocab_size
        terms.append(_Term("ple_vocab·layers·ple (per-layer embeddings)", f"{pv}·{layers}·{ple}", pv * layers * ple))
        terms.append(_Term("d·layers·ple (per-layer projection)", f"{d}·{layers}·{ple}", d * layers * ple))
        terms.append(_Term("layers·2·d·ple (per-layer gate, projection)", f"{layers}·2·{d}·{ple}",
                           layers * 2 * d * ple))
    return terms


def _mixer_formula(mixer: TokenMixer, cross: Attention | None) -> str:
    if isinstance(mixer, CompressedAttention):
        extra = {"csa": " + compressor(kv, gate, position_bias) + indexer(compressor, q_b, weights_proj)",
                 "hca": " + compressor(kv, gate, position_bias)"}.get(mixer.compression, "")
        return f"(q_a, q_b, kv, grouped o_a, o_b, sinks{extra} + hyper-connection)"
    if isinstance(mixer, LatentAttention):
        indexer = " + indexer(wq_b, wk, weights_proj)" if mixer.index_heads else ""
        return f"MLA(q_a, q_a_norm, q_b, kv_a, kv_a_norm, kv_b, o{indexer})"
    if isinstance(mixer, GatedDeltaNet):
        return "(d·(2·keys + 2·values + 2·v_heads) + conv·(2·keys + values) + 2·v_heads + values·d)"
    if isinstance(mixer, ParallelMixer):
        return f"({_mixer_formula(mixer.attention, None)[1:-1]} + Mamba 2{_mixer_formula(mixer.mamba, None)})"
    if isinstance(mixer, KimiDeltaAttention):
        return "(3·d·qkv + 3·qkv·conv + 2·(d·dim + dim·qkv) + qkv + heads + d·heads + qkv·d)"
    if isinstance(mixer, Mamba):
        if mixer.version == 1:
            return ("(d·2·inner + conv·inner + inner·(dt_rank + 2·state) + dt_rank·inner + inner + inner·state "
                    "+ inner + inner·d)")
        return "(d·(2·inner + 2·groups·state + heads) + conv·(inner + 2·groups·state) + 3·heads + inner·d)"
    if isinstance(mixer, ShortConv):
        return "(d·3·d + d·kernel + d·d" + (" + biases)" if mixer.bias else ")")
    if isinstance(mixer, RWKVTimeMix):
        if mixer.version == 6:
            return "(6·d + 2·5·d·mix_rank + 2·d + 2·d·decay_rank + 5·d·d)"
        return "(12·d + 2·d·(decay + iclr + value_mix + gate ranks) + 4·d·d)"
    extras = (" + biases" if mixer.qkv_bias or mixer.o_bias else "") + (" + heads (sinks)" if mixer.sinks else "")
    q = "2·heads" if mixer.output_gate else "heads"
    kv = "" if mixer.shares_kv else " + kv_heads" if mixer.values_from_keys else " + 2·kv_heads"
    core = f"d·({q}{kv})·head_dim + heads·head_dim·d{extras}"
    return f"({core} + cross attention)" if cross else f"({core})"


_SPAN_SYMBOL = {"full": "full_layers", "sliding": "sliding_layers", "chunked": "chunked_layers"}
_KIND_SYMBOL = {"linear attention": "linear_layers", "short convolution": "conv_layers", "state space": "mamba_layers"}


def _attention_terms(arch: Architecture, network: Network) -> list[_Term]:
    # Layers per (stack, token mixer): the mixer does not care which MLP follows it.
    counts: dict[tuple[str, TokenMixer, Attention | None], int] = {}
    for group in network.groups:
        if group.mixer.kind == "none":
            continue  # a feed-forward-only layer has no token mixer
        key = (group.stack, group.mixer, group.cross)
        counts[key] = counts.get(key, 0) + group.count
    terms = []
    for (stack, mixer, cross), layers in counts.items():
        if arch.is_encoder_decoder:
            symbol = f"{stack}_layers"
        elif len(counts) == 1:
            symbol = "layers"
        else:
            symbol = _SPAN_SYMBOL.get(getattr(mixer, "span", ""), _KIND_SYMBOL.get(mixer.kind, "layers"))
        per_layer = mixer.params() + (cross.params() if cross else 0)
        terms.append(_Term(f"{symbol}·{_mixer_formula(mixer, cross)}", f"{layers}·{_n(per_layer)}",
                           layers * per_layer))
    if arch.position_embedding_type == "relative":
        # T5: a (buckets × heads) relative position bias in the first layer of each stack only.
        stacks = 2 if arch.is_encoder_decoder else 1
        b, h = arch.relative_attention_num_buckets, arch.num_attention_heads
        terms.append(_Term("stacks·buckets·heads (relative bias, first layer)",
                           f"{stacks}·{b}·{h}", stacks * b * h))
    return terms


def _channel_layers(network: Network) -> dict[tuple[str, object], int]:
    """Layers per (stack, channel mixer), in first-seen order: the MLP does not care about the mixer."""
    counts: dict[tuple[str, object], int] = {}
    for group in network.groups:
        key = (group.stack, group.channel)
        counts[key] = counts.get(key, 0) + group.count
    return counts


def _mlp_terms(arch: Architecture, network: Network) -> list[_Term]:
    terms = []
    for (stack, channel), layers in _channel_layers(network).items():
        if isinstance(channel, MixtureOfExperts):
            terms.append(_Term("moe_layers·experts·expert_mlp", f"{layers}·{_n(channel.routed_params())}",
                               layers * channel.routed_params()))
            other_sym = "moe_layers·(router" + (" + shared experts" if channel.shared else "") + (
                " + shared gate" if channel.shared_gate and channel.shared else "") + ")"
            terms.append(_Term(other_sym, f"{layers}·{_n(channel.other_params())}", layers * channel.other_params()))
        elif isinstance(channel, RWKVChannelMix):
            per = channel.params()
            sym = "rwkv_layers·(2·d·ffn + d·d + 2·d)" if channel.receptance else "rwkv_layers·(2·d·ffn + d)"
            terms.append(_Term(sym, f"{layers}·{_n(per)}", layers * per))
        elif isinstance(channel, DenseMLP):
            per = channel.params()
            if arch.is_encoder_decoder:
                sym = f"{stack}_layers·" + ("3·d·ffn" if channel.gated else "2·d·ffn")
            else:
                sym = "dense_layers·" + ("3" if channel.gated else "2") + "·d·ffn" + (
                    " + biases" if channel.bias else "")
            terms.append(_Term(sym, f"{layers}·{_n(per)}", layers * per))
    return terms


def _norm_terms(arch: Architecture, network: Network) -> list[_Term]:
    size = _norm(arch, arch.hidden_size)
    kind = "(weight + bias)" if arch.norm_type == "layernorm" else "weight"
    terms = []
    by_stack: dict[tuple[str, int, bool], int] = {}  # layers per (stack, norms per layer, cross)
    for group in network.groups:
        key = (group.stack, group.norms, group.cross is not None)
        by_stack[key] = by_stack.get(key, 0) + group.count
    for (stack, norms, cross), layers in by_stack.items():
        label = f"{stack}_layers" if arch.is_encoder_decoder else "layers"
        sym = f"{label}·(norms_per_layer + 1)·d" if cross else f"{label}·norms_per_layer·d {kind}"
        terms.append(_Term(sym, f"{layers}·{norms}·{_n(size)}", layers * norms * size))
    inner: dict[TokenMixer, int] = {}  # norms inside the token mixers, layers per mixer
    for group in network.groups:
        if group.mixer.norm_params():
            inner[group.mixer] = inner.get(group.mixer, 0) + group.count
    for mixer, layers in inner.items():
        per = mixer.norm_params()
        if isinstance(mixer, CompressedAttention):
            sym = f"{mixer.compression}_layers·(q_lora + head_dim + compressor norms) (q_a_norm, kv_norm)"
        elif isinstance(mixer, (GatedDeltaNet, KimiDeltaAttention)):
            sym = "linear_layers·head_dim (gated output norm)"
        elif isinstance(mixer, LatentAttention):
            sym = "layers·2·index_head_dim (indexer k_norm, LayerNorm)"
        elif isinstance(mixer, ParallelMixer):
            sym = "layers·(q/k norms + inner) (attention and Mamba 2 norms)"
        elif isinstance(mixer, RWKVTimeMix):
            sym = "rwkv_layers·2·d (time-mix GroupNorm)"
        elif isinstance(mixer, Mamba):
            sym = ("mamba_layers·inner (gated norm)" if mixer.version == 2
                   else "mamba_layers·(dt_rank + 2·state) (dt, B, C norms)")
        elif mixer.qk_norm == "head" and mixer.shares_kv:
            sym = "shared_kv_layers·head_dim (q_norm)"
        elif mixer.qk_norm == "head":
            sym = "layers·2·head_dim (q_norm, k_norm)"
        else:
            sym = "layers·(heads + kv_heads)·head_dim (q_norm, k_norm)"
        terms.append(_Term(sym, f"{layers}·{_n(per)}", layers * per))
    if arch.final_norm:
        if arch.is_encoder_decoder:  # each stack has its own final norm
            terms.append(_Term("2 final norms", f"2·{_n(size)}", 2 * size))
        else:
            terms.append(_Term("final norm", _n(size), size))
    if arch.embedding_norm:
        terms.append(_Term("embedding norm", _n(size), size))
    if arch.per_layer_input_size:
        ple = arch.per_layer_input_size
        terms.append(_Term("ple (per-layer projection norm)", _n(ple), ple))
    if arch.hyper_connections:
        # DeepSeek-V4's hc_head collapses the n residual streams into one before the final norm.
        n, d = arch.hyper_connections, arch.hidden_size
        terms.append(_Term("n·n·d + n + 1 (hc_head, collapsing the streams)", f"{n}·{n}·{d} + {n} + 1",
                           n * n * d + n + 1))
    return terms


def _head_terms(arch: Architecture) -> list[_Term]:
    terms = []
    if arch.has_lm_head and not arch.tie_word_embeddings:
        v, e = arch.vocab_size, arch.embedding_dim
        terms.append(_Term("vocab·d_emb (untied LM head)", f"{v}·{e}", v * e))
    if arch.has_lm_head and arch.lm_head_bias:
        terms.append(_Term("vocab (LM head bias)", f"{arch.vocab_size}", arch.vocab_size))
    if arch.pooler:
        d = arch.hidden_size
        terms.append(_Term("d·d + d (pooler)", f"{d}·{d} + {d}", d * d + d))
    return terms


_MEANINGS = {
    "embedding": ("Embedding parameters",
                  "The lookup tables that turn token ids (and positions, token types) into vectors."),
    "attention": ("Attention parameters",
                  "The query, key, value and output projections of every attention layer, with their biases; "
                  "in a hybrid model also the weights of its linear-attention, state-space and "
                  "convolution layers (the parts that mix tokens)."),
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
    network = network_of(arch)
    terms = {
        "embedding": _embedding_terms(arch),
        "attention": _attention_terms(arch, network),
        "mlp": _mlp_terms(arch, network),
        "norm": _norm_terms(arch, network),
        "head": _head_terms(arch),
    }
    parts = {k: sum(t.value for t in v) for k, v in terms.items()}
    encoders = arch.vision_encoder_params
    total = sum(parts.values()) + encoders

    moe_groups = [g for g in network.groups if isinstance(g.channel, MixtureOfExperts)]
    moe_layers = sum(g.count for g in moe_groups)
    per_expert = moe_groups[0].channel.expert.params() if moe_groups else 0
    active = total - sum(g.count * (g.channel.params() - g.channel.active_params()) for g in moe_groups)
    expert_weights = sum(g.count * g.channel.experts * replace(g.channel.expert, bias=False, activation_params=0).params()
                         for g in moe_groups)
    router = sum(g.count * linear(g.channel.hidden, g.channel.experts, g.channel.router_bias) for g in moe_groups)

    def explain() -> dict[str, Explanation]:
        explanations = {k: _explain_part(k, terms[k], parts[k]) for k in PARTS}
        explanations["total"] = Explanation(
            title="Parameters",
            meaning="Every weight of the model, counted once even where the input embedding and the "
            "output head share one matrix.",
            formula="embedding + attention + MLP + norms + head" + (" + encoders" if encoders else ""),
            substituted=" + ".join(format_count(parts[k]) for k in PARTS)
            + (f" + {format_count(encoders)}" if encoders else "") + f" = {format_count(total)}"
            f" ({total:,})",
            source=_SOURCE,
        )
        explanations["encoders"] = Explanation(
            title="Encoder parameters",
            meaning="The vision tower and the projector into the language model that a multimodal "
            "checkpoint carries beside its language model (0 for a text-only model). Counted in the "
            "total and, since every image passes through them, in the active count.",
            formula="vision tower + projector" if encoders else "none in this model",
            substituted=f"{format_count(encoders)}",
            source="transformers' module shapes of the model's vision/audio towers and projectors "
            "(SiglipVisionModel, PixtralVisionModel, Qwen3_5VisionModel, Llama4VisionModel, Gemma4VisionModel, "
            "Gemma4AudioModel and their projectors)",
        )
        if arch.is_moe:
            explanations["active"] = Explanation(
                title="Active parameters per token",
                meaning="The weights one token actually passes through: a mixture of experts routes each "
                "token to only a few of its experts."
                # why Llama 4 Scout reads 18.0B here and 17B in its name
                + (f" The encoders ({format_count(encoders)}) are counted too; a model card's active "
                   "figure usually leaves them out, as they work only on images." if encoders else ""),
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

    return ParamCount(total=total, active=active, explanations=Explanations(explain), encoders=encoders,
                      expert_weights=expert_weights, router=router, **parts)
