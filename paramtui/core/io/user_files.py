"""Reading and writing the user's own files without surprises.

A save writes what a symlink points at (the link stays a link), refuses a read-only file,
a FIFO or a device with a one-line reason, notices that the file changed on disk since it
was read (`FileStamp`), and is atomic: the new text goes to a temp file beside the target,
is fsynced, renamed over the target, and the directory is fsynced so the rename survives a
power cut. The temp file is removed on any failure, and one left by a killed paramtui
(`.NAME.paramtui-PID.tmp`, PID no longer running) is removed by the next save there.

Reading refuses anything but a regular file before opening it, so a FIFO or a terminal
given as an input is one line instead of a read that never returns.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from paramtui.core.errors import UserError


class FileChangedError(UserError):
    """The file on disk is no longer the one that was read: saving would lose those changes."""


class FileExistsUserError(UserError):
    """The file exists and the caller asked not to replace it."""


@dataclass(frozen=True)
class FileStamp:
    """What a file looked like when read or written: enough to notice another writer."""

    mtime_ns: int
    size: int
    sha256: str

    def same_content(self, other: FileStamp) -> bool:
        # A touch (new mtime, same bytes) is not a change worth asking about.
        return self.size == other.size and self.sha256 == other.sha256


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _kind_of(mode: int) -> str | None:
    """None for a regular file; otherwise what it is, in words."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_user_file(path: str | os.PathLike, what: str = "file") -> tuple[str, FileStamp]:
    """The UTF-8 text of a regular file and its stamp; anything else is one UserError line.

    `what` names the expected content in messages ("TOML session", "config.json").
    """
    path = Path(path)
    try:
        kind = _kind_of(os.stat(path).st_mode)
        if kind is not None:
            raise UserError(f"{path}: is {kind}, not a {what} file")
        # O_NONBLOCK: should a FIFO appear between stat and open, open still returns at once.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            kind = _kind_of(info.st_mode)
            if kind is not None:
                raise UserError(f"{path}: is {kind}, not a {what} file")
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read: {e.strerror or e}") from None
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a text file (expected a {what})") from None
    return text, FileStamp(info.st_mtime_ns, info.st_size, _digest(data))


def current_stamp(path: str | os.PathLike) -> FileStamp | None:
    """The stamp of the file as it is on disk now (following links); None if it is gone."""
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            data = f.read()
    except OSError:
        return None
    return FileStamp(info.st_mtime_ns, info.st_size, _digest(data))


# ---------------------------------------------------------------- writing

_TEMP_SUFFIX = ".tmp"
# Writes in this process go one at a time (re-entrant: a SIGHUP handler may write the
# autosave while the main thread is inside a save).
_WRITE_LOCK = threading.RLock()


def _temp_name(name: str, pid: int) -> str:
    return f".{name}.paramtui-{pid}{_TEMP_SUFFIX}"


def pid_running(pid: int) -> bool:
    """Whether process `pid` may still run on this machine (when unsure: yes, so nothing of a
    live process is removed or taken over)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, another user's
        return True
    return True


def remove_stale_temps(target: Path) -> None:
    """Remove temp files of saves to `target` whose paramtui is no longer running (killed mid-save)."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.paramtui-(\d+){re.escape(_TEMP_SUFFIX)}$")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        found = pattern.match(name)
        if found and not pid_running(int(found.group(1))):
            try:
                os.unlink(target.parent / name)
            except OSError:
                pass


def resolve_link(path: str | os.PathLike) -> Path:
    """The file a save should write: the final target of a symlink (which may not exist yet)."""
    path = Path(path).expanduser()
    try:
        return Path(os.path.realpath(path, strict=False))
    except OSError as e:  # a symlink loop on some platforms
        raise UserError(f"{path}: cannot save: {e.strerror or e}") from None


def _is_read_only(info: os.stat_result, target: Path) -> bool:
    # No write bit at all means the user made it read-only, even when we could write it
    # anyway (as root); otherwise ask the system.
    return not (info.st_mode & 0o222) or not os.access(target, os.W_OK)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # not possible on this platform (Windows): the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_user_file(path: str | os.PathLike, text: str, *, expected: FileStamp | None = None,
                    replace: bool = True) -> FileStamp:
    """Write `text` to `path` atomically and safely (see the module doc); returns the new stamp.

    expected: the stamp from when the file was read; if the file's content has changed since,
      FileChangedError is raised and nothing is written (the caller asks the user).
    replace: False refuses an existing file with FileExistsUserError.
    Other problems (read-only, not a regular file, no such folder, disk full) are UserErrors.
    """
    shown = Path(path)
    target = resolve_link(path)
    data = text.encode("utf-8")
    with _WRITE_LOCK:
        try:
            info = os.stat(target)
        except FileNotFoundError:
            info = None
        except OSError as e:
            raise UserError(f"{shown}: cannot save: {e.strerror or e}") from None
        if info is not None:
            kind = _kind_of(info.st_mode)
            if kind is not None:
                raise UserError(f"{shown}: is {kind}; give a file name")
            if not replace:
                raise FileExistsUserError(f"{shown}: already exists")
            if _is_read_only(info, target):
                raise UserError(f"{shown}: the file is read-only; not saved (save under another name)")
            if expected is not None:
                now = current_stamp(target)
                if now is not None and not now.same_content(expected):
                    raise FileChangedError(f"{shown}: changed on disk since it was opened")
        elif not target.parent.is_dir():
            raise UserError(f"{shown}: cannot save: the folder {target.parent} does not exist")

        remove_stale_temps(target)
        temp = target.parent / _temp_name(target.name, os.getpid())
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fchmod(fd, stat.S_IMODE(info.st_mode) if info is not None else 0o644)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, target)
        except BaseException as e:
            try:
                os.unlink(temp)
            except OSError:
                pass
            if isinstance(e, OSError):
                raise UserError(f"{shown}: cannot save: {e.strerror or e}") from None
            raise
        _fsync_directory(target.parent)
        written = os.stat(target)
    return FileStamp(written.st_mtime_ns, written.st_size, _digest(data))
