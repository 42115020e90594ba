"""Start-up: the first screen needs no pydantic; the validators are built right after it."""

import os
import subprocess
import sys


def _fresh_python(code: str, **env: str) -> list[str]:
    """Run `code` in a new interpreter (this one has imported pydantic long ago)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ | env, check=True)
    return out.stdout.split()


FIRST_SCREEN_THEN_VALIDATORS = """
import asyncio, sys, threading
from paramtui.tui import startup
from paramtui.tui.app import ParamApp
from paramtui.core import validation

painted = startup.first_screen_painted
def first_screen_painted():
    first = painted()
    if first:
        print("pydantic-at-first-screen", "pydantic" in sys.modules)
    return first
startup.first_screen_painted = first_screen_painted

threads = []
start_thread = threading.Thread.start
def start(thread):
    threads.append(thread)
    start_thread(thread)
threading.Thread.start = start

async def drive(pilot):
    while not threads:  # the validators are built a moment after the first screen
        await asyncio.sleep(0.05)
    threads[0].join()
    print(threads[0].name, len(validation._ADAPTERS))
    pilot.app.exit()

ParamApp(restore_autosave=False, autosave=False).run(headless=True, size=(80, 24), auto_pilot=drive)
"""


def test_first_screen_without_pydantic_then_validators_built_in_the_background(tmp_path):
    # The demo's first screen needs no validation; the validators of what the user edits
    # (session, scenario, architecture) are built right after it, off the event loop.
    out = _fresh_python(FIRST_SCREEN_THEN_VALIDATORS, XDG_STATE_HOME=str(tmp_path / "state"),
                        XDG_CONFIG_HOME=str(tmp_path / "config"))
    assert out == ["pydantic-at-first-screen", "False", "paramtui-prepare-validation", "3"]
