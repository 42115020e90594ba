"""What each catalog model is good for: published scores with their sources, license classes,
and what each precision keeps of a model's quality."""

import pytest

from paramtui.core.inputs.options import LICENSE_CLASS_IDS, TASK_IDS
from paramtui.core.model.catalog import LICENSE_CLASSES, get_model, load_catalog
from paramtui.core.model.precision import PRECISION_IDS
from paramtui.core.model.quant_quality import QUALITY, quality_kept


def test_no_score_without_a_source_and_a_date():
    scores = [(entry.id, s) for entry in load_catalog().values() for s in entry.scores]
    assert len(scores) >= 40
    for model_id, score in scores:
        assert score.source.strip() and score.benchmark.strip() and score.setting.strip(), model_id
        assert any(kind in score.source.lower() for kind in ("model card", "paper", "report", "leaderboard",
                                                            "evaluation", "blog")), (model_id, score.source)
        assert score.variant in ("base", "instruct")
        assert score.task in TASK_IDS


def test_a_model_is_listed_for_every_task_it_has_a_score_for():
    for entry in load_catalog().values():
        assert {s.task for s in entry.scores} <= set(entry.tasks), entry.id


# Pinned to their sources (copied, never estimated): a change here is a change of source.
@pytest.mark.parametrize("model_id, task, bench, score, source_words, date", [
    # Llama 3.1 model card, 'Instruction tuned models': HumanEval 0-shot pass@1 72.6 / 80.5.
    ("llama-3.1-8b", "code", "HumanEval", 72.6, "Llama 3.1 model card", "2024-07"),
    ("llama-3.1-70b", "math", "MATH", 68.0, "Llama 3.1 model card", "2024-07"),
    # Llama 3.2 model card, 'Instruction Tuned Models': BFCL V2 67.0 for 3B.
    ("llama-3.2-3b", "tool-use", "BFCL V2", 67.0, "Llama 3.2 model card", "2024-09"),
    # Gemma 2 model card, 'Benchmark Results': HumanEval pass@1 51.8 for the 27B pre-trained model.
    ("gemma-2-27b", "code", "HumanEval", 51.8, "Gemma 2 model card", "2024-06"),
    # Mistral-7B-v0.1 model card, 'Evaluation Results': humaneval_pass@1 29.88%.
    ("mistral-7b", "code", "HumanEval", 29.88, "Mistral-7B-v0.1 model card", "2023-09"),
    # Qwen2.5-LLM blog, 'Qwen2.5-7B-Instruct Performance': HumanEval 84.8, LiveCodeBench 2305-2409 28.7.
    ("qwen2.5-7b", "code", "HumanEval", 84.8, "Qwen2.5-LLM blog", "2024-09"),
    ("qwen2.5-32b", "code", "LiveCodeBench", 51.2, "Qwen2.5-LLM blog", "2024-09"),
    # DeepSeek-V3 README, chat model table: LiveCodeBench (Pass@1) 37.6.
    ("deepseek-v3", "code", "LiveCodeBench", 37.6, "DeepSeek-V3 README", "2024-12"),
    # Gemma model card, 'Benchmark Results': HumanEval pass@1 32.3 for Gemma PT 7B.
    ("gemma-7b", "code", "HumanEval", 32.3, "Gemma model card", "2024-02"),
    # Phi-3-medium-4k-instruct evaluation (Azure AI model catalog): HumanEval 0-shot 62.2.
    ("phi-3-medium", "code", "HumanEval", 62.2, "Phi-3-medium-4k-instruct evaluation", "2024-05"),
    # Phi-4 evaluation (Azure AI model catalog, simple-evals): HumanEval 82.6, GPQA 56.1.
    ("phi-4", "code", "HumanEval", 82.6, "Phi-4 evaluation", "2024-12"),
    ("phi-4", "reasoning", "GPQA", 56.1, "Phi-4 evaluation", "2024-12"),
    # Mixtral announcement table: MMLU 70.6, HumanEval 40.2 for the pre-trained 8x7B.
    ("mixtral-8x7b", "code", "HumanEval", 40.2, "Mixtral of experts announcement", "2023-12"),
    # Gemma 3 technical report, Table 10 (pre-trained): 27B GSM8K 82.6, 4B HumanEval 36.0.
    ("gemma-3-27b", "math", "GSM8K", 82.6, "Gemma 3 technical report", "2025-03"),
    ("gemma-3-4b", "code", "HumanEval", 36.0, "Gemma 3 technical report", "2025-03"),
    # gpt-oss model card: GPQA Diamond (no tools, high effort) 80.1 for 120b, 71.5 for 20b.
    ("gpt-oss-120b", "reasoning", "GPQA Diamond", 80.1, "gpt-oss model card", "2025-08"),
    ("gpt-oss-20b", "chat", "MMLU", 85.3, "gpt-oss model card", "2025-08"),
    # OLMo 2 paper, Table 6 (OLMES, base models): OLMo 2 7B MMLU 63.7, GSM8K 67.5.
    ("olmo-2-7b", "math", "GSM8K", 67.5, "OLMo 2 paper", "2025-01"),
    # Llama 2 paper, Table 3 (open base models): Falcon 40B MMLU 55.4, Falcon 7B Code 5.6.
    ("falcon-40b", "chat", "MMLU", 55.4, "Llama 2 paper", "2023-07"),
    ("falcon-7b", "code", "HumanEval+MBPP average", 5.6, "Llama 2 paper", "2023-07"),
    # Qwen3 technical report, thinking mode: Qwen3-32B LiveCodeBench v5 65.7, Qwen3-4B AIME'25 65.6.
    ("qwen3-32b", "code", "LiveCodeBench v5", 65.7, "Qwen3 technical report", "2025-05"),
    ("qwen3-4b", "math", "AIME 2025", 65.6, "Qwen3 technical report", "2025-05"),
    # SmolLM3-3B model card, extended thinking: AIME 2025 36.7, GPQA Diamond 41.7.
    ("smollm3-3b", "math", "AIME 2025", 36.7, "SmolLM3-3B model card", "2025-07"),
    # Qwen3-Next-80B-A3B-Instruct model card, 'Performance': AIME25 69.5, BFCL-v3 70.3.
    ("qwen3-next-80b-a3b", "math", "AIME 2025", 69.5, "Qwen3-Next-80B-A3B-Instruct model card", "2025-09"),
])
def test_scores_are_pinned_to_their_sources(model_id, task, bench, score, source_words, date):
    found = [s for s in get_model(model_id).task_scores(task) if s.benchmark == bench]
    assert len(found) == 1
    assert found[0].score == score and source_words in found[0].source and found[0].date == date


