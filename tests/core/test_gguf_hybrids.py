"""GGUF files of recurrent and hybrid models (Qwen3-Next, LFM2, Nemotron-H, Falcon-H1, Jamba):
each layer's kind from the tensor table, the widths from the metadata llama.cpp writes, the
weights the exact sum of the tensors, and a KV cache for the attention layers only beside the
fixed recurrent state, both worked out by hand below (bf16: 2 bytes an element, context 1024,
batch 1)."""

from __future__ import annotations

import pytest

from paramtui.core.errors import UserError
from paramtui.core.inputs.session import parse_session
from paramtui.core.io.model_folder import read_checkpoint
from paramtui.core.model.params import count_parameters
from paramtui.core.result.estimate import estimate
from tests.core.checkpoint_fixtures import write_gguf

H, VOCAB, CONTEXT = 256, 512, 1024


def _estimate(path):
    text = f'[[scenario]]\nid = "s"\nmodel = "{path}"\ninference = {{ context = {CONTEXT} }}'
    return estimate(parse_session(text).scenarios[0])


def _f16(*ne):
    return ("F16", ne)


def _ends(tied: bool = False) -> dict:
    t = {"token_embd.weight": ("Q8_0", (H, VOCAB)), "output_norm.weight": ("F32", (H,))}
    return t if tied else t | {"output.weight": _f16(H, VOCAB)}


def _attention(i: int, heads: int, kv: int, head_dim: int, *, gate: bool = False, qk_norm: bool = False) -> dict:
    p = f"blk.{i}."
    t = {p + "attn_q.weight": _f16(H, heads * head_dim * (2 if gate else 1)),
         p + "attn_k.weight": _f16(H, kv * head_dim), p + "attn_v.weight": _f16(H, kv * head_dim),
         p + "attn_output.weight": _f16(heads * head_dim, H)}
    if qk_norm:
        t |= {p + "attn_q_norm.weight": ("F32", (head_dim,)), p + "attn_k_norm.weight": ("F32", (head_dim,))}
    return t


def _mlp(i: int, width: int, gated: bool = True) -> dict:
    p = f"blk.{i}."
    t = {p + "ffn_up.weight": _f16(H, width), p + "ffn_down.weight": _f16(width, H)}
    return t | ({p + "ffn_gate.weight": _f16(H, width)} if gated else {})


def _experts(i: int, experts: int, width: int) -> dict:
    p = f"blk.{i}."
    return {p + "ffn_gate_inp.weight": ("F32", (H, experts)), p + "ffn_gate_exps.weight": _f16(H, width, experts),
            p + "ffn_up_exps.weight": _f16(H, width, experts), p + "ffn_down_exps.weight": _f16(width, H, experts)}


