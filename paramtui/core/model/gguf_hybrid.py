"""The shape of a GGUF file whose layers are not all attention: Mamba, Gated DeltaNet, short
convolutions, and the hybrids that mix them with attention, MLPs and experts.

What each layer is comes from the tensor table, which is exact: a layer with `attn_q`/`attn_k`
tensors attends, one with `ssm_*` tensors is recurrent (Mamba or Gated DeltaNet, by the
architecture), one with `shortconv.*` tensors is LFM2's short convolution, one with both
attends and runs Mamba side by side (Falcon-H1); `ffn_*_exps` tensors make its feed-forward
block experts, `ffn_up`/`ffn_down` a dense MLP, none of them no feed-forward block at all
(Nemotron-H's one-mixer layers). llama.cpp itself reads the layer kinds from the per-layer
KV head and feed-forward counts (`recurrent_layer_arr[i] = n_head_kv(i) == 0`, and
`&& n_ff(i) == 0` for Nemotron-H); the tensors agree with those and need no per-model rule.

The widths come from the metadata, as llama.cpp's converter writes them (convert_hf_to_gguf.py,
src/llama-model.cpp load_hparams):
  Mamba 1 (mamba, jamba): ssm.inner_size = d_inner, ssm.state_size = d_state, ssm.conv_kernel,
    ssm.time_step_rank = dt_rank;
  Mamba 2 (mamba2, granitehybrid, nemotron_h, falcon-h1): the same, with ssm.time_step_rank =
    the number of heads (head_dim = d_inner / heads) and ssm.group_count = n_groups;
  Gated DeltaNet (qwen3next, qwen35, qwen35moe): ssm.group_count = key heads,
    ssm.time_step_rank = value heads, ssm.state_size = the key head size, ssm.inner_size =
    value heads · value head size, ssm.conv_kernel;
  LFM2 (lfm2, lfm2moe): shortconv.l_cache = the convolution's width;
  RWKV (rwkv6, rwkv7): wkv.head_size, token_shift_count (2 when absent, as llama.cpp), and
    the low ranks: RWKV-6 time_mix_extra_dim and time_decay_extra_dim, RWKV-7
    attention.decay_lora_rank, iclr_lora_rank, value_residual_mix_lora_rank, gate_lora_rank;
    their `time_mix_*` tensors make a layer recurrent, `channel_mix_*` its feed-forward block.
Per-layer arrays (attention.head_count, head_count_kv, feed_forward_length) hold 0 for the
layers without that part; the non-zero values must agree (one width per kind of layer) or
the file is refused naming the key. A width the metadata lacks is read from a tensor's shape
where one gives it exactly (the conv kernel from `ssm_conv1d`, d_inner from `ssm_out`, Mamba
2's heads from `ssm_a` and groups from `ssm_norm`, LFM2's l_cache from `shortconv.conv`,
RWKV's head size and ranks from their projections); otherwise the file is refused naming the
key, never answered with a guess.
"""

from __future__ import annotations

import re
from typing import Any

from paramtui.core.errors import UserError
from paramtui.core.model import limits

# GGUF architecture -> (the kind of its recurrent layers, Mamba version where Mamba).
RECURRENT = {
    "mamba": ("mamba", 1), "jamba": ("mamba", 1),
    "mamba2": ("mamba", 2), "granitehybrid": ("mamba", 2), "nemotron_h": ("mamba", 2),
    "nemotron_h_moe": ("mamba", 2), "falcon-h1": ("mamba", 2),
    "qwen3next": ("linear_attention", None), "qwen35": ("linear_attention", None),
    "qwen35moe": ("linear_attention", None),
    "lfm2": ("conv", None), "lfm2moe": ("conv", None),
    "rwkv6": ("rwkv", 6), "rwkv7": ("rwkv", 7),
}
# Hugging Face model_type of each (the name paramtui's catalog and hf_config use).
MODEL_TYPES = {"granitehybrid": "granitemoehybrid", "nemotron_h_moe": "nemotron_h", "falcon-h1": "falcon_h1",
               "qwen3next": "qwen3_next", "qwen35": "qwen3_5_text", "qwen35moe": "qwen3_5_moe_text"}
