"""The comparison table (scenarios × figures, with deltas against a baseline) and its writers.

One table feeds the Compare screen, the `paramtui export` command, the TUI's `ctrl+e` export
and the clipboard copy, so a number on screen and in a file is the same number
(docs/ARCHITECTURE.md, Data flow).

CSV and JSON carry raw numbers — integer counts and bytes, seconds, dollars — exactly as
`paramtui estimate --json` prints them, each column named by its key there (a unit is in a
name only where the key has it: `memory.kv_cache_bytes`, `scaling.loss`; the JSON export
lists each column's unit), so a spreadsheet or a script can use them. Markdown, HTML and LaTeX carry the formatted values, the change
against the baseline, and a caption with the session title and the date.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from paramtui.core.errors import UserError
from paramtui.core.result.figures import DEFAULT_COLUMNS, FIGURES, Figure, get_figure

Verdict = Literal["better", "worse", "same"]

FORMATS = ("csv", "json", "md", "html", "tex")
_SUFFIXES = {
    ".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".tex": "tex",
}

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


def _is_number(value) -> bool:
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
    if not (_is_number(value) and _is_number(base)):
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


# ------------------------------------------------------------------ writers


def format_for(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The export format: `fmt` if given, else from the file's suffix; UserError otherwise."""
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
        fmt = {"markdown": "md", "htm": "html", "latex": "tex"}.get(fmt, fmt)
        if fmt not in FORMATS:
            raise UserError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    shown = suffix or "no suffix"
    raise UserError(
        f"{path}: cannot tell the format from {shown}; name it .csv .json .md .html or .tex, "
        "or give the format")


def _today(date) -> str:
    return (date or _dt.date.today()).isoformat()


def _caption(table: ComparisonTable, date) -> str:
    parts = [f"{table.title} — paramtui, {_today(date)}"]
    if table.baseline:
        parts.append(f"changes against baseline: {table.row(table.baseline).label}")
    return "; ".join(parts)


def _raw(value):
    """A JSON/CSV number exactly as the estimate holds it; NaN/inf have no JSON form."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def table_csv(table: ComparisonTable) -> str:
    """Header: scenario.id, then each column's machine name (unit included), then error."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["scenario.id"] + [f.key for f in table.columns] + ["error"])
    for row in table.rows:
        values = []
        for cell in row.cells:
            value = _raw(cell.value)
            if value is None:
                values.append("")
            elif isinstance(value, bool):
                values.append("true" if value else "false")
            else:
                values.append(value if not isinstance(value, float) else repr(value))
        writer.writerow([row.scenario_id] + values + [row.error or ""])
    return out.getvalue()


def table_json(table: ComparisonTable, date=None) -> str:
    doc = {
        "title": table.title,
        "date": _today(date),
        "baseline": table.baseline,
        "sort": table.sort,
        "columns": [
            {"name": f.key, "key": f.key, "label": f.label, "unit": f.unit,
             "better": f.better}
            for f in table.columns
        ],
        "rows": [],
    }
    for row in table.rows:
        item: dict[str, Any] = {
            "id": row.scenario_id,
            "name": row.label,
            "baseline": row.is_baseline,
            "error": row.error,
            "values": {f.key: _raw(c.value) for f, c in zip(table.columns, row.cells)},
        }
        if table.baseline and not row.is_baseline and row.error is None:
            item["change_vs_baseline"] = {
                f.key: {"absolute": _raw(c.delta), "percent": _raw(c.delta_percent),
                                         "verdict": c.verdict}
                for f, c in zip(table.columns, row.cells) if c.delta is not None or c.verdict
            }
        doc["rows"].append(item)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _numeric_column(table: ComparisonTable, index: int) -> bool:
    return any(_is_number(r.cells[index].value) for r in table.rows)


def _display_cells(table: ComparisonTable, row: Row) -> list[str]:
    """The formatted value plus, against the baseline, '(+1.07 GB, +12%, worse)'."""
    out = []
    for i, cell in enumerate(row.cells):
        text = cell.text
        if row.error is not None and i == 0:
            text = f"{text} (error: {row.error})"
        elif row.is_baseline and i == 0:
            text = f"{text} (baseline)"
        elif cell.long_change_text and cell.verdict != "same":
            text = f"{text} ({cell.long_change_text})"
        out.append(text)
    return out


