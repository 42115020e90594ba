"""The Guide's chapters are written on the scenario's own numbers, and its tables beside the rules."""

from paramtui.core.inputs.scenario import InferenceSettings, Scenario, ScalingSettings, TrainingSettings
from paramtui.core.result.estimate import estimate
from paramtui.core.views.guide import TOPIC_IDS, chapter, topics
from paramtui.core.views.guide.tables import deployment, guide_tables, loss_by_size, resources

import pytest

from paramtui.core.errors import UserError


def _est(**changes):
    return estimate(Scenario(id="g", **{"model": "llama-3.1-8b", **changes}))


def test_nine_chapters_in_reading_order_each_with_try_it_and_sources():
    est = _est()
    assert [t.id for t in topics()] == list(TOPIC_IDS)
    for topic in TOPIC_IDS:
        c = chapter(topic, est)
        assert c.paragraphs and c.sources
        assert c.try_it.screen in {"calculator", "compare", "scaling", "deploy"}


def test_parameters_chapter_shows_the_count_and_where_it_lives():
    text = chapter("parameters", _est()).text()
    assert "8.03B parameters" in text
    assert "MLP / experts 5.64B" in text and "attention 1.34B" in text and "embeddings 525M" in text


def test_the_places_parameters_live_are_counted_and_add_up_for_a_tied_head_and_a_vision_model():
    """Granite 4.0 H Tiny ties its head (four places, not 'five'); Llama 4 Scout's vision model
    is a sixth place, so the shares add up to the whole count."""
    tied = chapter("parameters", estimate(Scenario(id="t", model="granite-4.0-h-tiny"))).text()
    assert "They live in four places:" in tied and "; output head" not in tied
    scout = chapter("parameters", estimate(Scenario(id="s", model="llama-4-scout"))).text()
    assert "They live in six places:" in scout and "encoders 872M (1%)" in scout
    assert "Encoders are" in scout and "Encoders are" not in tied


def test_a_mixture_of_experts_says_how_many_work_per_token():
    text = chapter("parameters", estimate(Scenario(id="m", model="mixtral-8x7b"))).text()
    assert "mixture of experts" in text and "12.9B" in text


def test_precision_chapter_follows_the_scenario_precision():
    bf16 = chapter("precision", _est(precision="bf16")).text()
    q4 = chapter("precision", _est(precision="q4_k_m")).text()
    assert "15.0 GiB in bf16" in bf16 and "has 24 or 64 GiB" in bf16 and "nothing is lost" in bf16
    assert "In this scenario's q4_k_m they take" in q4 and "97.3%" in q4


def test_running_chapter_numbers_change_with_the_context():
    short = chapter("running", _est(inference=InferenceSettings(context=1024))).text()
    long = chapter("running", _est(inference=InferenceSettings(context=65536))).text()
    assert "KV cache 128 MiB" in short and "KV cache 8.00 GiB" in long


def test_training_memory_chapter_shows_16_bytes_per_parameter_for_full_adamw():
    text = chapter("training-memory", _est()).text()
    assert "16.0 bytes per parameter before activations" in text


def test_data_chapter_reads_the_repetition_of_the_scenario():
    est = _est(training=TrainingSettings(tokens=4e12), scaling=ScalingSettings(unique_tokens=1e12))
    text = chapter("data", est).text()
    assert "repeats 1.00T unique tokens 4 times" in text


def test_unknown_topic_is_a_user_error_naming_the_topics():
    with pytest.raises(UserError, match="parameters, tokens"):
        chapter("nope", _est())


def test_tables_have_the_sizes_of_the_original_guide():
    assert list(resources().headers[1:]) == ["100M", "1.00B", "10.0B", "100B", "685B"]
    table = deployment()
    assert [h.split()[0] for h in table.headers[1:]] == ["Tiny", "Small", "Medium", "Large", "Massive"]
    assert [r[0] for r in table.rows] == ["phone", "edge", "laptop", "GPU", "node", "rule: 1 ms/M"]
    gpu = table.rows[3]
    assert gpu[1].startswith("✓") and gpu[5].startswith("⇄")  # 1M fits a 4090; 100B only with offload
    assert len(loss_by_size().rows) == 5 and len(guide_tables()) == 3


def test_resource_rows_put_real_figures_beside_the_rule():
    rows = {row[0].strip(): row[1:] for row in resources().rows}
    one_b = 1  # the 1B column
    assert rows["Weights, fp32"][one_b] == "3.73 GiB" and rows["Weights, bf16"][one_b] == "1.86 GiB"
    assert rows["rule: 4 B/param"][one_b] == "3.73 GiB"
    assert rows["rule: ×4"][one_b] == "14.9 GiB"  # the rule's 16 bytes per parameter
    assert rows["Training memory"][one_b] == "20.2 GiB"  # activations come on top of 16 bytes/param
    assert rows["rule: $1–5k/day"][one_b] == "$1k–5k"


def test_predicted_loss_falls_with_size():
    losses = [float(r[2]) for r in loss_by_size().rows]
    assert losses == sorted(losses, reverse=True)
    assert "cannot be read from size" in loss_by_size().note


def test_an_moe_with_a_vision_model_says_why_its_active_count_is_above_its_name():
    """Llama 4 Scout 17B-16E shows 18.0B active: its 872M vision model is counted."""
    est = estimate(Scenario(id="s", model="llama-4-scout"))
    meaning = est.explanations["params.active"].meaning
    assert est.values["params.active"] > 17.5e9 and "encoders (872M) are counted too" in meaning
    text_only = estimate(Scenario(id="q", model="qwen3-30b-a3b")).explanations["params.active"].meaning
    assert "encoders" not in text_only


def test_running_a_hybrid_says_what_its_recurrent_state_is():
    """Granite 4.0 H Tiny's KV cache is 32 MiB at 4,096 tokens: its Mamba layers keep a state instead."""
    text = chapter("running", estimate(Scenario(id="g", model="granite-4.0-h-tiny"))).text()
    assert "recurrent state instead" in text and "does not grow with the context" in text
    assert "recurrent state" not in chapter("running", _est()).text()


def test_running_kimi_k2_says_why_its_kv_cache_is_small_and_what_an_moe_reads():
    """Kimi K2 (MLA, an MoE) on one H100: no '– per request', no 'two vectors' left unexplained."""
    text = chapter("running", estimate(Scenario(id="k", model="kimi-k2", precision="fp8-block128"))).text()
    assert "multi-head latent attention" in text and "32.9B active parameters per token" in text
    assert "– per request" not in text and "does not run on this target" in text
    dense = chapter("running", _est()).text()
    assert "latent" not in dense and "mixture of experts" not in dense
