"""A model file or folder as a scenario's model: its shape from the metadata or config.json,
its weights the exact bytes its headers give, its tensor types and bits per weight shown."""

from __future__ import annotations

import json

import pytest

from paramtui.core.errors import UserError
from paramtui.core.inputs.session import parse_session
from paramtui.core.io.model_folder import read_checkpoint
from paramtui.core.result.estimate import estimate
from tests.core.checkpoint_fixtures import LLAMA_GGUF_META, llama_gguf_tensors, write_gguf, write_safetensors


def _scenario(model: str, extra: str = ""):
    return parse_session(f'[[scenario]]\nid = "s"\nmodel = "{model}"\n{extra}').scenarios[0]


@pytest.fixture
def llama_gguf(tmp_path):
    path = tmp_path / "tiny-Q4_K_M.gguf"
    write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    return path


def test_gguf_model_weights_are_the_files_exact_bytes(llama_gguf):
    ckpt = read_checkpoint(llama_gguf)
    s = _scenario(llama_gguf)
    assert s.precision == "file"  # a checkpoint's own types are its default precision
    est = estimate(s)
    v = est.values
    assert v["memory.weights_bytes"] == ckpt.weights_bytes
    assert v["params.total"] == ckpt.elements
    assert v["params.breakdown.embedding"] == 256 * 512 and v["params.breakdown.head"] == 256 * 512
    assert v["params.breakdown.norm"] == 5 * 256
    assert v["checkpoint.types"].startswith("Q4_K 60.7%, Q6_K 32.1%, Q8_0 7.14%")
    assert v["checkpoint.bits_per_weight"] == pytest.approx(8 * ckpt.weights_bytes / ckpt.elements)
    assert est.model_name == "tiny llama"
    arch = est.architecture
    assert (arch.num_hidden_layers, arch.hidden_size, arch.num_attention_heads, arch.kv_heads,
            arch.intermediate_size, arch.vocab_size) == (2, 256, 4, 2, 768, 512)
    # The KV cache follows the metadata's shape: 2 layers · 2 KV heads · 64 wide · K and V · 2 bytes
    assert v["memory.kv_cache_bytes"] == 2 * 2 * 2 * 64 * 2 * 4096
    # Another precision asks "what if stored so": computed from the count, not the file.
    other = estimate(_scenario(llama_gguf, 'precision = "bf16"'))
    assert other.values["memory.weights_bytes"] == 2 * ckpt.elements


def _moe_meta(arch: str, **extra):
    return {"general.name": "tiny moe", f"{arch}.block_count": 2, f"{arch}.embedding_length": 256,
            f"{arch}.feed_forward_length": 512, f"{arch}.attention.head_count": 4,
            f"{arch}.attention.head_count_kv": [2, 2], f"{arch}.attention.key_length": 64,
            f"{arch}.attention.value_length": 64, f"{arch}.expert_count": 8, f"{arch}.expert_used_count": 2,
            f"{arch}.expert_feed_forward_length": 256, f"{arch}.expert_shared_count": 1,
            f"{arch}.expert_shared_feed_forward_length": 512, f"{arch}.context_length": 32768,
            f"{arch}.vocab_size": 512, **extra}


def _moe_tensors(experts=8, hidden=256, moe_ffn=256):
    t = {"token_embd.weight": ("Q8_0", (hidden, 512)), "output_norm.weight": ("F32", (hidden,)),
         "output.weight": ("Q6_K", (hidden, 512))}
    for i in range(2):
        t |= {f"blk.{i}.attn_norm.weight": ("F32", (hidden,)), f"blk.{i}.attn_q.weight": ("Q4_K", (hidden, hidden)),
              f"blk.{i}.attn_k.weight": ("Q4_K", (hidden, 128)), f"blk.{i}.attn_v.weight": ("Q6_K", (hidden, 128)),
              f"blk.{i}.attn_output.weight": ("Q4_K", (hidden, hidden)),
              f"blk.{i}.ffn_gate_inp.weight": ("F32", (hidden, experts)),
              f"blk.{i}.ffn_gate_exps.weight": ("Q4_K", (hidden, moe_ffn, experts)),
              f"blk.{i}.ffn_up_exps.weight": ("Q4_K", (hidden, moe_ffn, experts)),
              f"blk.{i}.ffn_down_exps.weight": ("Q6_K", (moe_ffn, hidden, experts)),
              f"blk.{i}.ffn_up_shexp.weight": ("Q8_0", (hidden, 512))}
    return t


def test_moe_gguf_counts_active_experts_and_reads_per_layer_kv_heads(tmp_path):
    path = tmp_path / "moe.gguf"
    write_gguf(path, "qwen3moe", _moe_meta("qwen3moe"), _moe_tensors())
    est = estimate(_scenario(path))
    arch = est.architecture
    assert (arch.model_type, arch.num_local_experts, arch.num_experts_per_tok, arch.moe_intermediate_size,
            arch.n_shared_experts, arch.kv_heads) == ("qwen3_moe", 8, 2, 256, 1, 2)
    routed = 2 * 3 * 256 * 256 * 8
    total = est.values["params.total"]
    assert est.values["params.active"] == total - routed + routed * 2 // 8
    assert "ffn_gate_exps" not in est.values["checkpoint.types"]  # types, not names


