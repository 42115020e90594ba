"""Start-up: what paramtui changes in the process while it starts, and that it gives it back."""

import gc
import inspect
import re
import sys

from paramtui.tui import startup


def test_pydantic_finds_no_plugins_without_reading_package_metadata():
    startup.skip_pydantic_plugin_lookup()
    loader = sys.modules["pydantic.plugin._loader"]
    if not isinstance(loader, startup._NoPydanticPlugins):
        return  # pydantic's loader was imported before paramtui started: nothing was changed
    assert loader.get_plugins() == ()
    # Any other name comes from pydantic's own module.
    assert loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"


def test_pydantic_asks_its_loader_only_for_get_plugins():
    # The stand-in answers get_plugins itself; anything else costs the lookup it avoids.
    from pydantic.plugin import _schema_validator

    imports = re.findall(r"from \._loader import ([\w, ]+)", inspect.getsource(_schema_validator))
    assert imports and all(names.strip() == "get_plugins" for names in imports)


def test_models_validate_with_the_stand_in():
    startup.skip_pydantic_plugin_lookup()
    from paramtui.core.scenario import Scenario

    scenario = Scenario(id="s", model="llama-3.1-8b", inference={"batch": 2})
    assert scenario.inference.batch == 2


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
