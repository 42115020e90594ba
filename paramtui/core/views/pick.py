"""Which catalog model to run on a target: the ones that fit the user's constraints, best first.

With a task ("code", "math", ...), "best" is the model's PUBLISHED score for that task
(catalog), with the quality its precision keeps beside it (`quant_quality`). Scores are only
ranked against scores of the same benchmark on the same kind of checkpoint (base or
instruct): the one most models that fit were scored on leads, models scored only on another
follow, then models with no published score for the task. Even one benchmark run by different sources (shots, prompts, base or
instruct model) is only roughly comparable, and the explanation says so.

Without a task, "best" is the predicted loss of the default scaling law from the model's exact parameter
count and its PUBLISHED training tokens (catalog). That is a proxy for quality: the laws
were fitted on one data set and tokenizer (Hoffmann et al. 2022; Besiroglu et al. 2024),
while real models differ in data quality, tokenizer, post-training and architecture, so two
models with close losses are a tie, not a ranking. Models with no published token count
are listed after the ranked ones, without a loss.

For each model the precision is the highest allowed one (in `PRECISION_IDS` order) whose
inference memory fits and whose decode speed meets the minimum; every figure comes from
`estimate(...)` of that scenario, so `paramtui pick` and `paramtui estimate` agree.
"""

from __future__ import annotations

from typing import Sequence

from paramtui.core.formulas import scaling as scaling_mod
from paramtui.core.inputs.options import LICENSE_CLASS_IDS, TASK_IDS, TASKS, option
from paramtui.core.model.catalog import CatalogEntry, TaskScore, load_catalog
from paramtui.core.model.quant_quality import quality_kept
from paramtui.core.errors import UserError
from paramtui.core.result.estimate import estimate
from paramtui.core.result.explain import Explanation
from paramtui.core.model.precision import PRECISION_IDS, get_precision
from paramtui.core.inputs.scenario import InferenceSettings, Scenario
from paramtui.core.inputs.targets import Target, default_targets, get_target, speed_unknown_reason
from paramtui.core.units import format_bytes, format_count
from paramtui.core.views.deploy_matrix import deploy_cell
from paramtui.core import validation as pyd
from paramtui.core.validation import record

PROXY_NOTE = (
    "Predicted loss is a proxy for quality: it comes from a scaling law fitted on one data set "
    "and tokenizer, from the model's parameters and published training tokens; real models "
    "differ in data, tokenizer and post-training, and the law does not see what quantisation "
    "costs in quality (2-3 bit formats lose noticeably more than 4-8 bit ones). A mixture of "
    "experts is given all its parameters, as the law (fitted on dense models) counts them; a "
    "routed model does better than a dense model of its active size but not as well as one of "
    "its total size (Clark et al. 2022, Unified Scaling Laws for Routed Language Models), so "
    "its predicted loss is optimistic."
)

SCORES_NOTE = (
    "Scores are as published by each model's card or paper; scores of different benchmarks, or "
    "of one benchmark run by different sources (shots, prompts, base or instruct model), are not "
    "comparable, so only models scored on the same benchmark and kind of checkpoint (base or "
    "instruct) are ranked against each other. "
    "Quality kept is the 16-bit model's perplexity over the quantised one's, as published for one "
    "model per format (named beside it: Llama 3 8B for llama.cpp's types, Llama 2 7B for GPTQ/AWQ); "
    "other models lose more or less."
)

# Silent reading of English non-fiction averages 238 words a minute (Brysbaert 2019, "How many
# words do we read per minute?", J. Memory and Language 109); at ~0.75 words per token (the
# usual rule for English BPE tokenizers) that is ~5.3 tokens/s. Faster generation outpaces a reader.
READING_TOKENS_PER_S = 238 / 60 / 0.75

# Below this share of 16-bit quality (llama.cpp's q3_k_m keeps 90.5%, q2_k 63.9% on Llama 3
# 8B) the loss is large enough that a reason warns the published score will not hold.
_NOTICEABLE_LOSS = 0.95

# From least to most restrictive: asking for a class accepts it and every less restrictive one.
_LICENSE_ORDER = {c: i for i, c in enumerate(LICENSE_CLASS_IDS)}


