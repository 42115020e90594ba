"""Issue 18's command-line reproductions: every one is a line on stderr and exit 2 (or a
valid, finite answer), never a traceback, never ∞, NaN or invalid JSON."""

import json
import math
import re

import pytest

from paramtui.cli import main

LLAMA = "tests/core/hf_configs/llama-3.1-8b.json"
GEMMA2 = "tests/core/hf_configs/gemma-2-9b.json"
QWEN_MOE = "tests/core/hf_configs/qwen1.5-moe-a2.7b-chat.json"
LFM2 = "tests/core/hf_configs/default-lfm2.json"  # 32 layers


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_refusal(code, err, *fragments):
    assert code == 2, err
    assert err.startswith("paramtui") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize("argv, fragments", [
    (["estimate", "0"], ["params", "positive"]),
    (["estimate", "0B"], ["params", "positive"]),
    (["estimate", "1e3000"], ["params", "too large"]),
    (["estimate", "--params", "1e308"], ["params", "at most 1e16"]),
    (["estimate", "--params", "1e300", "--unique-tokens", "1e300"], ["unique-tokens", "at most 1e18"]),
    (["estimate", "7B", "--unique-tokens", "1e300"], ["unique-tokens", "at most 1e18"]),
    (["estimate", "7B", "--train-tokens", "1e19"], ["train-tokens", "at most 1e18"]),
    (["estimate", "7B", "--mfu", "1e-300"], ["mfu", "0.0001"]),
    (["estimate", "7B", "--price", "1e308"], ["price", "at most 1,000,000"]),
    (["estimate", "7B", "--gpus", "100000000"], ["gpus", "at most 1e7"]),
    (["estimate", "7B", "--batch", "99999999999999999999"], ["batch", "at most 1,000,000"]),
    # found by tests/properties
    (["estimate", "7B", "--lora-rank", "1e3000"], ["lora-rank", "finite"]),
    (["estimate", "7B", "--budget-days", "1", "--train-tokens", "1e-300"], ["train-tokens", "at least 1"]),
    (["pick", "--target", "h100-sxm", "--min-tokens-per-s", "nan"], ["min-tokens-per-s"]),
    (["pick", "--target", "h100-sxm", "--min-tokens-per-s", "inf"], ["min-tokens-per-s"]),
])
def test_extreme_inputs_are_refused_in_one_line(capsys, argv, fragments):
    code, _out, err = run(capsys, *argv)
    assert_one_line_refusal(code, err, *fragments)


@pytest.mark.parametrize("argv, line", [
    (["estimate", "--params", "1e308"], "paramtui: params: 1e+308 is out of range: at most 1e16\n"),
    (["estimate", "1e308"], "paramtui: params: 1e+308 is out of range: at most 1e16\n"),
    (["estimate", "--params", "0"],
     "paramtui estimate: error: argument --params: must be a positive number, not '0' (see paramtui estimate --help)\n"),
])
def test_an_out_of_range_count_names_its_key_once(capsys, argv, line):
    _code, _out, err = run(capsys, *argv)
    assert err == line


def _finite_everywhere(node):
    if isinstance(node, dict):
        return all(_finite_everywhere(v) for v in node.values())
    if isinstance(node, list):
        return all(_finite_everywhere(v) for v in node)
    return not isinstance(node, float) or math.isfinite(node)


