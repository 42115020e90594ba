"""The screens (modes) and the keys that work everywhere, in one place.

`ModeBar`, the help screen and the app's BINDINGS read these, so a key is described once.
"""

from __future__ import annotations

# (mode name, key, title). A mode's screen is paramtui/tui/screens/<mode>.py.
MODE_TABS: list[tuple[str, str, str]] = [
    ("calculator", "1", "Calculator"),
    ("compare", "2", "Compare"),
    ("scaling", "3", "Scaling"),
    ("deploy", "4", "Deploy"),
]
# Screens reached by key beside the four tabs: the mode bar names them on every screen (at 80
# columns the session title gives way), so a user can discover them.
MORE_TABS: list[tuple[str, str, str]] = [
    ("guide", "5", "Guide"),
]

# Keys handled by Textual's widgets themselves, listed by the help screen so that `?`
# really does show every key.
FIELD_KEYS: list[tuple[str, str]] = [
    ("tab / shift+tab", "Next / previous control"),
    ("↑ ↓", "Move in lists and in the results"),
    ("enter", "Open a list of choices; accept a field or a choice"),
    ("→ (in a text field)", "Accept the suggested completion"),
    ("escape", "Close a dialog or a list; leave a text field"),
    ("ctrl+p", "Command palette: every command by name"),
]


def actions_by_key(bindings) -> dict[str, str]:
    """Each key of a widget's BINDINGS (a binding may name several: "home,ctrl+a") and the
    action it runs, for widgets that act on their own keys in the order typed."""
    return {key.strip(): binding.action for binding in bindings for key in binding.key.split(",")}