# Architectures with one norm per layer (before its one mixer); the others have two.
_ONE_NORM = {"mamba", "mamba2", "nemotron_h", "nemotron_h_moe"}
# Gated attention output: q_proj twice as wide (Qwen3-Next, Qwen3.5).
_OUTPUT_GATE = {"qwen3next", "qwen35", "qwen35moe"}
_NAME = re.compile(r"^blk\.(\d+)\.(.+?)(?:\.(?:weight|bias))?$")


class _Layers:
    """Each layer's tensor roles (`attn_q`, `ssm_in`, `shortconv.conv`, `ffn_up_exps`, …)."""

    def __init__(self, names, count: int, origin: str, shapes=None, blocks: int | None = None):
        """`count` layers that run; those from `count` to `blocks` are multi-token-prediction
        layers, not part of the shape (their tensors are counted, by `gguf_param_count`)."""
        blocks = count if blocks is None else blocks
        self.roles: list[set[str]] = [set() for _ in range(count)]
        self.names = set(names)
        self.shapes = shapes or {}
        for name in names:
            m = _NAME.match(name)
            if m is None:
                continue
            i = int(m.group(1))
            if i >= blocks:
                raise UserError(f"{origin}: tensor {name!r} belongs to layer {i}, but the file has {blocks} layers")
            if i >= count:
                continue
            self.roles[i].add(m.group(2))

    def has(self, i: int, *prefixes: str) -> bool:
        return any(r.startswith(prefixes) for r in self.roles[i])

    def attends(self, i: int) -> bool:
        return bool(self.roles[i] & {"attn_q", "attn_k", "attn_v"})

    def recurrent(self, i: int) -> bool:
        return self.has(i, "ssm_", "shortconv.", "time_mix_")

    def experts(self, i: int) -> bool:
        return self.has(i, "ffn_gate_inp") or any(r.endswith("_exps") for r in self.roles[i])

    def mlp(self, i: int) -> bool:
        return bool(self.roles[i] & {"ffn_up", "ffn_down", "ffn_gate"}) or self.has(i, "channel_mix_")

    def any_tensor(self, suffix: str) -> bool:
        return any(n.endswith(suffix) for n in self.names)

    def dim(self, role: str, axis: int) -> int | None:
        """Dimension `axis` (ne order: innermost first) of a layer's `role` tensor, the last
        layer that has one first (RWKV-7's layer 0 is shaped apart)."""
        for i in reversed(range(len(self.roles))):
            for name in (f"blk.{i}.{role}.weight", f"blk.{i}.{role}"):
                shape = self.shapes.get(name)
                if shape is not None and len(shape) > axis:
                    return int(shape[axis])
        return None


def _key(g, t: _Layers, name: str, role: str | None = None, axis: int = 0) -> int:
    """A width from the metadata, else from the shape of a `role` tensor (exact), else
    refused naming the key."""
    value = g.get(name)
    if value is None and role is not None:
        value = t.dim(role, axis)
    if value is None:
        raise UserError(f"{g.origin}: GGUF metadata lacks {g.key(name)!r}")
    return int(value)


def _nonzero(g, name: str, layers: list[int], count: int) -> int | None:
    """The one non-zero value of a key that llama.cpp may write per layer, over `layers`
    (None where the file lacks the key); refused naming the key where they differ."""
    value = g.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        return int(value)
    blocks = g.blocks or count
    if len(value) not in (count, blocks):  # llama.cpp writes the MTP layers' entries too
        raise UserError(f"{g.origin}: {g.key(name)} lists {len(value)} layers, not {blocks}")
    values = {int(value[i]) for i in layers if value[i]}
    if len(values) > 1:
        raise UserError(f"{g.origin}: {g.key(name)} differs between layers of the same kind ({sorted(values)[:4]}): "
                        "layers of different widths are not modelled yet")
    return values.pop() if values else None


