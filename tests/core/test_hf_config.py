"""Importing Hugging Face config.json files: per-family key names, defaults and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paramtui.core.errors import UserError
from paramtui.core.model.hf_config import SUPPORTED_MODEL_TYPES, architecture_from_hf_config, load_hf_config

CONFIGS = Path(__file__).parent / "hf_configs"


def _load(name: str):
    return load_hf_config(CONFIGS / f"{name}.json")


def _cfg(name: str) -> dict:
    return json.loads((CONFIGS / f"{name}.json").read_text())


# Types whose fixture is still their transformers config class's defaults ("default-*"), not
# a released checkpoint's config.json: each should get a real one.
WITHOUT_REAL_FIXTURE = {
    "olmo2", "olmo3", "glm4", "exaone4", "seed_oss", "apertus", "ministral3", "olmoe", "ernie4_5_moe",
    "glm4_moe", "minimax_m2", "deepseek_v2", "gemma3_text", "qwen3_next", "glm4_moe_lite", "deepseek_v32",
    "llama4_text", "qwen3_5_text", "qwen3_5_moe_text", "lfm2", "mamba", "mamba2", "nemotron_h", "granitemoehybrid", "jamba", "gemma3", "kimi_linear", "falcon_h1", "mistral3",
    "qwen3_5", "qwen3_5_moe", "llama4", "gemma4_text", "gemma4", "deepseek_v4"}


def test_supported_types_are_those_design_md_lists():
    assert set(SUPPORTED_MODEL_TYPES) == {
        "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2",
        "phi3", "gpt2", "gpt_neox", "falcon", "opt", "deepseek_v3", "bert", "t5",
        # issue 14
        "olmo2", "olmo3", "smollm3", "glm4", "exaone4", "seed_oss", "apertus", "ministral3",
        "olmoe", "ernie4_5_moe", "glm4_moe", "gpt_oss", "minimax_m2", "deepseek_v2", "gemma3_text", "qwen3_next",
        "glm4_moe_lite", "deepseek_v32", "llama4_text", "qwen3_5_text", "qwen3_5_moe_text", "lfm2", "mamba",
        "mamba2", "nemotron_h", "granitemoehybrid", "jamba", "gemma3", "kimi_linear", "falcon_h1", "mistral3",
        "qwen3_5", "qwen3_5_moe", "llama4", "gemma4_text", "gemma4", "deepseek_v4"}


def _fixture_types(prefix: str | None) -> set[str]:
    return {json.loads(p.read_text())["model_type"] for p in CONFIGS.glob("*.json")
            if (p.stem.startswith(prefix) if prefix else not p.stem.startswith(("synthetic-", "default-")))}


def test_every_supported_type_has_a_real_fixture_or_its_transformers_defaults():
    assert _fixture_types(None) == set(SUPPORTED_MODEL_TYPES) - WITHOUT_REAL_FIXTURE
    assert _fixture_types("default-") == WITHOUT_REAL_FIXTURE


def test_gpt2_names_and_derived_ffn():
    a = _load("gpt2-hub")  # n_embd, n_layer, n_head, n_positions, n_inner: null
    assert (a.hidden_size, a.num_hidden_layers, a.num_attention_heads) == (768, 12, 12)
    assert a.intermediate_size == 4 * 768 and not a.gated_mlp
    assert a.position_embedding_type == "learned" and a.max_position_embeddings == 1024
    assert a.tie_word_embeddings and a.norm_type == "layernorm" and a.attention_bias


def test_falcon_layouts():
    f7 = _load("falcon-7b")  # multi_query: one K/V head whatever num_kv_heads says; one norm
    assert f7.kv_heads == 1 and f7.norms_per_layer == 1 and f7.parallel_attn
    assert f7.intermediate_size == 4 * 4544
    f40 = _load("falcon-40b-instruct")  # new_decoder_architecture: 8 KV groups, ln_attn + ln_mlp
    assert f40.kv_heads == 8 and f40.norms_per_layer == 2


def test_opt_projection_offset_and_post_ln():
    a = _load("opt-350m")
    assert a.word_embed_proj_dim == 512 and a.embedding_dim == 512
    assert a.position_embedding_offset == 2 and not a.final_norm
    assert _load("opt-13b").final_norm and _load("opt-13b").word_embed_proj_dim is None


def test_t5_original_vs_v1_1():
    small = _load("t5-small")
    assert not small.gated_mlp and small.tie_word_embeddings and small.head_dim == 64
    v11 = _load("t5-v1_1-base")
    # transformers 5's T5Config ties the head whatever the file says (hf_config docstring).
    assert v11.gated_mlp and v11.tie_word_embeddings
    assert v11.is_encoder_decoder and v11.num_decoder_layers == 12
    assert v11.position_embedding_type == "relative"


def test_qwen_gemma_phi_deepseek_details():
    assert _load("qwen2.5-7b").qkv_bias and not _load("qwen2.5-7b").attention_bias
    assert _load("qwen3-8b").qk_norm
    assert _load("gemma-2b").tie_word_embeddings  # GemmaConfig default: tied
    g2 = _load("gemma-2-9b")
    assert g2.norms_per_layer == 4 and g2.layer_types[:2] == ("sliding_attention", "full_attention")
    moe = _load("qwen1.5-moe-a2.7b-chat")
    assert moe.n_shared_experts == 1 and moe.shared_expert_intermediate_size == 5632 and moe.shared_expert_gate
    ds = _load("deepseek-v3")
    assert ds.uses_mla and ds.q_lora_rank == 1536 and ds.first_k_dense_replace == 3
    assert ds.num_local_experts == 256 and ds.num_moe_layers == 58
    assert _load("bert-base-uncased").pooler and not _load("bert-base-uncased").has_lm_head


def test_absent_keys_take_transformers_defaults():
    base = {"vocab_size": 1000, "hidden_size": 256, "num_hidden_layers": 2, "num_attention_heads": 4,
            "intermediate_size": 512}
    llama = architecture_from_hf_config({"model_type": "llama", **base})
    assert llama.kv_heads == 4 and llama.resolved_head_dim == 64 and not llama.tie_word_embeddings
    assert architecture_from_hf_config({"model_type": "qwen3", **base, "num_key_value_heads": 4}).head_dim == 128
    mistral = architecture_from_hf_config({"model_type": "mistral", **base, "num_attention_heads": 32})
    assert mistral.kv_heads == 8 and mistral.sliding_window == 4096  # MistralConfig defaults
    gemma = architecture_from_hf_config({"model_type": "gemma", **base, "num_key_value_heads": 1})
    assert gemma.head_dim == 256 and gemma.tie_word_embeddings


def test_aliases_of_the_config_classes():
    # GPT2Config.attribute_map lets a file say hidden_size for n_embd; Mixtral num_experts.
    gpt2 = architecture_from_hf_config({"model_type": "gpt2", "vocab_size": 100, "hidden_size": 64,
                                        "num_hidden_layers": 2, "num_attention_heads": 4})
    assert gpt2.hidden_size == 64 and gpt2.num_hidden_layers == 2
    cfg = _cfg("mixtral-8x7b")
    cfg["num_experts"] = cfg.pop("num_local_experts")
    assert architecture_from_hf_config(cfg).num_local_experts == 8


def test_irrelevant_keys_are_ignored():
    cfg = _cfg("llama-3.1-8b") | {"rope_scaling": {"factor": 8.0, "rope_type": "llama3"},
                                   "torch_dtype": "bfloat16", "something_new": [1, 2]}
    assert architecture_from_hf_config(cfg) == _load("llama-3.1-8b")


def test_unsupported_model_type_lists_the_supported_ones():
    with pytest.raises(UserError) as e:
        architecture_from_hf_config({"model_type": "rwkv", "hidden_size": 768}, origin="m/config.json")
    msg = str(e.value)
    assert "m/config.json" in msg and "'rwkv'" in msg
    assert all(t in msg for t in SUPPORTED_MODEL_TYPES)


def test_missing_model_type_is_named():
    with pytest.raises(UserError, match="model_type"):
        architecture_from_hf_config({"hidden_size": 768})


@pytest.mark.parametrize("name, key", [("llama-2-7b", "hidden_size"), ("gpt2", "n_embd"),
                                       ("t5-small", "d_ff"), ("opt-350m", "ffn_dim"),
                                       ("bert-base-uncased", "vocab_size")])
def test_missing_required_key_is_named(name, key):
    cfg = _cfg(name)
    del cfg[key]
    with pytest.raises(UserError, match=f"missing required key '{key}'.*'{cfg['model_type']}'"):
        architecture_from_hf_config(cfg, origin=f"{name}.json")


def test_wrong_value_type_is_named():
    cfg = _cfg("llama-2-7b") | {"num_hidden_layers": "32"}
    with pytest.raises(UserError, match="num_hidden_layers must be a whole number, not '32'"):
        architecture_from_hf_config(cfg)


def test_impossible_shape_is_a_user_error():
    cfg = _cfg("llama-2-7b") | {"num_key_value_heads": 5}
    with pytest.raises(UserError, match="num_key_value_heads"):
        architecture_from_hf_config(cfg, origin="x.json")


def test_unsupported_variants_are_refused_not_miscounted():
    with pytest.raises(UserError, match="layer_norm_elementwise_affine"):
        architecture_from_hf_config(_cfg("opt-350m") | {"layer_norm_elementwise_affine": False})
    with pytest.raises(UserError, match="position_embedding_type"):
        architecture_from_hf_config(_cfg("bert-base-uncased") | {"position_embedding_type": "relative_key"})


def test_load_errors_name_the_path(tmp_path):
    missing = tmp_path / "nope" / "config.json"
    with pytest.raises(UserError, match=str(missing)):
        load_hf_config(missing)
    bad = tmp_path / "config.json"
    bad.write_text('{"model_type": "llama",\n  "hidden_size": 4096,,}')
    with pytest.raises(UserError) as e:
        load_hf_config(bad)
    assert str(bad) in str(e.value) and "invalid JSON at line 2" in str(e.value)
    bad.write_text("[1, 2]")
    with pytest.raises(UserError, match="JSON object"):
        load_hf_config(bad)


def test_load_reads_a_local_file(tmp_path):
    path = tmp_path / "config.json"
    path.write_text((CONFIGS / "qwen2.5-7b.json").read_text())
    assert load_hf_config(path).hidden_size == 3584


def test_2025_families_read_their_own_keys():
    oss = _load("gpt-oss-20b")  # sinks, router and expert biases, alternating sliding layers
    assert oss.attention_sinks and oss.expert_bias and oss.router_bias and oss.attention_bias
    assert oss.layer_types[:2] == ("sliding_attention", "full_attention") and oss.sliding_window == 128
    assert _load("default-olmo2").qk_norm_scope == "all_heads"
    assert _load("default-olmo3").layer_types[:4] == ("sliding_attention",) * 3 + ("full_attention",)
    ernie = _load("synthetic-ernie4-5-moe-2")  # experts on layers 2..4, every 2nd: layer 3 only
    assert [ernie.is_moe_layer(i) for i in range(6)] == [False, False, False, True, False, False]
    assert ernie.lm_head_bias and not ernie.n_shared_experts
    seed = _load("synthetic-seed-oss-2")
    assert seed.attention_out_bias and not seed.qkv_bias and not seed.attention_bias
    assert not _load("synthetic-apertus-2").gated_mlp


def test_key_combinations_transformers_cannot_model_are_refused_naming_the_key():
    with pytest.raises(UserError, match="layer_types: 'linear_attention'"):
        architecture_from_hf_config({**_cfg("default-olmo3"), "num_hidden_layers": 2,
                                     "layer_types": ["linear_attention", "full_attention"]})
    with pytest.raises(UserError, match="sliding_window_pattern"):
        architecture_from_hf_config({**_cfg("default-exaone4"), "sliding_window_pattern": "LLLG"})
    with pytest.raises(UserError, match="num_experts_per_tok"):
        architecture_from_hf_config({**_cfg("default-deepseek-v2"), "num_experts_per_tok": None})
    with pytest.raises(UserError, match="head_dim"):
        architecture_from_hf_config({**_cfg("default-olmoe"), "head_dim": 64})


def test_llama4_interleaves_experts_and_chunks_its_rope_layers():
    scout = _load("default-llama4-text")  # Scout's shape: experts in every layer, 3 of 4 layers chunked
    assert scout.num_moe_layers == 48 and scout.attention_chunk_size == 8192
    assert scout.layer_types[:4] == ("chunked_attention",) * 3 + ("full_attention",)
    assert scout.shared_expert_intermediate_size == scout.moe_intermediate_size == 8192
    every_other = _load("synthetic-llama4-text-2")  # interleave_moe_layer_step 2, as Maverick
    assert [every_other.is_moe_layer(i) for i in range(6)] == [False, True] * 3
    assert every_other.intermediate_size == 384  # dense layers are intermediate_size_mlp wide
    with pytest.raises(UserError, match="intermediate_size_mlp"):
        architecture_from_hf_config({k: v for k, v in _cfg("synthetic-llama4-text-2").items()
                                     if k != "intermediate_size_mlp"})


def test_deepseek_v32_adds_its_indexer_and_glm_flash_reads_mlp_layer_types():
    v32 = _load("default-deepseek-v32")
    assert (v32.index_n_heads, v32.index_head_dim) == (64, 128) and v32.num_moe_layers == 58
    lite = _load("synthetic-glm4-moe-lite-2")
    assert [lite.is_moe_layer(i) for i in range(6)] == [False, True, False, True, True, False]
    with pytest.raises(UserError, match="mlp_layer_types"):
        architecture_from_hf_config({**_cfg("synthetic-glm4-moe-lite-2"), "mlp_layer_types": ["dense"]})


def test_lfm2_reads_its_own_key_names_and_ffn_rule():
    lfm2 = _load("synthetic-lfm2-2")  # block_ff_dim 1000 -> int(2/3·1000) = 666 -> ·1.5 = 999 -> 1024
    assert lfm2.intermediate_size == 1024 and not lfm2.tie_word_embeddings  # tie_embedding: false
    assert lfm2.layer_types[:2] == ("conv", "full_attention") and lfm2.conv_kernel_size == 4 and lfm2.conv_bias
    with pytest.raises(UserError, match="num_heads · head_dim"):
        architecture_from_hf_config({**_cfg("synthetic-mamba2-1"), "head_dim": 60})


def test_nemotron_h_reads_its_pattern_and_refuses_latent_experts():
    n = _load("synthetic-nemotron-h-1")
    assert n.layer_types == ("mamba", "mlp", "mamba", "full_attention", "mamba", "moe", "mlp")
    assert [n.is_moe_layer(i) for i in range(7)] == [False] * 5 + [True, False]
    with pytest.raises(UserError, match="moe_latent_size"):
        architecture_from_hf_config({**_cfg("synthetic-nemotron-h-1"), "moe_latent_size": 64})
    with pytest.raises(UserError, match="hybrid_override_pattern"):
        architecture_from_hf_config({**_cfg("synthetic-nemotron-h-1"), "hybrid_override_pattern": "MX"})


def test_granite_4_hybrid_has_experts_beside_a_shared_mlp():
    g = _load("synthetic-granitemoehybrid-1")  # legacy "mamba" / "attention" layer names
    assert g.layer_types[:3] == ("mamba", "mamba", "full_attention") and g.mamba_head_dim == 64
    assert g.n_shared_experts == 1 and g.shared_expert_intermediate_size == 128 and g.num_moe_layers == 6
    dense = _load("synthetic-granitemoehybrid-2")  # no experts: the shared MLP alone
    assert not dense.is_moe and dense.intermediate_size == 384


def test_multimodal_config_reads_text_config_and_refuses_a_foreign_text_model():
    g = _load("synthetic-gemma3-2")  # the top-level tie_word_embeddings governs the head
    assert not g.tie_word_embeddings and g.vision_encoder_params > 0 and g.sliding_window == 32
    with pytest.raises(UserError, match="text_config"):
        architecture_from_hf_config({"model_type": "gemma3"})
    with pytest.raises(UserError, match="text_config.model_type 'llama'"):
        architecture_from_hf_config({**_cfg("synthetic-gemma3-1"),
                                     "text_config": {**_cfg("synthetic-gemma3-1")["text_config"], "model_type": "llama"}})
    with pytest.raises(UserError, match="vision_config.patch_size"):
        architecture_from_hf_config({**_cfg("synthetic-gemma3-1"), "vision_config": {"patch_size": 0}})


def test_kimi_linear_reads_its_linear_attn_config():
    k = _load("synthetic-kimi-linear-2")  # 1-based full_attn_layers [2, 6]
    assert k.layer_types == ("linear_attention", "full_attention") + ("linear_attention",) * 3 + ("full_attention",)
    assert (k.linear_num_value_heads, k.linear_value_head_dim, k.linear_conv_kernel_dim) == (8, 16, 3)
    assert k.linear_attention_kind == "kimi_delta" and k.uses_mla


@pytest.mark.parametrize("change, key", [
    (dict(use_bidirectional_attention="all"), "use_bidirectional_attention"),
    (dict(num_kv_shared_layers=6), "num_kv_shared_layers"),
    (dict(num_kv_shared_layers=3, layer_types=["full_attention"] * 3 + ["sliding_attention"] * 3),
     "num_kv_shared_layers"),
    (dict(enable_moe_block=True, top_k_experts=2, moe_intermediate_size=64), "num_experts"),
    (dict(per_layer_config={"0": {"head_dim": 64}}), "per_layer_config"),
    (dict(per_layer_config={"5": {"sliding_window": 64}}), "per_layer_config"),
])
def test_gemma4_shapes_paramtui_cannot_count_exactly_are_refused_naming_the_key(change, key):
    cfg = {**_cfg("synthetic-gemma4-text-1"), **change}
    with pytest.raises(UserError, match=key):
        architecture_from_hf_config(cfg)


def test_gemma4_forces_its_last_layer_to_full_attention_as_transformers_does():
    cfg = {**_cfg("synthetic-gemma4-text-1"), "layer_types": ["sliding_attention"] * 6}
    assert architecture_from_hf_config(cfg).layer_types[-1] == "full_attention"



def test_deepseek_v4_layers_take_only_its_own_attention_kinds():
    cfg = {**_cfg("synthetic-deepseek-v4-3"), "layer_types": ["full_attention"] * 3}
    with pytest.raises(UserError, match="layer_types"):
        architecture_from_hf_config(cfg)
