"""The comparison table as text, one writer per format: CSV, JSON, Markdown, HTML, LaTeX.

CSV and JSON carry raw numbers — integer counts and bytes, seconds, dollars — exactly as
`paramtui estimate --json` prints them, each column named by its key there (a unit is in a
name only where the key has it: `memory.kv_cache_bytes`, `scaling.loss`; the JSON export
lists each column's unit), so a spreadsheet or a script can use them. Markdown, HTML and
LaTeX carry the formatted values, the change against the baseline, and a caption with the
session title and the date.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import json
import math
import os
from pathlib import Path
from typing import Any

from paramtui.core.errors import UserError
from paramtui.core.io.comparison import ComparisonTable, Row, is_number

FORMATS = ("csv", "json", "md", "html", "tex")
_SUFFIXES = {
    ".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".tex": "tex",
}

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
    return any(is_number(r.cells[index].value) for r in table.rows)


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
