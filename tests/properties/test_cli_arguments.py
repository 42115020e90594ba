"""The command line (issue 18 item 7): any arguments to `paramtui estimate`, `pick`, `export`,
`models` and `targets` give exit 0 with an answer, or exit 2 with one line on stderr; never
a traceback or another code. `--json` output is valid JSON (no NaN, no Infinity) whose
figures are finite and not negative."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from paramtui.cli import main
from paramtui.core.inputs.options import OPTIONS
from paramtui.core.inputs.session import session_to_toml
from paramtui.tui.demo import demo_session

from .checks import assert_figures_finite_and_not_negative
from .strategies import EDGE_TEXT, mostly

CATALOG = ["llama-3.1-8b", "qwen3-0.6b", "gpt2", "deepseek-v3", "7B", "1e16", "1e17", "0", "no-such-model",
           "tests/core/hf_configs/llama-3.1-8b.json", "tests/core/hf_configs/gemma-2-9b.json", "/nonexistent.json"]
NUMBERS = ["1", "2", "0", "-1", "0.5", "1e-4", "1e-300", "7", "4096", "1e6", "1e7", "1e12", "1e16", "1e18", "1e19",
           "1e35", "1e300", "1e308", "1e3000", "inf", "-inf", "nan", "NaN", "99999999999999999999", "7B", "1.5T",
           "64 GB", "lots", ""]


def option_flag(key: str) -> str:
    from paramtui.cli import _flag

    return _flag(OPTIONS[key])


def option_texts(key: str) -> st.SearchStrategy[str]:
    option = OPTIONS[key]
    own = [str(v) for v in option.values()] if option.kind == "choice" else []
    good = st.sampled_from(own) if own else st.sampled_from(NUMBERS)
    return mostly(good, st.one_of(st.sampled_from(NUMBERS + EDGE_TEXT), st.text(max_size=10)))


@st.composite
def estimate_arguments(draw) -> list[str]:
    argv = ["estimate"]
    how = draw(st.sampled_from(["model", "model", "params", "config", "none"]))
    if how == "model":
        argv.append(draw(st.sampled_from(CATALOG)))
    elif how == "params":
        argv += ["--params", draw(st.sampled_from(NUMBERS))]
    elif how == "config":
        argv += ["--config", draw(st.sampled_from(CATALOG[-3:]))]
    keys = [k for k in sorted(OPTIONS) if k != "name"]
    for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
        argv += [option_flag(key), draw(option_texts(key))]
    argv += draw(st.lists(st.sampled_from(["--json", "--json", "--explain"]), max_size=2, unique=True))
    return argv


@st.composite
def pick_arguments(draw) -> list[str]:
    argv = ["pick", "--target", draw(mostly(st.sampled_from(["rtx-4090", "h100-sxm", "m3-max-64gb"]),
                                            st.sampled_from(["nope", "", "[/]"])))]
    for flag, values in (("--gpus", NUMBERS), ("--min-context", NUMBERS), ("--min-tokens-per-s", NUMBERS),
                         ("--precision", ["bf16", "q4_k_m", "nope"]), ("--task", ["chat", "code", "nope"]),
                         ("--license", ["permissive", "nope"])):
        if draw(st.floats(min_value=0, max_value=1)) < 0.3:
            argv += [flag, draw(st.sampled_from(values))]
    if draw(st.booleans()):
        argv.append("--json")
    return argv


@st.composite
def other_arguments(draw) -> list[str]:
    command = draw(st.sampled_from(["models", "targets", "export"]))
    if command != "export":
        return [command, *draw(st.lists(st.sampled_from(["--json", "--json", "--nope", "x"]), max_size=2))]
    argv = ["export", "{session}", "-o", "{out}." + draw(st.sampled_from(["csv", "json", "md", "html", "tex", "xyz"]))]
    if draw(st.booleans()):
        argv += ["--columns", draw(st.sampled_from(["params.total,memory.fits", "nope", ",", "scaling.loss"]))]
    if draw(st.booleans()):
        argv += ["--format", draw(st.sampled_from(["csv", "json", "nope"]))]
    if draw(st.booleans()):
        argv.append("--force")
    return argv


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def no_constants(name: str):
    raise AssertionError(f"--json wrote {name}, which is not JSON")


def check(argv: list[str]) -> None:
    code, out, err = run(argv)
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("paramtui"), (argv, err)
        return
    if "--json" in argv and "--help" not in argv:
        data = json.loads(out, parse_constant=no_constants)
        # A pick's rows hold their loss and scores; estimates hold every figure.
        assert_figures_finite_and_not_negative(data if isinstance(data, dict) else {"rows": data})


@given(estimate_arguments())
def test_any_estimate_arguments_answer_or_refuse_in_one_line(argv):
    check(argv)


@given(pick_arguments())
def test_any_pick_arguments_answer_or_refuse_in_one_line(argv):
    check(argv)


@given(other_arguments())
def test_any_models_targets_or_export_arguments_answer_or_refuse_in_one_line(argv):
    folder = Path(tempfile.mkdtemp(prefix="paramtui-prop-"))
    session = folder / "s.toml"
    session.write_text(session_to_toml(demo_session()))
    before = session.read_bytes()
    check([a.format(session=session, out=folder / "out") for a in argv])
    assert session.read_bytes() == before