def test_base_and_instruct_scores_are_told_apart():
    # Gemma 2's card scores the pre-trained model; Llama 3.1's the instruction-tuned release.
    assert {s.variant for s in get_model("gemma-2-9b").scores} == {"base"}
    assert get_model("llama-3.1-8b").task_scores("code")[0].scale == "HumanEval (instruct)"
    assert get_model("gemma-2-9b").task_scores("code")[0].citation == "HumanEval 40.2 (base), Gemma 2 model card, 2024-06"


def test_a_model_without_a_published_score_has_none():
    # GPT-2's card publishes no coding benchmark: nothing is filled in for it.
    assert get_model("gpt2").task_scores("code") == ()


def test_every_model_has_a_license_class():
    classes = {entry.id: entry.license_kind for entry in load_catalog().values()}
    assert set(classes.values()) <= set(LICENSE_CLASS_IDS)
    assert set(LICENSE_CLASSES.values()) <= set(LICENSE_CLASS_IDS)
    assert classes["qwen3-8b"] == "permissive"  # Apache-2.0
    assert classes["llama-3.1-8b"] == "open-weights-restricted"  # Llama 3.1 Community License
    assert classes["opt-1.3b"] == "non-commercial"  # OPT's research-only license
    assert classes["gpt-3-175b"] == "proprietary"


def test_quality_kept_follows_llama_cpp_scoreboard():
    # llama.cpp perplexity README, Llama 3 8B: f16 6.233160, q4_K_M 6.407115, q2_K 9.751568.
    assert quality_kept("q4_k_m").kept == pytest.approx(6.233160 / 6.407115)
    assert quality_kept("q4_k_m").percent == "97.3%"
    assert quality_kept("q2_k").percent == "63.9%"
    assert quality_kept("q8_0").same_top_token == pytest.approx(0.97674)
    assert "llama.cpp" in quality_kept("q6_k").source
    assert quality_kept("bf16").kept == 1.0


def test_fewer_bits_keep_less_quality():
    order = ["bf16", "q8_0", "q6_k", "q5_k_m", "q4_k_m", "q4_0", "q3_k_m", "q2_k"]
    kept = [quality_kept(p).kept for p in order]
    assert kept == sorted(kept, reverse=True)


def test_an_unmeasured_precision_says_so_and_why():
    assert set(QUALITY) <= set(PRECISION_IDS)
    unmeasured = quality_kept("int4")
    assert unmeasured.kept is None and unmeasured.percent == "not measured"
    assert "no published quality measurement" in unmeasured.summary()
    # Each of today's unmeasured formats gives its own reason, naming what IS published instead.
    assert "MMLU" in quality_kept("nf4").source and "QLoRA" in quality_kept("nf4").source
    assert "accuracy" in quality_kept("fp8").source
    assert quality_kept("nvfp4").kept is None and quality_kept("mxfp4").kept is None


def test_gptq_awq_and_int8_follow_their_papers_tables():
    # AWQ paper, Table 4, Llama-2-7B wikitext-2: FP16 5.47, INT4 g128 GPTQ 5.69, AWQ 5.60.
    assert quality_kept("awq-int4-g128").kept == pytest.approx(5.47 / 5.60)
    assert quality_kept("awq-int4-g128").percent == "97.7%"
    assert quality_kept("gptq-int4-g128").percent == "96.1%"
    assert "Table 4" in quality_kept("gptq-int4-g128").source
    assert quality_kept("awq-int4-g128").measured_on == "Llama 2 7B"
    # LLM.int8() paper, Table 1, 13B: 32-bit float 12.45, LLM.int8() 12.45 on C4.
    assert quality_kept("int8").percent == "100.0%" and "LLM.int8()" in quality_kept("int8").source
    # Another group size was not measured: it is not given g128's figure.
    assert quality_kept("gptq-int4-g32").kept is None


def test_a_model_released_in_a_low_precision_loses_nothing_at_it():
    # gpt-oss ships its experts in MXFP4; DeepSeek-V3 in block-scaled FP8: their scores are of those.
    assert quality_kept("mxfp4-moe", "gpt-oss-20b").kept == 1.0
    assert "no loss" in quality_kept("mxfp4-moe", "gpt-oss-120b").summary()
    assert quality_kept("fp8-block128", "deepseek-v3").kept == 1.0
    assert quality_kept("bf16", "gpt-oss-20b").kept == 1.0  # widening the published weights loses nothing
    # The same format cast onto another model is not measured.
    assert quality_kept("mxfp4-moe", "qwen3-30b-a3b").kept is None
    assert quality_kept("fp8-block128", "llama-3.1-8b").kept is None
