"""One exception type for every mistake a user can make, and its one line.

Whatever the user gives (a file, an id, a size, a field typed in the TUI) that paramtui
cannot take raises `UserError`: the CLI prints its line on stderr and exits with status 2,
the TUI shows it at the field or in a notification, an export writes it in the row. pydantic's
validation errors become UserErrors where records are validated (`validation.validate`), so
nothing else needs to know them. `UserError` is not a `ValueError`: a ValueError, like any
other exception escaping the core, is a bug in paramtui and is reported as one.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user gave us, in one readable line.

    `reason` says what is wrong; `where`, when known, is the key path of the mistake in the
    data given (("inference", "batch")), which a caller may name its own way (a file's line,
    a form's field). `str()` is the line: "inference.batch: must be at least 1"."""

    def __init__(self, reason: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = tuple(where)

    def __str__(self) -> str:
        return f"{'.'.join(str(p) for p in self.where)}: {self.reason}" if self.where else self.reason
