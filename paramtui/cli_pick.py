"""`paramtui pick` as text: one compact row per model and its reason wrapped in indented lines
below, so a ranking reads at 80 columns (a "why" column wrapped each model over ten lines). The
row's id is never cut (it is typed back into estimate); the license gives way, with an ellipsis
(`--json` keeps every word); the reason is never cut, since it names the score's source.
"""

from __future__ import annotations

import textwrap

from rich.cells import cell_len
from rich.text import Text

GAP = " "
REASON_INDENT = "    "  # under the model id, past the rank column
NOT_RANKED_MARK = "*"  # a score from another benchmark: shown, not ranked against the others


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in "…" when cut."""
    if cell_len(text) <= width:
        return text
    cut = Text(text)
    cut.truncate(max(width, 1), overflow="ellipsis")
    return cut.plain


def _cells(result, row) -> list[str]:
    from paramtui.core.model.quant_quality import quality_kept
    from paramtui.core.units import format_bytes, format_count, format_rate

    if result.task:
        if row.task_score is None:
            score = "–"
        else:
            other = row.task_score_benchmark != result.benchmark
            score = f"{row.task_score:g}{NOT_RANKED_MARK if other else ''}"
        ranked = [score, quality_kept(row.precision, row.model_id).percent if row.quality_kept is not None else "–"]
    else:
        ranked = [f"{row.loss:.3f}" if row.loss is not None else "–"]
    return [str(row.rank) if row.rank else ("✓" if row.eligible else "✗"), row.model_id,
            format_count(row.params), row.precision or "–",
            format_bytes(row.memory_bytes) if row.memory_bytes else "–",
            format_rate(row.decode_tokens_per_s) if row.decode_tokens_per_s else "–", *ranked, row.license]


def _reason(result, row) -> str:
    """The score's source first when ranking by a task: the fit's figures are in the row already."""
    reasons = list(row.reasons)
    if result.task and len(reasons) > 1:
        reasons = reasons[1:] + reasons[:1]
    return "; ".join(reasons)


def pick_lines(result, width: int) -> list[str]:
    """The ranking as lines no wider than `width` (the id column excepted: it is never cut)."""
    headers = ["#", "model", "params", "prec", "memory", "decode",
               *(["score", "kept"] if result.task else ["loss"]), "license"]
    right = {0, 2, 4, 5, 6, *([7] if result.task else [])}
    rows = [_cells(result, row) for row in result.rows]
    widths = [max(cell_len(h), *(cell_len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    spare = width - (sum(widths) + len(GAP) * (len(widths) - 1))
    if spare < 0:  # the license gives way first, then the precision; never the id
        for col in (len(headers) - 1, 3):
            give = min(-spare, widths[col] - cell_len(headers[col]))
            widths[col] -= give
            spare += give

    def line(cells) -> str:
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths)):
            cell = cell if i == 1 else _cut(cell, w)
            pad = " " * max(w - cell_len(cell), 0)
            out.append(pad + cell if i in right else cell + pad)
        return GAP.join(out).rstrip()

    lines = [line(headers)]
    for cells, row in zip(rows, result.rows):
        lines.append(line(cells))
        lines += textwrap.wrap(_reason(result, row), max(width, len(REASON_INDENT) + 20),
                               initial_indent=REASON_INDENT, subsequent_indent=REASON_INDENT,
                               break_on_hyphens=False)
    return lines


def print_pick(args) -> int:
    import json

    from rich.console import Console

    from paramtui.core.views.pick import pick, task_word

    result = pick(args.target, gpus=args.gpus, min_context=args.min_context,
                  min_tokens_per_s=args.min_tokens_per_s, precisions=args.precision,
                  task=args.task, license=args.license)
    if args.json:
        from paramtui.core.validation import dump_json_data

        print(json.dumps(dump_json_data(result, exclude={"explanation"}), indent=2))
        return 0
    order = (f"best published {task_word(result.task)} score first" if result.task
             else "best predicted loss first (a proxy for quality)")
    licensed = f", license {result.license} or freer" if result.license else ""
    console = Console(highlight=False)
    console.print(f"Models for {args.gpus}× {result.target_id} (context ≥ {result.min_context:,}, "
                  f"≥ {result.min_tokens_per_s:g} tok/s{licensed}), {order}", markup=False)
    if result.task:
        console.print(f"score: {result.benchmark}; {NOT_RANKED_MARK} another benchmark, not ranked against it; "
                      "kept: quality kept at that precision", markup=False)
    for text in pick_lines(result, console.width):
        console.print(text, markup=False, soft_wrap=True)
    console.print(result.explanation.meaning, style="dim", markup=False)
    return 0
