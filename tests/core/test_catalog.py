"""The shipped model catalog: its data, its lookups, and exact counts against transformers."""

import re
import tomllib
from importlib import resources

import pytest

from paramtui.core.model.catalog import (
    CatalogEntry,
    get_model,
    load_catalog,
    parse_published_count,
    search_models,
)
from paramtui.core.errors import UserError

# transformers' own count of every catalog config: sum(p.numel() for p in model.parameters()),
# tied weights once, each model built on the meta device from its [model.config] table
# (`with torch.device("meta"): AutoModelForCausalLM.from_config(AutoConfig.for_model(**cfg))`;
# BertModel for bert, T5ForConditionalGeneration for t5). Verified with transformers 5.23.0
# and torch 2.13.0+cpu. Eight agree with ../shared/reference/param_counts.json (gpt2,
# llama-2-7b, llama-3.1-8b, llama-3.2-1b, mistral-7b, mixtral-8x7b, qwen2.5-7b, bert-base-uncased).
TRANSFORMERS_COUNTS = {
    "gpt2": 124_439_808,
    "gpt2-medium": 354_823_168,
    "gpt2-large": 774_030_080,
    "gpt2-xl": 1_557_611_200,
    "gpt-3-175b": 174_604_259_328,
    "bert-base-uncased": 109_482_240,
    "bert-large-uncased": 335_141_888,
    "t5-base": 222_903_552,
    "flan-t5-xl": 2_783_959_040,
    "opt-1.3b": 1_315_758_080,
    "opt-6.7b": 6_658_473_984,
    "opt-66b": 65_719_701_504,
    "pythia-1b": 1_011_781_632,
    "pythia-6.9b": 6_857_302_016,
    "pythia-12b": 11_846_072_320,
    "falcon-7b": 6_921_720_704,
    "falcon-40b": 41_303_293_952,
    "llama-2-7b": 6_738_415_616,
    "llama-2-13b": 13_015_864_320,
    "llama-2-70b": 68_976_648_192,
    "llama-3.1-8b": 8_030_261_248,
    "llama-3.1-70b": 70_553_706_496,
    "llama-3.1-405b": 405_853_388_800,
    "llama-3.2-1b": 1_235_814_400,
    "llama-3.2-3b": 3_212_749_824,
    "smollm2-135m": 134_515_008,
    "smollm2-360m": 361_821_120,
    "smollm2-1.7b": 1_711_376_384,
    "tinyllama-1.1b": 1_100_048_384,
    "mistral-7b": 7_241_732_096,
    "mistral-nemo-12b": 12_247_782_400,
    "mixtral-8x7b": 46_702_792_704,
    "mixtral-8x22b": 140_620_634_112,
    "gemma-2b": 2_506_172_416,
    "gemma-7b": 8_537_680_896,
    "gemma-2-2b": 2_614_341_888,
    "gemma-2-9b": 9_241_705_984,
    "gemma-2-27b": 27_227_128_320,
    "phi-3-mini": 3_821_079_552,
    "phi-3-medium": 13_960_238_080,
    "qwen1.5-moe-a2.7b": 14_315_784_192,
    "qwen2.5-0.5b": 494_032_768,
    "qwen2.5-1.5b": 1_543_714_304,
    "qwen2.5-3b": 3_085_938_688,
    "qwen2.5-7b": 7_615_616_512,
    "qwen2.5-14b": 14_770_033_664,
    "qwen2.5-32b": 32_763_876_352,
    "qwen2.5-72b": 72_706_203_648,
    "qwen3-0.6b": 596_049_920,
    "qwen3-1.7b": 1_720_574_976,
    "qwen3-4b": 4_022_468_096,
    "qwen3-8b": 8_190_735_360,
    "qwen3-14b": 14_768_307_200,
    "qwen3-32b": 32_762_123_264,
    "qwen3-30b-a3b": 30_532_122_624,
    "qwen3-235b-a22b": 235_093_634_560,
    "deepseek-v3": 671_026_404_352,
    # transformers 5.25.0, torch 2.13.0+cpu (scripts/verify_counts_with_transformers.py).
    "gpt-oss-20b": 20_914_757_184,
    "gpt-oss-120b": 116_829_156_672,
    "gemma-3-1b": 999_885_952,
    "gemma-3-4b": 4_300_079_472,  # with the SigLIP vision tower (Gemma3ForConditionalGeneration)
    "gemma-3-12b": 12_187_325_040,
    "gemma-3-27b": 27_432_406_640,
    "phi-4": 14_659_507_200,
    "smollm3-3b": 3_075_098_624,
    "qwen3-next-80b-a3b": 79_674_391_296,
    # with the vision model (Qwen3_5MoeForConditionalGeneration, transformers 5.25.0): the
    # language model's 34,660,610,688 + 446,571,248; its Hub config's 35.95B adds the MTP layer
    "qwen3.5-35b-a3b": 35_107_181_936,
    "olmo-2-7b": 7_298_617_344,
    # transformers 5.25.0, torch 2.13.0+cpu (scripts/verify_counts_with_transformers.py)
    "llama-4-scout": 108_641_793_536,  # with the vision model (Llama4ForConditionalGeneration)
    "llama-4-maverick": 401_583_781_376,
    "glm-4.5": 352_797_814_784,
    "glm-4.5-air": 106_852_245_504,
    "deepseek-v3.1": 671_026_404_352,
    "kimi-k2": 1_026_408_209_408,
    "minimax-m2": 228_689_748_992,
    "mistral-small-3.2": 23_340_272_640,  # Mistral3ForConditionalGeneration, head tied as built
    "nemotron-nano-9b-v2": 8_888_227_328,
    "granite-4.0-h-tiny": 6_939_037_248,
    "lfm2-1.2b": 1_170_340_608,
    "ernie-4.5-21b-a3b": 21_825_437_888,
    "falcon-h1-7b": 7_585_513_568,
    "olmo-3-7b": 7_298_011_136,  # the Hub's count for allenai/Olmo-3-1025-7B too
    "qwen3.5-9b": 9_409_813_744,  # with the vision model (Qwen3_5ForConditionalGeneration)
}

