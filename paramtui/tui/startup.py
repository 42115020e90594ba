"""Start-up without garbage collection pauses and without pydantic, which comes right after.

Importing Textual and the core, and building the first screen, allocate a few hundred
thousand objects that live for the whole run (modules, classes, widgets). With Python's
default thresholds that triggers collections that find almost nothing. So the collector
waits while the app starts (`hold`), and once the first screen is painted (`release`)
everything alive is frozen: later collections never scan the start-up objects again, which
also keeps them short while the user types.

The first screen validates nothing (the demo session, the shipped catalog and targets are
ours, built directly: see `paramtui.core.validation`), so pydantic is not imported while
starting. `release` then builds, in a thread, the validators of what the user edits, so the
first edit does not wait for them.

Pydantic looks for plugins (packages declaring a `pydantic` entry point) when it builds its
first validator: that reads the metadata of every installed package. paramtui uses no
plugins, so `hold` sets pydantic's own `PYDANTIC_DISABLE_PLUGINS` unless the user set it.
With plugins off, pydantic's plugin loader still imports `importlib.metadata` (and with it
`email`, `zipfile`, `csv`, …) only to not call it. So while every plugin is off, the
loader's one function, `get_plugins()`, is given its answer for that case (no plugins)
without importing it; anything else asked of the loader module imports the real one.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
import threading
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


def release() -> bool:
    """Freeze what start-up built and restore the usual thresholds. True the one time it
    does so; later calls do nothing and return False."""
    global _saved
    if _saved is None:
        return False
    gc.freeze()
    gc.set_threshold(*_saved)
    _saved = None
    return True


# After the first screen is painted, Textual still lays it out a few times (~50 ms); the
# validators are built once that is over, not in competition with it for the interpreter.
PREPARE_AFTER_S = 0.5
# How long quitting waits for the validators being built (it never has to in practice:
# building them takes a fraction of a second).
PREPARE_JOIN_S = 5.0


def prepare_validation_in_background() -> None:
    """Import pydantic and build the validators of what the user edits (a session, a scenario,
    an architecture) in a thread: none of it was needed for the first screen, and the first
    edit then does not wait for it. Keys typed meanwhile are answered (the thread gives up
    the interpreter between steps); an edit that comes first builds what it needs itself."""
    thread = threading.Thread(target=prepare_validation, name="paramtui-prepare-validation", daemon=True)
    thread.start()
    # Not left half-way through an import when the interpreter shuts down.
    atexit.register(thread.join, PREPARE_JOIN_S)


def prepare_validation() -> None:
    from paramtui.core.model.architecture import Architecture
    from paramtui.core.inputs.scenario import Scenario
    from paramtui.core.inputs.session import Session
    from paramtui.core.validation import prepare

    prepare(Session, Scenario, Architecture)
