"""What a precision keeps of the model's quality, from published measurements.

Memory and speed say whether a quantised model runs; this says what it costs. The figure is
"quality kept": the 16-bit model's perplexity divided by the quantised model's, on the same
text (wikitext-2), in percent. 100% is no measurable loss; llama.cpp's Q4_K_M keeps 97.3% of
Llama 3 8B's quality by this measure, Q2_K 63.9%. Beside it is how often the quantised model's
most likely next token is the 16-bit model's ("same top token"), where the source measured it.

The figures are measurements of ONE model (Llama 3 8B, llama.cpp's perplexity scoreboard):
other models lose more or less (smaller and more heavily trained models tend to lose more),
and no figure is estimated for a format nobody has measured this way: those say so.
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


def _gguf(precision: str, ppl: float, same_top: float | None = None) -> QualityKept:
    return QualityKept(precision, _F16_PPL / ppl, same_top, "Llama 3 8B", LLAMA_CPP_SOURCE, LLAMA_CPP_DATE)


_UNMEASURED = (
    "no perplexity-ratio measurement recorded for this format; quality loss depends on the "
    "quantiser (GPTQ, AWQ, round-to-nearest) and the model"
)

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
}


def quality_kept(precision_id: str) -> QualityKept:
    """The measured quality kept at `precision_id`; an unmeasured format says so (kept None)."""
    return QUALITY.get(precision_id) or QualityKept(precision_id, None, None, "", _UNMEASURED, None)