# Active per token for the MoE models, from the same transformers models: the total less the
# routed experts a token skips, routed_expert_params · (experts − experts_per_tok) / experts
# (shared experts, routers and attention always run). Same versions as above.
TRANSFORMERS_ACTIVE_COUNTS = {
    "mixtral-8x7b": 12_879_925_248,
    "mixtral-8x22b": 39_152_031_744,
    "qwen1.5-moe-a2.7b": 2_689_173_504,
    "qwen3-30b-a3b": 3_353_032_704,
    "qwen3-235b-a22b": 22_190_763_520,
    "deepseek-v3": 37_552_282_624,
    "gpt-oss-20b": 4_187_440_704,
    "gpt-oss-120b": 5_711_982_912,
    "qwen3-next-80b-a3b": 3_874_929_408,  # transformers 5.25.0, torch 2.13.0+cpu
    "qwen3.5-35b-a3b": 3_901_560_176,  # the language model's 3,454,988,928 + its vision model
    "llama-4-scout": 18_044_827_136,
    "llama-4-maverick": 18_056_623_616,
    "glm-4.5": 33_632_251_904,
    "glm-4.5-air": 13_424_123_904,
    "deepseek-v3.1": 37_552_282_624,
    "kimi-k2": 32_861_477_888,
    "minimax-m2": 11_030_537_216,
    "granite-4.0-h-tiny": 1_465_470_528,
    "ernie-4.5-21b-a3b": 3_352_150_208,
}

# Cards that count active parameters without the input embedding table (the gpt-oss model
# card, Table 1: "Unembedding parameters are counted towards active, but not embeddings").
ACTIVE_WITHOUT_INPUT_EMBEDDING = {"gpt-oss-20b", "gpt-oss-120b"}
# The GLM-4.5 report's active figures (32B, 12B) hold only without the input embedding table
# (33.6B and 13.4B with it), so it counts them the same way.
ACTIVE_WITHOUT_INPUT_EMBEDDING |= {"glm-4.5", "glm-4.5-air"}