def test_gguf_shapes_not_modelled_are_refused_naming_the_key(tmp_path):
    path = tmp_path / "hybrid.gguf"
    write_gguf(path, "qwen3moe", _moe_meta("qwen3moe", **{"qwen3moe.ssm.state_size": 128}), _moe_tensors())
    with pytest.raises(UserError, match="qwen3moe.ssm.state_size: the recurrent layers of a 'qwen3moe' GGUF file"):
        estimate(_scenario(path))
    write_gguf(path, "qwen3moe", _moe_meta("qwen3moe", **{"qwen3moe.attention.head_count_kv": [2, 4]}),
               _moe_tensors())
    with pytest.raises(UserError, match="qwen3moe.attention.head_count_kv differs between layers"):
        estimate(_scenario(path))


def test_gguf_layers_sharing_kv_cache_none_of_their_own(tmp_path):
    """Gemma 3n: the last shared_kv_layers layers reuse the last earlier layer's K/V of their
    kind; only the first two layers cache (a sliding one its 512-token window, a full one
    the whole 1,024-token context)."""
    path = tmp_path / "g3n.gguf"
    meta = {f"gemma3n.{k.split('.', 1)[1]}": v for k, v in LLAMA_GGUF_META.items() if k.startswith("llama.")}
    meta |= {"gemma3n.block_count": 4, "gemma3n.attention.sliding_window": 512,
             "gemma3n.attention.sliding_window_pattern": [True, False, True, False],
             "gemma3n.attention.shared_kv_layers": 2}
    write_gguf(path, "gemma3n", meta, llama_gguf_tensors(layers=4))
    est = estimate(_scenario(path, "inference = { context = 1024 }"))
    assert est.architecture.kv_shared_layers == 2
    # K and V · 2 KV heads · 64 · 2 bytes, over 512 tokens (sliding) + 1,024 (full)
    assert est.values["memory.kv_cache_bytes"] == 2 * 2 * 64 * 2 * (512 + 1024) == 786_432
    # A shared full layer with no full layer before it to read from is refused.
    meta["gemma3n.attention.sliding_window_pattern"] = [True, True, False, False]
    write_gguf(path, "gemma3n", meta, llama_gguf_tensors(layers=4))
    with pytest.raises(UserError, match=r"gemma3n\.attention\.shared_kv_layers \(2\): a shared layer's kind"):
        estimate(_scenario(path))


def test_gguf_sliding_window_pattern(tmp_path):
    path = tmp_path / "g2.gguf"
    meta = {f"gemma2.{k.split('.', 1)[1]}": v for k, v in LLAMA_GGUF_META.items() if k.startswith("llama.")}
    write_gguf(path, "gemma2", {**meta, "gemma2.attention.sliding_window": 1024}, llama_gguf_tensors())
    arch = estimate(_scenario(path)).architecture
    assert arch.sliding_window == 1024
    assert arch.layer_types == ("sliding_attention", "full_attention")  # llama.cpp's gemma2 pattern


_CONFIG = {"model_type": "llama", "vocab_size": 256, "hidden_size": 64, "num_hidden_layers": 2,
           "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128,
           "max_position_embeddings": 4096}


def _llama_folder(folder, extra_tensors=None):
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(_CONFIG))
    h, kv, i, v = 64, 32, 128, 256
    t = {"model.embed_tokens.weight": ("BF16", (v, h)), "model.norm.weight": ("BF16", (h,)),
         "lm_head.weight": ("BF16", (v, h))}
    for n in range(2):
        p = f"model.layers.{n}."
        t |= {p + "self_attn.q_proj.weight": ("BF16", (h, h)), p + "self_attn.k_proj.weight": ("BF16", (kv, h)),
              p + "self_attn.v_proj.weight": ("BF16", (kv, h)), p + "self_attn.o_proj.weight": ("BF16", (h, h)),
              p + "mlp.gate_proj.weight": ("BF16", (i, h)), p + "mlp.up_proj.weight": ("BF16", (i, h)),
              p + "mlp.down_proj.weight": ("BF16", (h, i)), p + "input_layernorm.weight": ("BF16", (h,)),
              p + "post_attention_layernorm.weight": ("BF16", (h,))}
    write_safetensors(folder / "model.safetensors", t | (extra_tensors or {}))
    return folder


def test_safetensors_folder_uses_config_shape_and_file_bytes(tmp_path):
    folder = _llama_folder(tmp_path / "tiny-llama")
    est = estimate(_scenario(folder))
    v = est.values
    assert v["checkpoint.params"] == v["params.total"]  # every tensor is the config's model
    assert v["checkpoint.difference"] is None
    assert v["memory.weights_bytes"] == 2 * v["params.total"]
    assert v["checkpoint.types"] == "BF16 100%"
    assert est.model_name == "tiny-llama"


