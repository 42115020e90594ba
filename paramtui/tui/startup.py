"""What waits until the first screen is painted: building the validators of what the user edits.

The first screen validates nothing (the demo session, the shipped catalog and targets are
ours, built directly: see `paramtui.core.validation`), so pydantic is not imported while
starting. Once the first screen is painted, the validators of a session, a scenario and an
architecture are built in a thread, so the first edit does not wait for them.
"""

from __future__ import annotations

import atexit
import threading

# After the first screen is painted, Textual still lays it out a few times (~50 ms); the
# validators are built once that is over, not in competition with it for the interpreter.
PREPARE_AFTER_S = 0.5
# How long quitting waits for the validators being built (it never has to in practice:
# building them takes a fraction of a second).
PREPARE_JOIN_S = 5.0

_first_screen_painted = False


def first_screen_painted() -> bool:
    """True the first time it is called (the first screen is up), False afterwards."""
    global _first_screen_painted
    first = not _first_screen_painted
    _first_screen_painted = True
    return first


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
    from paramtui.core.inputs.scenario import Scenario
    from paramtui.core.inputs.session import Session
    from paramtui.core.model.architecture import Architecture
    from paramtui.core.validation import prepare

    prepare(Session, Scenario, Architecture)
