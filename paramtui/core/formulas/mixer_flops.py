"""FLOPs of token mixing that no weight accounts for, summed over the kinds of layer.

2·N FLOPs per token (Kaplan et al. 2020) cover every matmul with a weight. What is left is
the arithmetic between activations: the attention scores and their weighted sum, and the
recurrent state of linear-attention and state-space layers. It depends on the layer kind:

- softmax attention: QKᵀ and AV cost 2·(h·d_qk + h·d_v) FLOPs per (query, key) pair, i.e.
  PaLM's 4·H·Q per key (Chowdhery et al. 2022, appendix B). A full-attention layer sees the
  whole context, a sliding-window layer at most its window, a chunked layer (Llama 4) at
  most its chunk, so long contexts cost nothing more on those layers past their span;
- Mamba, Gated DeltaNet, Kimi Delta Attention, RWKV: a fixed state per sequence, updated and read
  once per token whatever the context. A diagonal-decay update h ← a⊙h + x·Bᵀ and the
  read-out y = h·C cost one multiply-add per state element each (4 FLOPs; Gu & Dao 2023,
  eq. 2a-2b); the delta rule (Yang et al. 2024, Gated DeltaNet, eq. 4) first reads S·k
  (2 FLOPs more per element). RWKV-6 (Peng et al. 2024) decays its head_size² state per
  head diagonally, RWKV-7 (Peng et al. 2025) updates it by a generalised delta rule. The
  elementwise decay, like the softmax, is not counted;
- short convolutions (LFM2): their kernel is a weight, already in 2·N;
- DeepSeek sparse attention (DeepSeek-V3.2; DeepSeek-AI 2025, DeepSeek-V3.2-Exp, section
  2.1): a lightning indexer scores every cached key of the context with its own small
  heads, I(t,s) = Σ_j w(t,j)·ReLU(q(t,j)·k(s)): 2·H_I·d_I FLOPs for the dot products and
  2·H_I for the weighted sum over heads, per (query, key) pair. The main latent attention
  then reads only the index_topk keys it selects, so its cost per query follows
  min(context, index_topk), like a window of index_topk keys. The top-k selection itself,
  the ReLU and the scales are not arithmetic counted here (as the softmax). The main
  attention is counted in transformers' form (per head: nope + rope dims for scores, v dims
  for values), the indexer in full precision (its FP8 kernel does the same arithmetic).

Training costs three times the forward pass (backward is twice forward), as 6·N = 3·2·N and
PaLM's 12·L·H·Q·T = 3·4·L·H·Q·T, whose T is the sequence length (no causal halving).
"""

from __future__ import annotations

from dataclasses import dataclass

from paramtui.core.model.architecture import Architecture
from paramtui.core.model.layers.network import network_of
from paramtui.core.model.layers.token_mixers import (
    Attention,
    CompressedAttention,
    GatedDeltaNet,
    KimiDeltaAttention,
    LatentAttention,
    Mamba,
    ParallelMixer,
    RWKVTimeMix,
    TokenMixer,
)

# Forward FLOPs per recurrent-state element per token (see the module docstring).
DIAGONAL_STATE_FLOPS = 4
DELTA_RULE_STATE_FLOPS = 6

SOURCE = ("Chowdhery et al. 2022 (PaLM), appendix B: 4·H·Q per key, forward; attention spans by layer "
          "kind; recurrent state: Gu & Dao 2023 eq. 2, Yang et al. 2024 (Gated DeltaNet) eq. 4")


