"""Multi-token-prediction (NextN) layers kept in a model file for speculative decoding: GGUF's
`{arch}.nextn_predict_layers` = k marks the last k of `block_count` blocks. llama.cpp (as of
its GLM-4.5 support) gives them no KV cache and does not run them, so the shape is the main
stack's; the count keeps every tensor of the file and shows the MTP layers as their own part.
Figures worked out by hand below (bf16 KV cache: 2 bytes an element, context 1024, batch 1)."""

from __future__ import annotations

import json
import math

import pytest

from paramtui.core.errors import UserError
from paramtui.core.inputs.session import parse_session
from paramtui.core.io.model_folder import read_checkpoint
from paramtui.core.result.estimate import estimate
from paramtui.core.result.figures import explain
from tests.core.checkpoint_fixtures import write_safetensors
from tests.core.test_gguf_hybrids import (CONTEXT, H, _attention, _ends, _estimate, _experts, _f16, _mlp, _norms,
                                         _qwen35_deltanet, _write)

PARTS = ("embedding", "attention", "mlp", "norm", "head", "encoders", "mtp")


def _nextn(i: int) -> dict:
    """The NextN block's own tensors beside its decoder layer (llama.cpp LLM_TENSOR_NEXTN_*)."""
    p = f"blk.{i}.nextn."
    return {p + "eh_proj.weight": _f16(2 * H, H), p + "enorm.weight": ("F32", (H,)),
            p + "hnorm.weight": ("F32", (H,)), p + "shared_head_norm.weight": ("F32", (H,))}


def _glm4moe_layer(i: int, dense: bool) -> dict:
    t = _norms(i, "attn_norm", "ffn_norm") | _attention(i, 4, 2, 128)
    if dense:
        return t | _mlp(i, 512)
    p = f"blk.{i}."
    return t | _experts(i, 4, 128) | {p + "ffn_up_shexp.weight": _f16(H, 128), p + "ffn_gate_shexp.weight": _f16(H, 128),
                                      p + "ffn_down_shexp.weight": _f16(128, H)}


def _glm4moe_file(tmp_path, nextn: int | None = 1):
    """GLM-4.5 in small: a dense first layer, an MoE layer, and (block 2) its NextN layer."""
    meta = {"block_count": 3, "embedding_length": H, "feed_forward_length": 512, "context_length": 131072,
            "vocab_size": 512, "attention.head_count": 4, "attention.head_count_kv": 2,
            "attention.key_length": 128, "attention.value_length": 128, "rope.freq_base": 1e6,
            "expert_count": 4, "expert_used_count": 2, "expert_feed_forward_length": 128,
            "expert_shared_count": 1, "leading_dense_block_count": 1}
    if nextn is not None:
        meta["nextn_predict_layers"] = nextn
    t = _ends() | _glm4moe_layer(0, dense=True) | _glm4moe_layer(1, dense=False)
    t |= _glm4moe_layer(2, dense=False) | _nextn(2)
    return _write(tmp_path, "glm4moe", meta, t)


def _adds_up(path, est):
    """Weights and elements are the whole file's; the parts, MTP included, add up to them."""
    ckpt = read_checkpoint(path)
    v = est.values
    assert v["params.total"] == ckpt.elements
    assert v["memory.weights_bytes"] == ckpt.weights_bytes
    assert sum(v[f"params.breakdown.{p}"] for p in PARTS) == v["params.total"]
    return ckpt


