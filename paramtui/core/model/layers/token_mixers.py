"""Token mixers: the part of a layer that moves information between positions.

Each is a frozen record with `params()` (its weights and biases, as transformers' modules
hold them) and `norm_params()` (norms inside the mixer that the breakdown files under
"norm", such as per-head q/k norms). Shapes follow transformers' modeling code; every
Linear has in·out weights plus out biases. `linear_shapes()` lists the mixer's torch.nn.Linear
modules as (d_in, d_out), what LoRA adapts (convolutions, per-head vectors and sinks are not
Linear modules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


def linear(d_in: int, d_out: int, bias: bool) -> int:
    """torch.nn.Linear: an out×in weight plus, with bias, out more."""
    return d_in * d_out + (d_out if bias else 0)


@dataclass(frozen=True)
class Attention:
    """Softmax attention (MHA, GQA, MQA) over the whole context, a sliding window or chunks."""

    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    span: Literal["full", "sliding", "chunked"] = "full"
    window: int | None = None  # tokens a sliding layer sees, or a chunked layer's chunk
    qkv_bias: bool = False
    o_bias: bool = False
    qk_norm: Literal["none", "head", "all_heads"] = "none"  # per head (Qwen3) or whole projection (OLMo 2)
    norm_weights: int = 1  # 1 for RMSNorm, 2 for LayerNorm (weight and bias)
    sinks: bool = False  # one learned logit per head (gpt-oss)
    output_gate: bool = False  # q_proj twice as wide: a sigmoid gate on the output (Qwen3-Next)
    cross: bool = False  # attends to an encoder's output (T5 decoder)
    # Gemma 4: values from the key projection (no v_proj; V is the un-rotated, normed K),
    # and layers that reuse an earlier layer's K and V (no k/v projections or k norm, no cache).
    values_from_keys: bool = False
    shares_kv: bool = False

    kind = "attention"

    @property
    def label(self) -> str:
        if self.cross:
            return "cross-attention"
        text = {"sliding": "sliding-window attention", "chunked": "chunked attention"}.get(self.span, "full attention")
        return text + (" (shared KV)" if self.shares_kv else "")

    def params(self) -> int:
        d, h, kv, hd = self.hidden, self.heads, self.kv_heads, self.head_dim
        q_width = h * hd * (2 if self.output_gate else 1)
        projections = 0 if self.shares_kv else 1 if self.values_from_keys else 2
        return (linear(d, q_width, self.qkv_bias) + projections * linear(d, kv * hd, self.qkv_bias)
                + linear(h * hd, d, self.o_bias) + (h if self.sinks else 0))

    def linear_shapes(self, fused_qkv: bool = False) -> tuple[tuple[int, int], ...]:
        """q, k, v and o (one query_key_value module where the family fuses them: GPT-2,
        GPT-NeoX, Falcon, Phi-3); no v where values come from the keys, only q and o on a layer
        that reuses another layer's K and V."""
        d, kv_width = self.hidden, self.kv_heads * self.head_dim
        q_width = self.heads * self.head_dim * (2 if self.output_gate else 1)
        kv = 0 if self.shares_kv else 1 if self.values_from_keys else 2
        qkv = ((d, q_width + kv * kv_width),) if fused_qkv else ((d, q_width),) + ((d, kv_width),) * kv
        return qkv + ((self.heads * self.head_dim, d),)

    def norm_params(self) -> int:
        if self.qk_norm == "head":
            return (1 if self.shares_kv else 2) * self.head_dim * self.norm_weights
        if self.qk_norm == "all_heads":
            return (self.heads + (0 if self.shares_kv else self.kv_heads)) * self.head_dim * self.norm_weights
        return 0

    def kv_width(self) -> int:
        """Elements cached per token: a K and a V vector per KV head (V is cached apart even
        where it comes from the key projection: it is normed and not rotated); none where the
        layer reads another layer's cache."""
        return 0 if self.shares_kv else 2 * self.kv_heads * self.head_dim