# Without a choice, bf16 down: checkpoints ship in 16-bit, so fp32 buys no quality for its
# doubled memory, and fp16 is bf16's equal in size and speed.
DEFAULT_PRECISIONS: tuple[str, ...] = tuple(p for p in PRECISION_IDS if p not in ("fp32", "fp16"))


@record
class PickRow:
    """One catalog model judged for the target: in or out, and why."""

    model_id: str
    name: str
    params: int
    eligible: bool  # fits and meets every constraint
    rank: int | None  # 1 = lowest predicted loss among the eligible ones with a loss
    precision: str | None  # highest allowed precision that fits and is fast enough
    loss: float | None  # predicted loss (scenario's default law), None without published tokens
    training_tokens: float | None
    memory_bytes: int | None  # inference total at the chosen (or, if none fits, the smallest) precision
    usable_bytes: float
    memory_use_fraction: float | None
    decode_tokens_per_s: float | None
    context_length: int
    reasons: tuple[str, ...]  # why it is in ("fits at q8_0: 9.1 GB of 24 GB, 52 tok/s") or out
    license: str = ""  # the license class (permissive, open-weights-restricted, ...)
    # With a task: the published score it is ranked by, and where it is published.
    task_score: float | None = None
    task_score_benchmark: str | None = None  # "HumanEval (instruct)"
    task_score_setting: str | None = None  # "0-shot pass@1, Llama 3.1 8B Instruct"
    task_score_source: str | None = None  # "Llama 3.1 model card (...), 2024-07"
    # What the chosen precision keeps of the 16-bit model's quality (0..1), where measured.
    quality_kept: float | None = None

    def scenario(self, scenario_id: str, target_id: str, gpus: int, context: int) -> Scenario:
        """The session scenario for this pick (what "add to session" adds)."""
        return Scenario(
            id=scenario_id, name=f"{self.name}, {self.precision} on {target_id}", model=self.model_id,
            precision=self.precision or "bf16", target=target_id, gpus=gpus,
            inference=InferenceSettings(batch=1, context=context),
        )


@record
class PickResult:
    target_id: str
    gpus: int
    min_context: int
    min_tokens_per_s: float
    precisions: tuple[str, ...]
    law: str
    rows: tuple[PickRow, ...]  # eligible first (by task score or loss), then the rest (by size)
    explanation: Explanation
    task: str | None = None
    license: str | None = None  # the least permissive license class allowed
    benchmark: str | None = None  # with a task: what the leading rows are ranked by, "HumanEval (instruct)"

    @property
    def picked(self) -> list[PickRow]:
        return [r for r in self.rows if r.eligible]


def _k(tokens: int) -> str:
    return f"{tokens // 1024}k" if tokens >= 1024 and tokens % 1024 == 0 else f"{tokens:,}"


def _rate(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:,.0f}"


