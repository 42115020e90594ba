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
"""

from __future__ import annotations

import gc
import os

# Young objects allowed before a collection while starting (Python's default is 700).
START_THRESHOLD = 200_000

_saved: tuple[int, int, int] | None = None


def skip_pydantic_plugin_lookup() -> None:
    """Before pydantic builds a model: no scan for plugins, through pydantic's documented switch
    `PYDANTIC_DISABLE_PLUGINS` (pydantic docs, "Plugins"); a value the user set is kept."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


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