@dataclass(frozen=True)
class LatentAttention:
    """Multi-head latent attention (DeepSeek-V2/V3; transformers DeepseekV3Attention).

    q: d -> q_lora (+RMSNorm) -> heads·(nope+rope), or d -> heads·(nope+rope) without q_lora;
    kv: d -> kv_lora + rope (+RMSNorm on kv_lora) -> heads·(nope+v); o: heads·v -> d. Its
    norms count as attention (they sit inside the low-rank projections).
    """

    hidden: int
    heads: int
    q_lora_rank: int | None
    kv_lora_rank: int
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int
    bias: bool = False  # on q_a, kv_a and o (attention_bias)
    index_heads: int = 0  # DeepSeek sparse attention indexer (0: none)
    index_head_dim: int = 0
    index_topk: int | None = None  # keys the indexer keeps per query (None: every key)

    kind = "latent attention"

    @property
    def label(self) -> str:
        return "latent attention (MLA) + sparse indexer" if self.index_heads else "latent attention (MLA)"

    def params(self) -> int:
        d, h, bias = self.hidden, self.heads, self.bias
        qk_head = self.qk_nope_head_dim + self.qk_rope_head_dim
        if self.q_lora_rank is None:
            q = linear(d, h * qk_head, False)
        else:
            q = linear(d, self.q_lora_rank, bias) + self.q_lora_rank + linear(self.q_lora_rank, h * qk_head, False)
        kv = (linear(d, self.kv_lora_rank + self.qk_rope_head_dim, bias) + self.kv_lora_rank
              + linear(self.kv_lora_rank, h * (self.qk_nope_head_dim + self.v_head_dim), False))
        return q + kv + linear(h * self.v_head_dim, d, bias) + self.indexer_params()

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        """q (or q_a and q_b), kv_a_proj_with_mqa, kv_b, o, and the indexer's wq_b, wk and
        weights_proj."""
        d, h = self.hidden, self.heads
        qk_head = self.qk_nope_head_dim + self.qk_rope_head_dim
        q = ((d, h * qk_head),) if self.q_lora_rank is None else (
            (d, self.q_lora_rank), (self.q_lora_rank, h * qk_head))
        kv = ((d, self.kv_lora_rank + self.qk_rope_head_dim),
              (self.kv_lora_rank, h * (self.qk_nope_head_dim + self.v_head_dim)))
        indexer = ((self.q_lora_rank, self.index_heads * self.index_head_dim), (d, self.index_head_dim),
                   (d, self.index_heads)) if self.index_heads else ()
        return q + kv + ((h * self.v_head_dim, d),) + indexer

    def indexer_params(self) -> int:
        """DeepseekV32Indexer: wq_b (q_lora -> heads·dim), wk (d -> dim), weights_proj (d -> heads);
        its k_norm LayerNorm is counted under norm_params."""
        if not self.index_heads:
            return 0
        return (linear(self.q_lora_rank, self.index_heads * self.index_head_dim, False)
                + linear(self.hidden, self.index_head_dim, False) + linear(self.hidden, self.index_heads, False))

    def norm_params(self) -> int:
        return 2 * self.index_head_dim if self.index_heads else 0  # the indexer's k_norm (LayerNorm)

    def kv_width(self) -> int:
        """Elements cached per token: the compressed latent and the shared rotary key, plus the
        indexer's key where there is one."""
        return self.kv_lora_rank + self.qk_rope_head_dim + (self.index_head_dim if self.index_heads else 0)