# Cards whose stated figure does not describe the released weights. Listed, not loosened:
# the test below requires these to stay outside the stated rounding.
KNOWN_CARD_DISCREPANCIES = {
    # The Qwen2.5-32B card states 32.5B; its config (and safetensors) hold 32.76B.
    "qwen2.5-32b",
    # The GLM-4.5 report's 355B counts its multi-token-prediction layer, which transformers'
    # Glm4MoeForCausalLM does not build (352.8B here; ~356.8B with it): neither is within 1B.
    "glm-4.5",
}

# Cards whose active figure is the language model's: the vision encoder (871,932,416 weights in
# Llama 4, its vision model, adapter and projector) runs on images, not on every token.
ACTIVE_WITHOUT_ENCODERS = {"llama-4-scout": 871_932_416, "llama-4-maverick": 871_932_416,
                           "qwen3.5-35b-a3b": 446_571_248}  # Qwen3.5's vision model and patch merger

REQUIRED_IDS = [
    "gemma-3-1b", "gemma-3-4b", "gemma-3-12b", "gemma-3-27b", "phi-4", "smollm3-3b",
    "qwen3-next-80b-a3b", "qwen3.5-35b-a3b", "olmo-2-7b",
    "gpt2", "gpt2-xl", "llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3.1-8b",
    "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b", "mistral-7b",
    "mixtral-8x7b", "qwen2.5-7b", "qwen2.5-72b", "gemma-2-9b", "phi-3-mini", "deepseek-v3",
    "gpt-3-175b", "llama-4-scout", "llama-4-maverick", "glm-4.5", "glm-4.5-air", "deepseek-v3.1",
    "kimi-k2", "minimax-m2", "mistral-small-3.2", "nemotron-nano-9b-v2", "granite-4.0-h-tiny",
    "lfm2-1.2b", "ernie-4.5-21b-a3b", "falcon-h1-7b", "olmo-3-7b", "qwen3.5-9b",
]  # fmt: skip

CATALOG_IDS = list(TRANSFORMERS_COUNTS)