@dataclass(frozen=True)
class MixerCost:
    """The context-dependent and constant forward FLOPs of `layers` alike layers."""

    layers: int
    per_key: int  # forward FLOPs per (query, key) pair over all heads; 0: no softmax attention
    span: int | None  # most keys a query sees (window or chunk); None: the whole context
    chunked: bool  # the span restarts every `span` tokens (chunks), rather than sliding
    per_token: int  # forward FLOPs per token that do not grow with the context (recurrent state)
    label: str
    note: str = ""  # what an explanation must say this cost assumes
    stride: int = 1  # keys are compressed entries, one per `stride` tokens (DeepSeek-V4)

    def keys(self, context: int) -> int:
        """Keys one query attends to at the end of a `context`-token sequence (upper bound)."""
        entries = context // self.stride
        return entries if self.span is None else min(self.span, entries)

    def causal_keys(self, tokens: int) -> float:
        """Keys summed over all queries of one causally masked `tokens`-long pass (prefill):
        t²/2 for full attention, as PaLM's term halved for the causal mask. With one entry per
        `stride` tokens, query t sees t / stride of them (at most span): 1/stride of the
        token-level sum with a window of span · stride tokens."""
        if self.stride > 1:
            window = None if self.span is None else self.span * self.stride
            return MixerCost(1, 1, window, False, 0, "").causal_keys(tokens) / self.stride
        t, w = tokens, self.span
        if w is None or t <= w:
            return t * t / 2
        if self.chunked:
            chunks, rest = divmod(t, w)
            return (chunks * w * w + rest * rest) / 2
        return w * w / 2 + w * (t - w)


def _latent_costs(count: int, mixer: LatentAttention) -> tuple[MixerCost, ...]:
    """MLA's scores over nope + rope dims per head and values over v_head_dim; with DeepSeek
    sparse attention, that over the index_topk selected keys plus the indexer over all."""
    qk = mixer.heads * (mixer.qk_nope_head_dim + mixer.qk_rope_head_dim)
    main = 2 * (qk + mixer.heads * mixer.v_head_dim)
    if not mixer.index_heads:
        return (MixerCost(count, main, None, False, 0, mixer.label),)
    topk = mixer.index_topk
    indexer = 2 * mixer.index_heads * mixer.index_head_dim + 2 * mixer.index_heads
    if topk is None:
        note = ("DeepSeek sparse attention without index_topk: the main attention is counted over every "
                "key (an upper bound).")
    else:
        note = (f"DeepSeek sparse attention: the indexer ({mixer.index_heads} heads × {mixer.index_head_dim}) "
                f"scores every key of the context; the main attention reads the top {topk:,} it selects "
                f"(min(context, {topk:,}) keys per query), counted per head over nope + rope and v dims as "
                "transformers computes it. The top-k selection itself is not counted.")
    return (MixerCost(count, main, topk, False, 0, f"latent attention (MLA) over the top {topk or 'all'} keys", note),
            MixerCost(count, indexer, None, False, 0, "sparse-attention indexer", note))


def _compressed_costs(count: int, mixer: CompressedAttention) -> tuple[MixerCost, ...]:
    """DeepSeek-V4: every query attends (4·heads·head_dim FLOPs per key: QKᵀ and AV over the
    shared K = V head) to its window and, on compressed layers, to every compressed entry
    (HCA) or the index_topk the indexer picks among them (CSA), whose scoring costs
    2·H_I·d_I + 2·H_I per entry; the hyper-connections around the attention and MoE blocks mix
    n streams per token: per block n² · d multiply-adds (comb), n · d (collapse) and n · d
    (expand) — 2·(2·n²·d + 4·n·d) FLOPs per layer, constant in the context."""
    per_key = 4 * mixer.heads * mixer.head_dim
    n = mixer.streams
    mixing = 2 * (2 * n * n * mixer.hidden + 4 * n * mixer.hidden) if n else 0
    costs = [MixerCost(count, per_key, mixer.window, False, mixing, mixer.label)]
    if mixer.compression == "hca":
        costs.append(MixerCost(count, per_key, None, False, 0, "compressed entries", stride=mixer.rate))
    if mixer.compression == "csa":
        note = (f"DeepSeek-V4's compressed sparse attention reads the top {mixer.index_topk:,} of its compressed "
                f"entries (one per {mixer.rate} tokens) that its indexer ({mixer.index_heads} heads × "
                f"{mixer.index_head_dim}) scores among all; every layer also attends to its {mixer.window}-token "
                "window, and heavily compressed layers to all their entries. The compressors' gated pooling and "
                "the top-k selection are not counted.")
        indexer = 2 * mixer.index_heads * mixer.index_head_dim + 2 * mixer.index_heads
        costs += [MixerCost(count, per_key, mixer.index_topk, False, 0, "selected compressed entries", note,
                            stride=mixer.rate),
                  MixerCost(count, indexer, None, False, 0, "compressed-entry indexer", note, stride=mixer.rate)]
    return tuple(costs)