@dataclass(frozen=True)
class GatedDeltaNet:
    """Gated DeltaNet linear attention (Yang et al. 2024; transformers Qwen3NextGatedDeltaNet).

    in_proj_qkvz: d -> 2·keys + 2·values; in_proj_ba: d -> 2·value_heads; a depthwise conv1d
    over q, k and v (kernel wide, no bias); dt_bias and A_log per value head; a gated RMSNorm
    over one value head (counted as a norm); out_proj: values -> d. Its state per sequence is
    fixed: the recurrent state and the convolution's last kernel − 1 inputs.
    """

    hidden: int
    key_heads: int
    value_heads: int
    key_head_dim: int
    value_head_dim: int
    conv_kernel: int

    kind = "linear attention"
    label = "linear attention (Gated DeltaNet)"

    @property
    def keys(self) -> int:
        return self.key_heads * self.key_head_dim

    @property
    def values(self) -> int:
        return self.value_heads * self.value_head_dim

    @property
    def conv_channels(self) -> int:
        return 2 * self.keys + self.values

    def params(self) -> int:
        d = self.hidden
        return (linear(d, 2 * self.keys + 2 * self.values, False) + linear(d, 2 * self.value_heads, False)
                + self.conv_channels * self.conv_kernel + 2 * self.value_heads + linear(self.values, d, False))

    def linear_shapes(self, split_projections: bool = False) -> tuple[tuple[int, int], ...]:
        """in_proj_qkvz, in_proj_ba and out_proj (Qwen3-Next); Qwen3.5 holds the same weights as
        in_proj_qkv, in_proj_z, in_proj_b and in_proj_a."""
        d, k, v, vh = self.hidden, self.keys, self.values, self.value_heads
        ins = ((d, 2 * k + v), (d, v), (d, vh), (d, vh)) if split_projections else ((d, 2 * k + 2 * v), (d, 2 * vh))
        return ins + ((v, d),)

    def norm_params(self) -> int:
        return self.value_head_dim

    def kv_width(self) -> int:
        return 0  # nothing grows with the context

    def state_elements(self) -> int:
        """Per sequence: the recurrent state (value_heads · key_dim · value_dim) and the conv state."""
        return self.value_heads * self.key_head_dim * self.value_head_dim + self.conv_channels * (self.conv_kernel - 1)


@dataclass(frozen=True)
class KimiDeltaAttention:
    """Kimi Delta Attention (transformers KimiLinearDeltaAttention): Gated DeltaNet with a
    per-channel decay. q, k, v: d -> heads·dim each; a depthwise conv1d over the three (no
    bias); a forget gate f_a (d -> dim), f_b (dim -> heads·dim), dt_bias per channel and A_log
    per head; b_proj (d -> heads); an output gate g_a, g_b as wide as f; a gated RMSNorm over
    one head (counted as a norm); o_proj. A fixed state per sequence like Gated DeltaNet's."""

    hidden: int
    heads: int
    head_dim: int
    conv_kernel: int

    kind = "linear attention"
    label = "linear attention (Kimi Delta)"

    @property
    def channels(self) -> int:
        return self.heads * self.head_dim

    def params(self) -> int:
        d, hd, qkv, h = self.hidden, self.head_dim, self.channels, self.heads
        gate = linear(d, hd, False) + linear(hd, qkv, False)  # f_a/f_b and g_a/g_b alike
        return (3 * linear(d, qkv, False) + 3 * qkv * self.conv_kernel + gate + qkv + h
                + linear(d, h, False) + gate + linear(qkv, d, False))

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        """q, k, v; the forget gate's f_a and f_b; b_proj; the output gate's g_a and g_b; o."""
        d, hd, qkv = self.hidden, self.head_dim, self.channels
        return ((d, qkv),) * 3 + ((d, hd), (hd, qkv), (d, self.heads), (d, hd), (hd, qkv), (qkv, d))

    def norm_params(self) -> int:
        return self.head_dim

    def kv_width(self) -> int:
        return 0

    def state_elements(self) -> int:
        return self.heads * self.head_dim * self.head_dim + 3 * self.channels * (self.conv_kernel - 1)


@dataclass(frozen=True)
class ShortConv:
    """LFM2's gated short convolution (transformers Lfm2ShortConv): in_proj d -> 3·d (B, C, x),
    a depthwise conv1d over d channels, out_proj d -> d; biases with conv_bias. Its state per
    sequence is the convolution's last kernel − 1 inputs."""

    hidden: int
    kernel: int
    bias: bool = False

    kind = "short convolution"
    label = "short convolution"

    def params(self) -> int:
        d = self.hidden
        return (linear(d, 3 * d, self.bias) + d * self.kernel + (d if self.bias else 0)
                + linear(d, d, self.bias))

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        return ((self.hidden, 3 * self.hidden), (self.hidden, self.hidden))  # in_proj, out_proj

    def norm_params(self) -> int:
        return 0

    def kv_width(self) -> int:
        return 0

    def state_elements(self) -> int:
        return self.hidden * (self.kernel - 1)


