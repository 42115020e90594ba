"""What a precision keeps of the model's quality, from published measurements.

Memory and speed say whether a quantised model runs; this says what it costs. The figure is
"quality kept": the full-precision model's perplexity divided by the quantised model's, on the
same text, in percent. 100% is no measurable loss; llama.cpp's Q4_K_M keeps 97.3% of Llama 3
8B's quality by this measure (wikitext-2), Q2_K 63.9%. Beside it is how often the quantised
model's most likely next token is the 16-bit model's ("same top token"), where measured.

Each figure is a measurement of ONE model, named with it: the GGUF types on Llama 3 8B
(llama.cpp's scoreboard), GPTQ and AWQ int4 on Llama 2 7B (the AWQ paper's table), int8 on a
13B transformer (the LLM.int8() paper's table, C4 text). Other models lose more or less
(smaller and more heavily trained models tend to lose more). No figure is estimated for a
format nobody has measured this way: those say so, and why.

A model PUBLISHED in a low precision (gpt-oss with MXFP4 experts, DeepSeek-V3 in block-scaled
FP8: the catalog entry's `native_precision`) loses nothing at that precision relative to its
release: its published scores are of that checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

# llama.cpp's perplexity tool README, "LLaMA 3 8b Scoreboard" (revision f364eb6f, CUDA on one
# RTX 4090): wikitext-2 perplexity of each GGUF type without an importance matrix, and the
# "LLaMA 2 vs. LLaMA 3 Quantization comparison" table for the same-top-token rates.
LLAMA_CPP_SOURCE = (
    "llama.cpp tools/perplexity/README.md, 'LLaMA 3 8b Scoreboard' (revision f364eb6f): "
    "wikitext-2 perplexity, no importance matrix"
)
LLAMA_CPP_DATE = None  # the README gives revisions, not dates
_F16_PPL = 6.233160  # Llama 3 8B at f16, the reference of the scoreboard
# BF16 against FP16 (same README, "LLaMA 3 BF16 vs. FP16 comparison"): PPL ratio 1.000404.
_FP16_VS_BF16_RATIO = 1.000404


@dataclass(frozen=True)
class QualityKept:
    """A precision's measured quality, relative to the 16-bit checkpoint."""

    precision: str
    kept: float | None  # 0..1: reference perplexity / this precision's; None: not measured
    same_top_token: float | None  # 0..1, where measured
    measured_on: str  # the model the figure was measured on
    source: str
    date: str | None  # of the source, YYYY-MM

    @property
    def percent(self) -> str:
        if self.kept is None:
            return "not measured"
        # 99.98% is not 100%: a measured loss keeps a second decimal rather than round away.
        return f"{self.kept * 100:.2f}%" if self.kept < 1 and f"{self.kept * 100:.1f}" == "100.0" else f"{self.kept * 100:.1f}%"

    def summary(self) -> str:
        """One line for a table cell or a reason: 'keeps 97.3% (Llama 3 8B perplexity)'."""
        if self.kept is None:
            return f"{self.precision}: no published quality measurement"
        if self.measured_on == "the checkpoint":
            return f"{self.precision}: no loss ({self.source})"
        same = f", same top token {self.same_top_token * 100:.1f}%" if self.same_top_token is not None else ""
        return f"{self.precision} keeps {self.percent} of 16-bit quality ({self.measured_on} perplexity{same})"


# AWQ paper (Lin et al., MLSys 2024, arXiv 2306.00978), Table 4: wikitext-2 perplexity of
# Llama-2-7B, FP16 5.47; INT4 g128: RTN 5.73, GPTQ 5.69, GPTQ-R (reordered) 5.63, AWQ 5.60.
AWQ_TABLE4 = "Lin et al., AWQ paper (MLSys 2024 version, arXiv 2306.00978), Table 4: wikitext-2 perplexity, INT4 g128"
_LLAMA2_7B_FP16_PPL = 5.47
# LLM.int8() paper (Dettmers et al., NeurIPS 2022, arXiv 2208.07339), Table 1: C4 validation
# perplexity of the 13B transformer, 32-bit float 12.45, LLM.int8() (vector-wise + decomp) 12.45.
LLM_INT8_TABLE1 = ("Dettmers et al. 2022, LLM.int8() paper (arXiv 2208.07339), Table 1: C4 perplexity, "
                   "13B model, 32-bit float 12.45 vs LLM.int8() 12.45")


def _gguf(precision: str, ppl: float, same_top: float | None = None) -> QualityKept:
    return QualityKept(precision, _F16_PPL / ppl, same_top, "Llama 3 8B", LLAMA_CPP_SOURCE, LLAMA_CPP_DATE)


