"""The keys help (`?`) lists each key of a screen once for each thing it does there: a key a
widget of the screen binds more precisely than Textual's stock screen key (the form's tab) is
listed as the widget says, and one action of two widgets (explain) is two rows."""

from __future__ import annotations

from paramtui.tui.app import ParamApp
from paramtui.tui.screens.help import key_rows


async def test_each_key_of_a_screen_is_listed_once_per_widget_with_what_it_does_there():
    app = ParamApp(restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = key_rows(app, app.screen, widgets=True)
        calculator = dict(rows)
        assert calculator["tab"] == "Next field" and calculator["shift+tab"] == "Previous field"
        assert "Focus Next" not in calculator.values()
        assert calculator["f1"] == "Explain this input"  # the form's
        assert calculator["e / ⏎"].startswith("Explain this figure")  # the results list's
        shown = [key for keys, _ in rows for key in keys.split(" / ")]
        # ↑ ↓ ⏎ act in the form (fields) and in the results list (figures): a row for each.
        assert {key for key in shown if shown.count(key) > 1} == {"↑", "↓", "⏎"}, rows
        await pilot.press("escape", "5")  # the Guide: no widget of its own binds tab
        assert dict(key_rows(app, app.screen, widgets=True)).get("tab") == "Focus Next"