def _raw_models() -> list[dict]:
    text = resources.files("paramtui.core.model").joinpath("catalog.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["model"]


# ------------------------------------------------------------------ the data


def test_catalog_loads_at_least_40_real_models():
    catalog = load_catalog()
    assert len(catalog) >= 40
    assert all(isinstance(entry, CatalogEntry) for entry in catalog.values())


def test_catalog_is_read_once():
    assert load_catalog() is load_catalog()


def test_each_model_table_read_alone_is_the_same_entry():
    # get_model parses only the asked-for [[model]] table (start-up needs one model): each
    # table cut from the file must read exactly as in the whole file.
    from paramtui.core.model.catalog import _tables_by_id

    tables = _tables_by_id()
    raws = _raw_models()
    assert sorted(tables) == sorted(raw["id"] for raw in raws)
    for raw in raws:
        assert [tomllib.loads(table)["model"] for table in tables[raw["id"]]] == [[raw]], raw["id"]


def test_get_model_and_load_catalog_give_the_same_entry():
    entry = get_model("mixtral-8x7b")
    assert load_catalog()["mixtral-8x7b"] is entry
    assert get_model("MIXTRAL-8x7B") is entry


def test_required_ids_exist():
    missing = [model_id for model_id in REQUIRED_IDS if model_id not in load_catalog()]
    assert missing == []


def test_ids_are_unique_and_well_formed():
    ids = [raw["id"] for raw in _raw_models()]
    assert len(ids) == len(set(ids))
    for model_id in ids:
        assert re.fullmatch(r"[a-z0-9.-]+", model_id), model_id


def test_every_catalog_model_has_a_pinned_transformers_count():
    assert set(load_catalog()) == set(TRANSFORMERS_COUNTS)


def test_every_supported_model_type_is_in_the_catalog():
    """The model types config.json import supports; the catalog covers each family so picking works offline."""
    model_types = {entry.config["model_type"] for entry in load_catalog().values()}
    assert model_types == {
        "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma",
        "gemma2", "phi3", "gpt2", "gpt_neox", "falcon", "opt", "deepseek_v3", "bert", "t5",
        "gpt_oss", "gemma3", "gemma3_text", "smollm3", "qwen3_next", "qwen3_5_moe", "olmo2",
        "llama4", "glm4_moe", "minimax_m2", "mistral3", "nemotron_h", "granitemoehybrid", "lfm2",
        "ernie4_5_moe", "falcon_h1", "olmo3", "qwen3_5",
    }  # fmt: skip


def test_kind_agrees_with_the_config():
    for entry in load_catalog().values():
        config = entry.config
        language_model = config.get("text_config", config)  # a multimodal checkpoint's text model
        has_experts = any(
            key in language_model
            for key in ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts")
        )
        expected = (
            "encoder" if config["model_type"] == "bert"
            else "encoder-decoder" if config["model_type"] == "t5"
            else "moe" if has_experts
            else "decoder"
        )  # fmt: skip
        assert entry.kind == expected, entry.id
        if entry.kind == "moe":
            assert entry.published_active_params is not None, entry.id


def test_training_tokens_name_their_source():
    for entry in load_catalog().values():
        assert (entry.training_tokens is None) == (entry.training_tokens_source is None), entry.id
        assert (entry.published_params is None) == (entry.published_params_source is None)
        assert entry.source


@pytest.mark.parametrize(
    ("model_id", "tokens"),
    [
        ("gpt-3-175b", 300e9),  # Brown et al. 2020, Table D.1
        ("llama-2-7b", 2.0e12),  # Touvron et al. 2023, Table 1
        ("llama-2-70b", 2.0e12),
        ("llama-3.1-8b", 15e12),  # model card: 15T+
        ("llama-3.1-405b", 15.6e12),  # Llama 3 paper
        ("llama-3.2-1b", 9e12),  # model card: up to 9T
        ("gemma-2-2b", 2e12),  # Gemma 2 report
        ("gemma-2-9b", 8e12),
        ("gemma-2-27b", 13e12),
        ("qwen2.5-72b", 18e12),  # Qwen2.5 report
        ("qwen3-235b-a22b", 36e12),  # Qwen3 report
        ("deepseek-v3", 14.8e12),  # DeepSeek-V3 report
        ("pythia-12b", 300e9),  # Pythia paper
        ("falcon-7b", 1.5e12),  # model card
        ("falcon-40b", 1.0e12),  # model card
        ("opt-66b", 180e9),  # OPT paper
        ("phi-3-mini", 3.3e12),  # Phi-3 report
    ],
)
def test_published_training_tokens(model_id, tokens):
    assert get_model(model_id).training_tokens == tokens


def test_unpublished_training_tokens_are_left_out():
    """Mistral AI never published its token counts; the catalog must not invent one."""
    for model_id in ("mistral-7b", "mixtral-8x7b", "mixtral-8x22b", "gpt2"):
        assert get_model(model_id).training_tokens is None


@pytest.mark.parametrize(
    ("model_id", "context", "license_"),
    [
        ("llama-3.1-8b", 131072, "llama3.1"),
        ("llama-2-7b", 4096, "llama2"),
        ("gpt2", 1024, "mit"),
        ("mistral-7b", 32768, "apache-2.0"),
        ("gemma-2-9b", 8192, "gemma"),
        ("phi-3-mini", 4096, "mit"),
        ("bert-base-uncased", 512, "apache-2.0"),
    ],
)
def test_context_and_license(model_id, context, license_):
    entry = get_model(model_id)
    assert (entry.context_length, entry.license) == (context, license_)


def test_gpt3_uses_the_shape_of_brown_et_al_table_2_1():
    entry = get_model("gpt-3-175b")
    assert entry.config == entry.config | {
        "model_type": "gpt2", "n_embd": 12288, "n_layer": 96, "n_head": 96,
        "n_positions": 2048, "vocab_size": 50257,
    }  # fmt: skip
    assert "Table 2.1" in entry.source


# ------------------------------------------------------------------ published figures


def test_parse_published_count():
    assert parse_published_count("8.03B") == pytest.approx((8.03e9, 1e7))
    assert parse_published_count("124M") == (124e6, 1e6)
    assert parse_published_count("405B") == (405e9, 1e9)
    # Trailing zeros of a whole number are not significant: "70B" is to the nearest 10B.
    assert parse_published_count("70B") == (70e9, 10e9)
    assert parse_published_count("340M") == (340e6, 10e6)
    assert parse_published_count("0.49B") == pytest.approx((0.49e9, 1e7))
    with pytest.raises(ValueError):
        parse_published_count("8,030,261,248")


def _within_stated_rounding(count: int, stated: str) -> bool:
    """A card rounds or truncates: the count lies within one unit of its last stated digit."""
    value, resolution = parse_published_count(stated)
    return abs(count - value) <= resolution * (1 + 1e-9)


@pytest.mark.parametrize("model_id", CATALOG_IDS)
def test_transformers_count_matches_the_published_figure(model_id):
    entry = get_model(model_id)
    assert entry.published_params is not None, model_id
    agrees = _within_stated_rounding(TRANSFORMERS_COUNTS[model_id], entry.published_params)
    assert agrees == (model_id not in KNOWN_CARD_DISCREPANCIES), (
        model_id, TRANSFORMERS_COUNTS[model_id], entry.published_params
    )


@pytest.mark.parametrize("model_id", list(TRANSFORMERS_ACTIVE_COUNTS))
def test_transformers_active_count_matches_the_published_figure(model_id):
    entry = get_model(model_id)
    active = TRANSFORMERS_ACTIVE_COUNTS[model_id]
    if model_id in ACTIVE_WITHOUT_INPUT_EMBEDDING:
        active -= entry.config["vocab_size"] * entry.config["hidden_size"]
    active -= ACTIVE_WITHOUT_ENCODERS.get(model_id, 0)
    assert _within_stated_rounding(active, entry.published_active_params), (
        model_id, active, entry.published_active_params
    )


@pytest.mark.parametrize(
    ("model_id", "total"),
    [
        # ../shared/reference/param_counts.json (transformers, tied weights once)
        ("llama-3.1-8b", 8_030_261_248),
        ("llama-2-7b", 6_738_415_616),
        ("gpt2", 124_439_808),
        ("mixtral-8x7b", 46_702_792_704),
        ("qwen2.5-7b", 7_615_616_512),
        ("mistral-7b", 7_241_732_096),
        ("llama-3.2-1b", 1_235_814_400),
        ("bert-base-uncased", 109_482_240),
    ],
)
def test_reference_counts_are_pinned(model_id, total):
    assert TRANSFORMERS_COUNTS[model_id] == total


# ------------------------------------------------------------------ our count == transformers'


# Where paramtui's count and transformers 5.23's differ, reported to the lead rather than
# hidden: strict xfail, so the day they agree this fails and the mark must go.
COUNT_DISAGREEMENTS: dict[str, str] = {}


def _with_known_disagreements(model_ids: list[str]) -> list:
    return [
        pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=COUNT_DISAGREEMENTS[m]))
        if m in COUNT_DISAGREEMENTS
        else m
        for m in model_ids
    ]


