"""Session files: TOML round trip, errors that name file/line/field, atomic saves."""

import os

import pytest

from paramtui.core.errors import UserError
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.session import (
    atomic_write_text, load_session, parse_session, save_session, session_to_toml,
)
from paramtui.core.validation import validate

DESIGN_EXAMPLE = '''version = 1
title = "8B fine-tune options"
baseline = "llama8-bf16"

[[scenario]]
id = "llama8-bf16"
name = "Llama 3.1 8B, bf16"
model = "llama-3.1-8b"
precision = "bf16"
target = "h100-sxm"
gpus = 1

[scenario.inference]
batch = 1
context = 8192

[scenario.training]
tokens = 2.0e12
optimizer = "adamw"
'''


def test_design_example_loads():
    s = parse_session(DESIGN_EXAMPLE)
    assert s.title == "8B fine-tune options"
    assert s.baseline == "llama8-bf16"
    (sc,) = s.scenarios
    assert sc.model == "llama-3.1-8b" and sc.inference.context == 8192 and sc.training.tokens == 2.0e12


def test_round_trip_is_equal(tmp_path):
    s = parse_session(DESIGN_EXAMPLE)
    arch = validate(Scenario, {"id": "tiny", "architecture": {
        "vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 256}})
    s = s.with_scenarios([*s.scenarios, arch, validate(Scenario, dict(id="bare", params="7B", precision="q4_k_m"))])
    path = tmp_path / "s.toml"
    save_session(s, path)
    assert load_session(path) == s


@pytest.mark.parametrize("text, expected", [
    ('version = 1\n[[scenario]]\nid = "a"\nmodel = "llama-3.1-8b\n', "not valid TOML"),
    ('version = 1\n[[scenario]]\nid = "a"\nmodel = "no-such-model"\n', "line 4: scenario 'a': unknown model"),
    ('version = 1\n\n[[scenario]]\nid = "a"\nmodel = "gpt2"\n\n[scenario.inference]\nbatch = -3\n',
     "line 8: scenario 'a' inference.batch"),
    ('version = 1\n[[scenario]]\nid = "a"\nmodel = "gpt2"\ncolour = "red"\n', "line 5: scenario 'a' colour: unknown key"),
    ('version = 1\n[[scenario]]\nid = "a"\nmodel = "gpt2"\nprecision = "int3"\n', "line 5: scenario 'a': unknown precision"),
    ('version = 1\n[[scenario]]\nid = "a"\nmodel = "gpt2"\ntarget = "h100"\n', "line 5: scenario 'a': unknown target"),
    ('version = 1\n[[scenario]]\nid = "a"\n', "give the model exactly one way"),
    ('version = 1\nbaseline = "zz"\n[[scenario]]\nid = "a"\nmodel = "gpt2"\n', "baseline 'zz' is not the id"),
    ('version = 1\n[[scenario]]\nid = "a"\nmodel = "gpt2"\n[[scenario]]\nid = "a"\nmodel = "gpt2"\n', "used twice"),
    ('version = 2\n', "version"),
])
def test_bad_files_give_one_line_naming_the_place(text, expected):
    with pytest.raises(UserError) as e:
        parse_session(text, "s.toml")
    message = str(e.value)
    assert message.startswith("s.toml")
    assert expected in message
    assert "\n" not in message


def test_failed_load_leaves_file_untouched(tmp_path):
    path = tmp_path / "broken.toml"
    text = 'version = 1\n[[scenario]]\nid = "a"\nmodel = "llama-3.1-8b\n'
    path.write_text(text)
    with pytest.raises(UserError):
        load_session(path)
    assert path.read_text() == text


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        load_session(tmp_path / "nope.toml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UserError, match="not a text file"):
        load_session(tmp_path / "bin.toml")


def test_atomic_write_keeps_old_file_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    path.write_text("old")
    os.chmod(path, 0o600)

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(UserError, match="s.toml: cannot save: disk full"):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.toml"]  # no temp file left behind


def test_atomic_write_keeps_permissions(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("old")
    os.chmod(path, 0o600)
    atomic_write_text(path, "new")
    assert path.read_text() == "new" and (path.stat().st_mode & 0o777) == 0o600


def test_unique_id_and_with_changes():
    s = parse_session(DESIGN_EXAMPLE)
    assert s.unique_id("Llama8 BF16") == "llama8-bf16-2"
    sc = s.scenarios[0].with_changes(inference__batch=8, precision="int4")
    assert sc.inference.batch == 8 and sc.inference.context == 8192 and sc.precision == "int4"
    assert sc.with_changes(params="7B").model is None
    assert "llama8-bf16" in session_to_toml(s.replace_scenario(sc))


def test_baseline_dropped_when_its_scenario_goes():
    s = parse_session(DESIGN_EXAMPLE)
    assert s.with_scenarios([validate(Scenario, dict(id="x", model="gpt2"))]).baseline is None


def test_a_catalog_model_naming_no_precision_starts_at_its_published_one():
    """As `estimate gpt-oss-20b` and the screens' pickers do: gpt-oss at MXFP4 (12.8 GiB of
    weights, as its card says), not bf16; a precision the file names always wins."""
    from paramtui.core.result.estimate import estimate

    s = parse_session('version = 1\n'
                      '[[scenario]]\nid = "oss"\nmodel = "gpt-oss-20b"\n'
                      '[[scenario]]\nid = "oss-bf16"\nmodel = "gpt-oss-20b"\nprecision = "bf16"\n'
                      '[[scenario]]\nid = "kimi"\nmodel = "kimi-k2"\n'
                      '[[scenario]]\nid = "llama"\nmodel = "llama-3.1-8b"\n')
    assert [sc.precision for sc in s.scenarios] == ["mxfp4-moe", "bf16", "fp8-block128", "bf16"]
    oss = estimate(s.scenario("oss"))
    assert 12.5 < oss.values["memory.weights_bytes"] / 2**30 < 13.0
    assert oss.explanations["memory.weights_bytes"].meaning.startswith("Weights as published: MXFP4")
    chosen = estimate(s.scenario("oss-bf16")).explanations["memory.weights_bytes"].meaning
    assert chosen.startswith("Weights at BF16; the checkpoint publishes them as MXFP4")
    assert "(the default when no precision is named)" in chosen


def test_the_demo_session_names_every_precision_so_its_figures_do_not_move(tmp_path):
    from paramtui.tui.demo import demo_session

    demo = demo_session()
    path = tmp_path / "demo.toml"
    save_session(demo, path)
    text = path.read_text()
    assert text.count("[[scenario]]") == text.count("\nprecision = ") == len(demo.scenarios)
    assert load_session(path) == demo
