"""Model files in the app: typed as a path in the model picker, found on this machine, or
refused in one line when broken."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from paramtui.core.inputs.session import Session
from paramtui.core.io.model_folder import read_checkpoint
from paramtui.core.validation import validate
from paramtui.tui.app import ParamApp
from paramtui.tui.widgets.figure_list import FigureList
from tests.core.checkpoint_fixtures import LLAMA_GGUF_META, llama_gguf_tensors, write_gguf
from tests.keys_typed import type_keys


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.delenv("OLLAMA_MODELS", raising=False)


@pytest.fixture
def gguf():
    # A short path (not pytest's long tmp_path): the tests type it into the picker key by key.
    with tempfile.TemporaryDirectory(prefix="m") as folder:
        path = Path(folder) / "t.gguf"
        write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
        yield path


def make_app() -> ParamApp:
    session = validate(Session, dict(title="t", scenario=(dict(id="l8", model="llama-3.1-8b", target="h100-sxm"),)))
    return ParamApp(session, restore_autosave=False, autosave=False)


def figure(screen, key: str) -> str:
    return next(row.value for row in screen.query_one(FigureList).rows if row.key == key)


async def test_a_broken_file_is_one_line_at_the_field_and_a_gguf_path_shows_its_exact_weights(gguf):
    broken = gguf.with_name("b.gguf")  # the same file cut short
    broken.write_bytes(gguf.read_bytes()[:3000])
    app = make_app()
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        # A broken file is one line at the field, and the model stays.
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *str(broken), "enter")
        assert app.session.scenarios[0].model == "llama-3.1-8b"  # unchanged
        error = app.screen.form.error("model")
        assert "truncated" in error and "\n" not in error
        # A good file's path gives its exact weights.
        await type_keys(pilot, "ctrl+l")
        await type_keys(pilot, *str(gguf), "enter")
        scenario = app.session.scenarios[0]
        assert scenario.model == str(gguf) and scenario.precision == "file"
        assert figure(app.screen, "checkpoint.bits_per_weight") == "5.4672"
        assert figure(app.screen, "checkpoint.types").startswith("Q4_K 60.7%")
        ckpt = read_checkpoint(gguf)
        assert app.screen.shown_estimate.values["memory.weights_bytes"] == ckpt.weights_bytes
        options = [v for _label, v in app.screen.form.row("precision").options]
        assert options[0] == "file" and "bf16" in options  # back to the file's own types after a what-if


async def test_picker_lists_models_on_this_machine(tmp_path):
    snap = tmp_path / "hub/models--acme--tiny-gguf/snapshots/r1"
    snap.mkdir(parents=True)
    write_gguf(snap / "tiny-Q4_K_M.gguf", "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_keys(pilot, "2")  # Compare: `a` adds a scenario for the chosen model
        await type_keys(pilot, "a")
        await type_keys(pilot, *"acme", "enter")
        new = app.session.scenario(app.current_id)
        assert new.model == str(snap / "tiny-Q4_K_M.gguf") and new.precision == "file"
        assert len(app.session.scenarios) == 2
