"""`paramtui export` and the CLI's inputs treat the user's files with care."""

from __future__ import annotations

import os

import pytest

from paramtui.cli import main
from paramtui.core.inputs.session import save_session
from paramtui.tui.demo import demo_session


@pytest.fixture
def session_file(tmp_path):
    path = tmp_path / "s.toml"
    save_session(demo_session(), path)
    return path


def test_export_refuses_to_replace_a_file_without_force(session_file, tmp_path, capsys):
    out = tmp_path / "table.csv"
    out.write_bytes(b"my own numbers\n")
    assert main(["export", str(session_file), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"paramtui: {out}: already exists; add --force to replace it\n"
    assert out.read_bytes() == b"my own numbers\n"

    assert main(["export", str(session_file), "-o", str(out), "--force"]) == 0
    assert "my own numbers" not in out.read_text() and "Llama 3.1 8B" in out.read_text()


def test_export_writes_through_a_symlink(session_file, tmp_path):
    real = tmp_path / "reports" / "table.md"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    assert main(["export", str(session_file), "-o", str(link), "--force"]) == 0
    assert link.is_symlink() and "| Llama 3.1 8B" in real.read_text()


def test_export_refuses_a_read_only_file_even_with_force(session_file, tmp_path, capsys):
    out = tmp_path / "table.csv"
    out.write_text("keep")
    out.chmod(0o444)
    assert main(["export", str(session_file), "-o", str(out), "--force"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert out.read_text() == "keep"


@pytest.mark.parametrize("argv", [
    ["export", "{fifo}", "-o", "{out}"],
    ["estimate", "--config", "{fifo}"],
    ["{fifo}"],  # the TUI's session argument: refused before the app starts
])
def test_a_fifo_given_as_input_is_one_line_not_a_hang(tmp_path, capsys, argv):
    fifo = tmp_path / "in.toml"
    os.mkfifo(fifo)
    args = [a.format(fifo=fifo, out=tmp_path / "t.csv") for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{fifo}: is a FIFO (named pipe)" in err
