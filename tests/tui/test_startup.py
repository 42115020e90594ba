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
    startup.release()
    assert gc.get_threshold() == default
    startup.release()  # nor does a second release
    assert gc.get_threshold() == default
    gc.unfreeze()


def _fresh_python(code: str, **env: str) -> list[str]:
    """Run `code` in a new interpreter (this one has imported pydantic's plugin loader long ago)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"} | env
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    return out.stdout.split()


ESTIMATE_THE_DEMO = (
    "import sys; from paramtui.tui import startup; startup.hold(); "
    "from paramtui.tui.demo import demo_session; from paramtui.core.estimate import estimate; "
    "print(estimate(demo_session().scenarios[0]).params.total); "
    "print('importlib.metadata' in sys.modules); "
)


def test_with_plugins_off_start_up_reads_no_package_metadata():
    # The models validate and the estimate is computed, without pydantic's plugin loader
    # importing importlib.metadata; the loader's other names are still pydantic's own.
    out = _fresh_python(ESTIMATE_THE_DEMO + "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP as g; print(g)")
    assert out == ["8030261248", "False", "pydantic"]


def test_a_user_naming_plugins_to_skip_gets_pydantics_own_lookup():
    out = _fresh_python(ESTIMATE_THE_DEMO, PYDANTIC_DISABLE_PLUGINS="some_plugin")
    assert out == ["8030261248", "True"]
