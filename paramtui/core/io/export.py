"""Exporting a session's comparison table to a file: what `paramtui export` and `ctrl+e` call.

The table is built by `io.comparison` and rendered by `io.writers`; their public names are
importable from here too, so the CLI and the TUI have one module to call.
"""

from __future__ import annotations

import os
from pathlib import Path

from paramtui.core.errors import UserError
from paramtui.core.io.comparison import (
    Cell,
    ComparisonTable,
    Row,
    comparison_table,
    resolve_columns,
    resolve_sort_key,
)
from paramtui.core.io.writers import (
    FORMATS,
    format_for,
    render_table,
    table_csv,
    table_html,
    table_json,
    table_latex,
    table_markdown,
    tex_escape,
)

__all__ = ["FORMATS", "Cell", "ComparisonTable", "Row", "comparison_table", "export_session_file", "format_for",
           "render_table", "resolve_columns", "resolve_sort_key", "table_csv", "table_html", "table_json",
           "table_latex", "table_markdown", "tex_escape", "write_table"]


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
