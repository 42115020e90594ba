"""How paramtui reports its own bugs: one line that says it is a bug and how to report it.

A user's mistake is a `UserError` (its one line, exit 2). Anything else reaching the CLI's
top level or the TUI's handlers is paramtui's fault: it must neither crash the app nor be
passed off as the user's mistake, so it becomes this line (exit 70 on the command line, a
notification in the app). PARAMTUI_DEBUG=1 adds the full traceback, for the report.
"""

from __future__ import annotations

import os
import traceback

REPORT_HOW = "please report it with the command or the file that caused it"


def bug_line(error: BaseException, doing: str) -> str:
    """'paramtui bug while `doing`: OverflowError: ... (speed.py:123); please report it ...'."""
    where = _innermost_frame(error)
    message = str(error).splitlines()[0][:200] if str(error) else ""
    what = f"{type(error).__name__}: {message}" if message else type(error).__name__
    line = f"paramtui bug while {doing}: {what}{f' ({where})' if where else ''}; {REPORT_HOW}"
    if os.environ.get("PARAMTUI_DEBUG"):
        line += "\n" + "".join(traceback.format_exception(error)).rstrip()
    return line


def _innermost_frame(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "paramtui" in f.filename] or frames
    if not ours:
        return ""
    frame = ours[-1]
    return f"{os.path.basename(frame.filename)}:{frame.lineno}"
