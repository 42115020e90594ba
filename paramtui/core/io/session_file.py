"""A session file as the user wrote it: opened, edited in place, saved back safely.

Saving a session that came from a file updates that file's TOML document (tomlkit) rather
than writing a new one: only the keys whose values changed are rewritten, so comments,
blank lines, key order and the user's own spellings (`params = "7B"`, `tokens = 2e12`)
stay where nothing changed. The merged text is read back before it is written; should it
not give exactly the session being saved, the plain generated document is written instead.

The file itself is read and written through `user_files` (symlinks followed, read-only
files refused, a change on disk since opening noticed, atomic and fsynced).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from paramtui.core.errors import UserError
from paramtui.core.inputs.session import Session, parse_session, session_to_dict, session_to_toml
from paramtui.core.io.user_files import FileStamp, read_user_file, write_user_file

_MISSING = object()


@dataclass(frozen=True)
class SessionFile:
    """A session as it is on disk: where, what it holds, its text, and its stamp when read."""

    path: Path
    session: Session
    text: str
    stamp: FileStamp


def open_session_file(path: str | os.PathLike) -> SessionFile:
    """Read and validate a session file; one UserError line (file, line, field) if it is not one."""
    path = Path(path)
    text, stamp = read_user_file(path, "TOML session")
    return SessionFile(path, parse_session(text, str(path), base_dir=_folder(path)), text, stamp)


def _folder(path: Path) -> str:
    """The folder relative model paths in the session file at `path` are read from."""
    return os.path.dirname(os.path.abspath(path))


def save_session_file(session: Session, path: str | os.PathLike, previous: SessionFile | None = None,
                      *, overwrite_changes: bool = False) -> SessionFile:
    """Write `session` to `path`, keeping `previous`'s formatting where nothing changed.

    previous: the file as last opened or saved (any path: a "save as" keeps its comments
      too). When it is this path's, a file changed on disk since is not overwritten:
      FileChangedError, unless overwrite_changes.
    """
    path = Path(path)
    session = _model_paths_from_here(session)
    text = session_text(session, previous, base_dir=_folder(path))
    same_file = previous is not None and _same_path(previous.path, path)
    expected = previous.stamp if same_file and not overwrite_changes else None
    stamp = write_user_file(path, text, expected=expected)
    return SessionFile(path, session, text, stamp)


def _model_paths_from_here(session: Session) -> Session:
    """A model path still relative to the working directory (typed in the app's picker; a
    path read from a session file is already anchored to its folder) as a full path, so the
    saved file, read from its own folder, names the same file."""
    from paramtui.core.model.model_file import anchored_model_path, is_model_path
    from paramtui.core.validation import replace

    scenarios = tuple(
        replace(s, model=anchored_model_path(s.model, os.getcwd()))
        if s.model is not None and is_model_path(s.model) and anchored_model_path(s.model, os.getcwd()) != s.model
        else s for s in session.scenarios)
    if all(a is b for a, b in zip(scenarios, session.scenarios)):
        return session
    return replace(session, scenarios=scenarios)


def _same_path(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def session_text(session: Session, previous: SessionFile | None = None, *,
                 base_dir: str | os.PathLike | None = None) -> str:
    """The TOML text for `session`: `previous`'s document edited in place where that is safe.

    base_dir: the folder the text is written to. A relative model path the user wrote stays
    as written when it still names the same file from there (saved in place); saved to
    another folder, the plain document below names the file by its full path.
    """
    if previous is None:
        return session_to_toml(session)
    import tomlkit  # only when saving a file that was opened (tomlkit costs start-up time)

    try:
        document = tomlkit.parse(previous.text)
        _update_document(document, session_to_dict(previous.session), session_to_dict(session))
        text = tomlkit.dumps(document)
        if parse_session(text, base_dir=base_dir) == session:
            return text
    except (UserError, ValueError, TypeError, KeyError, IndexError, tomlkit.exceptions.TOMLKitError):
        pass  # a layout this merge does not handle: write the plain document below
    return session_to_toml(session)


def _plain(value):
    """A value as tomlkit can write it (tuples as arrays, nested tables as tables)."""
    import tomlkit

    if isinstance(value, dict):
        table = tomlkit.table()
        for key, item in value.items():
            table[key] = _plain(item)
        return table
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _update_table(container, old: dict, new: dict) -> None:
    """Rewrite only the keys of `container` whose value differs between `old` and `new`."""
    from tomlkit.items import InlineTable, Table

    for key in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(key, _MISSING), new.get(key, _MISSING)
        if before == after:
            continue  # unchanged: the user's spelling, comments and layout stay
        if after is _MISSING:
            if key in container:
                del container[key]
            continue
        existing = container.get(key) if key in container else None
        if isinstance(after, dict) and isinstance(existing, (Table, InlineTable)):
            _update_table(existing, before if isinstance(before, dict) else {}, after)
        else:
            container[key] = _plain(after)


def _update_document(document, old: dict, new: dict) -> None:
    import tomlkit
    from tomlkit.items import AoT

    old_scenarios = {s["id"]: s for s in old.get("scenario", [])}
    new_scenarios = new.get("scenario", [])
    _update_table(document, {k: v for k, v in old.items() if k != "scenario"},
                  {k: v for k, v in new.items() if k != "scenario"})

    tables = document.get("scenario")
    if tables is None:
        tables = []
    elif not isinstance(tables, AoT):
        raise TypeError("scenarios not written as [[scenario]] tables")
    existing = list(tables)
    by_id = {str(t.get("id")): t for t in existing}
    ordered = []
    for item in new_scenarios:
        table = by_id.get(item["id"])
        if table is None:
            table = _plain(item)
            table.trivia.indent = "\n"  # a blank line before its [[scenario]] header
        else:
            _update_table(table, old_scenarios.get(item["id"], {}), item)
        ordered.append(table)

    kept = [t for t in existing if any(t is o for o in ordered)]
    if isinstance(tables, AoT) and all(a is b for a, b in zip(kept, ordered)):
        # Scenarios deleted and/or added at the end, none moved: edit the tables in place.
        for index in reversed(range(len(existing))):
            if not any(existing[index] is k for k in kept):
                del tables[index]
        for table in ordered[len(kept):]:
            tables.append(table)
        return
    # Reordered: the same tables (comments inside them kept) in the new order.
    if "scenario" in document:
        del document["scenario"]
    if ordered:
        array = tomlkit.aot()
        for table in ordered:
            array.append(table)
        document["scenario"] = array