def _attention_cost(mixer: Attention) -> tuple[int, int | None, bool]:
    width = mixer.heads * mixer.head_dim
    span = mixer.window if mixer.span in ("sliding", "chunked") else None
    return 4 * width, span, mixer.span == "chunked"


def _recurrent_flops(mixer: TokenMixer) -> int:
    if isinstance(mixer, GatedDeltaNet):
        return DELTA_RULE_STATE_FLOPS * mixer.value_heads * mixer.key_head_dim * mixer.value_head_dim
    if isinstance(mixer, KimiDeltaAttention):
        return DELTA_RULE_STATE_FLOPS * mixer.heads * mixer.head_dim * mixer.head_dim
    if isinstance(mixer, Mamba):
        state = mixer.inner * mixer.state if mixer.version == 1 else mixer.heads * mixer.head_dim * mixer.state
        return DIAGONAL_STATE_FLOPS * state
    if isinstance(mixer, RWKVTimeMix):  # RWKV-6 decays its state diagonally; RWKV-7 updates it by a delta rule
        flops = DIAGONAL_STATE_FLOPS if mixer.version == 6 else DELTA_RULE_STATE_FLOPS
        return flops * mixer.hidden * mixer.head_size
    return 0


def _costs(count: int, mixer: TokenMixer) -> tuple[MixerCost, ...]:
    if isinstance(mixer, LatentAttention):
        return _latent_costs(count, mixer)
    if isinstance(mixer, CompressedAttention):
        return _compressed_costs(count, mixer)
    attention = mixer.attention if isinstance(mixer, ParallelMixer) else mixer
    per_key, span, chunked = 0, None, False
    if isinstance(attention, Attention):
        per_key, span, chunked = _attention_cost(attention)
    recurrent = _recurrent_flops(mixer.mamba if isinstance(mixer, ParallelMixer) else mixer)
    return (MixerCost(count, per_key, span, chunked, recurrent, mixer.label),)


def mixer_costs(arch: Architecture) -> tuple[MixerCost, ...]:
    """The decoder's token-mixing costs, one per layer group that mixes tokens at all
    (cross-attention and encoder stacks are left to the uniform PaLM term)."""
    costs = []
    for group in network_of(arch).groups:
        if group.stack != "decoder" or group.cross is not None:
            continue
        costs += [cost for cost in _costs(group.count, group.mixer) if cost.per_key or cost.per_token]
    return tuple(costs)


def decode_flops_per_token(costs: tuple[MixerCost, ...], context: int) -> float:
    """Forward FLOPs of one new token over a `context`-token cache, all layers."""
    return float(sum(c.layers * (c.per_key * c.keys(context) + c.per_token) for c in costs))


def prefill_flops_per_sequence(costs: tuple[MixerCost, ...], prompt: int) -> float:
    """Forward FLOPs of one causally masked prompt of `prompt` tokens, all layers."""
    return float(sum(c.layers * (c.per_key * c.causal_keys(prompt) + c.per_token * prompt) for c in costs))


def training_flops_per_token(costs: tuple[MixerCost, ...], seq_len: int) -> float:
    """Forward + backward FLOPs per trained token (3 × forward), PaLM's convention of T keys."""
    return 3.0 * decode_flops_per_token(costs, seq_len)


def describe(costs: tuple[MixerCost, ...], seq_len: int) -> str:
    """The sum by layer kind, for an explanation: '3·(12·8,192·4,096 + 36·196,608)'."""
    terms = []
    for c in costs:
        if c.per_key:
            terms.append(f"{c.layers}·{c.per_key:,}·{c.keys(seq_len):,}")
            if c.stride > 1:
                terms[-1] += " entries"
        if c.per_token:
            terms.append(f"{c.layers}·{c.per_token:,}")
    return "3·(" + " + ".join(terms) + ")" if terms else "0"


def notes(costs: tuple[MixerCost, ...]) -> str:
    """What the costs assume beyond the module's rules, once each, for an explanation."""
    return " ".join(dict.fromkeys(c.note for c in costs if c.note))
