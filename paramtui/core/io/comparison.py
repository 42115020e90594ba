"""The comparison table: scenarios × figures, each cell with its change against a baseline.

One table feeds the Compare screen, `paramtui export`, the TUI's `ctrl+e` and the clipboard
copy (docs/ARCHITECTURE.md, Data flow); `io.writers` renders it in each file format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from paramtui.core.errors import UserError
from paramtui.core.result.figures import DEFAULT_COLUMNS, FIGURES, Figure, get_figure

Verdict = Literal["better", "worse", "same"]

# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Cell:
    """One figure of one scenario, with its change against the baseline scenario."""

    key: str
    value: Any  # raw: int for counts/bytes, float for seconds/dollars/rates, str, bool or None
    text: str  # formatted for people: "16.1 GB"
    delta: float | None = None  # value - baseline value (numbers only)
    delta_percent: float | None = None  # 100 * delta / |baseline value|
    verdict: Verdict | None = None  # per the figure's `better`; None where no direction applies
    delta_text: str = ""  # "+1.07 GB" (absolute change, formatted), "" when none
    percent_text: str = ""  # "+12%", "" when none

    @property
    def change_text(self) -> str:
        """Short, readable without colour: '+12% worse', '-8% better', 'same', 'yes→NO worse'."""
        if self.verdict == "same":
            return "same"
        amount = self.percent_text or self.delta_text
        if not amount:
            return ""
        return f"{amount} {self.verdict}" if self.verdict else amount

    @property
    def long_change_text(self) -> str:
        """Full: '+1.07 GB (+12%), worse'."""
        if self.verdict == "same":
            return "same as baseline"
        if not self.delta_text:
            return ""
        parts = self.delta_text + (f" ({self.percent_text})" if self.percent_text else "")
        return f"{parts}, {self.verdict}" if self.verdict else parts


@dataclass(frozen=True)
class Row:
    scenario_id: str
    label: str
    is_baseline: bool
    cells: tuple[Cell, ...]
    error: str | None = None  # the estimate failed: the one-line reason; cells hold only inputs

    def cell(self, key: str) -> Cell:
        for c in self.cells:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class ComparisonTable:
    title: str
    columns: tuple[Figure, ...]
    rows: tuple[Row, ...]
    baseline: str | None  # scenario id whose values the deltas are against
    sort: str | None  # the figure key sorted by, "-key" for descending; None = session order

    @property
    def column_keys(self) -> list[str]:
        return [f.key for f in self.columns]

    def row(self, scenario_id: str) -> Row:
        for r in self.rows:
            if r.scenario_id == scenario_id:
                return r
        raise KeyError(scenario_id)


def resolve_sort_key(sort: str | None) -> tuple[str | None, bool]:
    """'-memory.kv_cache_bytes' -> ('memory.kv_cache_bytes', True); bare 'name' means 'scenario.name'."""
    if not sort:
        return None, False
    descending = sort.startswith("-")
    key = sort.lstrip("-+")
    if key not in FIGURES and f"scenario.{key}" in FIGURES:
        key = f"scenario.{key}"
    get_figure(key)  # UserError naming the known keys
    return key, descending


def resolve_columns(columns) -> list[str]:
    """Known figure keys, in order, without repeats; UserError for an unknown one."""
    keys: list[str] = []
    for key in columns:
        get_figure(key)
        if key not in keys:
            keys.append(key)
    if not keys:
        raise UserError("no columns to show: name at least one figure key")
    return keys


def comparison_table(session, columns=None, *, sort: str | None = ..., strict: bool = True,
                     estimator=None) -> ComparisonTable:
    """The session's scenarios as rows and figures as columns, with deltas against its baseline.

    Columns: `columns`, else the session's `view.columns`, else `figures.DEFAULT_COLUMNS`.
    Rows: session order, or sorted by the session's `view.sort` (or `sort`, which overrides
    it; None means session order). A scenario whose estimate fails keeps its row, with the
    error text and only its inputs filled in. With `strict=False`, unknown column or sort keys
    (a hand-edited file) are dropped instead of raising, so a screen can still draw.
    `estimator(scenario) -> Estimate` defaults to `paramtui.core.result.estimate.estimate`.
    """
    if estimator is None:
        from paramtui.core.result.estimate import estimate as estimator
    requested = list(columns) if columns is not None else (session.view.columns or DEFAULT_COLUMNS)
    if strict:
        keys = resolve_columns(requested)
    else:
        keys = [k for k in dict.fromkeys(requested) if k in FIGURES] or list(DEFAULT_COLUMNS)
    figures = tuple(FIGURES[k] for k in keys)

    sort_spec = session.view.sort if sort is ... else sort
    try:
        sort_key, descending = resolve_sort_key(sort_spec)
    except UserError:
        if strict:
            raise
        sort_key, descending = None, False

    estimates: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for scenario in session.scenarios:
        try:
            estimates[scenario.id] = estimator(scenario)
        except UserError as e:  # the row says why; anything else is a bug, and is raised
            errors[scenario.id] = str(e)

    base_est = estimates.get(session.baseline) if session.baseline else None

    rows = []
    for scenario in session.scenarios:
        est = estimates.get(scenario.id)
        is_base = scenario.id == session.baseline
        cells = []
        for fig in figures:
            if est is None:
                value = _input_value(scenario, fig.key)
                text = "–" if value is None else fig.fmt(value)
                cells.append(Cell(fig.key, value, text))
                continue
            value = fig.value(est)
            text = fig.format(est)
            if base_est is None or is_base:
                cells.append(Cell(fig.key, value, text))
            else:
                cells.append(_with_delta(fig, value, text, fig.value(base_est)))
        rows.append(Row(scenario.id, scenario.label, is_base, tuple(cells), errors.get(scenario.id)))

    if sort_key is not None:
        rows = _sorted_rows(rows, session, estimates, sort_key, descending)

    return ComparisonTable(
        title=session.title,
        columns=figures,
        rows=tuple(rows),
        baseline=session.baseline if base_est is not None else None,
        sort=(("-" if descending else "") + sort_key) if sort_key else None,
    )


def _input_value(scenario, key: str):
    """What a failed scenario still shows: its own inputs."""
    inputs = {
        "scenario.name": scenario.label,
        "scenario.model": scenario.model or (f"{scenario.params:.3g} params" if scenario.params else None),
        "scenario.precision": scenario.precision,
        "scenario.kv_precision": scenario.kv_precision,
        "scenario.target": scenario.target,
        "scenario.gpus": scenario.gpus,
        "scenario.batch": scenario.inference.batch,
        "scenario.context": scenario.inference.context,
    }
    return inputs.get(key)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _with_delta(fig: Figure, value, text: str, base) -> Cell:
    if isinstance(value, bool) and isinstance(base, bool):
        if value == base:
            return Cell(fig.key, value, text, verdict="same" if fig.better else None)
        gained = value and not base
        verdict = None if fig.better is None else (
            "better" if gained == (fig.better == "higher") else "worse")
        change = f"{fig.fmt(base)}→{fig.fmt(value)}"
        return Cell(fig.key, value, text, verdict=verdict, delta_text=change)
    if not (is_number(value) and is_number(base)):
        return Cell(fig.key, value, text)
    delta = value - base
    if delta == 0:
        return Cell(fig.key, value, text, delta=0, delta_percent=0.0,
                    verdict="same" if fig.better else None)
    percent = 100.0 * delta / abs(base) if base != 0 else None
    verdict: Verdict | None = None
    if fig.better is not None:
        verdict = "better" if (delta > 0) == (fig.better == "higher") else "worse"
    sign = "+" if delta > 0 else "-"
    if fig.unit == "fraction":  # a change in a share is in percentage points, not a share
        delta_text = f"{sign}{abs(delta) * 100:.0f} pp"
    else:
        delta_text = sign + fig.fmt(abs(delta))
    return Cell(fig.key, value, text, delta=delta, delta_percent=percent, verdict=verdict,
                delta_text=delta_text, percent_text=_percent_text(percent))


def _percent_text(percent: float | None) -> str:
    if percent is None:
        return ""
    size = abs(percent)
    if size >= 10:
        return f"{percent:+,.0f}%"
    if size >= 0.1:
        return f"{percent:+.1f}%"
    return f"{'+' if percent > 0 else '-'}<0.1%"


def _sort_value(row: Row, session, estimates, key: str):
    est = estimates.get(row.scenario_id)
    if est is not None:
        value = FIGURES[key].value(est)
    else:
        value = _input_value(session.scenario(row.scenario_id), key)
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, bool):
        return int(value)
    return value


def _sorted_rows(rows, session, estimates, key: str, descending: bool):
    """Stable: ties keep session order; rows with no value (n/a, failed) always go last."""
    present = [(r, _sort_value(r, session, estimates, key)) for r in rows]
    known = [(r, v) for r, v in present if v is not None and not (isinstance(v, float) and math.isnan(v))]
    missing = [r for r, v in present if (r, v) not in known]
    numbers = [(r, v) for r, v in known if not isinstance(v, str)]
    texts = [(r, v) for r, v in known if isinstance(v, str)]
    ordered = sorted(numbers, key=lambda rv: rv[1], reverse=descending) + sorted(
        texts, key=lambda rv: rv[1], reverse=descending)
    return [r for r, _ in ordered] + missing
