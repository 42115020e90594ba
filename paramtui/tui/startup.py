"""Start-up without garbage collection pauses, and without looking for pydantic plugins.

Importing Textual, pydantic and the core, and building the first screen, allocate a few
hundred thousand objects that live for the whole run (modules, classes, pydantic
validators, widgets). With Python's default thresholds that triggers ~200 collections
that find almost nothing (~5,000 unreachable objects), a tenth of start-up. So the
collector waits while the app starts (`hold`), and once the first screen is painted
(`release`) everything alive is frozen: later collections never scan the start-up
objects again, which also keeps them short while the user types.

Pydantic looks for plugins (packages declaring a `pydantic` entry point) when it builds its
first model: that imports importlib.metadata (with email, zipfile and csv) and reads the
metadata of every installed package, ~25 ms. The TUI's models are paramtui's own and it uses
no plugins, so `hold` tells pydantic there are none (`PARAMTUI_PYDANTIC_PLUGINS=1` keeps
pydantic's own lookup).
"""

from __future__ import annotations

import gc
import importlib.machinery
import importlib.util
import os
import sys
import types

# Young objects allowed before a collection while starting (Python's default is 700).
START_THRESHOLD = 200_000

_saved: tuple[int, int, int] | None = None


_PLUGIN_LOADER = "pydantic.plugin._loader"


class _NoPydanticPlugins(types.ModuleType):
    """Stands in for pydantic's plugin loader: `get_plugins()` finds none. Any other name is
    read from the real module, so a pydantic that asks for more still gets it."""

    def __init__(self) -> None:
        super().__init__(_PLUGIN_LOADER, "pydantic's plugin loader, without the plugin lookup")
        self._real: types.ModuleType | None = None

    @staticmethod
    def get_plugins() -> tuple:
        return ()

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._real is None:
            import pydantic.plugin

            spec = importlib.machinery.PathFinder.find_spec(_PLUGIN_LOADER, pydantic.plugin.__path__)
            if spec is None or spec.loader is None:
                raise AttributeError(name)
            real = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(real)
            self._real = real
        return getattr(self._real, name)


def skip_pydantic_plugin_lookup() -> None:
    """Before pydantic builds a model: no plugin lookup (unless PARAMTUI_PYDANTIC_PLUGINS=1)."""
    if os.environ.get("PARAMTUI_PYDANTIC_PLUGINS") == "1" or _PLUGIN_LOADER in sys.modules:
        return
    sys.modules[_PLUGIN_LOADER] = _NoPydanticPlugins()


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