_UNMEASURED = (
    "no perplexity-ratio measurement recorded for this format; quality loss depends on the "
    "quantiser (GPTQ, AWQ, round-to-nearest) and the model"
)

# Formats with no published perplexity against the full-precision model: why, per format.
_NO_PPL_PUBLISHED = {
    "nf4": "the QLoRA paper (arXiv 2305.14314) compares NF4 with BF16 only after finetuning, by 5-shot "
           "MMLU accuracy (mean over LLaMA 7B-65B: 53.1 vs 53.0), and gives 4-bit perplexities "
           "without a 16-bit reference (Table 2): no perplexity ratio is published",
    "int4": "an idealised 4-bit integer format without group scales; the measured 4-bit integer "
            "formats are grouped: see gptq-int4-g128 and awq-int4-g128",
    "fp8": "published FP8 comparisons (e.g. Kurtic et al. 2024, arXiv 2411.02355, Llama 3.1) report "
           "benchmark accuracy recovered, not a perplexity ratio",
    "fp8-block128": "no published perplexity ratio against a 16-bit model; DeepSeek-V3 was trained and "
                    "released in it, so nothing is lost for that model",
    "nvfp4": "NVIDIA's NVFP4 comparisons report benchmark accuracy against FP8, not a perplexity "
             "ratio against the 16-bit model",
    "mxfp4": "no published perplexity ratio of an MXFP4 cast against the 16-bit model",
    "mxfp4-moe": "no published perplexity ratio against a 16-bit model; gpt-oss was post-trained and "
                 "released in it, so nothing is lost for gpt-oss",
}

QUALITY: dict[str, QualityKept] = {
    # The checkpoint's own precision, and a lossless widening of it.
    "bf16": QualityKept("bf16", 1.0, 1.0, "the checkpoint", "the 16-bit checkpoint itself", None),
    "fp32": QualityKept("fp32", 1.0, 1.0, "the checkpoint", "fp32 holds every bf16 value exactly", None),
    "fp16": QualityKept("fp16", 1 / _FP16_VS_BF16_RATIO, 0.99739, "Llama 3 8B",
                        "llama.cpp tools/perplexity/README.md, 'LLaMA 3 BF16 vs. FP16 comparison' (revision 83330d8c)",
                        LLAMA_CPP_DATE),
    "q8_0": _gguf("q8_0", 6.234284, 0.97674),
    "q6_k": _gguf("q6_k", 6.253382, 0.96031),
    "q5_k_m": _gguf("q5_k_m", 6.288607),
    "q4_k_m": _gguf("q4_k_m", 6.407115, 0.91901),
    "q4_0": _gguf("q4_0", 6.700147),
    "q3_k_m": _gguf("q3_k_m", 6.888498),
    "q2_k": _gguf("q2_k", 9.751568, 0.71138),
    # GPTQ without reordering (AutoGPTQ's default, desc_act off); reordered it keeps 97.2% (5.63).
    "gptq-int4-g128": QualityKept("gptq-int4-g128", _LLAMA2_7B_FP16_PPL / 5.69, None, "Llama 2 7B",
                                  AWQ_TABLE4 + " (GPTQ 5.69 vs FP16 5.47)", None),
    "awq-int4-g128": QualityKept("awq-int4-g128", _LLAMA2_7B_FP16_PPL / 5.60, None, "Llama 2 7B",
                                 AWQ_TABLE4 + " (AWQ 5.60 vs FP16 5.47)", None),
    "int8": QualityKept("int8", 12.45 / 12.45, None, "a 13B transformer, C4", LLM_INT8_TABLE1, "2022-08"),
}


def _published_precision(model_id: str) -> str | None:
    """The precision a catalog model's weights are published in (None: not a catalog model)."""
    from paramtui.core.model.catalog import load_catalog  # the catalog's entries know their own

    entry = load_catalog().get(model_id)
    return entry.native_precision if entry is not None else None


def quality_kept(precision_id: str, model_id: str | None = None) -> QualityKept:
    """The measured quality kept at `precision_id` (of `model_id`, where given); an unmeasured
    format says so and why (kept None)."""
    if model_id is not None and precision_id == _published_precision(model_id):
        return QualityKept(precision_id, 1.0, 1.0, "the checkpoint",
                           "the precision its weights are published in: its published scores are of this checkpoint",
                           None)
    reason = _NO_PPL_PUBLISHED.get(precision_id, _UNMEASURED)
    return QUALITY.get(precision_id) or QualityKept(precision_id, None, None, "", reason, None)
