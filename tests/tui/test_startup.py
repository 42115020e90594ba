"""Start-up: what paramtui changes in the process while it starts, and that it gives it back."""

import gc
import os
import subprocess
import sys

from paramtui.tui import startup


def test_pydantic_plugins_off_unless_the_user_says(monkeypatch):
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    startup.skip_pydantic_plugin_lookup()
    from pydantic.plugin._loader import get_plugins

    assert tuple(get_plugins()) == ()
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some_plugin")
    startup.skip_pydantic_plugin_lookup()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "some_plugin"  # the user's choice is kept


def test_collections_held_while_starting_then_given_back():
    startup.release()  # whatever an earlier import of the app held
    default = gc.get_threshold()
    startup.hold()
    assert gc.get_threshold()[0] >= startup.START_THRESHOLD
    startup.hold()  # a second hold changes nothing
    assert startup.release() is True
    assert gc.get_threshold() == default
    assert startup.release() is False  # nor does a second release
    assert gc.get_threshold() == default
    gc.unfreeze()


def _fresh_python(code: str, **env: str) -> list[str]:
    """Run `code` in a new interpreter (this one has imported pydantic's plugin loader long ago)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"} | env
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    return out.stdout.split()


ESTIMATE_THE_DEMO = (
    "import sys; from paramtui.tui import startup; startup.hold(); "
    "from paramtui.tui.demo import demo_session; from paramtui.core.result.estimate import estimate; "
    "from paramtui.core.inputs.session import Session; from paramtui.core.validation import as_data, validate; "
    "demo = validate(Session, as_data(demo_session())); "
    "print(estimate(demo.scenarios[0]).params.total); "
    "print('importlib.metadata' in sys.modules); "
)


def test_with_plugins_off_validation_reads_no_package_metadata():
    # The session validates and the estimate is computed, without pydantic's plugin loader
    # importing importlib.metadata; the loader's other names are still pydantic's own.
    out = _fresh_python(ESTIMATE_THE_DEMO + "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP as g; print(g)")
    assert out == ["8030261248", "False", "pydantic"]


def test_a_user_naming_plugins_to_skip_gets_pydantics_own_lookup():
    out = _fresh_python(ESTIMATE_THE_DEMO, PYDANTIC_DISABLE_PLUGINS="some_plugin")
    assert out == ["8030261248", "True"]


FIRST_SCREEN_THEN_VALIDATORS = """
import asyncio, sys, threading
from paramtui.tui import startup
from paramtui.tui.app import ParamApp
from paramtui.core import validation

released = startup.release
def release():
    first = released()
    if first:
        print("pydantic-at-first-screen", "pydantic" in sys.modules)
    return first
startup.release = release

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