def _judge(entry: CatalogEntry, target: Target, gpus: int, min_context: int, min_tps: float,
           precisions: Sequence[str], usable: float, license: str | None = None) -> PickRow:
    base = dict(model_id=entry.id, name=entry.name, params=entry.param_count.total,
                context_length=entry.context_length, training_tokens=entry.training_tokens,
                usable_bytes=usable, license=entry.license_kind)
    reasons: list[str] = []
    if license is not None and _LICENSE_ORDER.get(entry.license_kind, len(_LICENSE_ORDER)) > _LICENSE_ORDER[license]:
        return PickRow(**base, eligible=False, rank=None, precision=None, loss=None, memory_bytes=None,
                       memory_use_fraction=None, decode_tokens_per_s=None,
                       reasons=(f"license is {entry.license_kind} ({entry.license}), not {license}",))
    if entry.kind == "encoder":
        return PickRow(**base, eligible=False, rank=None, precision=None, loss=None, memory_bytes=None,
                       memory_use_fraction=None, decode_tokens_per_s=None,
                       reasons=("encoder-only: does not generate text",))
    if entry.context_length < min_context:
        return PickRow(**base, eligible=False, rank=None, precision=None, loss=None, memory_bytes=None,
                       memory_use_fraction=None, decode_tokens_per_s=None,
                       reasons=(f"context {_k(entry.context_length)} < {_k(min_context)}",))

    # Each precision's fit and speed is its Deploy cell (the estimate's own verdict, from the
    # serving half alone); the full estimate is worked out once, for the precision shown.
    chosen = too_slow = smallest = None
    for precision_id in precisions:
        scenario = Scenario(id="pick", model=entry.id, precision=precision_id, target=target.id,
                            gpus=gpus, inference=InferenceSettings(batch=1, context=min_context))
        try:
            cell = deploy_cell(scenario, target)
        except UserError as error:
            reasons.append(str(error))
            break
        smallest = scenario
        if not cell.fits:
            continue
        tps = cell.decode_tokens_per_s
        if tps is not None and tps < min_tps:  # unknown speed (a detected device) is not filtered out
            too_slow = too_slow or scenario
            continue
        chosen = scenario
        break

    shown_scenario = chosen or too_slow or smallest
    shown = None
    if shown_scenario is not None:
        try:
            shown = estimate(shown_scenario)
        except UserError as error:  # a part of the estimate the cell does not need
            reasons.append(str(error))
            chosen = too_slow = None
    if chosen is None and shown is not None:
        if too_slow is not None:
            tps = shown.values["speed.decode_tokens_per_s"]
            reasons.append(f"{_rate(tps)} tok/s < {_rate(min_tps)} required "
                           f"(at {shown.precision.id}, the fastest that fits)")
        else:
            reasons.append(f"needs {format_bytes(shown.inference.inference_total_bytes)} at "
                           f"{shown.precision.id}, has {format_bytes(usable)}")
    loss = None
    if entry.training_tokens is not None and shown is not None:
        loss = shown.values["scaling.loss"]
    eligible = chosen is not None and not reasons
    if eligible:
        tps = shown.values["speed.decode_tokens_per_s"]
        reasons.insert(0, f"fits at {shown.precision.id}: {format_bytes(shown.inference.inference_total_bytes)} of "
                          f"{format_bytes(usable)}, "
                          + (f"{_rate(tps)} tok/s" if tps is not None else speed_unknown_reason(shown.target)))
        if entry.training_tokens is None:
            reasons.append("training tokens not published: no predicted loss")
        elif entry.kind == "moe":
            reasons.append(f"mixture of experts: loss from all {format_count(entry.param_count.total)} parameters "
                           f"({format_count(entry.param_count.active)} active), so optimistic")
    precision_id = shown.precision.id if shown else None
    return PickRow(
        **base, eligible=eligible, rank=None, precision=precision_id,
        quality_kept=quality_kept(precision_id, entry.id).kept if precision_id else None,
        loss=loss, memory_bytes=shown.inference.inference_total_bytes if shown else None,
        memory_use_fraction=shown.memory_use_fraction if shown else None,
        decode_tokens_per_s=shown.values["speed.decode_tokens_per_s"] if shown else None,
        reasons=tuple(reasons),
    )


def pick_models(
    target_id: str,
    gpus: int = 1,
    min_context: int = 4096,
    min_tokens_per_s: float = 0.0,
    precisions: Sequence[str] | None = None,
    task: str | None = None,
    license: str | None = None,
) -> list[PickRow]:
    """Catalog models judged for `target_id`: eligible ones ranked first."""
    return list(pick(target_id, gpus, min_context, min_tokens_per_s, precisions, task, license).rows)


def check_task(task: str) -> str:
    """`task` if it is one of the catalog's tasks; a UserError listing them otherwise."""
    if task not in TASK_IDS:
        raise UserError(f"unknown task '{task}'; choose one of: {', '.join(TASK_IDS)}")
    return task


def check_license(license: str) -> str:
    """`license` if it is a license class; a UserError listing them otherwise."""
    if license not in LICENSE_CLASS_IDS:
        raise UserError(f"unknown license class '{license}'; choose one of: {', '.join(LICENSE_CLASS_IDS)}")
    return license


def task_word(task: str) -> str:
    """How a sentence names the task: 'code' -> 'coding', 'tool-use' -> 'tool use'."""
    return {"code": "coding", "math": "maths"}.get(task, next(c.label for c in TASKS if c.value == task).lower())


