"""Small UI preferences that survive a restart (the theme), kept in the state dir.

The file is `prefs.toml` in `paramtui.core.io.resources.user_state_dir()`; a missing or broken
file gives the defaults rather than an error, because preferences are never worth a failed
start.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from paramtui.core.io import resources
from paramtui.core.inputs.session import atomic_write_text

PREFS_FILE = "prefs.toml"


def prefs_path() -> Path:
    return resources.user_state_dir() / PREFS_FILE


def load_prefs() -> dict:
    try:
        data = tomllib.loads(prefs_path().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def save_pref(key: str, value) -> None:
    """Set one preference; failure to write (read-only home) is silently tolerated."""
    data = load_prefs()
    if data.get(key) == value:
        return
    data[key] = value
    path = prefs_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, tomli_w.dumps(data))
    except OSError:
        pass
