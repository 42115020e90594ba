"""Waiting for what a test needs to see, not for a fixed time: a fixed pause is too long on
an idle machine and too short on a loaded one."""

from __future__ import annotations

import time
from collections.abc import Callable


async def until(pilot, condition: Callable[[], object], what: str, timeout: float = 15) -> None:
    """Let the app run until `condition()` is true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(0.02)


def settled_screen(capture: Callable[[], str], fragment: str, timeout: float = 15,
                   settle: float = 2) -> str:
    """A terminal's text (`capture()`, e.g. tmux capture-pane) once it shows `fragment` and
    has stopped changing: a screen is painted in parts, so the row a test reads next may
    still be on its way when the first one shows. Returns the last capture (which lacks
    `fragment` only after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    text = capture()
    while fragment not in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text = capture()
    if fragment not in text:
        return text
    calm_until = min(deadline, time.monotonic() + settle)  # a screen that keeps changing: stop waiting
    while time.monotonic() < calm_until:
        time.sleep(0.05)
        again = capture()
        if again == text:
            return text
        text = again
    return text
