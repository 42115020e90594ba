"""Autosave: every unsaved change is also written to the platform state dir.

Each running paramtui writes its own file, `autosave/session-<host>-<pid>.json` under
`paramtui.core.io.resources.user_state_dir()`, holding the session as TOML plus the file it
came from and the focused scenario. A clean quit (or a save, or undoing back to the saved
state) removes it. A file whose process is gone (SSH drop, SIGHUP, crash, kill) is an
orphan: the next start offers to restore it. Two paramtui windows never clobber each
other's autosave, and a file from another machine sharing the home directory is left to
that machine.

Writes happen on a background thread (latest state wins) so that a slow or network home
directory never delays a keystroke; `flush()` writes synchronously, for SIGHUP. When the
file cannot be written, `on_failure` is called once with the reason (not on every
keystroke); after a write succeeds again, a later failure is reported again.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from textual.message import Message

from paramtui.core.errors import UserError
from paramtui.core.io import resources
from paramtui.core.io.user_files import pid_running, write_user_file
from paramtui.core.inputs.session import Session, parse_session, session_to_toml

_PREFIX = "session-"


class AutosaveFailed(Message):
    """The autosave could not be written (posted once per run of failures)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def autosave_dir() -> Path:
    return resources.user_state_dir() / "autosave"


def _host() -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in socket.gethostname()) or "host"


@dataclass(frozen=True)
class AutosaveRecord:
    """An autosave found on disk, left behind by a paramtui that did not quit cleanly."""

    file: Path
    session_toml: str
    source_path: str | None  # the session file it was editing, if any
    current_id: str | None
    saved_at: float  # time.time() of the last write
    title: str
    scenario_count: int

    def load(self) -> Session:
        """The saved session; a UserError if the file was damaged."""
        return parse_session(self.session_toml, str(self.file))

    def discard(self) -> None:
        try:
            self.file.unlink()
        except FileNotFoundError:
            pass

    @property
    def age_text(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))


def _read_record(path: Path) -> AutosaveRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        text = data["session"]
        return AutosaveRecord(
            file=path, session_toml=text, source_path=data.get("path"), current_id=data.get("current"),
            saved_at=float(data.get("saved_at", path.stat().st_mtime)), title=str(data.get("title", "")),
            scenario_count=int(data.get("scenarios", 0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def find_orphans(directory: Path | None = None) -> list[AutosaveRecord]:
    """Autosaves of this machine whose process is gone, newest first."""
    directory = directory or autosave_dir()
    if not directory.is_dir():
        return []
    prefix = f"{_PREFIX}{_host()}-"
    found = []
    for path in directory.glob(f"{prefix}*.json"):
        try:
            pid = int(path.stem[len(prefix):])
        except ValueError:
            continue
        if pid_running(pid):
            continue
        record = _read_record(path)
        if record is not None:
            found.append(record)
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class Autosaver:
    """Writes this process's autosave; `schedule` is cheap and returns at once."""

    def __init__(self, directory: Path | None = None,
                 on_failure: Callable[[str], None] | None = None) -> None:
        self.directory = directory or autosave_dir()
        # Called on the writing thread (the autosave thread, or the caller of flush()).
        self.on_failure = on_failure
        self.file = self.directory / f"{_PREFIX}{_host()}-{os.getpid()}.json"
        # Re-entrant: the SIGHUP handler may run on the main thread while it holds a lock.
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._write_lock = threading.RLock()  # one write (or delete) of the file at a time
        # (sequence, what makes the JSON text) waiting to be written: the text is made on the
        # writing thread, so that a large session (10k scenarios: ~0.5 s of TOML) never holds
        # up the key that changed it.
        self._pending: tuple[int, Callable[[], str]] | None = None
        self._seq = 0  # bumped per scheduled state: an older state never overwrites a newer one
        self._written = 0
        self._generation = 0  # bumped by clear(): a state scheduled before it is dropped
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    @staticmethod
    def _document(session: Session, source_path: str | None, current_id: str | None) -> str:
        return json.dumps({
            "version": 1, "saved_at": time.time(), "path": source_path, "current": current_id,
            "title": session.title, "scenarios": len(session.scenarios),
            "session": session_to_toml(session),
        }, indent=1)

    def schedule(self, session: Session, source_path: str | None, current_id: str | None) -> None:
        with self._lock:
            self._seq += 1
            self._pending = (self._seq, lambda: self._document(session, source_path, current_id))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="paramtui-autosave", daemon=True)
                self._thread.start()
            self._wake.notify()

    def write_now(self, session: Session, source_path: str | None, current_id: str | None) -> None:
        with self._lock:
            self._seq += 1
            self._pending = (self._seq, lambda: self._document(session, source_path, current_id))
        self.flush()

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._pending is None:
                    if not self._wake.wait(timeout=30):
                        self._thread = None
                        return
                (seq, make_text), generation = self._pending, self._generation
                self._pending = None
            self._write(seq, make_text, generation)

    def _write(self, seq: int, make_text: Callable[[], str], generation: int) -> None:
        with self._write_lock:
            if generation != self._generation or seq <= self._written:
                return
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                write_user_file(self.file, make_text())
            except OSError as e:
                self._failed(f"{self.file}: {e.strerror or e}")
            except UserError as e:
                self._failed(str(e))
            else:
                self._written = seq
                self.last_error = None

    def _failed(self, reason: str) -> None:
        first = self.last_error is None
        self.last_error = reason
        if first and self.on_failure is not None:
            self.on_failure(reason)

    def flush(self) -> None:
        """Write any pending state now, on this thread (SIGHUP handler, exit, tests)."""
        with self._lock:
            pending, generation = self._pending, self._generation
            self._pending = None
        if pending is not None:
            self._write(*pending, generation)

    def clear(self) -> None:
        """Forget pending work and remove the file: the session is saved, or the user quit cleanly."""
        with self._lock:
            self._pending = None
            self._generation += 1
        with self._write_lock:
            try:
                self.file.unlink()
            except OSError:
                pass

    @property
    def exists(self) -> bool:
        return self.file.exists()