def test_glm4_moe_nextn_layer_has_no_kv_cache_and_is_not_active(tmp_path):
    path = _glm4moe_file(tmp_path)
    est = _estimate(path)
    v, arch = est.values, est.architecture
    assert arch.num_hidden_layers == 2  # block_count 3 less 1 NextN layer: what offload splits
    assert (arch.num_local_experts, arch.first_k_dense_replace, arch.n_shared_experts) == (4, 1, 1)
    # KV: 2 main layers · K and V · 2 KV heads · 128 · 2 bytes · 1024 tokens (not 3 layers)
    assert v["memory.kv_cache_bytes"] == 2 * 2 * 2 * 128 * 2 * CONTEXT == 2_097_152
    ckpt = _adds_up(path, est)
    layer2 = sum(n for name, n in ckpt.tensor_elements.items() if name.startswith("blk.2."))
    assert v["params.breakdown.mtp"] == layer2 == _glm4moe_params_of_layer(2) + 2 * H * H + 3 * H
    # Active: the NextN layer out entirely; of layer 1's 4 routed experts, 2 per token.
    routed = 3 * H * 128 * 4
    assert v["params.active"] == v["params.total"] - layer2 - routed + routed * 2 // 4
    why = explain(est, "params.breakdown.mtp")
    assert "not run" in why.title and "llama.cpp" in why.meaning and "no KV cache" in why.meaning
    # The same file read as if it had no NextN layer: one more layer of KV cache and compute.
    (tmp_path / "plain").mkdir()
    plain = _estimate(_glm4moe_file(tmp_path / "plain", nextn=None))
    assert plain.architecture.num_hidden_layers == 3
    assert plain.values["memory.kv_cache_bytes"] == 3 * v["memory.kv_cache_bytes"] // 2
    assert plain.values["params.breakdown.mtp"] is None  # no such line
    assert plain.values["params.total"] == v["params.total"]
    # FLOPs per decode step: 2 · active parameters + attention over the context, main layers only
    work, plain_work = est.serving.workload, plain.serving.workload
    assert (work.num_layers, work.active_params) == (2, v["params.active"])
    assert work.step_flops < plain_work.step_flops
    # Bytes a decode step reads: the weights less the NextN layer (all F16 but 3 F32 norms and
    # the 3 F32 NextN norms), less the untied Q8_0 embedding table and the routed experts the
    # step does not touch (of 4, 2 picked: 2 untouched), plus the KV cache.
    mtp_bytes = 2 * (layer2 - 6 * H) + 4 * 6 * H
    embedding_bytes = H * 512 * 34 // 32  # Q8_0: 34 bytes a block of 32
    untouched = 2 * routed // 4 * 2  # F16
    expected = v["memory.weights_bytes"] - mtp_bytes - embedding_bytes - untouched + v["memory.kv_cache_bytes"]
    assert work.step_bytes == pytest.approx(expected, rel=0.02)


def _glm4moe_params_of_layer(i: int) -> int:
    """An MoE layer of `_glm4moe_file`, by hand: 2 norms; q (4 heads · 128), k and v (2 · 128)
    and the output; the router (4 experts) and 4 experts of 3 · H · 128; one shared expert."""
    norms, attention = 2 * H, H * 4 * 128 + 2 * H * 2 * 128 + 4 * 128 * H
    return norms + attention + H * 4 + 4 * 3 * H * 128 + 3 * H * 128


def test_qwen3_5_hybrid_nextn_layer_outside_the_layer_pattern(tmp_path):
    """3 Gated DeltaNet layers, 1 full-attention layer, then a full-attention NextN layer; the
    per-layer KV-head array lists all 5 blocks, as llama.cpp writes it."""
    meta = {"block_count": 5, "nextn_predict_layers": 1, "embedding_length": H, "feed_forward_length": 512,
            "context_length": 262144, "vocab_size": 512, "attention.head_count": 4,
            "attention.head_count_kv": [0, 0, 0, 2, 2], "attention.key_length": 128,
            "attention.value_length": 128, "rope.freq_base": 1e7, "full_attention_interval": 4,
            "ssm.conv_kernel": 4, "ssm.state_size": 64, "ssm.group_count": 2, "ssm.time_step_rank": 4,
            "ssm.inner_size": 256}
    t = _ends()
    for i in range(5):
        t |= _norms(i, "attn_norm", "post_attention_norm") | _mlp(i, 512)
        if i >= 3:
            t |= _attention(i, 4, 2, 128, gate=True, qk_norm=True)
        else:
            t |= _qwen35_deltanet(i)
    t |= _nextn(4)
    path = _write(tmp_path, "qwen35", meta, t)
    est = _estimate(path)
    arch = est.architecture
    assert arch.layer_types == ("linear_attention",) * 3 + ("full_attention",)
    v = est.values
    # KV: the one main attention layer · K and V · 2 KV heads · 128 · 2 bytes · 1024 tokens
    assert v["memory.kv_cache_bytes"] == 1 * 2 * 2 * 128 * 2 * CONTEXT == 1_048_576
    assert v["memory.recurrent_state_bytes"] == 3 * (4 * 64 * 64 + 512 * 3) * 2
    ckpt = _adds_up(path, est)
    mtp = sum(n for name, n in ckpt.tensor_elements.items() if name.startswith("blk.4."))
    assert v["params.breakdown.mtp"] == mtp and v["params.active"] == v["params.total"] - mtp


