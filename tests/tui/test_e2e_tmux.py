"""End to end: the real `paramtui` console script in a real terminal (tmux) at 80×24.

Checks what a user sees and does over SSH: the first screen, a keyboard edit, quitting,
and an SSH drop (tmux kills the pane's process group with SIGHUP) followed by a restart
that offers to restore the unsaved work. Fails, saying so, when tmux is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.tmux_server import stop_server
from tests.waits import settled_screen


def paramtui_command() -> str:
    script = Path(sys.executable).parent / "paramtui"
    return str(script) if script.exists() else f"{sys.executable} -m paramtui"


class Tmux:
    """One tmux server of our own (-L), so the test never touches anyone else's sessions."""

    def __init__(self, tmp_path: Path, term: str) -> None:
        self.socket = f"paramtui-test-{uuid.uuid4().hex[:8]}"
        self.home = tmp_path / "home"
        self.term = term

    def run(self, *args: str, check: bool = True) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=check).stdout

    def start(self, name: str, args: str = "") -> None:
        env = " ".join(f"{v}={self.home / v.lower()}" for v in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"))
        command = f"env -u NO_COLOR {env} TERM={self.term} {paramtui_command()} {args}"
        self.run("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name, check=False)

    def wait_for(self, name: str, text: str, timeout: float = 40) -> str:
        shown = settled_screen(lambda: self.screen(name), text, timeout)
        if text not in shown:
            raise AssertionError(f"{text!r} did not appear; the screen shows:\n{shown}")
        return shown

    def keys(self, name: str, *keys: str) -> None:
        self.run("send-keys", "-t", name, *keys)

    def alive(self, name: str) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", name],
                              capture_output=True).returncode == 0

    def close(self) -> None:
        stop_server(self.socket)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(params=["xterm-256color", "screen-256color"])
def tmux(request, tmp_path, require_tmux):
    t = Tmux(tmp_path, request.param)
    yield t
    t.close()


def test_first_screen_edit_ssh_drop_restore_and_quit_at_80x24(tmux):
    """A user's session over SSH in one flow: the first screen, an edit, the connection
    dropping, a restart that offers the unsaved work back, and a clean quit."""
    tmux.start("app")
    tmux.wait_for("app", "Parameters")
    text = tmux.wait_for("app", "✓ fits")
    lines = text.splitlines()
    assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
    assert "▸1 Calculator◂" in text and "paramtui demo" in text
    assert "Precision" in text and "bf16" in text
    assert "Inference" in text and "✓ fits" in text  # the verdict in words, not colour alone
    assert "^s Save" in text and "^q Quit" in text  # the footer shows the keys that matter
    # Focus starts on Model; ↓ to Precision, → steps to the next precision, and the results follow.
    tmux.keys("app", "Down", "Right")
    text = tmux.wait_for("app", "FP16")
    assert "● modified" in text
    # The connection drops: tmux hangs up the pane's process (SIGHUP). The tmux server stays
    # up without sessions and reaps the process at once, as sshd does after a drop (a server
    # that exited would leave it a zombie, "running", until PID 1 got round to it).
    tmux.run("set-option", "-s", "exit-empty", "off")
    tmux.run("kill-session", "-t", "app")
    autosaves = tmux.home / "xdg_state_home" / "paramtui" / "autosave"
    deadline = time.monotonic() + 10
    def saved() -> list[Path]:
        return sorted(autosaves.glob("session-*.json")) if autosaves.exists() else []

    while not saved() and time.monotonic() < deadline:
        time.sleep(0.1)
    files = saved()
    assert files
    # The hung-up process is gone (its autosave is now an orphan) before the user reconnects.
    pid = int(files[0].stem.rsplit("-", 1)[1])  # session-<host>-<pid>.json
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)
    # The restart offers the unsaved work back; r restores it.
    tmux.start("again")
    text = tmux.wait_for("again", "Restore unsaved work?")
    assert "did not quit cleanly" in text
    tmux.keys("again", "r")
    text = tmux.wait_for("again", "FP16")
    assert "● modified" in text
    # ctrl+q with unsaved changes asks; "d" quits without saving.
    tmux.keys("again", "C-q")
    tmux.wait_for("again", "Unsaved changes")
    tmux.keys("again", "d")
    deadline = time.monotonic() + 20
    while tmux.alive("again") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not tmux.alive("again")
    # A clean quit leaves nothing: neither its own autosave nor the orphan it restored.
    assert not autosaves.exists() or not any(autosaves.iterdir())
