"""Start-up without garbage collection pauses, and without looking for pydantic plugins.

Importing Textual, pydantic and the core, and building the first screen, allocate a few
hundred thousand objects that live for the whole run (modules, classes, pydantic
validators, widgets). With Python's default thresholds that triggers ~200 collections
that find almost nothing (~5,000 unreachable objects), a tenth of start-up. So the
collector waits while the app starts (`hold`), and once the first screen is painted
(`release`) everything alive is frozen: later collections never scan the start-up
objects again, which also keeps them short while the user types.

Pydantic looks for plugins (packages declaring a `pydantic` entry point) when it builds its
first model: that reads the metadata of every installed package. The TUI's models are paramtui's own and it uses
no plugins, so `hold` sets pydantic's own `PYDANTIC_DISABLE_PLUGINS` unless the user set it.
With plugins off, pydantic's plugin loader still imports `importlib.metadata` (and with it
`email`, `zipfile`, `csv`, …) only to not call it: about 6% of paramtui's start-up on top of
Textual's. So while every plugin is off, the loader's one function, `get_plugins()`, is
given its answer for that case (no plugins) without importing it; anything else asked of
the loader module imports the real one.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import types

# Young objects allowed before a collection while starting (Python's default is 700).
START_THRESHOLD = 200_000

_saved: tuple[int, int, int] | None = None


# pydantic's plugin loader (pydantic/plugin/_loader.py) and the values of
# PYDANTIC_DISABLE_PLUGINS for which its get_plugins() returns no plugins without looking.
PLUGIN_LOADER = "pydantic.plugin._loader"
ALL_PLUGINS_OFF = ("__all__", "1", "true")


def skip_pydantic_plugin_lookup() -> None:
    """Before pydantic builds a model: no scan for plugins, through pydantic's documented switch
    `PYDANTIC_DISABLE_PLUGINS` (pydantic docs, "Plugins"); a value the user set is kept."""
    if os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__") in ALL_PLUGINS_OFF:
        _answer_no_plugins()


def _answer_no_plugins() -> None:
    """Stand in for pydantic's plugin loader while every plugin is off (see the module's docs)."""
    if PLUGIN_LOADER in sys.modules:
        return

    def get_plugins():
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ALL_PLUGINS_OFF:
            return ()
        return _real_loader().get_plugins()  # switched back on since: pydantic's own answer

    def __getattr__(name: str):
        if name.startswith("__"):  # the import system asking what kind of module this is
            raise AttributeError(name)
        return getattr(_real_loader(), name)

    stand_in = types.ModuleType(PLUGIN_LOADER, "Stands in for pydantic's plugin loader while plugins are off.")
    stand_in.get_plugins = get_plugins
    stand_in.__getattr__ = __getattr__
    sys.modules[PLUGIN_LOADER] = stand_in
    _STAND_IN.append(stand_in)


_STAND_IN: list[types.ModuleType] = []


def _real_loader() -> types.ModuleType:
    module = sys.modules.get(PLUGIN_LOADER)
    if module is None or module in _STAND_IN:
        sys.modules.pop(PLUGIN_LOADER, None)
        module = importlib.import_module(PLUGIN_LOADER)
    return module


def hold() -> None:
    """Hold collections until `release()`; repeated calls are harmless."""
    global _saved
    skip_pydantic_plugin_lookup()
    if _saved is None:
        _saved = gc.get_threshold()
        gc.set_threshold(max(_saved[0], START_THRESHOLD), _saved[1], _saved[2])


def release() -> None:
    """Freeze what start-up built and restore the usual thresholds (once; later calls do nothing)."""
    global _saved
    if _saved is not None:
        gc.freeze()
        gc.set_threshold(*_saved)
        _saved = None