def hybrid_architecture(g, names, shapes=None) -> dict[str, Any]:
    """The `Architecture` fields of a recurrent or hybrid GGUF file (`g`: its metadata;
    `names`: its tensors' elements; `shapes`: their dims)."""
    recurrent_kind, version = RECURRENT[g.arch]
    hidden, count = int(g.required("embedding_length")), g.main_layers()  # MTP layers left out
    t = _Layers(names, count, g.origin, shapes, g.blocks)
    kinds = []
    for i in range(count):
        if t.attends(i) and t.recurrent(i):
            kinds.append("mamba_attention")
        elif t.attends(i):
            kinds.append("full_attention")
        elif t.recurrent(i):
            kinds.append(recurrent_kind)
        elif t.experts(i) or t.mlp(i):
            kinds.append("moe" if t.experts(i) else "mlp")
        else:
            raise UserError(f"{g.origin}: layer {i} of this {g.arch!r} file has no attention, recurrent or "
                            "feed-forward tensors")
    moe = [t.experts(i) for i in range(count)]
    feed_forward = [t.experts(i) or t.mlp(i) for i in range(count)]
    no_mlp = []
    for kind in dict.fromkeys(kinds):
        with_ffn = {feed_forward[i] for i in range(count) if kinds[i] == kind}
        if with_ffn == {False}:
            no_mlp.append(kind)
        elif len(with_ffn) > 1:
            raise UserError(f"{g.origin}: some {kind.replace('_', ' ')} layers have a feed-forward block and "
                            "some do not: not modelled yet")
    attention = [i for i in range(count) if kinds[i] in ("full_attention", "mamba_attention")]
    embd = names.get("token_embd.weight")
    vocab = g.get("vocab_size") or g.m.get("tokenizer.ggml.tokens.length") or (embd // hidden if embd else 0)
    if not vocab:
        raise UserError(f"{g.origin}: no vocabulary size (no {g.key('vocab_size')}, tokenizer or token_embd)")
    kw: dict[str, Any] = dict(
        model_type=MODEL_TYPES.get(g.arch, g.arch), vocab_size=int(vocab), hidden_size=hidden,
        num_hidden_layers=count, layer_types=tuple(kinds), no_mlp_layer_types=tuple(no_mlp),
        tie_word_embeddings="output.weight" not in names,
        norms_per_layer=1 if g.arch in _ONE_NORM else 2,
        gated_mlp=t.any_tensor("ffn_gate.weight") or t.any_tensor("ffn_gate_exps.weight")
        or t.any_tensor("ffn_gate_up_exps.weight"),
    )
    kw.update(_attention(g, t, attention, hidden))
    kw.update(_feed_forward(g, t, moe, feed_forward))
    if any(k in (recurrent_kind, "mamba_attention") for k in kinds):  # else its recurrent keys are not needed
        kw.update(_recurrent(g, t, recurrent_kind, version))
    if not feed_forward or not any(feed_forward):
        kw["intermediate_size"] = kw.get("mamba_intermediate_size") or hidden  # no MLP: unused
    return kw


def _recurrent(g, t: _Layers, kind: str, version: int | None) -> dict[str, Any]:
    if kind == "mamba":
        return _mamba(g, t, version)
    if kind == "linear_attention":
        return _gated_deltanet(g, t)
    if kind == "rwkv":
        return _rwkv(g, t, version)
    return dict(conv_kernel_size=_key(g, t, "shortconv.l_cache", "shortconv.conv", 0),
                conv_bias=t.any_tensor("shortconv.in_proj.bias"))


def _attention(g, t: _Layers, layers: list[int], hidden: int) -> dict[str, Any]:
    if not layers:  # Mamba layers only: no attention, no positions
        return dict(num_attention_heads=1, head_dim=hidden, position_embedding_type="none",
                    max_position_embeddings=limits.POSITIONS)
    count = len(t.roles)
    heads = _nonzero(g, "attention.head_count", layers, count)
    if not heads:
        raise UserError(f"{g.origin}: GGUF metadata lacks {g.key('attention.head_count')!r}")
    kv = _nonzero(g, "attention.head_count_kv", layers, count) or heads
    key_length, value_length = g.get("attention.key_length"), g.get("attention.value_length")
    if key_length is not None and value_length is not None and key_length != value_length:
        raise UserError(f"{g.origin}: {g.key('attention.value_length')} ({value_length}) differs from key_length "
                        f"({key_length}): keys and values of different widths are not modelled yet")
    out: dict[str, Any] = dict(
        num_attention_heads=heads, num_key_value_heads=kv,
        max_position_embeddings=int(g.get("context_length") or 4096),
        position_embedding_type="rope" if g.get("rope.freq_base") or g.get("rope.dimension_count") else "none",
        qk_norm=any("attn_q_norm" in t.roles[i] for i in layers),
        qkv_bias=t.any_tensor("attn_q.bias"), attention_out_bias=t.any_tensor("attn_output.bias"),
        attention_output_gate=g.arch in _OUTPUT_GATE)
    if key_length:
        out["head_dim"] = int(key_length)
    window = g.get("attention.sliding_window")
    if window:
        raise UserError(f"{g.origin}: {g.key('attention.sliding_window')}: sliding-window attention in a "
                        f"{g.arch!r} hybrid is not modelled yet")
    return out


def _feed_forward(g, t: _Layers, moe: list[bool], feed_forward: list[bool]) -> dict[str, Any]:
    dense_layers = [i for i, (f, e) in enumerate(zip(feed_forward, moe)) if f and not e]
    out: dict[str, Any] = {}
    count = len(moe)
    width = _nonzero(g, "feed_forward_length", dense_layers or [i for i, f in enumerate(feed_forward) if f], count)
    if not any(moe):
        if dense_layers and not width:
            raise UserError(f"{g.origin}: GGUF metadata lacks {g.key('feed_forward_length')!r}")
        if width:
            out["intermediate_size"] = width
        return out
    if g.get("moe_latent_size") or t.any_tensor("ffn_latent_down.weight"):
        raise UserError(f"{g.origin}: {g.key('moe_latent_size')}: latent expert projections are not modelled yet")
    expert_width = int(g.get("expert_feed_forward_length") or 0) or _nonzero(
        g, "feed_forward_length", [i for i, e in enumerate(moe) if e], count)
    if not expert_width:
        raise UserError(f"{g.origin}: GGUF metadata lacks {g.key('expert_feed_forward_length')!r}")
    out.update(num_local_experts=int(g.required("expert_count")), num_experts_per_tok=int(g.required("expert_used_count")),
               moe_intermediate_size=expert_width, intermediate_size=width if dense_layers and width else expert_width,
               mlp_only_layers=tuple(i for i in range(len(moe)) if not moe[i]))
    if t.any_tensor("ffn_up_shexp.weight"):
        shared = g.get("expert_shared_feed_forward_length")
        if not shared:
            raise UserError(f"{g.origin}: GGUF metadata lacks {g.key('expert_shared_feed_forward_length')!r} "
                            "(the file has shared-expert tensors)")
        out.update(n_shared_experts=1, shared_expert_intermediate_size=int(shared),
                   shared_expert_gate=t.any_tensor("ffn_gate_inp_shexp.weight"))
    return out


def _mamba(g, t: _Layers, version: int) -> dict[str, Any]:
    # Shapes (llama.cpp): ssm_out {d_inner, d}, ssm_conv1d {d_conv, channels}; Mamba 1: ssm_dt
    # {dt_rank, d_inner}, ssm_a {d_state, d_inner}; Mamba 2: ssm_a {heads}, ssm_norm
    # {d_inner / groups, groups}, channels = d_inner + 2·groups·d_state.
    inner, kernel = _key(g, t, "ssm.inner_size", "ssm_out", 0), _key(g, t, "ssm.conv_kernel", "ssm_conv1d", 0)
    out: dict[str, Any] = dict(
        mamba_version=version, mamba_intermediate_size=inner, mamba_conv_kernel=kernel,
        mamba_conv_bias=t.any_tensor("ssm_conv1d.bias"), mamba_proj_bias=t.any_tensor("ssm_in.bias"),
        mamba_out_proj_bias=t.any_tensor("ssm_out.bias"))
    if version == 1:
        return dict(out, mamba_dt_rank=_key(g, t, "ssm.time_step_rank", "ssm_dt", 0),
                    ssm_state_size=_key(g, t, "ssm.state_size", "ssm_a", 0),
                    mamba_inner_norms=t.any_tensor("ssm_dt_norm.weight"))
    heads, groups = _key(g, t, "ssm.time_step_rank", "ssm_a", 0), _key(g, t, "ssm.group_count", "ssm_norm", 1)
    if inner % heads:
        raise UserError(f"{g.origin}: {g.key('ssm.inner_size')} ({inner}) is not a multiple of "
                        f"{g.key('ssm.time_step_rank')} ({heads}, the Mamba 2 heads)")
    state = g.get("ssm.state_size")
    channels = t.dim("ssm_conv1d", 1)
    if state is None and channels is not None and (channels - inner) % (2 * groups) == 0 and channels > inner:
        state = (channels - inner) // (2 * groups)
    if state is None:
        raise UserError(f"{g.origin}: GGUF metadata lacks {g.key('ssm.state_size')!r}")
    return dict(out, ssm_state_size=int(state), mamba_num_heads=heads, mamba_head_dim=inner // heads,
                mamba_n_groups=groups, mamba_gated_norm=t.any_tensor("ssm_norm.weight"))


def _gated_deltanet(g, t: _Layers) -> dict[str, Any]:
    # Shapes (llama.cpp): ssm_out {values, d}, ssm_a {value heads}, ssm_conv1d {kernel,
    # 2·keys + values}: the keys' total, so key heads give the key head size and back.
    inner, value_heads = _key(g, t, "ssm.inner_size", "ssm_out", 0), _key(g, t, "ssm.time_step_rank", "ssm_a", 0)
    if inner % value_heads:
        raise UserError(f"{g.origin}: {g.key('ssm.inner_size')} ({inner}) is not a multiple of "
                        f"{g.key('ssm.time_step_rank')} ({value_heads}, the linear-attention value heads)")
    key_heads, key_dim = g.get("ssm.group_count"), g.get("ssm.state_size")
    channels = t.dim("ssm_conv1d", 1)
    keys = (channels - inner) // 2 if channels is not None and channels > inner and (channels - inner) % 2 == 0 else None
    if keys and key_heads and key_dim is None and keys % int(key_heads) == 0:
        key_dim = keys // int(key_heads)
    if keys and key_dim and key_heads is None and keys % int(key_dim) == 0:
        key_heads = keys // int(key_dim)
    for name, value in (("ssm.group_count", key_heads), ("ssm.state_size", key_dim)):
        if value is None:
            raise UserError(f"{g.origin}: GGUF metadata lacks {g.key(name)!r}")
    return dict(linear_num_key_heads=int(key_heads), linear_num_value_heads=value_heads,
                linear_key_head_dim=int(key_dim), linear_value_head_dim=inner // value_heads,
                linear_conv_kernel_dim=_key(g, t, "ssm.conv_kernel", "ssm_conv1d", 0))


# RWKV's low-rank widths, by version, as llama.cpp reads them (all required there).
# Each with the tensor whose innermost dimension is that rank (llama.cpp's shapes).
_RWKV_RANKS = {6: (("time_mix_extra_dim", "time_mix_w2"), ("time_decay_extra_dim", "time_mix_decay_w2")),
               7: (("attention.decay_lora_rank", "time_mix_w2"), ("attention.iclr_lora_rank", "time_mix_a2"),
                   ("attention.value_residual_mix_lora_rank", "time_mix_v2"),
                   ("attention.gate_lora_rank", "time_mix_g2"))}


def _rwkv(g, t: _Layers, version: int) -> dict[str, Any]:
    # RWKV-6's time_mix_first is {head_size, heads}.
    hidden, head_size = int(g.required("embedding_length")), _key(g, t, "wkv.head_size", "time_mix_first", 0)
    if hidden % head_size:
        raise UserError(f"{g.origin}: {g.key('embedding_length')} ({hidden}) is not a multiple of "
                        f"{g.key('wkv.head_size')} ({head_size})")
    if not t.any_tensor("channel_mix_key.weight"):
        # rwkv6qwen2 / arwkv7 put a gated MLP after the time mix; not these architectures.
        raise UserError(f"{g.origin}: an {g.arch!r} file without channel_mix tensors is not modelled yet")
    token_shift = g.get("token_shift_count")
    # LayerNorms (weight and bias) before each mix and after the embedding; no positions.
    return dict(rwkv_version=version, rwkv_head_size=head_size,
                rwkv_lora=tuple(_key(g, t, name, role, 0) for name, role in _RWKV_RANKS[version]),
                rwkv_token_shift=2 if token_shift is None else int(token_shift),
                norm_type="layernorm" if t.any_tensor("attn_norm.bias") else "rmsnorm",
                embedding_norm="token_embd_norm.weight" in t.names, gated_mlp=False,
                intermediate_size=int(g.required("feed_forward_length")))
