"""Themes from TOML files: the shipped ones (`themes/*.toml`) and the user's own.

A theme file holds the fields of `textual.theme.Theme` (name, primary, background, ...,
dark, ansi, and a `[variables]` table of Textual design variables). Users drop theirs in
the config dir (`paramtui.core.io.resources.user_dir("themes")`, e.g. ~/.config/paramtui/themes);
a user theme with the name of a shipped one replaces it. A file that cannot be used is
reported as one line naming the file and the problem; the others still load.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from paramtui.core.io import resources

DEFAULT_THEME = "paramtui-dark"

_COLOUR_KEYS = ("primary", "secondary", "warning", "error", "success", "accent",
                "foreground", "background", "surface", "panel", "boost")
_KNOWN_KEYS = {f.name for f in fields(Theme)}


@dataclass
class LoadedThemes:
    themes: dict[str, Theme] = field(default_factory=dict)  # by name, in load order
    problems: list[str] = field(default_factory=list)  # one line per unusable file
    origins: dict[str, Path] = field(default_factory=dict)  # theme name -> file


def theme_from_toml(text: str, origin: str) -> Theme:
    """Parse one theme file; a mistake raises ValueError naming `origin`, the key and the reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{origin}: not valid TOML: {e}") from None
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ValueError(f"{origin}: unknown key {unknown[0]!r} (theme keys: {', '.join(sorted(_KNOWN_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{origin}: `name` is required (the name shown in the theme picker)")
    if "primary" not in data:
        raise ValueError(f"{origin}: `primary` is required (a colour, e.g. \"#5fa8d3\")")
    for key in _COLOUR_KEYS:
        if key in data:
            _check_colour(data[key], f"{origin}: {key}")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError(f"{origin}: [variables] must be a table of name = \"value\"")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ValueError(f"{origin}: variables.{key} must be a string, not {value!r}")
    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            raise ValueError(f"{origin}: {key} must be true or false, not {data[key]!r}")
    for key in ("luminosity_spread", "text_alpha"):
        if key in data and not (isinstance(data[key], (int, float)) and 0 <= data[key] <= 1):
            raise ValueError(f"{origin}: {key} must be a number from 0 to 1, not {data[key]!r}")
    return Theme(**data)


def _check_colour(value, where: str) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{where}: a colour must be a string like \"#5fa8d3\", not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{where}: {value!r} is not a colour (\"#rrggbb\", a CSS name or ansi_red ...)") from None


def theme_dirs() -> list[Path]:
    """Shipped themes first, then the user's (which may replace a shipped one by name)."""
    dirs: list[Path] = []
    try:
        dirs.append(resources.shipped_dir("themes"))
    except FileNotFoundError:
        pass
    dirs.append(resources.user_dir("themes"))
    return dirs


def load_themes(dirs: list[Path] | None = None) -> LoadedThemes:
    loaded = LoadedThemes()
    for directory in dirs if dirs is not None else theme_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                theme = theme_from_toml(path.read_text(encoding="utf-8"), str(path))
            except (OSError, UnicodeDecodeError) as e:
                loaded.problems.append(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}")
                continue
            except (ValueError, TypeError) as e:
                loaded.problems.append(str(e))
                continue
            loaded.themes[theme.name] = theme
            loaded.origins[theme.name] = path
    return loaded