@dataclass(frozen=True)
class Mamba:
    """A selective state-space layer (Gu & Dao 2023; Dao & Gu 2024), as transformers'
    MambaMixer (version 1) and Mamba2Mixer (version 2) hold it.

    Version 1: in_proj d -> 2·inner; depthwise conv1d over inner; x_proj inner -> dt_rank +
    2·state; dt_proj dt_rank -> inner with bias; A_log inner × state; D inner; out_proj.
    Version 2: in_proj d -> 2·inner + 2·groups·state + heads; conv1d over inner + 2·groups·state;
    dt_bias, A_log, D per head; a gated RMSNorm over inner (counted as a norm); out_proj.
    Its state per sequence is fixed: the SSM state and the conv's last kernel − 1 inputs.
    """

    hidden: int
    version: int
    inner: int
    state: int
    conv_kernel: int
    conv_bias: bool = True
    proj_bias: bool = False
    dt_rank: int = 0  # version 1
    inner_norms: bool = False  # version 1: RMSNorms over dt, B and C (Jamba)
    heads: int = 0  # version 2
    head_dim: int = 0
    groups: int = 0
    out_bias: bool | None = None  # None: as proj_bias
    gated_norm: bool = True  # version 2

    kind = "state space"

    @property
    def label(self) -> str:
        return "Mamba 2" if self.version == 2 else "Mamba"

    @property
    def conv_channels(self) -> int:
        return self.inner if self.version == 1 else self.inner + 2 * self.groups * self.state

    def params(self) -> int:
        d, inner, n = self.hidden, self.inner, self.state
        conv = self.conv_channels * self.conv_kernel + (self.conv_channels if self.conv_bias else 0)
        out = linear(inner, d, self.proj_bias if self.out_bias is None else self.out_bias)
        if self.version == 1:
            return (linear(d, 2 * inner, self.proj_bias) + conv + linear(inner, self.dt_rank + 2 * n, False)
                    + linear(self.dt_rank, inner, True) + inner * n + inner + out)
        return (linear(d, inner + self.conv_channels + self.heads, self.proj_bias) + conv + 3 * self.heads + out)

    def linear_shapes(self, out_proj: bool = True) -> tuple[tuple[int, int], ...]:
        """in_proj (and in version 1 x_proj and dt_proj), then out_proj unless left out."""
        d, inner = self.hidden, self.inner
        if self.version == 1:
            ins = ((d, 2 * inner), (inner, self.dt_rank + 2 * self.state), (self.dt_rank, inner))
        else:
            ins = ((d, inner + self.conv_channels + self.heads),)
        return ins + (((inner, d),) if out_proj else ())

    def norm_params(self) -> int:
        if self.version == 2:
            return self.inner if self.gated_norm else 0  # the gated RMSNorm
        return self.dt_rank + 2 * self.state if self.inner_norms else 0

    def kv_width(self) -> int:
        return 0

    def state_elements(self) -> int:
        ssm = self.inner * self.state if self.version == 1 else self.heads * self.head_dim * self.state
        return ssm + self.conv_channels * (self.conv_kernel - 1)


@dataclass(frozen=True)
class RWKVTimeMix:
    """RWKV's time mixing, as llama.cpp holds it (src/llama-model.cpp, LLM_ARCH_RWKV6 / RWKV7).

    RWKV-6 (Finch; Peng et al. 2024): token-shift lerps (x and five fused, d each), a
    low-rank data-dependent mix w1 (d -> 5·extra) and w2 (5 of extra -> d), the decay (d)
    with its own low rank (d -> decay_extra -> d), the bonus `first` (d), r/k/v/g and output
    (d -> d each). RWKV-7 (Goose; Peng et al. 2025): w0/a0/v0 (d each) with low ranks for
    decay, in-context learning rate, value residual mix and gate (d -> rank -> d each),
    six fused lerps, k_k, k_a and r_k (d each), r/k/v and output (d -> d). Both end in a
    GroupNorm over the heads (weight and bias, counted as a norm). Its state per sequence is
    fixed: a head_size × head_size matrix per head (d · head_size in all) and the last token
    of each token shift (`token_shift` · d; llama.cpp n_embd_r, n_embd_s).
    """

    hidden: int
    head_size: int
    version: int  # 6 or 7
    lora: tuple[int, ...]  # 6: (time_mix_extra_dim, time_decay_extra_dim); 7: (decay, iclr, value mix, gate)
    token_shift: int = 2

    kind = "recurrent"

    @property
    def label(self) -> str:
        return f"RWKV-{self.version} time mix"

    def params(self) -> int:
        d = self.hidden
        if self.version == 6:
            extra, decay = self.lora
            return 6 * d + 2 * 5 * d * extra + 2 * d + 2 * d * decay + 5 * d * d
        return 12 * d + sum(2 * d * rank for rank in self.lora) + 4 * d * d

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        """The d × d projections: receptance, key, value, gate (RWKV-6) and output. The low-rank
        mixes and decays are kept as plain tensors (llama.cpp), not Linear modules."""
        return ((self.hidden, self.hidden),) * (5 if self.version == 6 else 4)

    def norm_params(self) -> int:
        return 2 * self.hidden

    def kv_width(self) -> int:
        return 0

    def state_elements(self) -> int:
        return self.hidden * self.head_size + self.token_shift * self.hidden