def test_folder_with_a_vision_encoder_names_the_difference(tmp_path):
    folder = _llama_folder(tmp_path / "vlm", {"visual.patch_embed.proj.weight": ("BF16", (64, 588))})
    v = estimate(_scenario(folder)).values
    assert v["checkpoint.params"] == v["params.total"] + 64 * 588
    assert v["checkpoint.difference"] == ("the files hold 37.6K more weights than config.json counts: "
                                          "37.6K in a vision encoder")
    assert v["memory.weights_bytes"] == 2 * v["checkpoint.params"]  # the bytes the files hold


def test_folder_without_config_and_precision_file_without_a_file(tmp_path):
    folder = tmp_path / "bare"
    folder.mkdir()
    write_safetensors(folder / "model.safetensors", {"w": ("BF16", (4, 4))})
    with pytest.raises(UserError, match="no config.json beside the safetensors files"):
        _scenario(folder)
    with pytest.raises(UserError, match="precision 'file' .* needs a model file"):
        estimate(parse_session('[[scenario]]\nid = "s"\nmodel = "llama-3.1-8b"\nprecision = "file"').scenarios[0])


def test_gguf_vocabulary_is_stepped_over_and_counted(tmp_path):
    path = tmp_path / "vocab.gguf"
    meta = {k: v for k, v in LLAMA_GGUF_META.items() if k != "llama.vocab_size"}
    tokens = [f"tok{i}" for i in range(100_000)]
    write_gguf(path, "llama", {**meta, "tokenizer.ggml.tokens": tokens, "tokenizer.ggml.scores": [0.5] * 100_000},
               llama_gguf_tensors())
    ckpt = read_checkpoint(path)
    assert ckpt.metadata["tokenizer.ggml.tokens.length"] == 100_000
    assert ckpt.metadata["tokenizer.ggml.scores.length"] == 100_000
    assert estimate(_scenario(path)).architecture.vocab_size == 100_000


def test_hybrid_mamba_gguf_maps_its_recurrent_layers(tmp_path):
    """Granite 4 hybrid: a layer with 0 KV heads is a Mamba 2 layer (llama.cpp's rule)."""
    h, layers, inner, heads = 256, 4, 512, 8
    meta = {"granitehybrid.block_count": layers, "granitehybrid.embedding_length": h,
            "granitehybrid.feed_forward_length": 512, "granitehybrid.attention.head_count": 4,
            "granitehybrid.attention.head_count_kv": [0, 0, 0, 2], "granitehybrid.context_length": 8192,
            "granitehybrid.ssm.conv_kernel": 4, "granitehybrid.ssm.inner_size": inner,
            "granitehybrid.ssm.state_size": 128, "granitehybrid.ssm.time_step_rank": heads,
            "granitehybrid.ssm.group_count": 1, "granitehybrid.vocab_size": 512,
            "granitehybrid.rope.freq_base": 10000.0}
    t = {"token_embd.weight": ("Q8_0", (h, 512)), "output_norm.weight": ("F32", (h,))}
    for i in range(layers):
        t |= {f"blk.{i}.attn_norm.weight": ("F32", (h,)), f"blk.{i}.ffn_up.weight": ("Q4_K", (h, 512)),
              f"blk.{i}.ffn_down.weight": ("Q6_K", (512, h))}
        if i == 3:
            t |= {f"blk.{i}.attn_q.weight": ("Q4_K", (h, h)), f"blk.{i}.attn_k.weight": ("Q4_K", (h, 128)),
                  f"blk.{i}.attn_v.weight": ("Q4_K", (h, 128)), f"blk.{i}.attn_output.weight": ("Q4_K", (h, h))}
        else:
            t |= {f"blk.{i}.ssm_in.weight": ("Q4_K", (h, 2 * inner + 2 * 128 + heads)),
                  f"blk.{i}.ssm_out.weight": ("Q4_K", (inner, h)), f"blk.{i}.ssm_a": ("F32", (heads,))}
    path = tmp_path / "granite-h.gguf"
    write_gguf(path, "granitehybrid", meta, t)
    est = estimate(_scenario(path, "inference = { context = 1024 }"))
    arch = est.architecture
    assert arch.layer_types == ("mamba", "mamba", "mamba", "full_attention")
    assert (arch.mamba_version, arch.mamba_num_heads, arch.mamba_head_dim, arch.ssm_state_size) == (2, 8, 64, 128)
    assert arch.tie_word_embeddings and arch.kv_heads == 2
    v = est.values
    assert v["memory.kv_cache_bytes"] == 1 * 2 * 2 * 64 * 2 * 1024  # the one attention layer only
    assert v["memory.recurrent_state_bytes"] > 0
    assert v["params.total"] == read_checkpoint(path).elements
