"""A session file the user wrote keeps its comments and spellings when paramtui saves it."""

from __future__ import annotations

import pytest

from paramtui.core.inputs.scenario import Scenario
from paramtui.core.io.session_file import open_session_file, save_session_file
from paramtui.core.io.user_files import FileChangedError
from paramtui.core.validation import replace, validate

HANDWRITTEN = '''# Plans for the 7B run: ask Ana before changing the target.
version = 1
title = "7B plans"   # shown in the title bar

[[scenario]]
id = "bare"
name = "A bare 7B"
params = "7B"        # a bare count, as I think of it
precision = "q4_k_m"

[scenario.inference]
batch = 4
context = 8192       # our longest prompt

# The fine-tune we may do next quarter.
[[scenario]]
id = "ft"
model = "llama-3.1-8b"
target = "h100-sxm"

[scenario.training]
tokens = 2e12
'''


@pytest.fixture
def opened(tmp_path):
    path = tmp_path / "plans.toml"
    path.write_text(HANDWRITTEN)
    return open_session_file(path)


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new) if a != b]


def test_saving_an_unchanged_session_writes_the_same_bytes(opened):
    save_session_file(opened.session, opened.path, opened)
    assert opened.path.read_bytes() == HANDWRITTEN.encode()


def test_one_changed_value_rewrites_only_its_line(opened):
    bare = opened.session.scenario("bare")
    edited = opened.session.replace_scenario(
        replace(bare, inference=replace(bare.inference, batch=16)))
    saved = save_session_file(edited, opened.path, opened)
    text = opened.path.read_text()
    assert changed_lines(HANDWRITTEN, text) == [("batch = 4", "batch = 16")]
    assert open_session_file(opened.path).session == edited == saved.session


def test_a_new_key_and_a_new_scenario_keep_the_rest(opened):
    ft = opened.session.scenario("ft")
    new = validate(Scenario, {"id": "mixtral", "model": "mixtral-8x7b", "precision": "int4"})
    edited = opened.session.replace_scenario(replace(ft, gpus=8))
    edited = edited.with_scenarios([*edited.scenarios, new])
    save_session_file(edited, opened.path, opened)
    text = opened.path.read_text()
    assert text.startswith(HANDWRITTEN.split("[scenario.training]")[0].replace(
        'target = "h100-sxm"\n', 'target = "h100-sxm"\ngpus = 8\n'))
    assert 'params = "7B"        # a bare count, as I think of it' in text
    assert "tokens = 2e12" in text and 'id = "mixtral"' in text
    assert open_session_file(opened.path).session == edited


def test_deleting_and_reordering_scenarios_keeps_their_comments(opened):
    bare, ft = opened.session.scenarios
    reordered = opened.session.with_scenarios([ft, bare])
    save_session_file(reordered, opened.path, opened)
    text = opened.path.read_text()
    assert text.index('id = "ft"') < text.index('id = "bare"')
    assert "context = 8192       # our longest prompt" in text
    assert open_session_file(opened.path).session == reordered

    only_bare = open_session_file(opened.path)
    fewer = only_bare.session.with_scenarios([only_bare.session.scenario("bare")])
    save_session_file(fewer, opened.path, only_bare)
    text = opened.path.read_text()
    assert 'id = "ft"' not in text and 'params = "7B"        # a bare count' in text
    assert open_session_file(opened.path).session == fewer


def test_save_as_keeps_the_formatting_and_a_new_file_is_written_plainly(opened, tmp_path):
    copy = tmp_path / "copy.toml"
    save_session_file(opened.session, copy, opened)
    assert copy.read_text() == HANDWRITTEN
    fresh = tmp_path / "fresh.toml"
    save_session_file(opened.session, fresh)
    assert "# Plans" not in fresh.read_text()
    assert open_session_file(fresh).session == opened.session


def test_a_file_changed_on_disk_is_only_overwritten_when_asked(opened):
    theirs = HANDWRITTEN.replace('title = "7B plans"', 'title = "Ana\'s plans"')
    opened.path.write_text(theirs)
    edited = opened.session.with_scenarios(opened.session.scenarios[:1])
    with pytest.raises(FileChangedError):
        save_session_file(edited, opened.path, opened)
    assert opened.path.read_text() == theirs
    save_session_file(edited, opened.path, opened, overwrite_changes=True)
    assert open_session_file(opened.path).session == edited


def test_a_save_after_a_save_checks_against_what_it_wrote(opened):
    edited = opened.session.with_scenarios(opened.session.scenarios[:1])
    saved = save_session_file(edited, opened.path, opened)
    again = saved.session.with_scenarios([*saved.session.scenarios, opened.session.scenario("ft")])
    save_session_file(again, opened.path, saved)  # no FileChangedError: the file is as we left it
    assert open_session_file(opened.path).session == again