def test_nextn_layers_that_leave_no_main_layer_are_refused_naming_the_key(tmp_path):
    with pytest.raises(UserError, match=r"glm4moe\.nextn_predict_layers \(3\) must leave at least one of the 3 blocks"):
        _estimate(_glm4moe_file(tmp_path, nextn=3))


def test_glm_checkpoint_folder_names_its_mtp_layer_beside_config_json(tmp_path):
    """GLM-4.5's safetensors hold layer num_hidden_layers (its NextN layer), which config.json's
    model (transformers builds none) does not count: the difference is named as MTP layers."""
    h, kv, ffn, moe, experts, v = 64, 32, 128, 32, 4, 256
    config = {"model_type": "glm4_moe", "vocab_size": v, "hidden_size": h, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": ffn,
              "moe_intermediate_size": moe, "n_routed_experts": experts, "num_experts_per_tok": 2,
              "n_shared_experts": 1, "first_k_dense_replace": 1, "num_nextn_predict_layers": 1,
              "attention_bias": True, "use_qk_norm": False, "tie_word_embeddings": False,
              "partial_rotary_factor": 0.5}
    folder = tmp_path / "GLM-4.5-tiny"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))

    def layer(i: int, dense: bool) -> dict:
        p = f"model.layers.{i}."
        t = {p + "self_attn.q_proj.weight": (h, h), p + "self_attn.q_proj.bias": (h,),
             p + "self_attn.k_proj.weight": (kv, h), p + "self_attn.k_proj.bias": (kv,),
             p + "self_attn.v_proj.weight": (kv, h), p + "self_attn.v_proj.bias": (kv,),
             p + "self_attn.o_proj.weight": (h, h), p + "input_layernorm.weight": (h,),
             p + "post_attention_layernorm.weight": (h,)}
        if dense:
            return t | {p + f"mlp.{m}.weight": (ffn, h) if m != "down_proj" else (h, ffn)
                        for m in ("gate_proj", "up_proj", "down_proj")}
        t[p + "mlp.gate.weight"] = (experts, h)
        for e in [*(f"experts.{n}" for n in range(experts)), "shared_experts"]:
            t |= {p + f"mlp.{e}.gate_proj.weight": (moe, h), p + f"mlp.{e}.up_proj.weight": (moe, h),
                  p + f"mlp.{e}.down_proj.weight": (h, moe)}
        return t

    # Layer 2 is the NextN layer: a decoder layer plus eh_proj, enorm, hnorm and its head's norm.
    mtp = layer(2, dense=False) | {"model.layers.2.eh_proj.weight": (h, 2 * h), "model.layers.2.enorm.weight": (h,),
                                   "model.layers.2.hnorm.weight": (h,), "model.layers.2.shared_head.norm.weight": (h,)}
    shapes = {"model.embed_tokens.weight": (v, h), "model.norm.weight": (h,), "lm_head.weight": (v, h)}
    shapes |= layer(0, dense=True) | layer(1, dense=False) | mtp
    write_safetensors(folder / "model.safetensors", {name: ("BF16", s) for name, s in shapes.items()})
    est = estimate(parse_session(f'[[scenario]]\nid = "s"\nmodel = "{folder}"').scenarios[0])
    values = est.values
    mtp_elements = sum(math.prod(s) for s in mtp.values())
    assert values["checkpoint.params"] == values["params.total"] + mtp_elements
    assert values["params.total"] == 113_472  # transformers' Glm4MoeForCausalLM of this config
    assert mtp_elements == 51_904
    assert values["checkpoint.difference"] == (
        "the files hold 51.9K more weights than config.json counts: 51.9K in multi-token-prediction layers")
    assert est.architecture.num_hidden_layers == 2
