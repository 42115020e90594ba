"""An `Architecture` as a `Network`: groups of identical layers, each with its count.

A layer is a token mixer (attention of some kind) and a channel mixer (MLP, experts or
none), plus its d-wide norms. Layers that are alike form one `LayerGroup`, so a network of
any depth is a handful of records ("26 sliding-window attention + MLP, 8 full attention +
MLP"). The order of the layers is not kept, only how often each kind occurs and, where the
kinds repeat, the period ("every 6th full attention").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from paramtui.core.model.architecture import Architecture
from paramtui.core.model.per_object import PerObject
from paramtui.core.model.layers.channel_mixers import (ChannelMixer, DenseMLP, MixtureOfExperts, NoChannelMixer,
                                                       RWKVChannelMix)
from paramtui.core.model.layers.token_mixers import (
    Attention,
    CompressedAttention,
    GatedDeltaNet,
    KimiDeltaAttention,
    LatentAttention,
    Mamba,
    NoTokenMixer,
    ParallelMixer,
    RWKVTimeMix,
    ShortConv,
    TokenMixer,
    hyper_connection_params,
)

# transformers' learned activations and their parameter count per MLP (activations.py: XIELU
# holds alpha_p and alpha_n, one element each).
_ACTIVATION_PARAMS = {"xielu": 2}


@dataclass(frozen=True)
class LayerGroup:
    """`count` identical layers."""

    count: int
    mixer: TokenMixer
    channel: ChannelMixer
    norms: int  # d-wide norms per layer (before/after the mixers)
    norm_weights: int  # 1 for RMSNorm, 2 for LayerNorm
    cross: Attention | None = None  # cross-attention of an encoder-decoder's decoder layer
    stack: Literal["decoder", "encoder"] = "decoder"

    @property
    def label(self) -> str:
        parts = [self.mixer.label] + ([self.cross.label] if self.cross else []) + [self.channel.label]
        if self.mixer.kind == "none":  # a feed-forward-only layer is named by its block
            parts = parts[-1:]
        return " + ".join(parts)

    def mixer_params(self) -> int:
        return self.mixer.params() + (self.cross.params() if self.cross else 0)

    def norm_params(self, hidden: int) -> int:
        return self.norms * hidden * self.norm_weights + self.mixer.norm_params()


@dataclass(frozen=True)
class Network:
    hidden: int
    groups: tuple[LayerGroup, ...]
    period: int | None = None  # the layer kinds repeat every `period` layers (None: no pattern)

    @property
    def num_layers(self) -> int:
        return sum(g.count for g in self.groups)

    def describe(self) -> str:
        """The layer pattern in one line, e.g. '26 sliding-window attention + MLP, 8 full attention + MLP'."""
        text = ", ".join(f"{g.count} {g.stack + ' ' if g.stack == 'encoder' else ''}{g.label}"
                         for g in self.groups)
        return text + (f" (repeating every {self.period} layers)" if self.period else "")


def _token_mixer(arch: Architecture, kind: str, shares_kv: bool = False) -> TokenMixer:
    if arch.o_groups is not None:  # DeepSeek-V4: every layer's attention
        compression = {"csa": "csa", "hca": "hca"}.get(kind, "none")
        return CompressedAttention(
            hidden=arch.hidden_size, heads=arch.num_attention_heads, head_dim=arch.resolved_head_dim,
            q_lora_rank=arch.q_lora_rank, o_groups=arch.o_groups, o_lora_rank=arch.o_lora_rank,
            window=arch.sliding_window, compression=compression,
            rate={"csa": arch.compress_rate_csa, "hca": arch.compress_rate_hca}.get(kind, 0),
            index_heads=arch.index_n_heads or 0, index_head_dim=arch.index_head_dim or 0,
            index_topk=arch.index_topk or 0, streams=arch.hyper_connections)
    if kind == "rwkv":
        return RWKVTimeMix(hidden=arch.hidden_size, head_size=arch.rwkv_head_size, version=arch.rwkv_version,
                           lora=arch.rwkv_lora, token_shift=arch.rwkv_token_shift)
    if kind == "linear" and arch.linear_attention_kind == "kimi_delta":
        return KimiDeltaAttention(hidden=arch.hidden_size, heads=arch.linear_num_value_heads,
                                  head_dim=arch.linear_value_head_dim, conv_kernel=arch.linear_conv_kernel_dim)
    if kind == "linear":
        return GatedDeltaNet(
            hidden=arch.hidden_size, key_heads=arch.linear_num_key_heads, value_heads=arch.linear_num_value_heads,
            key_head_dim=arch.linear_key_head_dim, value_head_dim=arch.linear_value_head_dim,
            conv_kernel=arch.linear_conv_kernel_dim)
    if kind in ("mlp", "moe"):
        return NoTokenMixer()
    if kind == "conv":
        return ShortConv(hidden=arch.hidden_size, kernel=arch.conv_kernel_size, bias=arch.conv_bias)
    if kind == "mamba_attention":
        return ParallelMixer(attention=_attention(arch, "full"), mamba=_token_mixer(arch, "mamba"))
    if kind == "mamba":
        return Mamba(hidden=arch.hidden_size, version=arch.mamba_version, inner=arch.mamba_intermediate_size,
                     state=arch.ssm_state_size, conv_kernel=arch.mamba_conv_kernel, conv_bias=arch.mamba_conv_bias,
                     proj_bias=arch.mamba_proj_bias, dt_rank=arch.mamba_dt_rank or 0,
                     inner_norms=arch.mamba_inner_norms,
                     heads=arch.mamba_num_heads or 0, head_dim=arch.mamba_head_dim or 0,
                     groups=arch.mamba_n_groups or 0, out_bias=arch.mamba_out_proj_bias,
                     gated_norm=arch.mamba_gated_norm)
    return _attention(arch, kind, shares_kv=shares_kv)


def _attention(arch: Architecture, span: Literal["full", "sliding"], *, cross: bool = False,
               shares_kv: bool = False) -> TokenMixer:
    if arch.uses_mla and not cross:
        return LatentAttention(
            hidden=arch.hidden_size, heads=arch.num_attention_heads, q_lora_rank=arch.q_lora_rank,
            kv_lora_rank=arch.kv_lora_rank, qk_nope_head_dim=arch.qk_nope_head_dim,
            qk_rope_head_dim=arch.qk_rope_head_dim, v_head_dim=arch.v_head_dim, bias=arch.attention_bias,
            index_heads=arch.index_n_heads or 0, index_head_dim=arch.index_head_dim or 0,
            index_topk=arch.index_topk)
    qk_norm = "none" if cross or not arch.qk_norm else arch.qk_norm_scope
    full = span == "full" and not cross
    return Attention(
        hidden=arch.hidden_size, heads=arch.num_attention_heads,
        kv_heads=(full and arch.full_attention_kv_heads) or arch.kv_heads,
        head_dim=(full and arch.full_attention_head_dim) or arch.resolved_head_dim, span=span,
        window={"sliding": arch.sliding_window, "chunked": arch.attention_chunk_size}.get(span),
        qkv_bias=arch.attention_bias or arch.qkv_bias, o_bias=arch.attention_bias or arch.attention_out_bias,
        qk_norm=qk_norm, norm_weights=_norm_weights(arch), sinks=arch.attention_sinks and not cross, cross=cross,
        output_gate=arch.attention_output_gate and not cross,
        values_from_keys=full and arch.full_attention_values_from_keys, shares_kv=shares_kv)


def _norm_weights(arch: Architecture) -> int:
    return 2 if arch.norm_type == "layernorm" else 1


def _dense(arch: Architecture, width: int, *, bias: bool | None = None) -> DenseMLP:
    return DenseMLP(hidden=arch.hidden_size, width=width, gated=arch.gated_mlp,
                    bias=arch.mlp_bias if bias is None else bias,
                    activation_params=_ACTIVATION_PARAMS.get(arch.hidden_act, 0))


def _experts(arch: Architecture, mlp_factor: int = 1) -> MixtureOfExperts:
    expert_width = arch.moe_intermediate_size or arch.intermediate_size
    shared = None
    if arch.n_shared_experts:
        shared = _dense(arch, arch.n_shared_experts * (arch.shared_expert_intermediate_size or expert_width))
    if arch.experts_beside_mlp:  # Gemma 4: the layer's own MLP runs beside the experts, always on
        shared = _dense(arch, arch.intermediate_size * mlp_factor)
    return MixtureOfExperts(
        hidden=arch.hidden_size, experts=arch.num_local_experts, top_k=arch.num_experts_per_tok,
        hyper_connection=hyper_connection_params(arch.hyper_connections, arch.hidden_size),
        # transformers 5 stores routed experts as fused tensors without biases unless the family
        # adds them (gpt-oss); mlp_bias applies to the dense and shared MLPs only.
        expert=_dense(arch, expert_width, bias=arch.expert_bias), shared=shared,
        shared_gate=arch.shared_expert_gate, router_bias=arch.router_bias, router_scales=arch.experts_beside_mlp)


_KIND = {"full_attention": "full", "sliding_attention": "sliding", "chunked_attention": "chunked",
         "linear_attention": "linear", "conv": "conv", "mamba": "mamba", "mamba_attention": "mamba_attention", "mlp": "mlp", "moe": "moe",
         "rwkv": "rwkv", "compressed_sparse_attention": "csa", "heavily_compressed_attention": "hca"}


def _span(layer_type: str) -> str:
    return _KIND[layer_type]


def token_mixer_for(arch: Architecture, layer_type: str) -> TokenMixer:
    """The token mixer of a decoder layer of kind `layer_type` (a `layer_types` value)."""
    return _token_mixer(arch, _span(layer_type))


def _period(kinds: tuple) -> int | None:
    """The shortest period of a per-layer sequence shorter than the sequence, if any."""
    n = len(kinds)
    for p in range(1, n // 2 + 1):
        if n % p == 0 and kinds == kinds[:p] * (n // p):
            return p if len(set(kinds[:p])) > 1 else None
    return None


def _layer_kind(arch: Architecture, i: int) -> tuple[str, bool, bool]:
    """Decoder layer `i`'s (span, has experts, reuses another layer's K/V)."""
    span = _span(arch.layer_types[i]) if arch.layer_types is not None else (
        "sliding" if arch.sliding_window is not None else "full")
    return span, arch.is_moe_layer(i), i >= arch.num_hidden_layers - arch.kv_shared_layers


def _decoder_kinds(arch: Architecture) -> tuple[Counter, int | None]:
    """How many decoder layers of each (span, has experts, shares K/V) kind, and the period of
    the kinds."""
    L = arch.num_hidden_layers
    uniform_moe = not arch.is_moe or (arch.decoder_sparse_step == 1 and not arch.mlp_only_layers)
    if arch.layer_types is None and uniform_moe and not arch.kv_shared_layers:
        # Every layer alike but for leading dense layers: counted without a pass over the layers.
        span = "sliding" if arch.sliding_window is not None else "full"
        moe = arch.num_moe_layers
        return Counter({k: n for k, n in (((span, False, False), L - moe), ((span, True, False), moe)) if n}), None
    kinds = tuple(_layer_kind(arch, i) for i in range(L))
    return Counter(kinds), _period(kinds)


def _ordered(counts: Counter) -> list:
    """Dense before experts, full before sliding and own K/V before shared, so the order reads
    the same for every model."""
    return sorted(counts, key=lambda k: (k[1], k[2], list(_KIND.values()).index(k[0])))


def decoder_layer_groups(arch: Architecture) -> tuple[LayerGroup, ...]:
    """The group of every decoder layer, first layer first (what differs from layer to layer:
    a hybrid's attention and recurrent layers, dense and MoE layers); () for an
    encoder-decoder, whose layers are not one sequence."""
    if arch.is_encoder_decoder:
        return ()
    network = network_of(arch)
    by_kind = dict(zip(_ordered(_decoder_kinds(arch)[0]), network.groups))
    return tuple(by_kind[_layer_kind(arch, i)] for i in range(arch.num_hidden_layers))


def network_of(arch: Architecture) -> Network:
    """The layers of `arch`, grouped by kind (see the module docstring).

    Worked out once per architecture object: memory, KV cache, recurrent state and the
    parameter count all read it, and a Deploy matrix asks for it for every row. Both are
    immutable, so a remembered network is the one the architecture gives."""
    return _NETWORKS(arch)


def _network_of(arch: Architecture) -> Network:
    norms, weights = arch.resolved_norms_per_layer, _norm_weights(arch)
    dense = _dense(arch, arch.intermediate_size) if arch.rwkv_version is None else RWKVChannelMix(
        arch.hidden_size, arch.intermediate_size, receptance=arch.rwkv_version == 6)
    if arch.is_encoder_decoder:
        self_attention, cross = _attention(arch, "full"), _attention(arch, "full", cross=True)
        decoder_layers = arch.num_decoder_layers or arch.num_hidden_layers
        return Network(arch.hidden_size, (
            LayerGroup(arch.num_hidden_layers, self_attention, dense, norms, weights, stack="encoder"),
            # A decoder layer adds a norm before its cross-attention (T5LayerCrossAttention).
            LayerGroup(decoder_layers, self_attention, dense, norms + 1, weights, cross=cross),
        ))
    counts, period = _decoder_kinds(arch)
    order = _ordered(counts)
    no_mlp = {_KIND[t] for t in arch.no_mlp_layer_types}

    def channel(kind: str, moe: bool, shares_kv: bool) -> ChannelMixer:
        factor = arch.kv_shared_mlp_factor if shares_kv else 1  # Gemma 4's double-wide MLP
        if kind in no_mlp:
            return NoChannelMixer()
        if moe:
            return _experts(arch, factor)
        return dense if factor == 1 else _dense(arch, arch.intermediate_size * factor)

    groups = tuple(
        LayerGroup(counts[key], _token_mixer(arch, key[0], key[2]), channel(*key), norms, weights)
        for key in order)
    return Network(arch.hidden_size, groups, period)


_NETWORKS: PerObject[Architecture, Network] = PerObject(_network_of)
