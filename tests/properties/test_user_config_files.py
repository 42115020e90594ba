"""The user's own target, theme and preference files (issue 18 item 7): whatever one holds,
it is used or skipped with one line saying why; a target that loads gives finite,
non-negative figures (or its own one-line error), a theme that loads can be shown, and no
file is changed by reading it."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from paramtui.core.errors import UserError
from paramtui.core.inputs import targets
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.io.resources import shipped_dir
from paramtui.core.result.estimate import clear_caches
from paramtui.tui.prefs import load_prefs, prefs_path, prefs_problem
from paramtui.tui.themes import load_themes

from .checks import assert_one_line, estimate_or_user_error
from .strategies import EDGE_NUMBERS, mostly, mutated, odd_values

SHIPPED_TARGETS = [t for path in sorted(shipped_dir("targets").glob("*.toml"))
                   for t in tomllib.loads(path.read_text())["target"]]
SHIPPED_THEMES = {path.name: path.read_text() for path in sorted(shipped_dir("themes").glob("*.toml"))}

numbers = mostly(st.one_of(st.floats(min_value=0, max_value=1e15), st.sampled_from(EDGE_NUMBERS)), odd_values)


@st.composite
def changed_targets(draw) -> dict:
    target = dict(draw(st.sampled_from(SHIPPED_TARGETS)), id="mine")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        key = draw(st.sampled_from(sorted(target) + ["unknown", "tflops"]))
        if draw(st.floats(min_value=0, max_value=1)) < 0.15:
            target.pop(key, None)
        elif key == "tflops" and isinstance(target.get("tflops"), dict):
            target["tflops"] = dict(target["tflops"], **{draw(st.sampled_from(["bf16", "fp8", "int4", "x"])): draw(numbers)})
        else:
            target[key] = draw(numbers if key != "name" else st.one_of(st.text(max_size=20), odd_values))
    return target


def in_a_home(files: dict[str, str]) -> tuple[Path, dict[str, bytes]]:
    """A throwaway config and state home holding `files` (paths relative to it)."""
    home = Path(tempfile.mkdtemp(prefix="paramtui-prop-"))
    for relative, text in files.items():
        path = home / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return home, {name: (home / name).read_bytes() for name in files}


def unchanged(home: Path, before: dict[str, bytes]) -> bool:
    return {name: (home / name).read_bytes() for name in before} == before


@pytest.fixture(scope="module")  # not per test: hypothesis runs many examples in one test call
def home_env():
    """Point paramtui's config and state dirs at a folder per example (set by `use`)."""
    with pytest.MonkeyPatch.context() as patch:
        def use(home: Path) -> None:
            patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
            patch.setenv("XDG_STATE_HOME", str(home / "state"))
            targets.default_targets.cache_clear()
            targets._shipped_target.cache_clear()
            clear_caches()  # an estimate cached for another example's "mine"
        yield use
    targets.default_targets.cache_clear()
    targets._shipped_target.cache_clear()
    clear_caches()


def check_targets(home: Path, before: dict[str, bytes]) -> None:
    loaded = targets.default_targets()
    for problem in loaded.problems:
        assert problem and "\n" not in problem, problem
    if "mine" in loaded.targets:
        estimate_or_user_error(Scenario(id="prop", model="llama-3.1-8b", target="mine"))
        estimate_or_user_error(Scenario(id="prop", params=7e9, target="mine", gpus=8, precision="q4_k_m"))
    assert unchanged(home, before)


@given(st.lists(changed_targets(), min_size=1, max_size=2))
def test_a_users_target_file_is_used_or_skipped_in_one_line(home_env, tables):
    home, before = in_a_home({"config/paramtui/targets/mine.toml": tomli_w.dumps({"target": tables})})
    home_env(home)
    check_targets(home, before)


@given(mutated(tomli_w.dumps({"target": [dict(SHIPPED_TARGETS[0], id="mine")]})))
def test_a_damaged_target_file_is_used_or_skipped_in_one_line(home_env, text):
    home, before = in_a_home({"config/paramtui/targets/mine.toml": text})
    home_env(home)
    check_targets(home, before)


@st.composite
def changed_themes(draw) -> str:
    data = tomllib.loads(SHIPPED_THEMES[draw(st.sampled_from(sorted(SHIPPED_THEMES)))])
    colours = st.sampled_from(["#ff0000", "#fff", "red", "ansi_red", "rgb(1,2,3)", "not-a-colour", "#12345",
                               "", "auto 50%", "hsl(1,2%,3%)"])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        key = draw(st.sampled_from(sorted(data) + ["variables", "unknown"]))
        if key == "variables":
            data["variables"] = dict(data.get("variables", {}) if isinstance(data.get("variables"), dict) else {},
                                     **{draw(st.sampled_from(["border", "footer-key-foreground",
                                                              "block-cursor-text-style", "x"])): draw(
                                         mostly(colours, odd_values))})
        else:
            data[key] = draw(mostly(colours, odd_values))
    return tomli_w.dumps(data)


@given(st.one_of(changed_themes(), mutated(SHIPPED_THEMES["paramtui-dark.toml"])))
def test_a_users_theme_file_is_used_or_skipped_in_one_line(text):
    home, before = in_a_home({"themes/mine.toml": text})
    loaded = load_themes([home / "themes"])
    for problem in loaded.problems:
        assert problem and "\n" not in problem, problem
    for theme in loaded.themes.values():
        theme.to_color_system().generate()  # what Textual does when the theme is chosen
    assert unchanged(home, before)


@given(st.one_of(st.dictionaries(st.sampled_from(["theme", "other"]), odd_values).map(tomli_w.dumps),
                 mutated('theme = "paramtui-dark"\n'), st.text(max_size=60)))
def test_a_preferences_file_is_used_or_skipped_in_one_line(home_env, text):
    home, before = in_a_home({"state/paramtui/prefs.toml": text})
    home_env(home)
    assert prefs_path() == home / "state" / "paramtui" / "prefs.toml"
    prefs, problem = load_prefs(), prefs_problem()
    assert isinstance(prefs, dict)
    assert problem is None or "\n" not in problem
    assert problem is not None or not isinstance(prefs.get("theme"), (int, float, list, dict))
    assert unchanged(home, before)
