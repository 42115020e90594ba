"""Keys typed in one burst inside a dialog act in the order typed (Compare's column picker:
`space` unchecks the highlighted figure before the `a` typed after it applies the columns)."""

from __future__ import annotations

from paramtui.tui.app import ParamApp
from paramtui.tui.demo import demo_session

from .keys import burst


class CompareFirst(ParamApp):
    DEFAULT_MODE = "compare"


async def test_space_then_a_in_one_burst_applies_the_columns_without_the_unchecked_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = CompareFirst(demo_session(), restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, ["v"])
        for _ in range(3):
            await pilot.pause()
        listing = app.screen.query_one("#column-list")
        first = listing.get_option_at_index(0).value  # highlighted: the first checked figure
        assert first in listing.selected
        burst(app, ["space", "a"])  # uncheck it and apply, typed together
        for _ in range(3):
            await pilot.pause()
        assert type(app.screen).__name__ == "CompareScreen"
        columns = app.session.view.columns
        assert columns and first not in columns, (first, columns)
