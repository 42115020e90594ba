"""`ctrl+e` from any screen: ask for a file, then write the session's comparison table there.

The table is the one Compare shows and `paramtui export` writes (`core.io.export`), built
from the estimates the app holds; the user stays on the screen they pressed it on.
"""

from __future__ import annotations

import re
from pathlib import Path

from paramtui.core.errors import UserError
from paramtui.core.io.export import FORMATS, comparison_table, format_for, write_table

_FORMAT_CHOICES = [("c", "CSV", "csv"), ("j", "JSON", "json"), ("m", "Markdown", "md"),
                   ("h", "HTML", "html"), ("t", "LaTeX", "tex")]


def default_export_name(title: str) -> str:
    stem = re.sub(r"[^a-z0-9_-]+", "-", title.lower()).strip("-") or "comparison"
    return f"{stem}.csv"


def start_export(app) -> None:
    """Ask for the file (its suffix picks the format); an existing one needs a second enter."""
    from paramtui.tui.widgets.path_prompt import PathPrompt

    def chosen(path: Path | None) -> None:
        if path is not None:
            _export_to(app, path, confirmed=path.exists())

    app.push_screen(PathPrompt(
        "Export the table", default_export_name(app.session.title), confirm_overwrite=True, suffix="",
        hint="File name; the format follows the suffix: .csv .json .md .html .tex "
             "(none: you choose). An existing file needs a second enter."), chosen)


def _export_to(app, path: Path, *, confirmed: bool) -> None:
    try:
        fmt = format_for(path)
    except UserError:
        _ask_format(app, path, confirmed=confirmed)
        return
    if path.exists() and not confirmed:
        _ask_overwrite(app, path, fmt)
        return
    _write(app, path, fmt)


def _ask_format(app, path: Path, *, confirmed: bool) -> None:
    from paramtui.tui.widgets.dialogs import ChoiceScreen

    def answer(fmt: str | None) -> None:
        if fmt not in FORMATS:
            return
        target = path if path.suffix else path.with_suffix(f".{fmt}")
        if target.exists() and not (confirmed and target == path):
            _ask_overwrite(app, target, fmt)
        else:
            _write(app, target, fmt)

    app.push_screen(ChoiceScreen(
        "Export format", f"Which format for {path.name}?", _FORMAT_CHOICES, cancel_value=None), answer)


def _ask_overwrite(app, path: Path, fmt: str) -> None:
    from paramtui.tui.widgets.dialogs import ChoiceScreen

    def answer(choice: str | None) -> None:
        if choice == "replace":
            _write(app, path, fmt)

    app.push_screen(ChoiceScreen(
        "Replace file?", f"{path} exists. Replace it?",
        [("n", "Keep it", "keep"), ("r", "Replace", "replace")], cancel_value=None), answer)


def _write(app, path: Path, fmt: str) -> None:
    table = comparison_table(app.session, strict=False, estimator=app.estimate_or_raise)
    try:
        written = write_table(table, path, fmt)
    except UserError as e:
        app.notify(str(e), title="Not exported", severity="error", timeout=10, markup=False)
        return
    app.notify(f"Exported {len(table.rows)} rows × {len(table.columns)} columns ({fmt}) to {written}",
               title="Exported", timeout=5, markup=False)
