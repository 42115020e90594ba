"""The layer pattern in one line (issue 14, item 7): read from a model, edited back into it."""

import dataclasses
from pathlib import Path

import pytest

from paramtui.core.errors import UserError
from paramtui.core.model.catalog import get_model
from paramtui.core.model.hf_config import load_hf_config
from paramtui.core.model.layers.pattern import layer_types_from_pattern, pattern_summary, pattern_text
from paramtui.core.validation import replace, validate

HF = Path(__file__).parent / "hf_configs"


def test_a_hybrid_reads_as_its_repeating_unit_and_its_totals():
    arch = get_model("qwen3-next-80b-a3b").architecture
    assert pattern_text(arch) == "3 linear + 1 full"
    assert pattern_summary(arch) == "36 linear + 12 full (full every 4th)"


def test_a_pattern_cut_at_the_last_layer_still_reads_as_its_unit():
    arch = get_model("gemma-3-1b").architecture  # 26 layers, a full layer every 6th
    assert pattern_text(arch) == "5 sliding + 1 full"
    assert pattern_summary(arch) == "22 sliding + 4 full (full every 6th)"


def test_a_model_of_one_kind_reads_as_one_word():
    assert pattern_text(get_model("llama-3.1-8b").architecture) == "full"
    assert pattern_summary(get_model("llama-3.1-8b").architecture) == "32 full"
    assert pattern_text(get_model("gpt-oss-20b").architecture) == "1 sliding + 1 full"


def test_an_edited_pattern_gives_every_layer_its_kind():
    kinds = layer_types_from_pattern("3 linear + 1 full", 48)
    assert kinds.count("linear_attention") == 36 and kinds[3::4] == ("full_attention",) * 12
    assert layer_types_from_pattern("5 sliding + full", 26)[-2:] == ("sliding_attention", "sliding_attention")
    assert layer_types_from_pattern("full", 4) == ("full_attention",) * 4


@pytest.mark.parametrize("text", ["3 lineer + 1 full", "0 full", "", "60 full"])
def test_a_pattern_that_is_not_one_is_refused_with_a_reason(text):
    with pytest.raises(UserError, match="layer pattern"):
        layer_types_from_pattern(text, 48)


def test_the_text_round_trips_for_a_state_space_hybrid():
    arch = load_hf_config(HF / "default-nemotron-h.json")
    assert layer_types_from_pattern(pattern_text(arch), arch.num_hidden_layers) == tuple(arch.layer_types)


def test_deepseek_v4_reads_and_edits_its_compressed_layers_and_other_models_refuse_them():
    arch = load_hf_config(HF / "synthetic-deepseek-v4-2.json")  # compress_ratios 0, 4, 128, 4, 0
    assert pattern_text(arch) == "1 sliding + 1 csa + 1 hca + 1 csa"  # the unit, cut after layer 5
    edited = replace(arch, layer_types=layer_types_from_pattern("1 hca + 1 csa", 5))
    assert edited.layer_types == ("heavily_compressed_attention", "compressed_sparse_attention") * 2 + (
        "heavily_compressed_attention",)
    llama = get_model("llama-3.1-8b").architecture
    edited_llama = {**dataclasses.asdict(llama), "layer_types": list(layer_types_from_pattern("1 csa + 1 full", 32))}
    with pytest.raises(UserError, match="compressed attention layers need"):
        validate(type(llama), edited_llama)  # as the Calculator's Pattern field applies it


def test_f1_on_the_pattern_field_defines_every_word_it_accepts():
    from paramtui.core.inputs.input_help import ARCHITECTURE_HELP
    from paramtui.core.model.layers.pattern import WORDS

    meaning = ARCHITECTURE_HELP["layer_pattern"].meaning
    assert [w for w in WORDS.values() if f"{w} =" not in meaning and f"{w} and" not in meaning
            and f"{w} or" not in meaning] == []
