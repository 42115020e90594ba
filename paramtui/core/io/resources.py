"""Where shipped data (themes/, targets/) and the user's own files live.

docs/ARCHITECTURE.md keeps `themes/` and `targets/` at the top of the repository. A wheel carries them
as `paramtui/_data/<name>` (see pyproject.toml); an editable install or a checkout finds them
beside the package. Users add their own in the platform config dir.
"""

from pathlib import Path

import platformdirs

APP_NAME = "paramtui"
_PACKAGE_DIR = Path(__file__).resolve().parents[2]


def shipped_dir(name: str) -> Path:
    """The directory of shipped `name` files ("targets" or "themes"), installed or in a checkout."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"paramtui's shipped '{name}' directory is missing from this installation")


def user_config_dir() -> Path:
    """The platform config dir (e.g. ~/.config/paramtui); not created here."""
    return Path(platformdirs.user_config_dir(APP_NAME))


def user_dir(name: str) -> Path:
    """The user's own `name` files (targets/ or themes/) in the config dir; may not exist."""
    return user_config_dir() / name


def user_state_dir() -> Path:
    """Where autosaves and UI preferences go (e.g. ~/.local/state/paramtui)."""
    return Path(platformdirs.user_state_dir(APP_NAME))
