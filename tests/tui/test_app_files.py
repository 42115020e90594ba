"""The app and the user's files: read-only files, changes made elsewhere, comments kept, autosave failures."""

from __future__ import annotations

import pytest

from paramtui.core.io.session_file import open_session_file
from paramtui.core.validation import replace
from paramtui.tui.app import ParamApp
from paramtui.tui.widgets.dialogs import ChoiceScreen
from tests.keys_typed import type_keys
from tests.notices import messages, titles

COMMENTED = '''# Our serving plan (keep this comment)
version = 1
title = "Serving"

[[scenario]]
id = "small"
params = "7B"   # the user's own spelling
precision = "q4_k_m"
'''


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Prefs, themes and autosaves go to a temp home, never the developer's."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.chdir(tmp_path)


def app_on(path, **kwargs) -> ParamApp:
    return ParamApp(session_file=open_session_file(path), restore_autosave=False,
                    autosave=kwargs.pop("autosave", False), **kwargs)


def edit(app) -> None:
    """One change, as a what-if key would make it: batch 1 → 2."""
    s = app.session.scenarios[0]
    app.apply(app.session.replace_scenario(replace(s, inference=replace(s.inference, batch=2))), "batch")


async def test_ctrl_s_keeps_comments_and_spellings(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(COMMENTED)
    app = app_on(path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        edit(app)
        await type_keys(pilot, "ctrl+s")
        assert not app.dirty
    assert path.read_text() == COMMENTED + "\n[scenario.inference]\nbatch = 2\n"


async def test_a_read_only_file_is_not_saved_and_says_why(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(COMMENTED)
    path.chmod(0o444)
    app = app_on(path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        edit(app)
        await type_keys(pilot, "ctrl+s")
        assert "Not saved" in titles(app)
        assert not any(m.startswith("Saved") for m in messages(app))
        assert any("read-only" in m for m in messages(app))
        assert app.dirty
    assert path.read_text() == COMMENTED


async def test_a_file_changed_on_disk_asks_before_overwriting(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(COMMENTED)
    app = app_on(path)
    theirs = COMMENTED.replace('title = "Serving"', 'title = "Saved by the other window"')
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        path.write_text(theirs)
        edit(app)
        await type_keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ChoiceScreen)
        assert "changed by another program" in app.screen.question
        await type_keys(pilot, "c")  # cancel: their file stays
        assert path.read_text() == theirs and app.dirty
        assert not any(m.startswith("Saved") for m in messages(app))

        await type_keys(pilot, "ctrl+s")
        assert isinstance(app.screen, ChoiceScreen)
        await type_keys(pilot, "o")  # overwrite
        assert not isinstance(app.screen, ChoiceScreen) and not app.dirty
        assert open_session_file(path).session == app.session
        # Saved once after the answer: the next save is checked against what was written.
        edit_again = app.session.scenarios[0]
        app.apply(app.session.replace_scenario(replace(edit_again, gpus=2)), "gpus")
        await type_keys(pilot, "ctrl+s")
        assert not isinstance(app.screen, ChoiceScreen)
        assert open_session_file(path).session.scenarios[0].gpus == 2


async def test_an_autosave_that_cannot_be_written_is_said_once(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(COMMENTED)
    app = app_on(path, autosave=True)
    # Where the autosave folder should be, a file: every write fails.
    blocker = app.autosaver.directory
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for batch in (2, 4, 8):
            s = app.session.scenarios[0]
            app.apply(app.session.replace_scenario(replace(s, inference=replace(s.inference, batch=batch))),
                      f"batch {batch}")  # separate undo steps: three autosaves
            app.autosaver.flush()
            await pilot.pause()
        assert titles(app).count("Autosave not written") == 1
        assert app.autosaver.last_error is not None
