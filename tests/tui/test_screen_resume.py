"""A screen shown again is restyled only when the theme changed while it was away (a restyle
redraws every table cell); after `ctrl+t` on another screen it comes back in the new theme."""

from __future__ import annotations

from textual.widgets import DataTable

from paramtui.tui.app import ParamApp


def _backgrounds(table: DataTable) -> set[str]:
    return {seg.style.bgcolor.name for seg in table.render_line(1) if seg.style and seg.style.bgcolor}


async def test_a_screen_comes_back_in_the_theme_chosen_on_another_screen():
    app = ParamApp(restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape", "4")
        await pilot.pause()
        dark = _backgrounds(app.screen.query_one(DataTable))
        await pilot.press("2", "4")  # away and back, same theme: drawn as before
        await pilot.pause()
        assert _backgrounds(app.screen.query_one(DataTable)) == dark
        first_theme = app.theme
        await pilot.press("2", "ctrl+t", "4")  # the theme changed while Deploy was away
        await pilot.pause()
        assert app.theme != first_theme
        light = _backgrounds(app.screen.query_one(DataTable))
        assert light and not light & dark, (dark, light)