@dataclass(frozen=True)
class NoTokenMixer:
    """A layer with a feed-forward block only (Nemotron-H's MLP and MoE layers)."""

    kind = "none"
    label = "no token mixer"

    def params(self) -> int:
        return 0

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        return ()

    def norm_params(self) -> int:
        return 0

    def kv_width(self) -> int:
        return 0


@dataclass(frozen=True)
class ParallelMixer:
    """Mamba 2 and attention side by side on the same input (Falcon-H1's decoder layer)."""

    attention: Attention
    mamba: Mamba

    kind = "parallel"
    label = "Mamba 2 ∥ attention"

    def params(self) -> int:
        return self.attention.params() + self.mamba.params()

    def linear_shapes(self, fused_qkv: bool = False, out_proj: bool = True) -> tuple[tuple[int, int], ...]:
        return self.attention.linear_shapes(fused_qkv) + self.mamba.linear_shapes(out_proj)

    def norm_params(self) -> int:
        return self.attention.norm_params() + self.mamba.norm_params()

    def kv_width(self) -> int:
        return self.attention.kv_width()

    def state_elements(self) -> int:
        return self.mamba.state_elements()


@dataclass(frozen=True)
class CompressedAttention:
    """DeepSeek-V4's attention (transformers DeepseekV4Attention; DeepSeek-AI 2026, DeepSeek-V4,
    section 2.3): one shared key/value head (K = V) over a sliding window, plus on compressed
    layers one compressed entry per `rate` tokens — every entry (heavily compressed attention,
    HCA) or the `index_topk` a lightning indexer picks (compressed sparse attention, CSA).

    q: d -> q_lora (+RMSNorm) -> heads·head_dim; kv: d -> head_dim (+RMSNorm); a grouped output
    projection (o_groups blocks of heads·head_dim/o_groups -> o_lora_rank, then
    o_groups·o_lora_rank -> d); a sink logit per head. HCA's compressor: kv and gate d ->
    head_dim and a position bias rate × head_dim (+RMSNorm); CSA's two overlapping series are
    twice as wide, and its indexer has its own compressor at index_head_dim, q_b (q_lora ->
    index heads·index_head_dim) and weights_proj (d -> index heads). The hyper-connection
    around the block (manifold-constrained, section 2.2) counts here too.
    """

    hidden: int
    heads: int
    head_dim: int
    q_lora_rank: int
    o_groups: int
    o_lora_rank: int
    window: int
    compression: Literal["none", "csa", "hca"] = "none"
    rate: int = 0  # source tokens per compressed entry
    index_heads: int = 0
    index_head_dim: int = 0
    index_topk: int = 0
    streams: int = 0  # residual streams of the hyper-connection around the block (0: none)

    kind = "compressed attention"
    span = "compressed"

    @property
    def label(self) -> str:
        return {"none": "sliding-window attention (K = V)", "csa": "compressed sparse attention",
                "hca": "heavily compressed attention"}[self.compression]

    def _compressor_params(self, width: int, series: int) -> int:
        return 2 * linear(self.hidden, series * width, False) + self.rate * series * width

    def params(self) -> int:
        d, h, hd, ql = self.hidden, self.heads, self.head_dim, self.q_lora_rank
        total = (linear(d, ql, False) + linear(ql, h * hd, False) + linear(d, hd, False)
                 + (self.o_groups * self.o_lora_rank) * (h * hd // self.o_groups)
                 + linear(self.o_groups * self.o_lora_rank, d, False) + h
                 + hyper_connection_params(self.streams, d))
        if self.compression == "hca":
            total += self._compressor_params(hd, 1)
        if self.compression == "csa":
            total += (self._compressor_params(hd, 2) + self._compressor_params(self.index_head_dim, 2)
                      + linear(ql, self.index_heads * self.index_head_dim, False) + linear(d, self.index_heads, False))
        return total

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        """q_a, q_b, kv, the grouped output's o_a (one Linear applied per group) and o_b; the
        compressor's kv and gate; CSA's indexer: its compressor's kv and gate, q_b and
        weights_proj."""
        d, width, ql = self.hidden, self.heads * self.head_dim, self.q_lora_rank
        go = self.o_groups * self.o_lora_rank
        shapes = ((d, ql), (ql, width), (d, self.head_dim), (width // self.o_groups, go), (go, d))
        if self.compression != "none":
            shapes += ((d, self.head_dim * (2 if self.compression == "csa" else 1)),) * 2
        if self.compression == "csa":
            shapes += ((d, 2 * self.index_head_dim),) * 2 + (
                (ql, self.index_heads * self.index_head_dim), (d, self.index_heads))
        return shapes

    def norm_params(self) -> int:
        """q_a_norm, kv_norm, the compressor's kv_norm and the indexer's."""
        return (self.q_lora_rank + self.head_dim + (self.head_dim if self.compression != "none" else 0)
                + (self.index_head_dim if self.compression == "csa" else 0))

    def kv_width(self) -> int:
        """Elements cached per token of the window: one vector, shared by K and V."""
        return self.head_dim

    def cache_entries(self, tokens: int, keep_window: bool = True) -> tuple[tuple[int, int], ...]:
        """(width, entries) cached for a `tokens`-long sequence: the window's shared K = V
        vectors, and one compressed entry per `rate` whole tokens (with CSA, the indexer's
        compressed key beside it)."""
        entries = [(self.head_dim, min(tokens, self.window) if keep_window else tokens)]
        if self.compression == "hca":
            entries.append((self.head_dim, tokens // self.rate))
        if self.compression == "csa":
            entries.append((self.head_dim + self.index_head_dim, tokens // self.rate))
        return tuple(entries)

    def state_elements(self) -> int:
        """The compressor's buffer per sequence: at most rate − 1 tokens of its kv and gate
        projections not yet closed into an entry (and CSA's overlap: the last window's first
        series, kv and gate, for the compressor and the indexer)."""
        if self.compression == "hca":
            return (self.rate - 1) * 2 * self.head_dim
        if self.compression == "csa":
            widths = 2 * self.head_dim + 2 * self.index_head_dim
            return (self.rate - 1) * 2 * widths + 2 * (self.head_dim + self.index_head_dim)
        return 0


def hyper_connection_params(streams: int, hidden: int) -> int:
    """One DeepSeek-V4 hyper-connection (DeepseekV4HyperConnection): fn ((2 + n)·n × n·d),
    base ((2 + n)·n) and 3 scales, for n streams; 0 without them."""
    n = streams
    return (2 + n) * n * n * hidden + (2 + n) * n + 3 if n else 0


def cached_elements(mixer: object, tokens: int, keep_window: bool = True) -> int:
    """Elements one layer with `mixer` caches for a `tokens`-long sequence: its KV width times
    the tokens it keeps (at most its window or chunk when `keep_window`), or the sum of a
    compressed attention's entries."""
    if isinstance(mixer, CompressedAttention):
        return sum(width * n for width, n in mixer.cache_entries(tokens, keep_window))
    window = getattr(mixer, "window", None)
    held = min(tokens, window) if window is not None and keep_window else tokens
    return mixer.kv_width() * held


TokenMixer = (Attention | LatentAttention | GatedDeltaNet | KimiDeltaAttention | ShortConv | Mamba | ParallelMixer
              | RWKVTimeMix | CompressedAttention
              | NoTokenMixer)
