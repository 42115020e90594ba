"""Small UI preferences that survive a restart (the theme), kept in the state dir.

The file is `prefs.toml` in `paramtui.core.io.resources.user_state_dir()`; a missing or broken
file gives the defaults rather than an error, because preferences are never worth a failed
start (`prefs_problem` says what was wrong, for the app to tell the user).
"""

from __future__ import annotations

from pathlib import Path

import tomli_w

from paramtui.core.errors import UserError
from paramtui.core.io import resources
from paramtui.core.io.bounded_parse import loads_toml
from paramtui.core.inputs.session import atomic_write_text

PREFS_FILE = "prefs.toml"


def prefs_path() -> Path:
    return resources.user_state_dir() / PREFS_FILE


def load_prefs() -> dict:
    return _read()[0]


def prefs_problem() -> str | None:
    """Why the preferences file was not used, in one line; None when it was (or is absent)."""
    return _read()[1]


def _read() -> tuple[dict, str | None]:
    path = prefs_path()
    try:
        data = loads_toml(path.read_text(encoding="utf-8"), str(path))
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as e:
        return {}, f"{path}: cannot read: {getattr(e, 'strerror', None) or e}; using the defaults"
    except UserError as e:
        return {}, f"{e}; using the defaults"
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        return {k: v for k, v in data.items() if k != "theme"}, (
            f"{path}: theme must be a theme's name, not {str(theme)[:40]!r}; using the default theme")
    return data, None


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