@pytest.mark.parametrize("model_id", _with_known_disagreements(CATALOG_IDS))
def test_our_count_equals_transformers(model_id):
    pytest.importorskip("paramtui.core.model.params")
    pytest.importorskip("paramtui.core.model.hf_config")
    entry = get_model(model_id)
    assert entry.param_count.total == TRANSFORMERS_COUNTS[model_id]
    if model_id in TRANSFORMERS_ACTIVE_COUNTS:
        assert entry.param_count.active == TRANSFORMERS_ACTIVE_COUNTS[model_id]
    else:
        assert entry.param_count.active == entry.param_count.total


@pytest.mark.parametrize("model_id", list(ACTIVE_WITHOUT_ENCODERS))
def test_encoders_left_out_of_the_published_active_count_are_the_vision_model(model_id):
    assert get_model(model_id).param_count.encoders == ACTIVE_WITHOUT_ENCODERS[model_id]


def test_each_model_starts_at_the_precision_its_weights_are_published_in():
    """Read from the entry's own quantization_config, as from a downloaded config.json; bf16
    where the checkpoint is unquantised (Llama 4 Maverick: the BF16 repo, not its -FP8 twin)."""
    published = {entry.id: entry.native_precision for entry in load_catalog().values()}
    assert {k: v for k, v in published.items() if v != "bf16"} == {
        "gpt-oss-20b": "mxfp4-moe", "gpt-oss-120b": "mxfp4-moe", "deepseek-v3": "fp8-block128",
        "deepseek-v3.1": "fp8-block128", "kimi-k2": "fp8-block128", "minimax-m2": "fp8-block128",
    }  # fmt: skip


