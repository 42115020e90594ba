"""The comparison table and its writers (issue 5).

Two kinds of test: the table logic (deltas, verdicts, sort, failed rows, escaping) on a
stand-in estimator whose numbers are written here, so each expectation is checkable by hand;
and the real pipeline on a session file, where every raw number in CSV/JSON must equal
`paramtui estimate --json` (`Estimate.to_json()`) for the same scenario.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from paramtui.core.errors import UserError
from paramtui.core.io.export import (
    comparison_table,
    export_session_file,
    format_for,
    render_table,
    table_csv,
    table_html,
    table_json,
    table_latex,
    table_markdown,
    tex_escape,
    write_table,
)
from paramtui.core.result.figures import DEFAULT_COLUMNS, FIGURES
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.session import Session, ViewSettings, parse_session
from paramtui.core.validation import replace, validate

DAY = dt.date(2025, 3, 14)

# ------------------------------------------------------------------ a stand-in estimator

FAKE_VALUES = {
    "base": {"scenario.name": "Base & co", "params.total": 8_030_261_248, "memory.kv_cache_bytes": 1_073_741_824,
             "speed.decode_tokens_per_s": 50.0, "memory.fits": True, "compute.cost_usd": 1000.0,
             "scenario.precision": "bf16", "scaling.loss": 2.0},
    "big": {"scenario.name": "Big_50%", "params.total": 8_030_261_248, "memory.kv_cache_bytes": 2_147_483_648,
            "speed.decode_tokens_per_s": 40.0, "memory.fits": False, "compute.cost_usd": 1000.0,
            "scenario.precision": "int4", "scaling.loss": 2.2},
    "fast": {"scenario.name": "Fast {x}", "params.total": 8_030_261_248, "memory.kv_cache_bytes": 536_870_912,
             "speed.decode_tokens_per_s": 75.0, "memory.fits": True, "compute.cost_usd": 500.0,
             "scenario.precision": "fp8", "scaling.loss": None},
}


def fake_estimator(scenario):
    if scenario.id == "broken":
        raise UserError("target 'nowhere' is not a known target")
    return SimpleNamespace(values=FAKE_VALUES[scenario.id])


COLS = ["scenario.name", "params.total", "memory.kv_cache_bytes", "speed.decode_tokens_per_s",
        "memory.fits", "compute.cost_usd", "scaling.loss"]


def fake_session(baseline="base", sort=None, ids=("base", "big", "fast")) -> Session:
    names = {"base": "Base & co", "big": "Big_50%", "fast": "Fast {x}", "broken": "Broken"}
    return validate(Session, dict(
        title="Options <A&B> 100%",
        baseline=baseline,
        scenario=tuple(Scenario(id=i, name=names[i], params=8e9) for i in ids),
        view=ViewSettings(columns=COLS, sort=sort),
    ))


def test_rows_follow_session_order_and_columns_the_view():
    table = comparison_table(fake_session(), estimator=fake_estimator)
    assert [r.scenario_id for r in table.rows] == ["base", "big", "fast"]
    assert table.column_keys == COLS
    assert table.baseline == "base"
    assert [r.is_baseline for r in table.rows] == [True, False, False]


def test_default_columns_when_the_session_names_none():
    session = replace(fake_session(), view=ViewSettings())
    table = comparison_table(session, estimator=fake_estimator)
    assert table.column_keys == DEFAULT_COLUMNS


def test_deltas_against_the_baseline_follow_each_figures_direction():
    table = comparison_table(fake_session(), estimator=fake_estimator)
    big = table.row("big")
    kv = big.cell("memory.kv_cache_bytes")  # lower is better: doubling is worse
    assert kv.delta == 1_073_741_824
    assert kv.delta_percent == pytest.approx(100.0)
    assert kv.verdict == "worse"
    assert kv.delta_text == "+1.00 GiB"
    assert kv.change_text == "+100% worse"
    assert kv.long_change_text == "+1.00 GiB (+100%), worse"

    decode = big.cell("speed.decode_tokens_per_s")  # higher is better: 50 -> 40 is worse
    assert decode.delta == pytest.approx(-10.0)
    assert decode.delta_percent == pytest.approx(-20.0)
    assert decode.verdict == "worse"
    assert decode.change_text == "-20% worse"

    fast = table.row("fast")
    assert fast.cell("speed.decode_tokens_per_s").change_text == "+50% better"
    assert fast.cell("memory.kv_cache_bytes").change_text == "-50% better"
    assert fast.cell("compute.cost_usd").long_change_text == "-$500.00 (-50%), better"
    # Same value: said in a word, not left blank.
    assert big.cell("compute.cost_usd").verdict == "same"
    assert big.cell("compute.cost_usd").change_text == "same"
    # Fits: a yes/no that turns to NO is worse, and says so.
    assert big.cell("memory.fits").verdict == "worse"
    assert big.cell("memory.fits").change_text == "yes→NO worse"
    # No direction (a count, a string) and missing values: no verdict.
    assert big.cell("params.total").verdict is None
    assert fast.cell("scaling.loss").verdict is None and fast.cell("scaling.loss").text == "–"
    # The baseline row has no deltas.
    assert all(c.delta is None and c.verdict is None for c in table.row("base").cells)


def test_no_baseline_means_no_deltas():
    table = comparison_table(fake_session(baseline=None), estimator=fake_estimator)
    assert table.baseline is None
    assert all(c.delta is None and c.change_text == "" for r in table.rows for c in r.cells)


def test_sort_by_any_column_ascending_and_descending_with_missing_values_last():
    by_kv = comparison_table(fake_session(sort="memory.kv_cache_bytes"), estimator=fake_estimator)
    assert [r.scenario_id for r in by_kv.rows] == ["fast", "base", "big"]
    by_kv_desc = comparison_table(fake_session(sort="-memory.kv_cache_bytes"), estimator=fake_estimator)
    assert [r.scenario_id for r in by_kv_desc.rows] == ["big", "base", "fast"]
    assert by_kv_desc.sort == "-memory.kv_cache_bytes"
    by_loss = comparison_table(fake_session(sort="-scaling.loss"), estimator=fake_estimator)
    assert [r.scenario_id for r in by_loss.rows] == ["big", "base", "fast"]  # fast has no loss: last
    by_name = comparison_table(fake_session(sort="name"), estimator=fake_estimator)  # bare = scenario.name
    assert [r.scenario_id for r in by_name.rows] == ["base", "big", "fast"]
    assert by_name.sort == "scenario.name"
    # A sort on a column that is not shown still works: any figure.
    by_cost = comparison_table(fake_session(sort="compute.cost_usd"), estimator=fake_estimator)
    assert [r.scenario_id for r in by_cost.rows] == ["fast", "base", "big"]  # ties keep session order


def test_unknown_columns_and_sort_are_user_errors_unless_lenient():
    session = fake_session()
    with pytest.raises(UserError, match="memory.kv_cache"):
        comparison_table(session, ["memory.kv_cache"], estimator=fake_estimator)
    bad = replace(session, view=validate(ViewSettings, dict(columns=["nope", "params.total"], sort="-nope")))
    with pytest.raises(UserError, match="nope"):
        comparison_table(bad, estimator=fake_estimator)
    lenient = comparison_table(bad, strict=False, estimator=fake_estimator)
    assert lenient.column_keys == ["params.total"] and lenient.sort is None


def test_a_failed_estimate_keeps_its_row_with_the_error_and_its_inputs():
    session = fake_session(ids=("base", "broken", "big"))
    table = comparison_table(session, estimator=fake_estimator)
    assert [r.scenario_id for r in table.rows] == ["base", "broken", "big"]
    broken = table.row("broken")
    assert broken.error == "target 'nowhere' is not a known target"
    assert broken.cell("scenario.name").text == "Broken"
    assert broken.cell("memory.kv_cache_bytes").value is None
    # It sorts last, whichever direction.
    for sort in ("memory.kv_cache_bytes", "-memory.kv_cache_bytes"):
        rows = comparison_table(fake_session(sort=sort, ids=("broken", "base", "big")), estimator=fake_estimator).rows
        assert rows[-1].scenario_id == "broken"
    csv_rows = list(csv.DictReader(io.StringIO(table_csv(table))))
    assert csv_rows[1]["error"] == "target 'nowhere' is not a known target"
    assert csv_rows[1]["memory.kv_cache_bytes"] == ""
    assert "error: target" in table_markdown(table, DAY)


def test_a_bug_while_estimating_is_raised_not_written_as_the_users_mistake():
    def buggy(scenario):
        raise ValueError("math domain error")

    with pytest.raises(ValueError, match="math domain"):
        comparison_table(fake_session(), estimator=buggy)


def test_a_failed_baseline_gives_no_deltas_rather_than_wrong_ones():
    session = fake_session(baseline="broken", ids=("broken", "base", "big"))
    table = comparison_table(session, estimator=fake_estimator)
    assert table.baseline is None
    assert all(c.delta is None for r in table.rows for c in r.cells)


def test_column_names_are_the_estimate_json_keys(session_file, tmp_path):
    from paramtui.core.result.estimate import estimate

    out = export_session_file(session_file, tmp_path / "t.csv", columns=list(FIGURES))
    header = next(csv.reader(out.open(newline="")))
    assert header == ["scenario.id", *FIGURES, "error"]
    doc = estimate(parse_session(SESSION_TOML).scenarios[0]).to_json()
    missing = [key for key in FIGURES if not _has_json_key(doc, key)]
    assert not missing  # every column is a key of `paramtui estimate --json`


def _has_json_key(doc, key):
    node = doc
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def test_csv_and_json_carry_raw_numbers():
    table = comparison_table(fake_session(), estimator=fake_estimator)
    rows = list(csv.DictReader(io.StringIO(table_csv(table))))
    assert list(rows[0]) == ["scenario.id", "scenario.name", "params.total", "memory.kv_cache_bytes",
                             "speed.decode_tokens_per_s", "memory.fits", "compute.cost_usd",
                             "scaling.loss", "error"]
    assert rows[0]["params.total"] == "8030261248"
    assert rows[1]["memory.kv_cache_bytes"] == "2147483648"
    assert float(rows[2]["speed.decode_tokens_per_s"]) == 75.0
    assert rows[1]["memory.fits"] == "false"
    assert rows[0]["scenario.name"] == "Base & co"  # CSV quoting, not HTML escaping
    assert rows[2]["scaling.loss"] == ""

    doc = json.loads(table_json(table, DAY))
    assert doc["title"] == "Options <A&B> 100%" and doc["date"] == "2025-03-14"
    assert doc["baseline"] == "base"
    assert [c["name"] for c in doc["columns"]][:3] == ["scenario.name", "params.total", "memory.kv_cache_bytes"]
    big = doc["rows"][1]
    assert big["values"]["memory.kv_cache_bytes"] == 2_147_483_648
    assert isinstance(big["values"]["params.total"], int)
    assert big["change_vs_baseline"]["memory.kv_cache_bytes"] == {
        "absolute": 1_073_741_824, "percent": 100.0, "verdict": "worse"}
    assert "change_vs_baseline" not in doc["rows"][0]


def test_markdown_has_caption_deltas_and_escaped_pipes():
    session = fake_session()
    session = session.replace_scenario(session.scenario("fast").with_changes(name="a|b"))
    values = dict(FAKE_VALUES, fast=dict(FAKE_VALUES["fast"], **{"scenario.name": "a|b"}))
    table = comparison_table(session, estimator=lambda s: SimpleNamespace(values=values[s.id]))
    md = table_markdown(table, DAY)
    lines = md.splitlines()
    assert lines[0] == "**Options <A&B> 100%** — paramtui, 2025-03-14; changes against baseline: Base & co"
    assert lines[2].startswith("| Scenario | Parameters | KV cache |")
    assert lines[3].startswith("|:---|---:|---:|")
    assert "| Base & co (baseline) |" in md
    assert "2.00 GiB (+1.00 GiB (+100%), worse)" in md
    assert "a\\|b" in md
    # Every table line has the same number of unescaped column separators.
    import re

    counts = {len(re.findall(r"(?<!\\)\|", ln)) for ln in lines[2:]}
    assert counts == {len(COLS) + 1}


def test_html_is_escaped_and_says_better_or_worse_in_words():
    table = comparison_table(fake_session(), estimator=fake_estimator)
    page = table_html(table, DAY)
    assert "<caption>Options &lt;A&amp;B&gt; 100% — paramtui, 2025-03-14" in page
    assert "Base &amp; co" in page and "Base & co" not in page
    assert '<span class="worse">(+1.00 GiB (+100%), worse)</span>' in page
    assert '<span class="better">' in page
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.depth = [], 0

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append(0)
            if tag in ("td", "th"):
                self.rows[-1] += 1

    parser = Cells()
    parser.feed(page)
    assert parser.rows == [len(COLS)] * 4


def test_latex_escapes_specials_and_unicode():
    assert tex_escape("Big_50% & $1 #2 {x} ~^\\") == (
        r"Big\_50\% \& \$1 \#2 \{x\} \textasciitilde{}\textasciicircum{}\textbackslash{}")
    assert tex_escape("– 41 µs ∞ yes→NO") == r"-- 41 $\mu$s $\infty$ yes$\rightarrow$NO"
    table = comparison_table(fake_session(), estimator=fake_estimator)
    tex = table_latex(table, DAY)
    assert r"\caption{Options \textless{}A\&B\textgreater{} 100\% --- paramtui, 2025-03-14; " in tex
    assert r"\begin{tabular}{lrrrlrr}" in tex
    assert r"Big\_50\%" in tex
    assert r"\$1.00k" in tex or r"\$1,000.00" in tex
    body = [ln for ln in tex.splitlines() if ln.endswith(r"\\")]
    assert len(body) == 4
    for ln in body:  # one & fewer than columns per row: no unescaped & leaked from a value
        import re

        assert len(re.findall(r"(?<!\\)&", ln)) == len(COLS) - 1


def test_format_from_suffix_or_name():
    assert format_for("x.csv") == "csv"
    assert format_for("x.JSON") == "json"
    assert format_for("x.markdown") == "md"
    assert format_for("x.htm") == "html"
    assert format_for("x.tex") == "tex"
    assert format_for("x.txt", "md") == "md"
    assert format_for("x.csv", "latex") == "tex"
    with pytest.raises(UserError, match=r"x\.txt: cannot tell the format from \.txt"):
        format_for("x.txt")
    with pytest.raises(UserError, match="unknown export format 'xlsx'"):
        format_for("x.csv", "xlsx")


def test_write_is_atomic_and_reports_a_missing_folder(tmp_path):
    table = comparison_table(fake_session(), estimator=fake_estimator)
    out = tmp_path / "t.md"
    out.write_text("old")
    assert write_table(table, out, date=DAY) == out
    assert out.read_text().startswith("**Options")
    assert [p.name for p in tmp_path.iterdir()] == ["t.md"]  # no temp file left behind
    with pytest.raises(UserError, match="does not exist"):
        write_table(table, tmp_path / "no" / "t.csv")
    with pytest.raises(UserError, match="is a directory"):
        write_table(table, tmp_path, "csv")


def test_every_writer_renders_every_figure():
    """All registry figures at once, including strings, booleans and None, in every format."""
    values = {k: None for k in FIGURES}
    values.update({"scenario.name": "x", "memory.fits": True, "params.total": 10, "speed.bound": "memory"})
    session = validate(Session, dict(title="all", scenario=(Scenario(id="a", params=8e9), Scenario(id="b", params=8e9)),
                      baseline="a"))
    table = comparison_table(session, list(FIGURES), estimator=lambda s: SimpleNamespace(values=values))
    for fmt in ("csv", "json", "md", "html", "tex"):
        assert render_table(table, fmt, DAY)


# ------------------------------------------------------------------ the real pipeline

SESSION_TOML = """
version = 1
title = "8B options & more"
baseline = "bf16"

