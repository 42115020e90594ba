"""Exact parameter counts, pinned to what Hugging Face transformers counts for real configs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paramtui.core.model.architecture import Architecture
from paramtui.core.model.hf_config import load_hf_config
from paramtui.core.model.layers.network import network_of
from paramtui.core.model.params import PARTS, count_parameters
from paramtui.core.validation import validate

CONFIGS = Path(__file__).parent / "hf_configs"

# Where each real fixture comes from: the Hugging Face repo whose config.json it is, as found
# quoted in public GitHub files (search tool, find_string/read_file). Missing keys take
# transformers' defaults, as they would in the real file.
SOURCES = {
    "bert-base-uncased": "../shared/reference/configs (google-bert/bert-base-uncased)",
    "gpt2": "../shared/reference/configs (openai-community/gpt2)",
    "llama-2-7b": "../shared/reference/configs (meta-llama/Llama-2-7b-hf)",
    "llama-3.1-8b": "../shared/reference/configs (meta-llama/Llama-3.1-8B)",
    "llama-3.2-1b": "../shared/reference/configs (meta-llama/Llama-3.2-1B)",
    "mistral-7b": "../shared/reference/configs (mistralai/Mistral-7B-v0.1)",
    "mixtral-8x7b": "../shared/reference/configs (mistralai/Mixtral-8x7B-v0.1)",
    "qwen2.5-7b": "../shared/reference/configs (Qwen/Qwen2.5-7B)",
    "gpt2-hub": "openai-community/gpt2 config.json, full (n_inner: null)",
    "gemma-2-9b": "google/gemma-2-9b config.json",
    "mistral-7b-v0.3": "mistralai/Mistral-7B-v0.3 config.json",
    "phi-3-mini-4k-instruct": "microsoft/Phi-3-mini-4k-instruct config.json",
    "qwen2.5-72b-instruct": "Qwen/Qwen2.5-72B-Instruct config.json",
    "qwen2.5-1.5b-instruct": "Qwen/Qwen2.5-1.5B-Instruct config.json (shape keys; tied embeddings)",
    "deepseek-v3": "deepseek-ai/DeepSeek-V3 config.json",
    "qwen3-8b": "Qwen/Qwen3-8B config.json (shape keys)",
    "qwen3-0.6b": "Qwen/Qwen3-0.6B config.json (shape keys; tied embeddings)",
    "qwen3-14b": "Qwen/Qwen3-14B config.json (shape keys)",
    "qwen3-30b-a3b": "Qwen/Qwen3-30B-A3B config.json (shape keys)",
    "qwen1.5-moe-a2.7b-chat": "Qwen/Qwen1.5-MoE-A2.7B-Chat config.json (shape keys)",
    "pythia-1b": "EleutherAI/pythia-1b config.json",
    "opt-350m": "facebook/opt-350m config.json (word_embed_proj_dim 512, post-LN)",
    "opt-13b": "facebook/opt-13b config.json",
    "t5-small": "google-t5/t5-small config.json (relu FFN, tied head)",
    "t5-v1_1-base": "google/t5-v1_1-base config.json (gated-gelu; transformers 5 ties the head)",
    "gemma-2b": "google/gemma-2b config.json",
    "gemma-7b": "google/gemma-7b config.json",
    "falcon-7b": "tiiuae/falcon-7b config.json (multi-query, one shared norm)",
    "falcon-40b-instruct": "tiiuae/falcon-40b-instruct config.json (new decoder architecture, ln_attn/ln_mlp)",
    "gpt-oss-20b": "openai/gpt-oss-20b config.json (as mirrored in EchoCog/gpt-oss-20b; quant_method mxfp4 "
                   "as the model card states)",
    "smollm3-3b": "HuggingFaceTB/SmolLM3-3B config.json (as mirrored in fetchwiki/HuggingFaceTB-SmolLM3-3B)",
}

# sum(p.numel() for p in model.parameters()), tied weights once, of the model transformers
# builds for each config: verified with transformers 5.23.0 (torch 2.13.0 CPU) on the meta
# device by scripts/verify_counts_with_transformers.py, parts (embedding / attention / mlp /
# norm / head) included. t5-v1_1-base has its lm_head tied, as transformers 5 builds every T5
# from a config (the released checkpoint stores a separate head: 247,577,856).
# The "synthetic-*" configs are small shapes made to exercise the less common code paths
# (MLA without q_lora, sequential Falcon, sparse MoE steps, ...), verified the same way.
TRANSFORMERS_COUNTS = {
    "bert-base-uncased": 109_482_240,
    "deepseek-v3": 671_026_404_352,
    "falcon-40b-instruct": 41_303_293_952,
    "falcon-7b": 6_921_720_704,
    "gemma-2-9b": 9_241_705_984,
    "gemma-2b": 2_506_172_416,
    "gemma-7b": 8_537_680_896,
    "gpt2-hub": 124_439_808,
    "gpt2": 124_439_808,
    "llama-2-7b": 6_738_415_616,
    "llama-3.1-8b": 8_030_261_248,
    "llama-3.2-1b": 1_235_814_400,
    "mistral-7b-v0.3": 7_248_023_552,
    "mistral-7b": 7_241_732_096,
    "mixtral-8x7b": 46_702_792_704,
    "opt-13b": 12_853_473_280,
    "opt-350m": 331_196_416,
    "phi-3-mini-4k-instruct": 3_821_079_552,
    "pythia-1b": 1_011_781_632,
    "qwen1.5-moe-a2.7b-chat": 14_315_784_192,
    "qwen2.5-1.5b-instruct": 1_543_714_304,
    "qwen2.5-72b-instruct": 72_706_203_648,
    "qwen2.5-7b": 7_615_616_512,
    "qwen3-0.6b": 596_049_920,
    "qwen3-14b": 14_768_307_200,
    "qwen3-30b-a3b": 30_532_122_624,
    "qwen3-8b": 8_190_735_360,
    "t5-small": 60_506_624,
    "t5-v1_1-base": 222_903_552,
    "synthetic-bert-token-types": 418_560,
    "synthetic-deepseek-v3-no-q-lora": 2_799_168,
    "synthetic-falcon-new-one-norm": 2_578_432,
    "synthetic-falcon-sequential": 2_034_816,
    "synthetic-gemma2-bias": 701_184,
    "synthetic-gpt-neox-no-attn-bias": 523_776,
    "synthetic-gpt2-inner": 428_568,
    "synthetic-llama-biases": 685_408,
    "synthetic-opt-no-final-norm": 547_072,
    "synthetic-qwen2-moe-sparse": 1_606_528,
    "synthetic-qwen3-moe-mlp-only": 1_244_672,
    "synthetic-t5-gated-silu-asymmetric": 1_432_448,
    # The 2025 families, verified with transformers 5.25.0 (torch 2.13.0 CPU, meta device).
    # "default-*": the config class's defaults with the keys paramtui requires written out
    # (DeepSeek-V2's with num_experts_per_tok 6, which its class leaves None); the
    # "synthetic-*-N" shapes are scripts/verify_counts_with_transformers.py's PERTURBED ones.
    "gpt-oss-20b": 20_914_757_184,
    "smollm3-3b": 3_075_098_624,
    "default-apertus": 6_979_596_352,
    "default-deepseek-v2": 38_612_307_968,
    "default-ernie4-5-moe": 21_825_437_888,
    "default-exaone4": 9_429_069_824,
    "default-glm4": 9_400_279_040,
    "default-glm4-moe": 103_481_200_640,
    "default-minimax-m2": 228_689_748_992,
    "default-ministral3": 8_489_553_920,
    "default-olmo2": 6_888_624_128,
    "default-olmo3": 6_888_624_128,
    "default-olmoe": 13_361_612_800,
    "default-seed-oss": 28_921_040_896,
    "synthetic-apertus-1": 3_071_628,
    "synthetic-apertus-2": 2_819_456,
    "synthetic-deepseek-v2-1": 6_254_208,
    "synthetic-deepseek-v2-2": 4_745_632,
    "synthetic-ernie4-5-moe-1": 5_332_264,
    "synthetic-ernie4-5-moe-2": 4_067_568,
    "synthetic-exaone4-1": 3_858_048,
    "synthetic-exaone4-2": 3_847_904,
    "synthetic-exaone4-3": 3_858_048,
    "synthetic-glm4-1": 6_819_072,
    "synthetic-glm4-2": 4_587_776,
    "synthetic-glm4-moe-1": 5_219_584,
    "synthetic-glm4-moe-2": 5_391_552,
    "synthetic-gpt-oss-1": 20_450_400,
    "synthetic-gpt-oss-2": 11_699_528,
    "synthetic-minimax-m2-1": 20_386_944,
    "synthetic-minimax-m2-2": 11_672_576,
    "synthetic-ministral3-1": 6_806_784,
    "synthetic-ministral3-2": 3_847_424,
    "synthetic-olmo2-1": 3_859_584,
    "synthetic-olmo2-2": 4_101_056,
    "synthetic-olmo3-1": 3_859_584,
    "synthetic-olmo3-2": 3_863_424,
    "synthetic-olmoe-1": 20_386_944,
    "synthetic-olmoe-2": 15_413_120,
    "synthetic-seed-oss-1": 6_816_000,
    "synthetic-seed-oss-2": 3_621_120,
    "synthetic-smollm3-1": 3_601_664,
    "synthetic-smollm3-2": 3_869_184,
    "default-gemma3-text": 2_628_658_432,
    "default-qwen3-next": 79_674_391_296,
    "synthetic-gemma3-text-1": 4_096_832,
    "synthetic-gemma3-text-2": 10_765_056,
    "synthetic-qwen3-next-1": 5_803_800,
    "synthetic-qwen3-next-2": 4_374_624,
    "synthetic-qwen3-next-3": 3_814_188,
    "default-deepseek-v32": 671_877_929_216,
    "default-glm4-moe-lite": 29_943_390_976,
    "default-llama4-text": 107_769_861_120,
    "default-qwen3-5-moe-text": 34_660_610_688,
    "default-qwen3-5-text": 8_953_803_264,
    "synthetic-deepseek-v32-1": 4_804_896,
    "synthetic-deepseek-v32-2": 5_051_136,
    "synthetic-glm4-moe-lite-1": 5_257_120,
    "synthetic-glm4-moe-lite-2": 5_095_008,
    "synthetic-llama4-text-1": 13_300_992,
    "synthetic-llama4-text-2": 10_988_288,
    "synthetic-qwen3-5-moe-text-1": 5_805_400,
    "synthetic-qwen3-5-moe-text-2": 1_992_644,
    "synthetic-qwen3-5-text-1": 4_020_504,
    "synthetic-qwen3-5-text-2": 4_254_152,
    "default-lfm2": 2_705_497_600,
    "default-mamba": 159_308_544,
    "default-mamba2": 7_285_403_648,
    "synthetic-lfm2-1": 3_998_080,
    "synthetic-lfm2-2": 6_619_520,
    "synthetic-lfm2-3": 4_097_088,
    "synthetic-mamba-1": 1_959_168,
    "synthetic-mamba-2": 1_652_400,
    "synthetic-mamba2-1": 2_173_536,
    "synthetic-mamba2-2": 1_230_792,
    "default-nemotron-h": 1_968_355_712,
    "synthetic-nemotron-h-1": 2_083_336,
    "synthetic-nemotron-h-2": 875_296,
    "default-granitemoehybrid": 38_601_064_448,
    "synthetic-granitemoehybrid-1": 12_536_416,
    "synthetic-granitemoehybrid-2": 4_439_264,
    "default-jamba": 51_570_323_328,
    "synthetic-jamba-1": 11_527_136,
    "synthetic-jamba-2": 5_549_488,
    "synthetic-jamba-3": 6_253_968,
    "default-gemma3": 2_723_312_896,
    "synthetic-gemma3-1": 1_836_800,
    "synthetic-gemma3-2": 2_257_920,
    "default-kimi-linear": 49_133_074_464,
    "synthetic-kimi-linear-1": 5_266_036,
    "synthetic-kimi-linear-2": 5_104_192,
    "default-falcon-h1": 8_514_961_408,
    "synthetic-falcon-h1-1": 6_344_976,
    "synthetic-falcon-h1-2": 5_429_216,
    "default-mistral3": 7_539_132_416,
    "synthetic-mistral3-1": 2_027_520,
    "synthetic-mistral3-2": 2_398_720,
    "default-qwen3-5": 9_407_453_936,
    "synthetic-qwen3-5-1": 2_362_404,
    "synthetic-qwen3-5-2": 2_528_400,
    "default-qwen3-5-moe": 35_114_261_360,
    "synthetic-qwen3-5-moe-1": 2_364_964,
    "synthetic-qwen3-5-moe-2": 719_148,
    "default-llama4": 108_225_039_360,
    "synthetic-llama4-1": 3_759_872,
    "synthetic-llama4-2": 3_010_432,
    "default-gemma4-text": 5_077_177_856,
    "synthetic-gemma4-text-1": 3_769_024,
    "synthetic-gemma4-text-2": 14_014_864,
    "synthetic-gemma4-text-3": 17_740_784,
    "synthetic-gemma4-text-4": 4_441_088,
    "default-gemma4": 5_077_177_856,
    "synthetic-gemma4-1": 1_709_632,
    "synthetic-gemma4-2": 13_307_920,
    "synthetic-gemma4-3": 3_427_160,
    "synthetic-gemma4-4": 475_594_400,
    "default-deepseek-v4": 284_325_869_015,
    "synthetic-deepseek-v4-1": 4_102_171,
    "synthetic-deepseek-v4-2": 2_592_780,
    "synthetic-deepseek-v4-3": 795_426,
}

# ../shared/reference/param_counts.json: the lead's reference counts (transformers, meta device,
# the model class named there), for the configs copied from ../shared/reference/configs.
REFERENCE_COUNTS = {
    "gpt2": 124_439_808,  # GPT2LMHeadModel
    "llama-2-7b": 6_738_415_616,  # LlamaForCausalLM
    "llama-3.1-8b": 8_030_261_248,
    "llama-3.2-1b": 1_235_814_400,
    "mistral-7b": 7_241_732_096,  # MistralForCausalLM
    "mixtral-8x7b": 46_702_792_704,  # MixtralForCausalLM
    "qwen2.5-7b": 7_615_616_512,  # Qwen2ForCausalLM
    "bert-base-uncased": 109_482_240,  # BertModel
}

# Parts as transformers' parameter names split them (same check, same version).
PARTS_PINNED = {
    # name: (embedding, attention, mlp, norm, head)
    "llama-3.1-8b": (525_336_576, 1_342_177_280, 5_637_144_576, 266_240, 525_336_576),
    "bert-base-uncased": (23_835_648, 28_348_416, 56_669_184, 38_400, 590_592),
    "t5-small": (16_449_536, 18_874_880, 25_165_824, 16_384, 0),
    "deepseek-v3": (926_679_040, 11_413_547_008, 657_758_617_600, 881_664, 926_679_040),
    "opt-350m": (28_887_040, 100_761_600, 201_449_472, 98_304, 0),
}


def _fixtures() -> list[str]:
    return sorted(p.stem for p in CONFIGS.glob("*.json"))


def _count(name: str):
    return count_parameters(load_hf_config(CONFIGS / f"{name}.json"))


def test_every_fixture_is_pinned_and_every_real_one_has_a_source():
    names = _fixtures()
    assert sorted(TRANSFORMERS_COUNTS) == names
    assert sorted(n for n in names if not n.startswith(("synthetic-", "default-"))) == sorted(SOURCES)


@pytest.mark.parametrize("name", sorted(TRANSFORMERS_COUNTS))
def test_count_equals_transformers(name):
    assert _count(name).total == TRANSFORMERS_COUNTS[name]


@pytest.mark.parametrize("name", sorted(REFERENCE_COUNTS))
def test_reference_counts(name):
    assert _count(name).total == REFERENCE_COUNTS[name]


@pytest.mark.parametrize("name", sorted(TRANSFORMERS_COUNTS))
def test_parts_add_up_to_the_total(name):
    c = _count(name)
    assert c.embedding + c.attention + c.mlp + c.norm + c.head + c.encoders == c.total
    assert all(getattr(c, part) >= 0 for part in PARTS)
    assert 0 < c.active <= c.total


@pytest.mark.parametrize("name", sorted(PARTS_PINNED))
def test_parts_equal_transformers(name):
    c = _count(name)
    assert (c.embedding, c.attention, c.mlp, c.norm, c.head) == PARTS_PINNED[name]


@pytest.mark.parametrize("name", [n for n in sorted(TRANSFORMERS_COUNTS)
                                  if not load_hf_config(CONFIGS / f"{n}.json").is_moe])
def test_dense_models_use_every_parameter(name):
    c = _count(name)
    assert c.active == c.total


def test_tied_head_costs_nothing():
    # Llama 3.2 1B ties its head (tie_word_embeddings: true); Gemma ties by default.
    assert _count("llama-3.2-1b").head == 0
    assert _count("gemma-7b").head == 0
    assert _count("llama-3.1-8b").head == 128256 * 4096


def test_mixtral_active_matches_mistral_ai():
    # Mistral AI, "Mixtral of experts" (2023-12-11): 46.7B total, 12.9B used per token
    # (Jiang et al. 2024, §2.1 say "13B active"). Tolerance: the published rounding, ±0.05B.
    c = _count("mixtral-8x7b")
    assert abs(c.total - 46.7e9) <= 0.05e9
    assert abs(c.active - 12.9e9) <= 0.05e9
    # 32 layers · 6 idle experts · 3 · 4096 · 14336 per expert
    assert c.total - c.active == 32 * 6 * 3 * 4096 * 14336


def test_deepseek_v3_active_matches_its_report():
    # DeepSeek-V3 technical report (2024), abstract: 671B total, 37B activated per token
    # (the 14B multi-token-prediction module is not part of this count or of transformers').
    # "37B" is a whole number of billions: we require 37e9 <= active < 38e9.
    c = _count("deepseek-v3")
    assert round(c.total / 1e9) == 671
    assert 37e9 <= c.active < 38e9


def test_qwen_moe_active_matches_model_cards():
    # Qwen1.5-MoE-A2.7B (Qwen blog, 2024-03-28): 14.3B total, 2.7B activated, rounded (±0.05B).
    qwen15 = _count("qwen1.5-moe-a2.7b-chat")
    assert abs(qwen15.total - 14.3e9) <= 0.05e9 and abs(qwen15.active - 2.7e9) <= 0.05e9
    # Qwen3-30B-A3B model card: "30.5B in total and 3.3B activated", cut to one decimal
    # (3.35B would round to 3.4B), so 3.3e9 <= active < 3.4e9.
    qwen3 = _count("qwen3-30b-a3b")
    assert 30.5e9 <= qwen3.total < 30.6e9 and 3.3e9 <= qwen3.active < 3.4e9


def _tiny(**kw) -> Architecture:
    base = dict(vocab_size=100, hidden_size=8, num_hidden_layers=2, num_attention_heads=2,
                num_key_value_heads=1, head_dim=4, intermediate_size=16)
    return validate(Architecture, dict(**{**base, **kw}))


def test_hand_built_architecture_counted_by_hand():
    c = count_parameters(_tiny())
    assert c.embedding == 100 * 8
    assert c.attention == 2 * (8 * 2 * 4 + 2 * 8 * 1 * 4 + 2 * 4 * 8)  # q, k+v (1 KV head), o
    assert c.mlp == 2 * 3 * 8 * 16  # gate, up, down
    assert c.norm == 2 * 2 * 8 + 8  # two RMSNorms per layer + final
    assert c.head == 100 * 8  # untied by default
    assert c.total == 800 + 384 + 768 + 40 + 800


def test_hand_built_layernorm_plain_mlp_learned_positions_with_biases():
    c = count_parameters(_tiny(gated_mlp=False, norm_type="layernorm", attention_bias=True, mlp_bias=True,
                               position_embedding_type="learned", max_position_embeddings=10,
                               tie_word_embeddings=True))
    assert c.embedding == 100 * 8 + 10 * 8
    assert c.attention == 2 * (192 + (8 + 4 + 4) + 8)  # weights + q/k/v biases + o bias
    assert c.mlp == 2 * (2 * 8 * 16 + 16 + 8)
    assert c.norm == 2 * 2 * 16 + 16  # LayerNorm: weight and bias
    assert c.head == 0


def test_hand_built_moe_active():
    arch = _tiny(num_local_experts=4, num_experts_per_tok=1, moe_intermediate_size=6, n_shared_experts=1,
                 first_k_dense_replace=1)
    c = count_parameters(arch)
    expert = 3 * 8 * 6
    # layer 0 dense (3·8·16), layer 1: 4 experts + router (4·8) + one shared expert of width 6
    assert c.mlp == 3 * 8 * 16 + 4 * expert + 4 * 8 + expert
    assert c.total - c.active == (4 - 1) * expert
    assert "moe_layers" in c.explanations["active"].formula


def test_explanations_cover_every_figure():
    c = _count("llama-3.1-8b")
    assert set(c.explanations) == {"total", "active", "encoders", *PARTS}
    assert c.explanations["total"].substituted.endswith("= 8.03B (8,030,261,248)")
    assert "128256·4096" in c.explanations["embedding"].substituted
    assert all(e.source for e in c.explanations.values())


@settings(max_examples=40, deadline=None)
@given(layers=st.integers(1, 40), hidden_heads=st.sampled_from([(64, 4), (96, 6), (128, 8)]),
       kv=st.sampled_from([1, 2]), vocab=st.integers(1, 5000), tie=st.booleans())
def test_count_grows_linearly_with_layers_and_tying_saves_one_matrix(layers, hidden_heads, kv, vocab, tie):
    hidden, heads = hidden_heads

    def arch(n, tied=tie):
        return validate(Architecture, dict(vocab_size=vocab, hidden_size=hidden, num_hidden_layers=n, num_attention_heads=heads,
                            num_key_value_heads=kv, intermediate_size=3 * hidden, tie_word_embeddings=tied))

    a, b, c = (count_parameters(arch(n)).total for n in (layers, layers + 1, layers + 2))
    assert b - a == c - b > 0
    assert count_parameters(arch(layers, False)).total - count_parameters(arch(layers, True)).total \
        == vocab * hidden


# ---------------------------------------------------------------- the network as layer groups

def test_network_groups_layers_by_kind_with_their_pattern():
    gemma2 = network_of(load_hf_config(CONFIGS / "gemma-2-9b.json"))
    assert gemma2.describe() == ("21 full attention + MLP, 21 sliding-window attention + MLP "
                                 "(repeating every 2 layers)")
    ds = network_of(load_hf_config(CONFIGS / "deepseek-v3.json"))
    assert [(g.count, g.channel.kind) for g in ds.groups] == [(3, "mlp"), (58, "moe")]
    t5 = network_of(load_hf_config(CONFIGS / "t5-small.json"))
    assert t5.describe() == "6 encoder full attention + MLP, 6 full attention + cross-attention + MLP"


def test_a_deep_uniform_network_is_one_group_not_one_entry_per_layer():
    arch = Architecture(vocab_size=1000, hidden_size=64, num_hidden_layers=10**7, num_attention_heads=4,
                        intermediate_size=128)
    net = network_of(arch)
    assert len(net.groups) == 1 and net.num_layers == 10**7
    assert count_parameters(arch).total == 10**7 * (4 * 64 * 64 + 3 * 64 * 128 + 2 * 64) + 2 * 1000 * 64 + 64


def test_a_copy_with_other_layers_gets_its_own_network_and_count():
    """Networks are worked out once per architecture: a copy with changed fields (what the
    Calculator's architecture fields make) is counted anew, not from the original's."""
    import dataclasses

    arch = Architecture(vocab_size=1000, hidden_size=64, num_hidden_layers=10, num_attention_heads=4,
                        intermediate_size=128)
    assert network_of(arch).num_layers == 10 and network_of(arch) is network_of(arch)
    deeper = dataclasses.replace(arch, num_hidden_layers=20)
    assert network_of(deeper).num_layers == 20
    assert count_parameters(deeper).total - count_parameters(arch).total == 10 * (4 * 64 * 64 + 3 * 64 * 128 + 2 * 64)


def test_qwen3_next_is_36_gated_deltanet_and_12_full_attention_layers():
    # Its transformers default is Qwen3-Next-80B-A3B's shape: 48 layers, every 4th full.
    arch = load_hf_config(CONFIGS / "default-qwen3-next.json")
    net = network_of(arch)
    assert net.describe() == ("12 full attention + mixture of experts, 36 linear attention (Gated DeltaNet) "
                              "+ mixture of experts (repeating every 4 layers)")
    c = count_parameters(arch)
    assert "linear_layers·" in c.explanations["attention"].formula
    assert 3.0e9 < c.active < 4.0e9  # "80B total, 3B activated" (Qwen3-Next model card): 3.9B with embeddings


def test_state_space_and_convolution_layers_are_their_own_groups():
    mamba = network_of(load_hf_config(CONFIGS / "default-mamba.json"))
    assert mamba.describe() == "32 Mamba + no MLP"
    lfm2 = network_of(load_hf_config(CONFIGS / "synthetic-lfm2-2.json"))
    assert lfm2.describe() == "2 full attention + MLP, 4 short convolution + MLP (repeating every 3 layers)"
    c = count_parameters(load_hf_config(CONFIGS / "default-mamba2.json"))
    assert c.mlp == 0 and "2·groups·state" in c.explanations["attention"].formula


def test_nemotron_h_layers_are_one_block_each():
    # "M-M*ME-": Mamba 2, MLP, Mamba 2, attention, Mamba 2, MoE, MLP.
    net = network_of(load_hf_config(CONFIGS / "synthetic-nemotron-h-1.json"))
    assert net.describe() == "1 full attention + no MLP, 3 Mamba 2 + no MLP, 2 MLP, 1 mixture of experts"
    c = count_parameters(load_hf_config(CONFIGS / "synthetic-nemotron-h-1.json"))
    assert c.head == 1000 * 256  # its LM head is never tied


def test_jamba_is_one_attention_layer_in_eight_and_experts_every_other_layer():  # on the odd layers
    # Jamba v0.1's shape (its transformers default): "52B total, 12B active" (AI21 model card).
    arch = load_hf_config(CONFIGS / "default-jamba.json")
    net = network_of(arch)
    assert net.describe() == ("4 full attention + MLP, 12 Mamba + MLP, 16 Mamba + mixture of experts "
                              "(repeating every 8 layers)")
    c = count_parameters(arch)
    assert round(c.total / 1e9) == 52 and round(c.active / 1e9) == 12


def test_a_multimodal_checkpoint_counts_its_vision_tower_as_encoders():
    # A SigLIP tower of 2 layers, width 128, MLP 256, 4×4 patches of 16 px, no pooling head:
    # patch conv 3·16·16·128 + 128, positions 16·128; per layer 2 LayerNorms, q/k/v/out with
    # biases, fc1/fc2 with biases; a final LayerNorm. Projector: 128 × 256 + an RMSNorm of 128.
    tower = 3 * 16 * 16 * 128 + 128 + 16 * 128 + 2 * (2 * 256 + 4 * (128 * 128 + 128) + 2 * 128 * 256 + 256 + 128) \
        + 256
    c = _count("synthetic-gemma3-1")
    assert c.encoders == tower + 128 * 256 + 128 == 365_696 + 32_896
    text_only = count_parameters(load_hf_config(CONFIGS / "synthetic-gemma3-1.json"))
    assert c.total == c.embedding + c.attention + c.mlp + c.norm + c.head + c.encoders == text_only.total
    assert c.active == c.total  # dense: every weight, the encoders included


def test_falcon_h1_runs_mamba_and_attention_side_by_side_in_every_layer():
    arch = load_hf_config(CONFIGS / "synthetic-falcon-h1-1.json")
    assert network_of(arch).describe() == "6 Mamba 2 ∥ attention + MLP"
    assert "Mamba 2" in count_parameters(arch).explanations["attention"].formula


def test_mistral3_counts_its_pixtral_tower_and_projector_as_encoders():
    # Pixtral: patch conv 3·16·16·128 (no bias) + ln_pre 128 + 2 layers of 2 norms, q/k/v/o and a
    # gated MLP 128 -> 256; projector: norm 128, patch merger 128·2²·128, linear_1 128·256, linear_2 256·256.
    c = _count("synthetic-mistral3-1")
    tower = 3 * 16 * 16 * 128 + 128 + 2 * (2 * 128 + 4 * 128 * 128 + 3 * 128 * 256)
    assert c.encoders == tower + 128 + 128 * 4 * 128 + 128 * 256 + 256 * 256 == 426_624 + 163_968
    assert c.head == 0  # Mistral3Config ties the head by default, whatever text_config says


def test_qwen3_5_counts_its_vision_model_and_patch_merger_as_encoders():
    # Qwen3.5 vision: Conv3d 3·2·8·8·128 + 128, 64 learned positions · 128; 2 blocks of two
    # LayerNorms, qkv 128 -> 384 and proj with biases, MLP 128 -> 256 -> 128 with biases;
    # merger: LayerNorm 128, fc1 512 -> 512 and fc2 512 -> 256 with biases (merge 2: 4·128 = 512).
    c = _count("synthetic-qwen3-5-1")
    block = 2 * 256 + (3 * 128 * 128 + 384) + (128 * 128 + 128) + (128 * 256 + 256) + (256 * 128 + 128)
    tower = 3 * 2 * 8 * 8 * 128 + 128 + 64 * 128 + 2 * block
    assert c.encoders == tower + 256 + (512 * 512 + 512) + (512 * 256 + 256)
    assert c.head == 1000 * 256  # Qwen3_5Config's own tie_word_embeddings (false) governs the head
    assert _count("synthetic-qwen3-5-2").head == 0  # ... and true ties it, whatever text_config says


def test_llama4_counts_its_vision_model_adapter_and_projector_as_encoders():
    # Llama 4 vision: unfold + linear 3·16·16·128 (no bias), class embedding 128, (64/16)² + 1 =
    # 17 positions · 128, two LayerNorms; 2 layers of two LayerNorms, q/k/v/o with biases, MLP
    # 128 -> 256 -> 128 with biases; adapter 256 -> 160 and 192 -> 192 (no biases); projector
    # 192 -> 256 (the text width).
    c = _count("synthetic-llama4-1")
    layer = 2 * 256 + 4 * (128 * 128 + 128) + (128 * 256 + 256) + (256 * 128 + 128)
    tower = 3 * 16 * 16 * 128 + 128 + 17 * 128 + 2 * 256 + 2 * layer + 256 * 160 + 192 * 192
    assert c.encoders == tower + 192 * 256
    assert c.head == 1000 * 256  # the text model's tie_word_embeddings governs, false by default
    assert _count("synthetic-llama4-2").head == 0


def test_gemma4_counts_shared_kv_layers_values_from_keys_and_per_layer_embeddings_by_hand():
    # 6 layers (sliding, full) × 3, width 256, 8 heads; sliding layers 2 KV heads × 256, full
    # layers 1 KV head × 512 (num_global_key_value_heads with attention_k_eq_v: no v_proj); the
    # last 2 layers reuse earlier K/V (q and o only) and have a double-wide MLP (1024).
    c = _count("synthetic-gemma4-text-2")
    sliding, full = 256 * 2048 * 2 + 2 * 256 * 512, 256 * 4096 * 2 + 256 * 512
    assert c.attention == 2 * sliding + 2 * full + 256 * 2048 * 2 + 256 * 4096 * 2
    assert c.mlp == 4 * 3 * 256 * 512 + 2 * 3 * 256 * 1024
    # Per-layer embeddings: 500 rows of 6 · 16, the projection 256 -> 96, per layer a gate and
    # a projection 256 <-> 16; beside the 1000 × 256 token embedding.
    assert c.embedding == 1000 * 256 + 500 * 6 * 16 + 256 * 96 + 6 * 2 * 256 * 16
    # Five norms per layer, q/k norms per head (q only on the shared layers; v_norm has no
    # weight), the final norm and the per-layer projection norm.
    assert c.norm == 6 * 5 * 256 + 2 * 2 * 256 + 2 * 2 * 512 + 256 + 512 + 256 + 16
    assert c.head == 1000 * 256 and c.total == 14_014_864


def test_gemma4_experts_run_beside_the_dense_mlp():
    # enable_moe_block: every layer keeps its 512-wide MLP and adds 4 experts (96 wide, 2 per
    # token) with a router 256 -> 4 plus its scales (256 per channel, 4 per expert).
    c = _count("synthetic-gemma4-text-3")
    per_expert = 3 * 256 * 96
    mlp = 3 * 256 * 512
    assert c.total - c.active == 6 * 2 * per_expert  # two of four experts idle in each layer
    # the last 3 layers (shared K/V) are not double-wide here
    assert c.mlp == 6 * (4 * per_expert + 256 * 4 + 256 + 4 + mlp)


def test_gemma4_counts_its_vision_and_audio_towers_only_where_the_file_has_them():
    # Vision: patch projection 3·8²·128, positions 2·64·128; 2 layers of q 128·4·32, k and v
    # 128·2·32, o, q/k norms 2·32, a gated MLP 3·128·256 and four norms; embed_vision 128 -> 256.
    layer = 128 * 128 + 2 * 128 * 64 + 128 * 128 + 2 * 32 + 3 * 128 * 256 + 4 * 128
    assert _count("synthetic-gemma4-1").encoders == 3 * 64 * 128 + 2 * 64 * 128 + 2 * layer + 128 * 256
    # Audio (no vision_config): subsampling convs 1 -> 128 -> 32 with LayerNorms, input
    # projection 32·32 -> 48; one conformer layer (two 4× feed-forwards, attention with a
    # relative key projection and per-dim scale, a light conv of kernel 5, norms); output_proj
    # 48 -> 1536 with bias; embed_audio 1536 -> 256.
    subsampling = 9 * 128 + 128 + 9 * 128 * 32 + 32 + 32 * 32 * 48
    conformer = 2 * (8 * 48 * 48 + 96) + (5 * 48 * 48 + 24) + (3 * 48 * 48 + 5 * 48 + 96) + 3 * 48
    assert _count("synthetic-gemma4-3").encoders == subsampling + conformer + 48 * 1536 + 1536 + 1536 * 256
    assert _count("default-gemma4").encoders == 0  # Gemma4Config builds no tower without its config


def test_deepseek_v4_counted_by_hand_compressors_indexer_and_hyper_connections():
    # 3 layers (compressed sparse, sliding, heavily compressed), width 128, 4 heads × 64, q_lora
    # 32, one output group of 32, one residual stream (hc_mult 1); CSA every 2 tokens (legacy
    # compress_rate_csa), HCA every 128; indexer 2 heads × 16; 4 experts 64 wide, 1 per token.
    c = _count("synthetic-deepseek-v4-3")
    hyper_connection = 3 * 1 * 1 * 128 + 3 + 3  # fn, base, 3 scales
    attention = 128 * 32 + 32 * 256 + 128 * 64 + 32 * 256 + 32 * 128 + 4 + hyper_connection
    csa = 2 * 128 * 128 + 2 * 128 + (2 * 128 * 32 + 2 * 32) + 32 * 32 + 128 * 2  # compressor, indexer
    hca = 2 * 128 * 64 + 128 * 64
    assert c.attention == 3 * attention + csa + hca
    assert c.mlp == 3 * (4 * 128 + 4 * 3 * 128 * 64 + 3 * 128 * 64 + hyper_connection)
    # q_a_norm and kv_norm in every layer, the compressors' and indexer's kv_norms, two norms per
    # layer, the final norm and hc_head (1·1·128 + 1 + 1).
    assert c.norm == 3 * (32 + 64) + (64 + 16) + 64 + 3 * 2 * 128 + 128 + 130
    assert c.total == 795_426
    assert c.total - c.active == 3 * 3 * 3 * 128 * 64  # 3 of 4 experts idle in each layer

