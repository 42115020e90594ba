"""Which catalog model to run on a target: the ones that fit the user's constraints, best first.

"Best" is the predicted loss of the default scaling law from the model's exact parameter
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
from paramtui.core.model.catalog import CatalogEntry, load_catalog
from paramtui.core.errors import UserError
from paramtui.core.result.estimate import estimate
from paramtui.core.result.explain import Explanation
from paramtui.core.model.precision import PRECISION_IDS, get_precision
from paramtui.core.inputs.scenario import InferenceSettings, Scenario
from paramtui.core.inputs.targets import default_targets, get_target
from paramtui.core.units import format_bytes, format_count
from paramtui.core import validation as pyd
from paramtui.core.validation import record

PROXY_NOTE = (
    "Predicted loss is a proxy for quality: it comes from a scaling law fitted on one data set "
    "and tokenizer, from the model's parameters and published training tokens; real models "
    "differ in data, tokenizer and post-training, and the law does not see what quantisation "
    "costs in quality (2-3 bit formats lose noticeably more than 4-8 bit ones)."
)


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
    rows: tuple[PickRow, ...]  # eligible first (by loss), then the rest (by size)
    explanation: Explanation

    @property
    def picked(self) -> list[PickRow]:
        return [r for r in self.rows if r.eligible]


def _k(tokens: int) -> str:
    return f"{tokens // 1024}k" if tokens >= 1024 and tokens % 1024 == 0 else f"{tokens:,}"


def _rate(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:,.0f}"


def _judge(entry: CatalogEntry, target_id: str, gpus: int, min_context: int, min_tps: float,
           precisions: Sequence[str], usable: float) -> PickRow:
    base = dict(model_id=entry.id, name=entry.name, params=entry.param_count.total,
                context_length=entry.context_length, training_tokens=entry.training_tokens,
                usable_bytes=usable)
    reasons: list[str] = []
    if entry.kind == "encoder":
        return PickRow(**base, eligible=False, rank=None, precision=None, loss=None, memory_bytes=None,
                       memory_use_fraction=None, decode_tokens_per_s=None,
                       reasons=("encoder-only: does not generate text",))
    if entry.context_length < min_context:
        return PickRow(**base, eligible=False, rank=None, precision=None, loss=None, memory_bytes=None,
                       memory_use_fraction=None, decode_tokens_per_s=None,
                       reasons=(f"context {_k(entry.context_length)} < {_k(min_context)}",))

    context = min_context
    chosen = None
    smallest = None
    too_slow = None
    for precision_id in precisions:
        scenario = Scenario(id="pick", model=entry.id, precision=precision_id, target=target_id,
                            gpus=gpus, inference=InferenceSettings(batch=1, context=context))
        try:
            est = estimate(scenario)
        except UserError as error:
            reasons.append(str(error))
            break
        smallest = est
        if not est.fits:
            continue
        tps = est.values["speed.decode_tokens_per_s"]
        if tps < min_tps:
            too_slow = too_slow or est
            continue
        chosen = est
        break

    shown = chosen or too_slow or smallest
    if chosen is None:
        if too_slow is not None:
            tps = too_slow.values["speed.decode_tokens_per_s"]
            reasons.append(f"{_rate(tps)} tok/s < {_rate(min_tps)} required "
                           f"(at {too_slow.precision.id}, the fastest that fits)")
        elif smallest is not None:
            reasons.append(f"needs {format_bytes(smallest.inference.total_bytes)} at "
                           f"{smallest.precision.id}, has {format_bytes(usable)}")
    loss = None
    if entry.training_tokens is not None and shown is not None:
        loss = shown.values["scaling.loss"]
    eligible = chosen is not None and not reasons
    if eligible:
        reasons.insert(0, f"fits at {chosen.precision.id}: {format_bytes(chosen.inference.total_bytes)} of "
                          f"{format_bytes(usable)}, {_rate(chosen.values['speed.decode_tokens_per_s'])} tok/s")
        if entry.training_tokens is None:
            reasons.append("training tokens not published: no predicted loss")
    return PickRow(
        **base, eligible=eligible, rank=None, precision=(chosen or shown).precision.id if shown else None,
        loss=loss, memory_bytes=shown.inference.total_bytes if shown else None,
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
) -> list[PickRow]:
    """Catalog models judged for `target_id`: eligible ones ranked by predicted loss first."""
    return list(pick(target_id, gpus, min_context, min_tokens_per_s, precisions).rows)


def pick(
    target_id: str,
    gpus: int = 1,
    min_context: int = 4096,
    min_tokens_per_s: float = 0.0,
    precisions: Sequence[str] | None = None,
) -> PickResult:
    """`pick_models` with the constraints and the explanation of the ranking."""
    target = get_target(target_id, default_targets())
    if gpus < 1:
        raise UserError(f"devices must be at least 1, not {gpus}")
    if min_context < 1:
        raise UserError(f"the minimum context must be at least 1 token, not {min_context}")
    if min_tokens_per_s < 0:
        raise UserError(f"the minimum tokens per second must not be negative, not {min_tokens_per_s}")
    if precisions:
        ids = [get_precision(p).id for p in precisions]  # UserError names the valid ones
        order = {p: i for i, p in enumerate(PRECISION_IDS)}
        allowed = tuple(sorted(dict.fromkeys(ids), key=lambda p: order.get(p, len(order))))
    else:
        allowed = DEFAULT_PRECISIONS
    usable = target.usable_memory_bytes * target.devices * gpus
    rows = [_judge(e, target.id, gpus, min_context, min_tokens_per_s, allowed, usable)
            for e in load_catalog().values()]
    ranked = sorted((r for r in rows if r.eligible and r.loss is not None), key=lambda r: (r.loss, r.params))
    unranked = sorted((r for r in rows if r.eligible and r.loss is None), key=lambda r: -r.params)
    out_rows = sorted((r for r in rows if not r.eligible), key=lambda r: -r.params)
    ordered = [pyd.replace(r, rank=i + 1) for i, r in enumerate(ranked)] + unranked + out_rows

    law = scaling_mod.get_law(scaling_mod.DEFAULT_LAW)
    best = ordered[0] if ordered and ordered[0].rank == 1 else None
    explanation = Explanation(
        title=f"Models for {target.name}",
        meaning=(
            f"Catalog models that fit {gpus}× {target.name} with at least {_k(min_context)} tokens of "
            f"context and {_rate(min_tokens_per_s)} tok/s, at the highest allowed precision that does, "
            f"ranked by predicted loss (lower first). {PROXY_NOTE}"
        ),
        formula="L(N, D) = E + A/N^α + B/D^β, N = parameters, D = published training tokens",
        substituted=(
            f"best: {best.name}, N = {format_count(best.params)}, D = {format_count(best.training_tokens)} "
            f"→ L = {best.loss:.3f}" if best else "no model meets the constraints"
        ),
        source=law.source,
    )
    return PickResult(
        target_id=target.id, gpus=gpus, min_context=min_context, min_tokens_per_s=min_tokens_per_s,
        precisions=allowed, law=law.id, rows=tuple(ordered), explanation=explanation,
    )
