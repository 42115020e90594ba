"""Typing text into the app in one go, as a quick typist (or a paste of keys over SSH) does.

Pilot's `press` waits for the app to go idle after every key (at least 20 ms each, twice), so
typing a model name or a path key by key is most of a test's time. Tests whose subject is
not the typing itself send the keys as one burst and wait once: the app takes keys queued in
a burst in order (tests/robust/test_bursts.py checks that on its own), so the result is the
same and the test reads the same.
"""

from __future__ import annotations

import unicodedata

from textual import events

# Key names of the characters that have one (as Textual names the keys a terminal sends).
_NAMED = {" ": "space", "\r": "enter", "\t": "tab", "\x1b": "escape", "\x7f": "backspace"}
_CHARACTERS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f", "space": " "}


def _key_event(key: str) -> events.Key:
    if len(key) == 1:
        name = _NAMED.get(key) or (key if key.isalnum() else unicodedata.name(key).lower().replace(" ", "_").replace("-", "_"))
        return events.Key(name, key)
    if key in _CHARACTERS:
        return events.Key(key, _CHARACTERS[key])
    try:  # a character's key name ("full_stop", "question_mark") carries its character, as Pilot sends it
        return events.Key(key, unicodedata.lookup(key.replace("_", " ").upper()))
    except KeyError:
        return events.Key(key, None)


async def type_keys(pilot, *keys: str) -> None:
    """Queue `keys` (single characters or key names such as "enter", "backspace", "end") at
    once, then wait until the app has handled them and painted."""
    for key in keys:
        pilot.app.post_message(_key_event(key))
    await pilot.pause()

