"""Start-up: what paramtui changes in the process while it starts, and that it gives it back."""

import gc
import os

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
