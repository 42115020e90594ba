"""Themes from TOML files: the shipped ones (`themes/*.toml`) and the user's own.

A theme file holds the fields of `textual.theme.Theme` (name, primary, background, ...,
dark, ansi, and a `[variables]` table of Textual design variables). Users drop theirs in
the config dir (`paramtui.core.io.resources.user_dir("themes")`, e.g. ~/.config/paramtui/themes);
a user theme with the name of a shipped one replaces it. A file that cannot be used is
reported as one line naming the file and the problem; the others still load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from paramtui.core.errors import UserError
from paramtui.core.io import resources
from paramtui.core.io.bounded_parse import loads_toml

DEFAULT_THEME = "paramtui-dark"

_COLOUR_KEYS = ("primary", "secondary", "warning", "error", "success", "accent",
                "foreground", "background", "surface", "panel", "boost")
_KNOWN_KEYS = {f.name for f in fields(Theme)}
# The words of a Textual text style (bold, b, not, none, ...): a design variable whose name
# says "style" holds some of them; every other design variable holds a colour.
_STYLE_WORDS = frozenset({"bold", "b", "italic", "i", "underline", "u", "uu", "overline", "o",
                          "reverse", "strike", "dim", "blink", "not", "none"})


@dataclass
class LoadedThemes:
    themes: dict[str, Theme] = field(default_factory=dict)  # by name, in load order
    problems: list[str] = field(default_factory=list)  # one line per unusable file
    origins: dict[str, Path] = field(default_factory=dict)  # theme name -> file


def theme_from_toml(text: str, origin: str) -> Theme:
    """Parse one theme file; a mistake raises UserError naming `origin`, the key and the reason."""
    data = loads_toml(text, origin)
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise UserError(f"{origin}: unknown key {unknown[0]!r} (theme keys: {', '.join(sorted(_KNOWN_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise UserError(f"{origin}: `name` is required (the name shown in the theme picker)")
    if "primary" not in data:
        raise UserError(f"{origin}: `primary` is required (a colour, e.g. \"#5fa8d3\")")
    for key in _COLOUR_KEYS:
        if key in data:
            _check_colour(data[key], f"{origin}: {key}")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise UserError(f"{origin}: [variables] must be a table of name = \"value\"")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise UserError(f"{origin}: variables.{key} must be a string, not {value!r}")
        # Checked now: Textual reads a variable only when the theme is chosen, and a bad
        # value would then stop the app rather than this one file.
        _check_variable(key, value, f"{origin}: variables.{key}")
    for key in ("dark", "ansi"):
        if key in data and not isinstance(data[key], bool):
            raise UserError(f"{origin}: {key} must be true or false, not {data[key]!r}")
    for key in ("luminosity_spread", "text_alpha"):
        if key in data and not (isinstance(data[key], (int, float)) and 0 <= data[key] <= 1):
            raise UserError(f"{origin}: {key} must be a number from 0 to 1, not {data[key]!r}")
    return Theme(**data)


def _check_colour(value, where: str) -> None:
    if not isinstance(value, str):
        raise UserError(f"{where}: a colour must be a string like \"#5fa8d3\", not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise UserError(f"{where}: {value!r} is not a colour (\"#rrggbb\", a CSS name or ansi_red ...)") from None


def _check_variable(name: str, value: str, where: str) -> None:
    words = value.split()
    if "style" in name:
        if not words or not set(words) <= _STYLE_WORDS:
            raise UserError(f"{where}: {value!r} is not a text style (words such as bold, italic, "
                             "underline, reverse, not, none)")
        return
    # A colour, as Textual's own variables write them: "#rrggbb", "auto 87%", "initial", "red 50%".
    if len(words) in (1, 2) and (words[0] in ("auto", "initial") or _is_colour(words[0])) and (
            len(words) == 1 or re.fullmatch(r"\d{1,3}(\.\d+)?%", words[1])):
        return
    raise UserError(f"{where}: {value!r} is not a colour (\"#rrggbb\", a CSS name, \"auto 87%\" ...)")


def _is_colour(text: str) -> bool:
    try:
        Color.parse(text)
    except ColorParseError:
        return False
    return True


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
            except (UserError, TypeError) as e:  # TypeError: a value Theme cannot take
                loaded.problems.append(str(e))
                continue
            loaded.themes[theme.name] = theme
            loaded.origins[theme.name] = path
    return loaded