[[scenario]]
id = "bf16"
name = "Llama 3.1 8B, bf16"
model = "llama-3.1-8b"
precision = "bf16"
target = "h100-sxm"

[scenario.inference]
batch = 4
context = 8192

[[scenario]]
id = "int4"
name = "Llama 3.1 8B, int4"
model = "llama-3.1-8b"
precision = "int4"
target = "h100-sxm"

[scenario.inference]
batch = 4
context = 8192

[[scenario]]
id = "bare"
name = "7B bare count on 2 GPUs"
params = 7e9
target = "h100-sxm"
gpus = 2
"""


@pytest.fixture
def session_file(tmp_path) -> Path:
    path = tmp_path / "session.toml"
    path.write_text(SESSION_TOML)
    return path


def _json_at(doc: dict, key: str):
    """Follow a dotted figure key into `Estimate.to_json()`; the flat form is checked too."""
    if key in doc:
        return doc[key]
    node = doc
    for part in key.split("."):
        node = node[part]
    return node


ALL_NUMERIC = [k for k in FIGURES if not k.startswith("scenario.")]


def test_csv_numbers_equal_estimate_json(session_file, tmp_path):
    from paramtui.core.result.estimate import estimate

    out = export_session_file(session_file, tmp_path / "t.csv", columns=ALL_NUMERIC)
    rows = list(csv.DictReader(out.open(newline="")))
    session = parse_session(SESSION_TOML)
    assert [r["scenario.id"] for r in rows] == ["bf16", "int4", "bare"]
    checked = 0
    for row in rows:
        doc = estimate(session.scenario(row["scenario.id"])).to_json()
        for key in ALL_NUMERIC:
            expected = _json_at(doc, key)
            got = row[key]
            if expected is None:
                assert got == ""
            elif isinstance(expected, bool):
                assert got == ("true" if expected else "false")
            elif isinstance(expected, int):
                assert int(got) == expected, key
                checked += 1
            elif isinstance(expected, float):
                assert float(got) == expected, key  # exact: repr round-trips a float
                checked += 1
            else:
                assert got == str(expected)
    assert checked > 30


def test_json_numbers_equal_estimate_json(session_file, tmp_path):
    from paramtui.core.result.estimate import estimate

    out = export_session_file(session_file, tmp_path / "t.json", columns=ALL_NUMERIC)
    doc = json.loads(out.read_text())
    session = parse_session(SESSION_TOML)
    assert doc["title"] == "8B options & more" and doc["baseline"] == "bf16"
    for row in doc["rows"]:
        est = estimate(session.scenario(row["id"])).to_json()
        for key in ALL_NUMERIC:
            expected = _json_at(est, key)
            got = row["values"][key]
            assert got == expected and type(got) is type(expected), key
    # The baseline's row carries no change; int4 halves-or-better the weights against bf16.
    assert "change_vs_baseline" not in doc["rows"][0]
    w = doc["rows"][1]["change_vs_baseline"]["memory.weights_bytes"]
    assert w["verdict"] == "better" and w["absolute"] < 0 and w["percent"] < -50


def test_cli_estimate_json_and_export_agree(session_file, tmp_path):
    """The same numbers through both commands, as a user would run them."""
    out = tmp_path / "t.json"
    run = subprocess.run([sys.executable, "-m", "paramtui", "export", str(session_file), "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    exported = json.loads(out.read_text())["rows"][1]["values"]
    est = subprocess.run([sys.executable, "-m", "paramtui", "estimate", "llama-3.1-8b", "--precision", "int4",
                          "--batch", "4", "--context", "8192", "--json"], capture_output=True, text=True)
    assert est.returncode == 0, est.stderr
    doc = json.loads(est.stdout)
    for key in ("params.total", "memory.weights_bytes", "memory.kv_cache_bytes", "memory.inference_total_bytes",
                "compute.cost_usd", "speed.decode_tokens_per_s", "speed.prefill_tokens_per_s", "scaling.loss"):
        assert exported[key] == _json_at(doc, key), key


def test_every_format_from_a_session_file(session_file, tmp_path):
    for suffix in ("csv", "json", "md", "html", "tex"):
        out = export_session_file(session_file, tmp_path / f"t.{suffix}")
        text = out.read_text()
        assert "Llama 3.1 8B, int4" in text or "Llama 3.1 8B, int4" in text.replace("&amp;", "&")
    md = (tmp_path / "t.md").read_text()
    assert md.startswith("**8B options & more** — paramtui, ")
    assert "(baseline)" in md and "better)" in md
    assert "8B options \\& more" in (tmp_path / "t.tex").read_text()
    assert "8B options &amp; more" in (tmp_path / "t.html").read_text()
    forced = export_session_file(session_file, tmp_path / "t.txt", fmt="csv", columns=["params.total"])
    assert forced.read_text().splitlines()[0] == "scenario.id,params.total,error"


def test_export_user_errors(session_file, tmp_path):
    with pytest.raises(UserError, match="no such file"):
        export_session_file(tmp_path / "missing.toml", tmp_path / "t.csv")
    with pytest.raises(UserError, match="unknown column 'params.totl'.*params.total"):
        export_session_file(session_file, tmp_path / "t.csv", columns=["params.totl"])
    with pytest.raises(UserError, match="cannot tell the format"):
        export_session_file(session_file, tmp_path / "t.xlsx")
    bad = tmp_path / "bad.toml"
    bad.write_text("version = 1\n[[scenario]]\nid = 'a'\nmodel = 'nope-model'\n")
    with pytest.raises(UserError, match="bad.toml"):
        export_session_file(bad, tmp_path / "t.csv")
    assert not (tmp_path / "t.csv").exists()


def test_cli_export_bad_column_is_one_line_exit_2(session_file, tmp_path):
    run = subprocess.run([sys.executable, "-m", "paramtui", "export", str(session_file), "-o",
                          str(tmp_path / "t.csv"), "--columns", "params.total,nope"], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "unknown column 'nope'" in run.stderr
