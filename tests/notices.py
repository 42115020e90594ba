"""What the app told the user in notifications, read through Textual's public `App.notify`.

Every screen and widget notifies through `App.notify`; the `record_notices` fixture wraps it
(for the test only) and keeps each call's message and title per app, so tests read what the
user was told without Textual's private notification list, and a notice that has already
timed out on screen still counts.
"""

from __future__ import annotations

from typing import NamedTuple
from weakref import WeakKeyDictionary

import pytest


class Notice(NamedTuple):
    message: str
    title: str
    severity: str


_NOTICES: WeakKeyDictionary = WeakKeyDictionary()


@pytest.fixture(autouse=True)
def record_notices(monkeypatch):
    """Record every `App.notify` call of the apps this test runs."""
    from textual.app import App

    shown = App.notify

    def notify(self, message, *, title="", severity="information", **options):
        _NOTICES.setdefault(self, []).append(Notice(str(message), title, severity))
        return shown(self, message, title=title, severity=severity, **options)

    monkeypatch.setattr(App, "notify", notify)


def notices(app) -> list[Notice]:
    """The notices `app` has shown so far, oldest first (needs the `record_notices` fixture)."""
    return list(_NOTICES.get(app, []))


def messages(app) -> list[str]:
    return [n.message for n in notices(app)]


def titles(app) -> list[str]:
    return [n.title for n in notices(app)]