def _scale_counts(entries: Sequence[CatalogEntry], task: str) -> dict[str, int]:
    """How many of `entries` have a score for `task` on each scale ("HumanEval (instruct)"),
    most common first (catalog order breaks ties)."""
    counts: dict[str, int] = {}
    for entry in entries:
        for name in dict.fromkeys(s.scale for s in entry.task_scores(task)):
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def _rank_by_task(rows: list[PickRow], catalog: dict[str, CatalogEntry], task: str) -> tuple[list[PickRow], str | None]:
    """Eligible rows ranked by published score for `task`, with the reasons that say so.

    Each model is quoted on the most common scale it has a score on; models are grouped by
    that scale (the most common first) and ranked by score within a group only."""
    eligible = [r for r in rows if r.eligible]
    counts = _scale_counts([catalog[r.model_id] for r in eligible], task)
    order = {name: i for i, name in enumerate(counts)}
    leading = next(iter(counts), None)
    word = task_word(task)
    scored: list[tuple[int, float, PickRow, TaskScore]] = []
    unscored: list[PickRow] = []
    for row in eligible:
        scores = catalog[row.model_id].task_scores(task)
        if not scores:
            unscored.append(pyd.replace(row, reasons=(*row.reasons, f"no published {word} score in the catalog")))
            continue
        score = min(scores, key=lambda s: order[s.scale])
        scored.append((order[score.scale], -score.score, row, score))
    scored.sort(key=lambda item: (item[0], item[1], -item[2].params))
    ranked: list[PickRow] = []
    for i, (group, _, row, score) in enumerate(scored):
        if group == 0:
            place = "best" if i == 0 else f"{_ordinal(i + 1)}-best"
            what = f"{place} published {word} score among models that fit: {score.citation}"
        else:
            what = f"published {word} score {score.citation} (not {leading}: not ranked against it)"
        ranked.append(pyd.replace(
            row, rank=i + 1, task_score=score.score, task_score_benchmark=score.scale,
            task_score_setting=score.setting, task_score_source=f"{score.source}, {score.date}",
            reasons=(*row.reasons, what)))
    unscored.sort(key=lambda r: -r.params)
    return ranked + unscored, leading


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _loss_is_of_16_bit(row: PickRow) -> PickRow:
    """A row that fits only at a precision that loses noticeable quality (qwen2.5-72b at q2_k on
    a 32 GB card: 63.9%) says so: its predicted loss is the 16-bit model's, not what runs."""
    if not row.eligible or row.quality_kept is None or row.quality_kept >= _NOTICEABLE_LOSS:
        return row
    kept = quality_kept(row.precision, row.model_id)
    return pyd.replace(row, reasons=(*row.reasons, f"{row.precision} keeps {kept.percent} of its quality: "
                                                   "expect worse than this (16-bit) loss"))


def _fit_reason(row: PickRow) -> str:
    """'fits at q4_k_m: 22.5 GB of 32.0 GB; about 48 tokens/s, faster than reading; keeps 97.3%'."""
    tps = row.decode_tokens_per_s
    pace = ("speed unknown" if tps is None else
            f"about {_rate(tps)} tokens/s, " + ("faster than reading" if tps >= READING_TOKENS_PER_S else "slower than reading"))
    kept = quality_kept(row.precision, row.model_id)
    if kept.measured_on == "the checkpoint":
        quality = f"{row.precision}: the precision its weights are published in, nothing lost"
    elif kept.kept is not None:
        quality = f"{row.precision} keeps {kept.percent} of 16-bit quality ({kept.measured_on})"
    else:
        quality = f"{row.precision}: quality loss not measured"
    if kept.kept is not None and kept.kept < _NOTICEABLE_LOSS:
        quality += f" (published scores are of the 16-bit model: expect less at {row.precision})"
    return (f"fits at {row.precision}: {format_bytes(row.memory_bytes)} of {format_bytes(row.usable_bytes)}; "
            f"{pace}; {quality}")


