"""Running the real `paramtui` in tmux at 80×24, as a user over SSH would (shared by the screen tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.notices import record_notices  # noqa: F401  (autouse: tests read what the app notified)
from tests.tmux_server import stop_server
from tests.waits import settled_screen


@pytest.fixture(autouse=True)
def _no_detected_gpu(monkeypatch):
    """Screens look the same on any machine: no GPU of the machine running the tests is
    offered as the `local` target (test_local_target_tui.py offers one on purpose)."""
    from paramtui.core.inputs import local_machine

    monkeypatch.setattr(local_machine, "detected_gpu_target", lambda: None)


@pytest.fixture
def require_tmux() -> None:
    """The terminal tests need tmux (CI installs it): without it they fail, saying so."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: the tests that run paramtui in a real terminal need it "
                    "(apt-get install tmux)", pytrace=False)


class TmuxApp:
    """`python -m paramtui SESSION` in a private tmux server, with a throwaway home."""

    def __init__(self, tmp_path, session_toml: str, *, no_color: bool = False) -> None:
        self.socket = f"paramtui-test-{os.getpid()}-{id(self)}"
        session_file = tmp_path / "s.toml"
        session_file.write_text(session_toml)
        home = tmp_path / "home"
        env = " ".join(f"{v}={home / v.lower()}" for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"))
        colour = " NO_COLOR=1" if no_color else ""
        command = f"env {env} HOME={home}{colour} {sys.executable} -m paramtui {session_file}"
        self._tmux("new-session", "-d", "-s", "app", "-x", "80", "-y", "24", command)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              check=True).stdout

    def text(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "app")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "app", *keys)

    def wait_for(self, fragment: str, timeout: float = 15) -> str:
        """The screen once it shows `fragment` and is fully painted (or after `timeout` seconds)."""
        return settled_screen(self.text, fragment, timeout)

    def open_screen(self, key: str, fragment: str) -> str:
        """From the first screen press `key` (a screen's number) and return the screen once it
        shows `fragment`, checked to fit 80×24."""
        self.wait_for("Calculator", timeout=30)
        self.keys("Escape")  # leave the focused field, so the digit switches screens
        # An escape followed at once by a digit reads as alt+digit: the app tells them apart by
        # time (Textual's ESCDELAY, 100 ms), so this one wait is a time, not a condition.
        time.sleep(0.3)
        self.keys(key)
        text = self.wait_for(fragment)
        lines = text.splitlines()
        assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
        return text

    def close(self) -> None:
        stop_server(self.socket)


@pytest.fixture
def tmux_app(tmp_path, require_tmux):
    """Start the app on a session's TOML: `tmux_app(toml, no_color=...)`; killed after the test."""
    started: list[TmuxApp] = []

    def start(session_toml: str, **kwargs) -> TmuxApp:
        started.append(TmuxApp(tmp_path, session_toml, **kwargs))
        return started[-1]

    yield start
    for app in started:
        app.close()
