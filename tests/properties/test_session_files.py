"""Session files (issue 18 item 7): whatever a session file holds, opening it gives a session
whose every scenario has finite, non-negative figures or its own one-line error, or one
`UserError` line for the file; the file is never changed by opening it; and a session saved
and opened again is the same session."""

from __future__ import annotations

import tempfile
from pathlib import Path

import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from paramtui.core.errors import UserError
from paramtui.core.inputs.session import Session, load_session, save_session, session_to_toml
from paramtui.core.io.session_file import open_session_file, save_session_file
from paramtui.tui.demo import demo_session

from .checks import assert_one_line, estimate_or_user_error
from .strategies import mutated, session_documents

DEMO_TEXT = session_to_toml(demo_session())


def open_in_a_folder(text: str):
    """Write `text` as a session file, open it; (the session or the UserError, the folder)."""
    folder = Path(tempfile.mkdtemp(prefix="paramtui-prop-"))
    path = folder / "s.toml"
    path.write_text(text, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    try:
        result = open_session_file(path)
    except UserError as error:
        assert_one_line(error)
        result = error
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert after == before  # opening, failed or not, writes nothing
    return result, folder


def check(result) -> None:
    if isinstance(result, UserError):
        return
    for scenario in result.session.scenarios:
        estimate_or_user_error(scenario)


@given(session_documents())
def test_any_session_document_opens_or_is_one_line(document):
    result, _folder = open_in_a_folder(tomli_w.dumps(document))
    check(result)


@given(mutated(DEMO_TEXT))
def test_a_damaged_session_file_opens_or_is_one_line(text):
    result, _folder = open_in_a_folder(text)
    check(result)


@given(st.text(max_size=300))
def test_any_text_as_a_session_file_opens_or_is_one_line(text):
    result, _folder = open_in_a_folder(text)
    check(result)


@given(session_documents())
def test_a_session_saved_and_opened_again_is_the_same(document):
    result, folder = open_in_a_folder(tomli_w.dumps(document))
    if isinstance(result, UserError):
        return
    copy = folder / "copy.toml"
    save_session(result.session, copy)
    assert load_session(copy) == result.session
    # Saved back over the file it came from, keeping its text where nothing changed.
    changed = result.session.with_scenarios(result.session.scenarios[1:], title="Saved again")
    save_session_file(changed, result.path, result)
    assert load_session(result.path) == changed


@given(mutated(DEMO_TEXT), st.sampled_from(["title", "drop-first", "same"]))
def test_an_edited_file_saved_in_place_opens_as_the_session_saved(text, change):
    result, _folder = open_in_a_folder(text)
    if isinstance(result, UserError):
        return
    session: Session = result.session
    if change == "title":
        session = session.with_scenarios(session.scenarios, title="Renamed")
    elif change == "drop-first":
        session = session.with_scenarios(session.scenarios[1:])
    save_session_file(session, result.path, result)
    assert load_session(result.path) == session
