"""Keys as a terminal delivers them in a burst: all queued at once."""

from __future__ import annotations

from textual import events

# The characters a terminal sends with the named keys (Textual's key names).
CHARACTERS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f", "space": " ",
              "left_square_bracket": "[", "right_square_bracket": "]", "question_mark": "?", "full_stop": "."}


def burst(app, keys) -> None:
    """Queue every key at once, as a terminal delivers a burst (Pilot's `press` would wait for
    the app to be idle between keys, which a user over SSH never does)."""
    for key in keys:
        character = key if len(key) == 1 else CHARACTERS.get(key)
        app.post_message(events.Key(key, character))