def test_explanation_says_whether_weights_are_as_published():
    from paramtui.core.inputs.scenario import Scenario
    from paramtui.core.result.estimate import estimate

    as_published = estimate(Scenario(id="a", model="gpt-oss-20b", precision="mxfp4-moe"))
    meaning = as_published.explanations["memory.weights_bytes"].meaning
    assert meaning.startswith("Weights as published: MXFP4 experts, rest BF16 (the default when no precision is named).")
    other = estimate(Scenario(id="b", model="gpt-oss-20b", precision="bf16"))
    assert "the checkpoint publishes them as MXFP4" in other.explanations["memory.weights_bytes"].meaning


def test_architecture_is_cached_and_shaped_from_the_config():
    pytest.importorskip("paramtui.core.model.hf_config")
    entry = get_model("llama-3.1-8b")
    arch = entry.architecture
    assert arch is entry.architecture
    assert (arch.hidden_size, arch.num_hidden_layers, arch.kv_heads) == (4096, 32, 8)


# ------------------------------------------------------------------ lookups


def test_get_model_is_case_insensitive():
    assert get_model("Llama-3.1-8B").id == "llama-3.1-8b"


def test_unknown_id_is_a_user_error_naming_the_closest_ids():
    with pytest.raises(UserError) as info:
        get_model("llama-3.1-7b")
    message = str(info.value)
    assert "llama-3.1-7b" in message
    assert "llama-3.1-8b" in message
    assert "\n" not in message


def test_unknown_id_with_nothing_close_still_says_where_to_look():
    with pytest.raises(UserError, match="paramtui models"):
        get_model("zzzz")


def test_search_empty_lists_everything_in_catalog_order():
    assert [e.id for e in search_models("")] == list(load_catalog())


def test_search_exact_id_comes_first():
    assert search_models("gpt2")[0].id == "gpt2"
    assert {e.id for e in search_models("gpt2")} >= {"gpt2", "gpt2-medium", "gpt2-xl"}


def test_search_ignores_case_spaces_and_punctuation():
    ids = [e.id for e in search_models("Llama 3.1")]
    assert ids[:3] == ["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"]
    assert "llama-3.1-8b" in [e.id for e in search_models("llama31 8b")]


def test_search_matches_names_and_orgs():
    assert {e.id for e in search_models("mistral ai")} == {
        "mistral-7b", "mistral-nemo-12b", "mixtral-8x7b", "mixtral-8x22b", "mistral-small-3.2",
    }  # fmt: skip
    assert "deepseek-v3" in [e.id for e in search_models("DeepSeek")]
    assert {e.org for e in search_models("eleuther")} == {"EleutherAI"}


def test_search_tolerates_a_typo():
    assert search_models("mixtrl-8x7b")[0].id == "mixtral-8x7b"


def test_search_with_no_match_is_empty():
    assert search_models("no such model anywhere") == []