@pytest.mark.parametrize("argv", [
    ["estimate", "1e16", "--train-tokens", "1e18", "--mfu", "0.0001", "--gpus", "1"],
    ["estimate", "1e16", "--law", "muennighoff", "--unique-tokens", "1", "--train-tokens", "1e18"],
    ["estimate", "1", "--law", "muennighoff", "--unique-tokens", "1", "--train-tokens", "1e18"],
    ["estimate", "7B", "--price", "1000000", "--gpus", "10000000"],
    ["estimate", "7B", "--batch", "1000000", "--context", "100000000"],
])
def test_the_ends_of_every_range_give_finite_valid_json(capsys, argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    data = json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in --json"))
    assert _finite_everywhere(data)
    json.dumps(data, allow_nan=False)


def test_the_table_at_the_ends_of_the_ranges_shows_no_infinity(capsys):
    code, out, err = run(capsys, "estimate", "1e16", "--train-tokens", "1e18", "--mfu", "0.0001")
    assert code == 0, err
    assert not re.search(r"∞|\bnan\b|\binf\b|\binfinity\b", out, re.IGNORECASE), out


@pytest.mark.parametrize("source, change, fragment", [
    (LLAMA, {"model_type": ["llama"]}, "model_type must be a string"),
    (LLAMA, {"model_type": {}}, "model_type must be a string"),
    (GEMMA2, {"layer_types": 5}, "layer_types must be a list"),
    (QWEN_MOE, {"mlp_only_layers": 5}, "mlp_only_layers must be a list"),
    # found by tests/properties: TypeErrors from a number where a list belongs, and lists in a list
    (LFM2, {"full_attn_idxs": 0}, "full_attn_idxs must be a list of layer numbers"),
    (LFM2, {"layer_types": [["conv"]] * 32}, "layer_types must list one layer type (a string) per layer"),
    (LFM2, {"layer_types": ["conv", 1] * 16}, "layer_types must list one layer type (a string) per layer"),
    ("tests/core/hf_configs/default-olmoe.json", {"num_attention_heads": 0}, "num_attention_heads must be at least 1"),
    ("tests/core/hf_configs/default-gemma3-text.json", {"sliding_window_pattern": 0},
     "sliding_window_pattern must be at least 1"),
    ("tests/core/hf_configs/default-qwen3-next.json", {"mlp_only_layers": 5}, "mlp_only_layers must be a list"),
    ("tests/core/hf_configs/default-nemotron-h.json", {"layer_types": [[]]}, "layers_block_type must list"),
    (LLAMA, {"num_hidden_layers": 10**8}, "between 1 and 100,000"),
    (LLAMA, {"num_hidden_layers": 10**12}, "between 1 and 100,000"),
    (LLAMA, {"num_hidden_layers": 10**30}, "between 1 and 100,000"),
    (GEMMA2, {"num_hidden_layers": 10**12}, "between 1 and 100,000"),
    (LLAMA, {"hidden_size": 10**9}, "hidden_size"),
    (LLAMA, {"vocab_size": 10**12}, "vocab_size"),
])
def test_oddly_typed_or_huge_configs_are_refused_at_once(capsys, tmp_path, source, change, fragment):
    with open(source) as f:
        config = json.load(f) | change
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    code, _out, err = run(capsys, "estimate", "--config", str(path))
    assert_one_line_refusal(code, err, fragment)


@pytest.mark.parametrize("text, fragment", [
    ('{"a": ' * 5000 + "1" + "}" * 5000, "nested more than"),
    ("[" * 100_000 + "]" * 100_000, "nested more than"),
    ('{"model_type": "llama", "vocab_size": 1' + "0" * 5000 + "}", "more than 400 digits"),
])
def test_deep_or_oversized_json_is_refused_before_parsing(capsys, tmp_path, text, fragment):
    path = tmp_path / "config.json"
    path.write_text(text)
    code, _out, err = run(capsys, "estimate", "--config", str(path))
    assert_one_line_refusal(code, err, fragment)


@pytest.mark.parametrize("body, fragment", [
    ("x = " + "[" * 5000 + "]" * 5000, "nested more than"),
    ("[[scenario]]\nid = \"a\"\nparams = 1" + "0" * 5000, "more than 400 digits"),
    (".".join(["a"] * 2000) + " = 1", "nested more than"),
    ("[[scenario]]\nid = \"a\"\nparams = \"7B\"\nprice_per_hour_usd = inf", "finite"),
    ("[[scenario]]\nid = \"a\"\nparams = 1e308", "at most 1e16"),
    ("[[scenario]]\nid = \"a\"\nparams = \"7B\"\n[scenario.training]\nmfu = 1e-300", "0.0001"),
    # found by tests/properties: a key with a line break broke the message over two lines
    ("[[scenario]]\nid = \"a\"\nparams = \"7B\"\n[scenario.inference]\n\"\\n0\" = 1", "inference.'\\n0': unknown key"),
])
def test_sessions_with_extreme_values_are_refused_in_one_line(capsys, tmp_path, body, fragment):
    path = tmp_path / "s.toml"
    path.write_text("version = 1\n" + body + "\n")
    before = path.read_bytes()
    code, _out, err = run(capsys, "export", str(path), "-o", str(tmp_path / "out.csv"))
    assert_one_line_refusal(code, err, fragment)
    assert path.read_bytes() == before
    assert not (tmp_path / "out.csv").exists()


def test_a_symlink_loop_as_input_is_one_line(capsys, tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(tmp_path / "loop.json")
    code, _out, err = run(capsys, "estimate", "--config", str(loop))
    assert_one_line_refusal(code, err, "loop.json")
    session = tmp_path / "loop.toml"
    session.symlink_to(session)
    code, _out, err = run(capsys, "export", str(session), "-o", str(tmp_path / "out.csv"))
    assert_one_line_refusal(code, err, "loop.toml")


@pytest.fixture
def user_targets(tmp_path, monkeypatch):
    from paramtui.core.inputs import targets

    directory = tmp_path / "config" / "paramtui" / "targets"
    directory.mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    targets.default_targets.cache_clear()
    targets._shipped_target.cache_clear()
    yield directory
    targets.default_targets.cache_clear()
    targets._shipped_target.cache_clear()


TARGET = """[[target]]
id = "{id}"
name = "{name}"
kind = "edge"
memory_bytes = {memory}
bandwidth_bytes_per_s = 1e9
tflops = {{ bf16 = 1.0 }}
source = "mine"
"""


def test_targets_lists_names_with_brackets_as_written_and_says_what_it_skipped(capsys, user_targets, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one line per row: the name is not wrapped
    (user_targets / "mine.toml").write_text(TARGET.format(id="weird", name="weird [/] name", memory="1e9")
                                            + TARGET.format(id="endless", name="endless", memory="inf"))
    (user_targets / "tables.toml").write_text("target = 5\n")
    (user_targets / "deep.toml").write_text("target = " + "[" * 3000 + "]" * 3000 + "\n")
    code, out, err = run(capsys, "targets")
    assert code == 0, err
    assert "weird [/] name" in " ".join(out.split())
    assert "expected [[target]] tables" in out  # the brackets of the message are kept
    assert "endless: memory_bytes" in " ".join(out.split())
    assert "nested more than" in " ".join(out.split())
    assert "∞" not in out


def test_a_target_with_infinite_memory_is_not_usable(capsys, user_targets):
    (user_targets / "mine.toml").write_text(TARGET.format(id="endless", name="endless", memory="inf"))
    code, _out, err = run(capsys, "estimate", "7B", "--target", "endless")
    assert_one_line_refusal(code, err, "endless")


def test_a_bug_in_paramtui_is_one_line_that_says_so(capsys, monkeypatch):
    import paramtui.core.result.estimate as estimate_mod

    def broken(_scenario):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(estimate_mod, "estimate", broken)
    code, _out, err = run(capsys, "estimate", "7B")
    assert code == 70
    assert err.startswith("paramtui bug while running `paramtui estimate 7B`: ZeroDivisionError")
    assert "please report it" in err and err.count("\n") == 1


@pytest.mark.parametrize("field, value", [("bandwidth_bytes_per_s", "1e-300"), ("bandwidth_bytes_per_s", "1e300"),
                                          ("memory_bytes", "1e-300"), ("devices", "100000000000")])
def test_a_target_beyond_the_ranges_is_skipped_naming_the_field(capsys, user_targets, field, value):
    # found by tests/properties: a bandwidth of 1e-300 B/s was accepted, then divided by zero
    text = TARGET.format(id="tiny", name="tiny", memory="1e9")
    lines = [line for line in text.splitlines() if not line.startswith(f"{field} =")]
    (user_targets / "mine.toml").write_text("\n".join([*lines, f"{field} = {value}"]) + "\n")
    code, _out, err = run(capsys, "estimate", "7B", "--target", "tiny")
    assert_one_line_refusal(code, err, "tiny")
    code, out, _err = run(capsys, "targets")
    assert code == 0 and f"tiny: {field}" in " ".join(out.split())