def table_markdown(table: ComparisonTable, date=None) -> str:
    """GitHub-flavoured Markdown: caption line, then the table; also what the clipboard gets."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = [f"**{esc(table.title)}** — paramtui, {_today(date)}"]
    if table.baseline:
        lines[0] += f"; changes against baseline: {esc(table.row(table.baseline).label)}"
    lines.append("")
    lines.append("| " + " | ".join(esc(f.label) for f in table.columns) + " |")
    lines.append("|" + "|".join("---:" if _numeric_column(table, i) else ":---"
                                for i in range(len(table.columns))) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(esc(t) for t in _display_cells(table, row)) + " |")
    return "\n".join(lines) + "\n"


def table_html(table: ComparisonTable, date=None) -> str:
    """A standalone HTML page holding one table; better/worse carried in words, colour only adds."""
    e = html.escape
    numeric = [_numeric_column(table, i) for i in range(len(table.columns))]
    head = "".join(f'<th scope="col"{" class=num" if n else ""}>{e(f.label)}</th>'
                   for f, n in zip(table.columns, numeric))
    body = []
    for row in table.rows:
        cells = []
        for i, cell in enumerate(row.cells):
            inner = e(cell.text)
            if i == 0 and row.error is not None:
                inner += f' <span class="error">(error: {e(row.error)})</span>'
            elif i == 0 and row.is_baseline:
                inner += ' <span class="baseline">(baseline)</span>'
            elif cell.long_change_text and cell.verdict != "same":
                cls = cell.verdict or "change"
                inner += f' <span class="{cls}">({e(cell.long_change_text)})</span>'
            tag = "th scope=\"row\"" if i == 0 else "td"
            end = "th" if i == 0 else "td"
            cls = ' class="num"' if numeric[i] else ""
            cells.append(f"<{tag}{cls}>{inner}</{end}>")
        body.append("    <tr>" + "".join(cells) + "</tr>")
    title = e(table.title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        "<style>\n"
        "table { border-collapse: collapse; font-family: sans-serif; }\n"
        "th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }\n"
        ".num { text-align: right; font-variant-numeric: tabular-nums; }\n"
        ".better { color: #1a7f37; } .worse { color: #cf222e; } .error { color: #cf222e; }\n"
        "caption { caption-side: top; text-align: left; padding-bottom: 0.4em; }\n"
        "</style>\n</head>\n<body>\n"
        "<table>\n"
        f"  <caption>{e(_caption(table, date))}</caption>\n"
        f"  <thead><tr>{head}</tr></thead>\n"
        "  <tbody>\n" + "\n".join(body) + "\n  </tbody>\n"
        "</table>\n</body>\n</html>\n"
    )


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
    # Characters the formatters use that plain pdflatex does not know.
    "–": "--", "—": "---", "−": "$-$", "µ": r"$\mu$", "∞": r"$\infty$", "×": r"$\times$",
    "→": r"$\rightarrow$", "≈": r"$\approx$",
}


def tex_escape(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


def table_latex(table: ComparisonTable, date=None) -> str:
    """A `table` float for \\input: plain tabular and \\hline, so it needs no extra package."""
    numeric = [_numeric_column(table, i) for i in range(len(table.columns))]
    spec = "".join("r" if n else "l" for n in numeric)
    lines = [
        f"% {table.title} — exported by paramtui on {_today(date)}".replace("\n", " "),
        r"\begin{table}[htbp]",
        r"\centering",
        r"\caption{" + tex_escape(_caption(table, date)) + "}",
        r"\begin{tabular}{" + spec + "}",
        r"\hline",
        " & ".join(tex_escape(f.label) for f in table.columns) + r" \\",
        r"\hline",
    ]
    for row in table.rows:
        lines.append(" & ".join(tex_escape(t) for t in _display_cells(table, row)) + r" \\")
    lines += [r"\hline", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def render_table(table: ComparisonTable, fmt: str, date=None) -> str:
    if fmt == "csv":
        return table_csv(table)
    writers = {"json": table_json, "md": table_markdown, "html": table_html, "tex": table_latex}
    if fmt not in writers:
        raise UserError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writers[fmt](table, date)


def write_table(table: ComparisonTable, output_path: str | os.PathLike, fmt: str | None = None,
                date=None, *, replace: bool = True) -> Path:
    """Render and write safely (`io.user_files`: atomic, through symlinks, read-only refused).

    replace: False refuses an existing file (the CLI without --force); the TUI asks first.
    """
    from paramtui.core.io.user_files import write_user_file

    path = Path(output_path).expanduser()
    chosen = format_for(path, fmt)
    text = render_table(table, chosen, date)
    if path.is_dir():
        raise UserError(f"{path}: is a directory; give a file name")
    write_user_file(path, text, replace=replace)
    return path


def export_session_file(session_path, output_path, fmt: str | None = None,
                        columns: list[str] | None = None, *, replace: bool = True) -> Path:
    """`paramtui export`: load the session, build its table, write it; returns the path written."""
    from paramtui.core.inputs.session import load_session

    chosen = format_for(output_path, fmt)  # a bad format is reported before any work
    session = load_session(session_path)
    table = comparison_table(session, columns)
    return write_table(table, output_path, chosen, replace=replace)