def pick(
    target_id: str,
    gpus: int = 1,
    min_context: int = 4096,
    min_tokens_per_s: float = 0.0,
    precisions: Sequence[str] | None = None,
    task: str | None = None,
    license: str | None = None,
) -> PickResult:
    """`pick_models` with the constraints and the explanation of the ranking."""
    if task is not None:
        check_task(task)
    if license is not None:
        check_license(license)
    target = get_target(target_id, default_targets())
    for key, value in (("gpus", gpus), ("inference.context", min_context)):
        try:
            option(key).check(value)
        except UserError as error:  # named as the vocabulary names it ("devices"), not as a flag
            raise UserError(f"{error.reason}, not {value:,}", (option(key).word,)) from None
    if not 0 <= min_tokens_per_s < float("inf"):
        raise UserError(f"must be zero or more, not {min_tokens_per_s:g}", ("tokens/s",))
    if precisions:
        ids = [get_precision(p).id for p in precisions]  # UserError names the valid ones
        order = {p: i for i, p in enumerate(PRECISION_IDS)}
        allowed = tuple(sorted(dict.fromkeys(ids), key=lambda p: order.get(p, len(order))))
    else:
        allowed = DEFAULT_PRECISIONS
    usable = target.usable_memory_bytes * target.devices * gpus
    catalog = load_catalog()
    rows = [_judge(e, target, gpus, min_context, min_tokens_per_s, allowed, usable, license)
            for e in catalog.values()]
    out_rows = sorted((r for r in rows if not r.eligible), key=lambda r: -r.params)
    law = scaling_mod.get_law(scaling_mod.DEFAULT_LAW)
    allowed_license = f", licensed {license} or freer" if license else ""
    constraints = (f"Catalog models that fit {gpus}× {target.name} with at least {_k(min_context)} tokens of "
                   f"context and {_rate(min_tokens_per_s)} tok/s{allowed_license}, at the highest allowed "
                   f"precision that does")
    if task is not None:
        # The fit and the quality cost lead; the loss proxy's own remarks do not apply here.
        fitting = [pyd.replace(r, reasons=(_fit_reason(r),)) for r in rows if r.eligible]
        ranked, benchmark = _rank_by_task(fitting, catalog, task)
        best = ranked[0] if ranked and ranked[0].rank == 1 else None
        explanation = Explanation(
            title=f"Models for {target.name}: {task_word(task)}",
            meaning=f"{constraints}, ranked by their published {task_word(task)} score (higher first). {SCORES_NOTE}",
            formula=f"rank by the published {benchmark or 'benchmark'} score; quality kept = PPL(16-bit) / PPL(quantised)",
            substituted=(f"best: {best.name}, {best.task_score_benchmark} {best.task_score:g} at {best.precision}"
                         if best else f"no model that fits has a published {task_word(task)} score"),
            source="each model's card or paper (per row); quality kept: llama.cpp's scoreboard, the AWQ and LLM.int8() papers",
        )
        return PickResult(
            target_id=target.id, gpus=gpus, min_context=min_context, min_tokens_per_s=min_tokens_per_s,
            precisions=allowed, law=law.id, rows=tuple(ranked + out_rows), explanation=explanation,
            task=task, license=license, benchmark=benchmark,
        )

    rows = [_loss_is_of_16_bit(r) for r in rows]
    ranked = sorted((r for r in rows if r.eligible and r.loss is not None), key=lambda r: (r.loss, r.params))
    unranked = sorted((r for r in rows if r.eligible and r.loss is None), key=lambda r: -r.params)
    ordered = [pyd.replace(r, rank=i + 1) for i, r in enumerate(ranked)] + unranked + out_rows
    best = ordered[0] if ordered and ordered[0].rank == 1 else None
    explanation = Explanation(
        title=f"Models for {target.name}",
        meaning=f"{constraints}, ranked by predicted loss (lower first). {PROXY_NOTE}",
        formula="L(N, D) = E + A/N^α + B/D^β, N = parameters, D = published training tokens",
        substituted=(
            f"best: {best.name}, N = {format_count(best.params)}, D = {format_count(best.training_tokens)} "
            f"→ L = {best.loss:.3f}" if best else "no model meets the constraints"
        ),
        source=law.source,
    )
    return PickResult(
        target_id=target.id, gpus=gpus, min_context=min_context, min_tokens_per_s=min_tokens_per_s,
        precisions=allowed, law=law.id, rows=tuple(ordered), explanation=explanation, license=license,
    )