def _mamba2(i: int, inner: int, heads: int, state: int, groups: int, kernel: int) -> dict:
    p, conv = f"blk.{i}.", inner + 2 * groups * state
    return {p + "ssm_in.weight": _f16(H, 2 * inner + 2 * groups * state + heads),
            p + "ssm_conv1d.weight": ("F32", (kernel, conv)), p + "ssm_conv1d.bias": ("F32", (conv,)),
            p + "ssm_dt.bias": ("F32", (heads,)), p + "ssm_a": ("F32", (heads,)), p + "ssm_d": ("F32", (heads,)),
            p + "ssm_norm.weight": ("F32", (inner // groups, groups)), p + "ssm_out.weight": _f16(inner, H)}


def _qwen35_deltanet(i: int) -> dict:
    """A Qwen3.5 Gated DeltaNet layer as llama.cpp writes it (fused attn_qkv, attn_gate, ssm_*):
    2 key heads and 4 value heads of 64 (qkv = 2·(2·64) + 256 = 512 channels)."""
    p = f"blk.{i}."
    return {p + "attn_qkv.weight": _f16(H, 512), p + "attn_gate.weight": _f16(H, 256),
            p + "ssm_alpha.weight": _f16(H, 4), p + "ssm_beta.weight": _f16(H, 4),
            p + "ssm_conv1d.weight": ("F32", (4, 512)), p + "ssm_dt.bias": ("F32", (4,)),
            p + "ssm_a": ("F32", (4,)), p + "ssm_norm.weight": ("F32", (64,)),
            p + "ssm_out.weight": _f16(256, H)}


def _norms(i: int, *names: str) -> dict:
    return {f"blk.{i}.{n}.weight": ("F32", (H,)) for n in names}


def _write(tmp_path, arch: str, meta: dict, tensors: dict):
    path = tmp_path / f"{arch}.gguf"
    write_gguf(path, arch, {f"{arch}.{k}": v for k, v in meta.items()}, tensors)
    return path


def _check_weights(path, est):
    """Weights and elements are the file's own, exactly."""
    ckpt = read_checkpoint(path)
    assert est.values["params.total"] == ckpt.elements
    assert est.values["memory.weights_bytes"] == ckpt.weights_bytes


def _qwen3next_file(tmp_path, drop=()):
    meta = {"block_count": 4, "embedding_length": H, "context_length": 262144, "vocab_size": VOCAB,
            "attention.head_count": 4, "attention.head_count_kv": 2, "attention.key_length": 128,
            "attention.value_length": 128, "rope.freq_base": 1e7, "rope.dimension_count": 64,
            "expert_count": 8, "expert_used_count": 2, "expert_feed_forward_length": 128,
            "expert_shared_feed_forward_length": 256, "full_attention_interval": 4,
            # key heads 2 (group_count), value heads 4 (time_step_rank), key dim 64 (state_size),
            # values 4·64 = 256 (inner_size), conv kernel 4
            "ssm.conv_kernel": 4, "ssm.state_size": 64, "ssm.group_count": 2, "ssm.time_step_rank": 4,
            "ssm.inner_size": 256}
    t = _ends()
    for i in range(4):
        t |= _norms(i, "attn_norm", "post_attention_norm") | _experts(i, 8, 128)
        p = f"blk.{i}."
        t |= {p + "ffn_gate_inp_shexp.weight": ("F32", (H,)), p + "ffn_up_shexp.weight": _f16(H, 256),
              p + "ffn_gate_shexp.weight": _f16(H, 256), p + "ffn_down_shexp.weight": _f16(256, H)}
        if i == 3:
            t |= _attention(i, 4, 2, 128, gate=True, qk_norm=True)
        else:  # qkvz: 2·(2·64) + 2·256; conv over 2·128 + 256 = 512 channels
            t |= {p + "ssm_in.weight": _f16(H, 768), p + "ssm_ba.weight": _f16(H, 8),
                  p + "ssm_conv1d.weight": ("F32", (4, 512)), p + "ssm_dt.bias": ("F32", (4,)),
                  p + "ssm_a": ("F32", (4,)), p + "ssm_norm.weight": ("F32", (64,)),
                  p + "ssm_out.weight": _f16(256, H)}
    return _write(tmp_path, "qwen3next", {k: v for k, v in meta.items() if k not in drop}, t)


def test_qwen3_next_gated_deltanet_layers_and_every_fourth_full_attention(tmp_path):
    """3 Gated DeltaNet layers and 1 full-attention layer, experts and a gated shared expert in all."""
    path = _qwen3next_file(tmp_path)
    est = _estimate(path)
    arch = est.architecture
    assert arch.model_type == "qwen3_next"
    assert arch.layer_types == ("linear_attention",) * 3 + ("full_attention",)
    assert (arch.linear_num_key_heads, arch.linear_num_value_heads, arch.linear_key_head_dim,
            arch.linear_value_head_dim, arch.linear_conv_kernel_dim) == (2, 4, 64, 64, 4)
    assert (arch.kv_heads, arch.resolved_head_dim, arch.attention_output_gate, arch.qk_norm) == (2, 128, True, True)
    assert (arch.num_local_experts, arch.num_experts_per_tok, arch.moe_intermediate_size,
            arch.shared_expert_intermediate_size, arch.shared_expert_gate) == (8, 2, 128, 256, True)
    v = est.values
    # KV: 1 attention layer · K and V · 2 KV heads · 128 · 2 bytes · 1024 tokens
    assert v["memory.kv_cache_bytes"] == 1 * 2 * 2 * 128 * 2 * CONTEXT == 1_048_576
    # state per DeltaNet layer: 4 value heads · 64 · 64 + 512 conv channels · (4 − 1) = 17,920
    assert v["memory.recurrent_state_bytes"] == 3 * (4 * 64 * 64 + 512 * 3) * 2 == 107_520
    _check_weights(path, est)
    routed = 4 * 3 * H * 128 * 8
    assert v["params.active"] == v["params.total"] - routed + routed * 2 // 8


def _lfm2_file(tmp_path, drop=()):
    meta = {"block_count": 4, "embedding_length": H, "feed_forward_length": 512, "context_length": 128000,
            "vocab_size": VOCAB, "attention.head_count": 4, "attention.head_count_kv": [0, 0, 2, 0],
            "rope.freq_base": 1e6, "shortconv.l_cache": 3}
    t = {"token_embd.weight": ("Q8_0", (H, VOCAB)), "token_embd_norm.weight": ("F32", (H,))}  # tied head
    for i in range(4):
        t |= _norms(i, "attn_norm", "ffn_norm") | _mlp(i, 512)
        if i == 2:
            t |= _attention(i, 4, 2, 64, qk_norm=True)
        else:
            p = f"blk.{i}.shortconv."
            t |= {p + "conv.weight": ("F32", (3, H)), p + "in_proj.weight": _f16(H, 3 * H),
                  p + "out_proj.weight": _f16(H, H)}
    return _write(tmp_path, "lfm2", {k: v for k, v in meta.items() if k not in drop}, t)


def test_lfm2_short_convolutions_beside_attention_layers(tmp_path):
    """A layer with 0 KV heads is a short-convolution layer (llama.cpp's rule; its tensors agree)."""
    path = _lfm2_file(tmp_path)
    est = _estimate(path)
    arch = est.architecture
    assert arch.layer_types == ("conv", "conv", "full_attention", "conv")
    assert (arch.conv_kernel_size, arch.intermediate_size, arch.kv_heads, arch.resolved_head_dim) == (3, 512, 2, 64)
    assert arch.tie_word_embeddings and arch.qk_norm
    v = est.values
    assert v["memory.kv_cache_bytes"] == 1 * 2 * 2 * 64 * 2 * CONTEXT == 524_288
    # per conv layer: 256 channels · (3 − 1) inputs kept
    assert v["memory.recurrent_state_bytes"] == 3 * H * 2 * 2 == 3_072
    _check_weights(path, est)
    conv = 3 * (3 * H + 3 * H * H + H * H)
    attention = 2 * H * H + 2 * H * 128
    assert v["params.breakdown.attention"] == conv + attention  # the convolutions are the token mixers


def _nemotron_h_file(tmp_path, drop=()):
    meta = {"block_count": 4, "embedding_length": H, "context_length": 8192, "vocab_size": VOCAB,
            "attention.head_count": 4, "attention.head_count_kv": [0, 0, 0, 2], "attention.key_length": 64,
            "attention.value_length": 64, "feed_forward_length": [0, 512, 0, 0],
            "ssm.conv_kernel": 4, "ssm.inner_size": 512, "ssm.state_size": 128, "ssm.time_step_rank": 8,
            "ssm.group_count": 2}
    t = _ends()
    for i, kind in enumerate(("mamba", "mlp", "mamba", "attention")):
        t |= _norms(i, "attn_norm")
        t |= {"mamba": lambda: _mamba2(i, 512, 8, 128, 2, 4), "mlp": lambda: _mlp(i, 512, gated=False),
              "attention": lambda: _attention(i, 4, 2, 64)}[kind]()
    return _write(tmp_path, "nemotron_h", {k: v for k, v in meta.items() if k not in drop}, t)


def test_nemotron_h_one_mixer_per_layer(tmp_path):
    """Mamba 2, MLP-only and attention layers: 0 KV heads and 0 FFN width mark a Mamba layer."""
    path = _nemotron_h_file(tmp_path)
    est = _estimate(path)
    arch = est.architecture
    assert arch.layer_types == ("mamba", "mlp", "mamba", "full_attention")
    assert set(arch.no_mlp_layer_types) == {"mamba", "full_attention"}
    assert (arch.norms_per_layer, arch.gated_mlp, arch.intermediate_size) == (1, False, 512)
    assert (arch.mamba_version, arch.mamba_num_heads, arch.mamba_head_dim, arch.mamba_n_groups) == (2, 8, 64, 2)
    v = est.values
    assert v["memory.kv_cache_bytes"] == 1 * 2 * 2 * 64 * 2 * CONTEXT == 524_288
    # per Mamba 2 layer: 8 heads · 64 · 128 state + (512 + 2·2·128) conv channels · 3
    assert v["memory.recurrent_state_bytes"] == 2 * (8 * 64 * 128 + 1024 * 3) * 2 == 274_432
    _check_weights(path, est)


def _falcon_h1_file(tmp_path, drop=()):
    meta = {"block_count": 2, "embedding_length": H, "feed_forward_length": 512, "context_length": 16384,
            "vocab_size": VOCAB, "attention.head_count": 4, "attention.head_count_kv": 2,
            "attention.key_length": 64, "attention.value_length": 64, "rope.freq_base": 1e11,
            "ssm.conv_kernel": 4, "ssm.inner_size": 256, "ssm.state_size": 16, "ssm.time_step_rank": 4,
            "ssm.group_count": 1}
    t = _ends()
    for i in range(2):
        t |= (_norms(i, "attn_norm", "ffn_norm") | _attention(i, 4, 2, 64) | _mamba2(i, 256, 4, 16, 1, 4)
              | _mlp(i, 512))
    return _write(tmp_path, "falcon-h1", {k: v for k, v in meta.items() if k not in drop}, t)


def test_falcon_h1_attention_and_mamba_side_by_side(tmp_path):
    path = _falcon_h1_file(tmp_path)
    est = _estimate(path)
    arch = est.architecture
    assert arch.model_type == "falcon_h1"
    assert arch.layer_types == ("mamba_attention", "mamba_attention")
    assert (arch.mamba_num_heads, arch.mamba_head_dim, arch.ssm_state_size) == (4, 64, 16)
    v = est.values
    assert v["memory.kv_cache_bytes"] == 2 * 2 * 2 * 64 * 2 * CONTEXT == 1_048_576
    # per layer: 4 heads · 64 · 16 + (256 + 2·16) conv channels · 3
    assert v["memory.recurrent_state_bytes"] == 2 * (4 * 64 * 16 + 288 * 3) * 2 == 19_840
    _check_weights(path, est)


def _jamba_file(tmp_path, drop=()):
    meta = {"block_count": 4, "embedding_length": H, "feed_forward_length": 512, "context_length": 262144,
            "vocab_size": VOCAB, "attention.head_count": 4, "attention.head_count_kv": [0, 0, 2, 0],
            "expert_count": 4, "expert_used_count": 2,
            "ssm.conv_kernel": 4, "ssm.inner_size": 512, "ssm.state_size": 16, "ssm.time_step_rank": 16}
    t = _ends()
    for i in range(4):
        t |= _norms(i, "attn_norm", "ffn_norm")
        t |= _experts(i, 4, 512) if i % 2 else _mlp(i, 512)
        if i == 2:
            t |= _attention(i, 4, 2, 64)
        else:
            p = f"blk.{i}."
            t |= {p + "ssm_in.weight": _f16(H, 1024), p + "ssm_conv1d.weight": ("F32", (4, 512)),
                  p + "ssm_conv1d.bias": ("F32", (512,)), p + "ssm_x.weight": _f16(512, 16 + 32),
                  p + "ssm_dt.weight": _f16(16, 512), p + "ssm_dt.bias": ("F32", (512,)),
                  p + "ssm_dt_norm.weight": ("F32", (16,)), p + "ssm_b_norm.weight": ("F32", (16,)),
                  p + "ssm_c_norm.weight": ("F32", (16,)), p + "ssm_a": ("F32", (16, 512)),
                  p + "ssm_d": ("F32", (512,)), p + "ssm_out.weight": _f16(512, H)}
    return _write(tmp_path, "jamba", {k: v for k, v in meta.items() if k not in drop}, t)


def test_jamba_mamba_1_attention_and_experts_on_alternate_layers(tmp_path):
    path = _jamba_file(tmp_path)
    est = _estimate(path)
    arch = est.architecture
    assert arch.layer_types == ("mamba", "mamba", "full_attention", "mamba")
    assert [arch.is_moe_layer(i) for i in range(4)] == [False, True, False, True]
    assert (arch.mamba_version, arch.mamba_dt_rank, arch.mamba_inner_norms, arch.moe_intermediate_size) == (1, 16, True, 512)
    v = est.values
    assert v["memory.kv_cache_bytes"] == 1 * 2 * 2 * 64 * 2 * CONTEXT == 524_288
    # per Mamba layer: 512 inner · 16 state + 512 conv channels · 3
    assert v["memory.recurrent_state_bytes"] == 3 * (512 * 16 + 512 * 3) * 2 == 58_368
    _check_weights(path, est)
    routed = 2 * 3 * H * 512 * 4
    assert v["params.active"] == v["params.total"] - routed + routed * 2 // 4


# Metadata keys each fixture can lose: its tensors' shapes give them exactly.
_FROM_SHAPES = {
    "qwen3next": (_qwen3next_file, ("ssm.conv_kernel", "ssm.inner_size", "ssm.time_step_rank", "ssm.state_size")),
    "lfm2": (_lfm2_file, ("shortconv.l_cache",)),
    "nemotron_h": (_nemotron_h_file, ("ssm.conv_kernel", "ssm.inner_size", "ssm.time_step_rank",
                                      "ssm.group_count", "ssm.state_size")),
    "jamba": (_jamba_file, ("ssm.conv_kernel", "ssm.inner_size", "ssm.time_step_rank", "ssm.state_size")),
    "rwkv6": (lambda path, drop: _rwkv_file(path, 6, drop), ("wkv.head_size", "time_mix_extra_dim",
                                                             "time_decay_extra_dim")),
    "rwkv7": (lambda path, drop: _rwkv_file(path, 7, drop), (
        "attention.decay_lora_rank", "attention.iclr_lora_rank", "attention.value_residual_mix_lora_rank",
        "attention.gate_lora_rank")),
}


@pytest.mark.parametrize("arch", list(_FROM_SHAPES))
def test_widths_the_metadata_lacks_are_read_from_the_tensor_shapes(tmp_path, arch):
    build, keys = _FROM_SHAPES[arch]
    (tmp_path / "full").mkdir()
    (tmp_path / "bare").mkdir()
    full = _estimate(build(tmp_path / "full", ()))
    bare = _estimate(build(tmp_path / "bare", keys))
    assert bare.architecture == full.architecture
    for key in ("memory.kv_cache_bytes", "memory.recurrent_state_bytes", "params.total"):
        assert bare.values[key] == full.values[key]


def test_hybrid_files_that_do_not_determine_the_shape_are_refused_naming_the_key(tmp_path):
    # Gated DeltaNet's conv holds 2·key_heads·key_dim channels: one of the two must be given.
    path = _qwen3next_file(tmp_path, drop=("ssm.group_count", "ssm.state_size"))
    with pytest.raises(UserError, match="GGUF metadata lacks 'qwen3next.ssm.group_count'"):
        _estimate(path)
    # RWKV-7 has no tensor as wide as its heads.
    path = _rwkv_file(tmp_path, 7, drop=("wkv.head_size",))
    with pytest.raises(UserError, match="GGUF metadata lacks 'rwkv7.wkv.head_size'"):
        _estimate(path)
    # Two attention layers with different KV heads: one shape per kind of layer, so refused.
    meta = {"block_count": 3, "embedding_length": H, "feed_forward_length": 512, "vocab_size": VOCAB,
            "attention.head_count": 4, "attention.head_count_kv": [0, 2, 4], "shortconv.l_cache": 3}
    t = _ends(tied=True)
    for i in range(3):
        t |= _norms(i, "attn_norm", "ffn_norm") | _mlp(i, 512)
    conv = {f"blk.0.shortconv.{n}.weight": s for n, s in
            (("conv", ("F32", (3, H))), ("in_proj", _f16(H, 3 * H)), ("out_proj", _f16(H, H)))}
    path = _write(tmp_path, "lfm2", meta, t | conv | _attention(1, 4, 2, 64) | _attention(2, 4, 4, 64))
    with pytest.raises(UserError, match="lfm2.attention.head_count_kv differs between layers of the same kind"):
        _estimate(path)


def _rwkv_layer(i: int, version: int) -> dict:
    p, d = f"blk.{i}.", H
    t = {p + f"{n}.{w}": ("F32", (d,)) for n in ("attn_norm", "attn_norm_2", "time_mix_ln") for w in ("weight", "bias")}
    t |= {p + f"time_mix_{n}.weight": _f16(d, d) for n in ("key", "value", "receptance", "output")}
    t |= {p + "channel_mix_lerp_k.weight": ("F32", (d, 1, 1)), p + "channel_mix_key.weight": _f16(d, 512),
          p + "channel_mix_value.weight": _f16(512, d)}
    if version == 6:  # time_mix_extra_dim 32, time_decay_extra_dim 64, 4 heads of 64
        t |= {p + "time_mix_w1.weight": _f16(d, 5 * 32), p + "time_mix_w2.weight": _f16(32, d, 5),
              p + "time_mix_lerp_x.weight": ("F32", (d, 1, 1)), p + "time_mix_lerp_fused.weight": ("F32", (d, 1, 1, 5)),
              p + "time_mix_first.weight": ("F32", (64, 4)), p + "time_mix_decay.weight": ("F32", (d,)),
              p + "time_mix_decay_w1.weight": _f16(d, 64), p + "time_mix_decay_w2.weight": _f16(64, d),
              p + "time_mix_gate.weight": _f16(d, d), p + "channel_mix_lerp_r.weight": ("F32", (d, 1, 1)),
              p + "channel_mix_receptance.weight": _f16(d, d)}
    else:  # ranks: decay 32, in-context learning rate 16, value residual mix 16, gate 64
        for n, rank in (("w", 32), ("a", 16), ("v", 16), ("g", 64)):
            t |= {p + f"time_mix_{n}1.weight": _f16(d, rank), p + f"time_mix_{n}2.weight": _f16(rank, d)}
            if n != "g":
                t[p + f"time_mix_{n}0.weight"] = ("F32", (d,))
        t |= {p + "time_mix_lerp_fused.weight": ("F32", (d, 1, 1, 6))}
        t |= {p + f"time_mix_{n}.weight": ("F32", (d,)) for n in ("k_k", "k_a", "r_k")}
    return t


def _rwkv_file(tmp_path, version, drop=()):
    meta = {"block_count": 2, "embedding_length": H, "feed_forward_length": 512, "context_length": 1048576,
            "vocab_size": VOCAB, "attention.head_count": 0, "attention.layer_norm_epsilon": 1e-5,
            "wkv.head_size": 64}
    meta |= ({"time_mix_extra_dim": 32, "time_decay_extra_dim": 64} if version == 6 else
             {"attention.decay_lora_rank": 32, "attention.iclr_lora_rank": 16,
              "attention.value_residual_mix_lora_rank": 16, "attention.gate_lora_rank": 64})
    t = _ends() | {"token_embd_norm.weight": ("F32", (H,)), "token_embd_norm.bias": ("F32", (H,)),
                   "output_norm.bias": ("F32", (H,))}
    for i in range(2):
        t |= _rwkv_layer(i, version)
    return _write(tmp_path, f"rwkv{version}", {k: v for k, v in meta.items() if k not in drop}, t)


@pytest.mark.parametrize("version", [6, 7])
def test_rwkv_time_and_channel_mixing(tmp_path, version):
    """No KV cache at all; per layer a head_size × head_size state per head (d · head_size)
    and the two token shifts' last token (2 · d)."""
    path = _rwkv_file(tmp_path, version)
    est = _estimate(path)
    arch = est.architecture
    assert arch.layer_types == ("rwkv", "rwkv")
    assert (arch.rwkv_version, arch.rwkv_head_size, arch.rwkv_token_shift) == (version, 64, 2)
    assert arch.rwkv_lora == ((32, 64) if version == 6 else (32, 16, 16, 64))
    v = est.values
    assert v["memory.kv_cache_bytes"] == 0
    assert v["memory.recurrent_state_bytes"] == 2 * (H * 64 + 2 * H) * 2 == 67_584
    _check_weights(path, est)
    # The per-layer model counts what the file holds, tensor for tensor.
    assert count_parameters(arch).total == read_checkpoint(path).elements


def test_rwkv_with_a_gated_mlp_and_other_recurrent_layers_are_refused_in_one_line(tmp_path):
    meta = {"block_count": 1, "embedding_length": H, "feed_forward_length": 512, "vocab_size": VOCAB,
            "attention.head_count": 0, "wkv.head_size": 64, "time_mix_extra_dim": 32,
            "time_decay_extra_dim": 64}
    t = _ends() | _norms(0, "attn_norm", "ffn_norm") | _mlp(0, 512) | {"blk.0.time_mix_key.weight": _f16(H, H)}
    path = _write(tmp_path, "rwkv6qwen2", meta, t)
    with pytest.raises(UserError, match=r"rwkv6qwen2\.wkv\.head_size: the recurrent layers of a 'rwkv6qwen2' GGUF file"):
        _estimate(path)
    path = _write(tmp_path, "rwkv6", meta, t)
    with pytest.raises(UserError, match="an 'rwkv6' file without channel_mix tensors is not modelled yet"):
        _estimate(path)


def test_mamba_1_only_model(tmp_path):
    """Mamba layers alone: no attention, no MLP, no positions; the per-layer model counts the
    file tensor for tensor (d_inner 512, state 16, kernel 4, dt_rank 16)."""
    meta = {"block_count": 2, "embedding_length": H, "context_length": 1048576, "vocab_size": VOCAB,
            "ssm.conv_kernel": 4, "ssm.inner_size": 512, "ssm.state_size": 16, "ssm.time_step_rank": 16}
    t = _ends()
    for i in range(2):
        p = f"blk.{i}."
        t |= _norms(i, "attn_norm") | {
            p + "ssm_in.weight": _f16(H, 1024), p + "ssm_conv1d.weight": ("F32", (4, 512)),
            p + "ssm_conv1d.bias": ("F32", (512,)), p + "ssm_x.weight": _f16(512, 16 + 32),
            p + "ssm_dt.weight": _f16(16, 512), p + "ssm_dt.bias": ("F32", (512,)), p + "ssm_a": ("F32", (16, 512)),
            p + "ssm_d": ("F32", (512,)), p + "ssm_out.weight": _f16(512, H)}
    path = _write(tmp_path, "mamba", meta, t)
    est = _estimate(path)
    arch = est.architecture
    assert arch.layer_types == ("mamba", "mamba") and arch.no_mlp_layer_types == ("mamba",)
    assert (arch.norms_per_layer, arch.position_embedding_type, arch.mamba_version) == (1, "none", 1)
    assert est.values["memory.kv_cache_bytes"] == 0
    assert est.values["memory.recurrent_state_bytes"] == 2 * (512 * 16 + 512 * 3) * 2 == 38_912
    assert count_parameters(arch).total == read_checkpoint(path).elements


def test_nemotron_h_moe_experts_with_a_shared_expert_and_no_gate(tmp_path):
    meta = {"block_count": 3, "embedding_length": H, "context_length": 8192, "vocab_size": VOCAB,
            "attention.head_count": 4, "attention.head_count_kv": [0, 0, 2], "attention.key_length": 64,
            "attention.value_length": 64, "feed_forward_length": [0, 0, 0], "expert_count": 4,
            "expert_used_count": 2, "expert_feed_forward_length": 128, "expert_shared_feed_forward_length": 256,
            "ssm.conv_kernel": 4, "ssm.inner_size": 512, "ssm.state_size": 128, "ssm.time_step_rank": 8,
            "ssm.group_count": 2}
    t = _ends() | _norms(0, "attn_norm") | _norms(1, "attn_norm") | _norms(2, "attn_norm")
    t |= _mamba2(0, 512, 8, 128, 2, 4) | _attention(2, 4, 2, 64)
    t |= {"blk.1.ffn_gate_inp.weight": ("F32", (H, 4)), "blk.1.exp_probs_b.bias": ("F32", (4,)),
          "blk.1.ffn_up_exps.weight": _f16(H, 128, 4), "blk.1.ffn_down_exps.weight": _f16(128, H, 4),
          "blk.1.ffn_up_shexp.weight": _f16(H, 256), "blk.1.ffn_down_shexp.weight": _f16(256, H)}
    path = _write(tmp_path, "nemotron_h_moe", meta, t)
    est = _estimate(path)
    arch = est.architecture
    assert arch.model_type == "nemotron_h"
    assert arch.layer_types == ("mamba", "moe", "full_attention")
    assert [arch.is_moe_layer(i) for i in range(3)] == [False, True, False]
    assert (arch.gated_mlp, arch.moe_intermediate_size, arch.shared_expert_intermediate_size,
            arch.shared_expert_gate) == (False, 128, 256, False)
    v = est.values
    assert v["memory.kv_cache_bytes"] == 1 * 2 * 2 * 64 * 2 * CONTEXT == 524_288
    assert v["memory.recurrent_state_bytes"] == (8 * 64 * 128 + 1024 * 3) * 2 == 137_216
    routed = 2 * H * 128 * 4
    assert v["params.active"] == v["params.total"] - routed + routed * 2 // 4
    _check_weights(path, est)


def test_qwen3_5_dense_with_fused_qkv_on_its_linear_layers(tmp_path):
    """Qwen3.5 writes a DeltaNet layer's projections as attn_qkv and attn_gate beside its ssm_*
    tensors: still a linear-attention layer, not softmax attention; a dense MLP in every layer."""
    meta = {"block_count": 4, "embedding_length": H, "feed_forward_length": 512, "context_length": 262144,
            "vocab_size": VOCAB, "attention.head_count": 4, "attention.head_count_kv": 2,
            "attention.key_length": 128, "attention.value_length": 128, "rope.freq_base": 1e7,
            "full_attention_interval": 4, "ssm.conv_kernel": 4, "ssm.state_size": 64, "ssm.group_count": 2,
            "ssm.time_step_rank": 4, "ssm.inner_size": 256}
    t = _ends()
    for i in range(4):
        t |= _norms(i, "attn_norm", "post_attention_norm") | _mlp(i, 512)
        if i == 3:
            t |= _attention(i, 4, 2, 128, gate=True, qk_norm=True)
        else:
            t |= _qwen35_deltanet(i)
    path = _write(tmp_path, "qwen35", meta, t)
    est = _estimate(path)
    arch = est.architecture
    assert arch.model_type == "qwen3_5_text"
    assert arch.layer_types == ("linear_attention",) * 3 + ("full_attention",)
    assert (arch.is_moe, arch.intermediate_size, arch.gated_mlp) == (False, 512, True)
    assert est.values["memory.kv_cache_bytes"] == 1 * 2 * 2 * 128 * 2 * CONTEXT
    assert est.values["memory.recurrent_state_bytes"] == 3 * (4 * 64 * 64 + 512 * 3) * 2
    _check_weights(path, est)


def test_lfm2_moe_dense_leading_layers_then_experts(tmp_path):
    meta = {"block_count": 4, "embedding_length": H, "feed_forward_length": 512, "context_length": 128000,
            "vocab_size": VOCAB, "attention.head_count": 4, "attention.head_count_kv": [0, 0, 2, 0],
            "shortconv.l_cache": 3, "leading_dense_block_count": 2, "expert_count": 4, "expert_used_count": 2,
            "expert_feed_forward_length": 128}
    t = {"token_embd.weight": ("Q8_0", (H, VOCAB)), "token_embd_norm.weight": ("F32", (H,))}
    for i in range(4):
        t |= _norms(i, "attn_norm", "ffn_norm") | (_mlp(i, 512) if i < 2 else _experts(i, 4, 128))
        if i == 2:
            t |= _attention(i, 4, 2, 64, qk_norm=True)
        else:
            p = f"blk.{i}.shortconv."
            t |= {p + "conv.weight": ("F32", (3, H)), p + "in_proj.weight": _f16(H, 3 * H),
                  p + "out_proj.weight": _f16(H, H)}
    path = _write(tmp_path, "lfm2moe", meta, t)
    est = _estimate(path)
    arch = est.architecture
    assert arch.layer_types == ("conv", "conv", "full_attention", "conv")
    assert [arch.is_moe_layer(i) for i in range(4)] == [False, False, True, True]
    assert (arch.intermediate_size, arch.moe_intermediate_size, arch.num_local_experts) == (512, 128, 4)
    assert est.values["memory.kv_cache_bytes"] == 1 * 2 * 2 * 64 * 2 * CONTEXT
    assert est.values["memory.recurrent_state_bytes"] == 3 * H * 2 * 2
    routed = 2 * 3 * H * 128 * 4
    assert est.values["params.active"] == est.values["params.total"] - routed + routed * 2 // 4
    _check_weights(path, est)
