"""The user's files are theirs: saves follow links, respect read-only files and other writers,
leave no temp files, and inputs that are not regular files are refused without blocking."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest

from paramtui.core.errors import UserError
from paramtui.core.io.user_files import (
    FileChangedError, FileExistsUserError, read_user_file, write_user_file,
)


def files_in(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real" / "s.toml"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(os.path.relpath(real, tmp_path))
    write_user_file(link, "new")
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "s.toml")
    assert real.read_text() == "new"
    assert files_in(real.parent) == ["s.toml"] and files_in(tmp_path) == ["link.toml", "real"]


def test_a_read_only_file_is_refused_in_one_line_and_left_as_it_was(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(b"keep me\n")
    path.chmod(0o444)
    with pytest.raises(UserError) as e:
        write_user_file(path, "new")
    assert "read-only" in str(e.value) and "\n" not in str(e.value)
    assert path.read_bytes() == b"keep me\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert files_in(tmp_path) == ["s.toml"]


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("mine")
    _text, stamp = read_user_file(path)
    path.write_text("theirs, saved by another program")
    with pytest.raises(FileChangedError, match="changed on disk"):
        write_user_file(path, "mine, edited", expected=stamp)
    assert path.read_text() == "theirs, saved by another program"
    # Asked and answered "overwrite": the caller saves without the stamp.
    write_user_file(path, "mine, edited")
    assert path.read_text() == "mine, edited"


def test_a_touched_file_with_the_same_bytes_is_not_a_change(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("same")
    _text, stamp = read_user_file(path)
    os.utime(path, ns=(stamp.mtime_ns + 5_000_000_000,) * 2)
    new_stamp = write_user_file(path, "edited", expected=stamp)
    assert path.read_text() == "edited"
    # The stamp a save returns is the one the next save checks against.
    assert write_user_file(path, "again", expected=new_stamp) and path.read_text() == "again"


def test_a_failed_write_removes_its_temp_file_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    path.write_text("old")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(UserError) as e:
        write_user_file(path, "new")
    assert str(e.value) == f"{path}: cannot save: No space left on device"
    assert path.read_text() == "old" and files_in(tmp_path) == ["s.toml"]


def test_a_temp_file_left_by_a_killed_save_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("old")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".s.toml.paramtui-{int(dead.stdout)}.tmp"
    stale.write_text("half a save")
    alive = tmp_path / f".s.toml.paramtui-{os.getppid()}.tmp"  # another paramtui, still saving
    alive.write_text("in progress")
    write_user_file(path, "new")
    assert files_in(tmp_path) == sorted([alive.name, "s.toml"])


def test_the_file_and_its_directory_are_fsynced(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def record(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", record)
    write_user_file(tmp_path / "s.toml", "new")
    assert synced == [False, True]  # the data, then the rename in the directory


def test_replace_false_refuses_an_existing_file(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("old")
    with pytest.raises(FileExistsUserError, match="already exists"):
        write_user_file(path, "new", replace=False)
    assert path.read_text() == "old"
    write_user_file(tmp_path / "fresh.csv", "new", replace=False)
    assert (tmp_path / "fresh.csv").read_text() == "new"


def test_new_files_are_readable_and_existing_ones_keep_their_mode(tmp_path):
    fresh = tmp_path / "fresh.toml"
    write_user_file(fresh, "x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    private = tmp_path / "private.toml"
    private.write_text("x")
    private.chmod(0o600)
    write_user_file(private, "y")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def _finishes(call, seconds: float = 5.0):
    """Run `call` on a thread; the exception it raised, or a failure if it is still blocked."""
    outcome = {}

    def run():
        try:
            call()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            outcome["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked reading a FIFO"
    return outcome.get("error")


def test_a_fifo_as_input_is_one_line_and_never_blocks(tmp_path):
    fifo = tmp_path / "session.toml"
    os.mkfifo(fifo)
    error = _finishes(lambda: read_user_file(fifo, "TOML session"))
    assert isinstance(error, UserError)
    assert str(error) == f"{fifo}: is a FIFO (named pipe), not a TOML session file"


def test_a_device_as_input_is_refused():
    with pytest.raises(UserError, match="is a device"):
        read_user_file("/dev/zero", "config.json")


def test_saving_onto_a_fifo_or_a_directory_is_refused(tmp_path):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    error = _finishes(lambda: write_user_file(fifo, "x"))
    assert isinstance(error, UserError) and "FIFO" in str(error)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(UserError, match="is a directory"):
        write_user_file(tmp_path, "x")


def test_a_symlink_loop_is_one_line(tmp_path):
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    with pytest.raises(UserError) as e:
        read_user_file(loop)
    assert str(e.value).startswith(f"{loop}: cannot read") and "\n" not in str(e.value)
