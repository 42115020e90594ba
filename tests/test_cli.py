"""The command line as scripts use it: JSON, exit codes, one-line errors (docs/ARCHITECTURE.md, Command line)."""

import json
import os
import subprocess
import sys

import pytest

from paramtui.cli import main

REFERENCE_CONFIG = os.path.join(os.path.dirname(__file__), "core", "hf_configs", "llama-3.1-8b.json")


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_estimate_json_design_figures(capsys):
    j = run_json(capsys, "estimate", "llama-3.1-8b", "--precision", "bf16", "--context", "8192", "--json")
    assert j["params"]["total"] == 8030261248
    assert j["memory"]["weights_bytes"] == 16060522496
    assert j["memory"]["kv_cache_bytes"] == 1073741824


def test_estimate_from_config_file(capsys):
    j = run_json(capsys, "estimate", "--config", REFERENCE_CONFIG, "--json")
    assert j["params"]["total"] == 8030261248


def test_bare_counts_in_either_spelling(capsys):
    assert run_json(capsys, "estimate", "7B", "--json")["params"]["total"] == 7_000_000_000
    assert run_json(capsys, "estimate", "--params", "7e9", "--json")["params"]["total"] == 7_000_000_000


def test_options_change_the_figures(capsys):
    base = run_json(capsys, "estimate", "llama-3.1-8b", "--json")
    int4 = run_json(capsys, "estimate", "llama-3.1-8b", "--precision", "int4", "--json")
    # int4 keeps embeddings and head in 16-bit, as bitsandbytes/vLLM do: 5.59 GB, not 4.0
    assert int4["memory"]["weights_bytes"] == 5591539712
    kv8 = run_json(capsys, "estimate", "llama-3.1-8b", "--kv-precision", "fp8", "--json")
    assert kv8["memory"]["kv_cache_bytes"] * 2 == base["memory"]["kv_cache_bytes"]
    rec = run_json(capsys, "estimate", "llama-3.1-8b", "--recompute", "full", "--json")
    assert rec["memory"]["training"]["activations_bytes"] < base["memory"]["training"]["activations_bytes"]
    zero3 = run_json(capsys, "estimate", "llama-3.1-8b", "--gpus", "8", "--zero", "3", "--json")
    # ZeRO-3 shards the 16 bytes/param of mixed-precision AdamW (Rajbhandari et al. 2020, §5) over 8 devices.
    t = zero3["memory"]["training"]
    states = t["weights_bytes"] + t["gradients_bytes"] + t["optimizer_bytes"]
    assert states == pytest.approx(16 * 8030261248 / 8, rel=0.01)
    mfu = run_json(capsys, "estimate", "llama-3.1-8b", "--mfu", "20%", "--json")
    assert mfu["compute"]["gpu_hours"] == pytest.approx(2 * base["compute"]["gpu_hours"])
    kaplan = run_json(capsys, "estimate", "llama-3.1-8b", "--law", "kaplan", "--json")
    assert kaplan["scaling"]["loss"] != base["scaling"]["loss"]


@pytest.mark.parametrize("argv, fragment", [
    (["estimate", "llama-3.1-8b", "--batch", "-3"], "--batch"),
    (["estimate", "no-such-model"], "unknown model"),
    (["estimate", "llama-3.1-8b", "--target", "h100"], "unknown target"),
    (["estimate", "llama-3.1-8b", "--precision", "int3"], "unknown precision"),
    (["estimate"], "give a model"),
    (["estimate", "--config", "/nonexistent/config.json"], "config.json"),
    (["estimate", "gpt2", "--context", "4096"], "at most 1,024"),
    (["estimate", "llama-3.1-8b", "--mfu", "2"], "--mfu"),
    (["export", "/nonexistent.toml", "-o", "x.csv"], "no such file"),
])
def test_user_mistakes_are_one_line_and_exit_2(capsys, argv, fragment):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err
    assert "\n" not in err and "Traceback" not in err


def test_models_and_targets_json(capsys):
    models = run_json(capsys, "models", "--json")
    assert len(models) >= 30 and {"id", "name", "params"} <= set(models[0])
    assert {m["id"]: m["params"] for m in models}["llama-3.1-8b"] == 8030261248
    targets = run_json(capsys, "targets", "--json")
    assert len(targets) >= 25
    assert {"id", "name", "kind", "memory_bytes", "bandwidth_bytes_per_s", "source"} <= set(targets[0])


def test_table_output_reads_as_text(capsys):
    assert main(["estimate", "llama-3.1-8b", "--context", "8192"]) == 0
    out = capsys.readouterr().out
    assert "8.03B" in out and "KV cache" in out and "1.00 GiB" in out


def test_console_script_runs_as_a_process():
    p = subprocess.run([sys.executable, "-m", "paramtui", "estimate", "gpt2", "--json"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["params"]["total"] == 124439808


def test_pick_ranks_models_that_fit(capsys):
    j = run_json(capsys, "pick", "--target", "rtx-4090", "--min-tokens-per-s", "20", "--json")
    eligible = [r for r in j["rows"] if r["eligible"]]
    ranked = [r["rank"] for r in eligible if r["rank"] is not None]  # unranked: no published tokens
    assert ranked == list(range(1, len(ranked) + 1)) and len(ranked) > 10
    losses = [r["loss"] for r in eligible if r["rank"] is not None]
    assert losses == sorted(losses)
    assert all(r["memory_bytes"] <= r["usable_bytes"] and r["decode_tokens_per_s"] >= 20 for r in eligible)
    assert any(not r["eligible"] and r["reasons"] for r in j["rows"])  # 405B does not fit, and says why
    assert main(["pick", "--target", "nope"]) == 2


def test_pick_for_a_task_ranks_by_published_score(capsys):
    j = run_json(capsys, "pick", "--target", "rtx-5090", "--task", "code", "--json")
    ranked = [r for r in j["rows"] if r["rank"] is not None]
    assert len(ranked) >= 5 and j["task"] == "code" and j["benchmark"] == "HumanEval (instruct)"
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    same = [r["task_score"] for r in ranked if r["task_score_benchmark"] == "HumanEval (instruct)"]
    assert same == sorted(same, reverse=True) and len(same) >= 5
    assert all(r["task_score_source"] and r["license"] and r["quality_kept"] for r in ranked)
    assert main(["pick", "--target", "rtx-4090", "--task", "code", "--license", "permissive"]) == 0
    text = capsys.readouterr().out
    assert "best published coding score first" in text and "not comparable" in " ".join(text.split())


def test_pick_with_an_unknown_task_is_one_line_and_exit_2(capsys):
    assert main(["pick", "--target", "rtx-4090", "--task", "cooking"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown task 'cooking'" in err


def test_price_overrides_the_targets(capsys):
    base = run_json(capsys, "estimate", "llama-3.1-8b", "--json")
    cheap = run_json(capsys, "estimate", "llama-3.1-8b", "--price", "2", "--json")
    assert cheap["compute"]["cost_usd"] == pytest.approx(2 * base["compute"]["gpu_hours"])
    assert cheap["speed"]["cost_per_million_tokens_usd"] < base["speed"]["cost_per_million_tokens_usd"]
    owned = run_json(capsys, "estimate", "llama-3.1-8b", "--target", "m3-max", "--price", "0.1", "--json")
    assert owned["compute"]["cost_usd"] == pytest.approx(0.1 * owned["compute"]["gpu_hours"])
    assert main(["estimate", "gpt2", "--price", "-1"]) == 2


def test_estimate_json_carries_the_offload_answer(capsys):
    """Issue 13: `estimate --json` gives the layer split and its speed, the Calculator's and Deploy's."""
    out = run_json(capsys, "estimate", "llama-3.1-70b", "--precision", "q4_k_m", "--target", "rtx-4090",
                   "--host-ram", "64GB", "--json")
    assert out["offload"]["mode"] == "layers" and out["offload"]["fits"] is True
    assert out["offload"]["gpu_layers"] == 44  # of 80, on 24 GiB
    assert out["offload"]["host_capacity_bytes"] == 64 * 2**30
    assert out["speed"]["decode_tokens_per_s"] == out["offload"]["decode_tokens_per_s"]


def test_estimate_table_shows_the_offload_and_no_gpu_only_speed(capsys):
    assert main(["estimate", "llama-3.1-70b", "--precision", "q4_k_m", "--target", "rtx-4090", "--host-ram", "64"]) == 0
    text = capsys.readouterr().out
    assert "Layers on the device" in text and "44" in text
    assert "Prefill" not in text and "Time to first token" not in text


def test_estimate_of_a_model_that_does_not_run_even_offloaded_shows_no_speed_and_no_empty_heading(capsys):
    assert main(["estimate", "qwen3-next-80b-a3b", "--target", "rtx-5090"]) == 0
    text = capsys.readouterr().out
    assert "Runs with offload" in text  # NO: 118 GiB for the host, 59.6 GiB there
    assert "Decode with offload" not in text and "tok/s" not in text
    assert "Inference speed" not in text  # a heading with nothing under it


def test_estimate_budget_gives_a_plan(capsys):
    out = run_json(capsys, "estimate", "llama-3.1-8b", "--budget-usd", "50000", "--target", "h100-sxm",
                   "--price", "2", "--json")
    assert out["budget"]["gpu_hours"] == 25_000 and out["budget"]["cost_usd"] == 50_000
    assert out["budget"]["params"] > 1e9 and out["budget"]["loss"] > 1.5


def test_a_budget_alone_is_answered_without_a_model(capsys):
    """Issue 13: "I have $50k of H100 time: what size, how many tokens, what loss?"."""
    with_model = run_json(capsys, "estimate", "llama-3.1-8b", "--budget-usd", "50000", "--target", "h100-sxm",
                          "--price", "2", "--json")["budget"]
    alone = run_json(capsys, "estimate", "--budget-usd", "50000", "--target", "h100-sxm", "--price", "2", "--json")
    assert alone["budget"] == with_model  # one plan, whatever model the question names
    assert alone["params"]["total"] == round(alone["budget"]["params"])  # the answer is the planned model
    assert main(["estimate", "--budget-usd", "50000", "--target", "h100-sxm", "--price", "2"]) == 0
    text = capsys.readouterr().out
    assert "What $50.0k buys" in text and "$50.0k" in text and "25.0k GPU-h" in text
    assert "Budget: optimal size" in text and "Budget: predicted loss" in text
    assert "Inference memory" not in text  # only the plan: a nominal model's figures would not answer it
    for flag, value in (("--budget-gpu-hours", "1000"), ("--budget-days", "30"), ("--budget-flops", "1e23")):
        assert run_json(capsys, "estimate", flag, value, "--json")["budget"]["tokens"] > 1e9


def test_no_model_and_no_budget_says_what_to_give(capsys):
    assert main(["estimate"]) == 2
    err = capsys.readouterr().err
    assert "give a model" in err and "--budget-usd" in err
    assert main(["estimate", "--budget-usd", "5000", "--purpose", "finetune"]) == 2
    assert "from scratch" in capsys.readouterr().err


def test_a_fine_tune_shows_no_loss_and_says_why(capsys):
    assert main(["estimate", "llama-3.1-8b", "--method", "qlora"]) == 0
    text = capsys.readouterr().out
    assert "100M" in text and "years" not in text
    assert "from scratch" in text


def test_bad_host_ram_and_two_budgets_are_one_line_errors(capsys):
    assert main(["estimate", "gpt2", "--host-ram", "lots"]) == 2
    assert main(["estimate", "gpt2", "--budget-usd", "1", "--budget-days", "2"]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("module", ["paramtui", "paramtui.cli"])
def test_python_dash_m_runs_the_command_line(module):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", module, "estimate", "llama-3.1-8b"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Llama 3.1 8B" in run.stdout and "Predicted loss" in run.stdout


@pytest.mark.parametrize("argv", [["models"], ["targets"], ["pick", "--target", "rtx-4090"]])
def test_catalog_tables_at_80_columns_show_every_id_whole(argv, capsys, monkeypatch):
    """An id is typed back into --target or estimate: 'strix-ha…' or 'qwen2…' cannot be."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = data["rows"] if isinstance(data, dict) else data
    ids = {r.get("model_id") or r["id"] for r in rows}
    assert main(argv) == 0
    out = capsys.readouterr().out
    if argv[0] == "pick":  # compact rows: rank, then the id
        first_cells = {cells[1] for cells in map(str.split, out.splitlines())
                       if len(cells) > 1 and (cells[0].isdigit() or cells[0] in ("✓", "✗"))}
    else:
        first_cells = {line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")}
    assert ids <= first_cells


@pytest.mark.parametrize("argv", [["pick", "--target", "rtx-5090", "--task", "code"], ["pick", "--target", "rtx-4090"]])
def test_pick_at_80_columns_is_one_row_per_model_and_its_whole_reason_below(argv, capsys, monkeypatch):
    """A "why" column wrapped each model over ten lines and cut the loss to '1.9…'; then a
    reason cut to one line lost the score's source ('HumanEval 88.4 (instruct…')."""
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    assert main([*argv, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["#", "model"]) + 1
    at = start
    for row in rows:
        figures = lines[at].split()
        assert figures[1] == row["model_id"]
        if row["loss"] is not None and "--task" not in argv:
            assert f"{row['loss']:.3f}" in figures  # the loss whole, never '1.9…'
        at += 1
        reason = []
        while at < len(lines) and lines[at].startswith("    "):
            reason.append(lines[at].strip())
            at += 1
        said = "; ".join(row["reasons"] if "--task" not in argv else row["reasons"][1:] + row["reasons"][:1])
        assert " ".join(reason) == said  # every word, the source included
        assert "…" not in " ".join(reason) or "…" in said


def test_estimate_title_is_two_whole_lines_at_80_columns(capsys, monkeypatch):
    """The table's title wrapped at the table's width mid-phrase: "batch 1 ·" / "context 4,096"."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["estimate", "llama-3.1-8b", "--target", "rtx-4090", "--batch", "2", "--context", "8192"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].strip() == "Llama 3.1 8B · bf16 on 1× NVIDIA GeForce RTX 4090 24GB"
    assert lines[1].strip() == "batch 2 · context 8,192"


# ------------------------------------------------------------------ catalog models at their published precision

GIB = 2**30


@pytest.mark.parametrize(("model", "precision", "weights_bytes", "card_gib"), [
    # OpenAI 2025, gpt-oss model card (arXiv 2508.10925), Table 1: checkpoint sizes 12.8 GiB
    # and 60.8 GiB (MXFP4 experts, BF16 rest); paramtui's bytes round to the card's figures.
    ("gpt-oss-20b", "mxfp4-moe", 13_761_264_768, 12.8),
    ("gpt-oss-120b", "mxfp4-moe", 65_248_815_744, 60.8),
])
def test_estimate_of_gpt_oss_is_its_published_checkpoint(capsys, model, precision, weights_bytes, card_gib):
    j = run_json(capsys, "estimate", model, "--json")
    assert j["scenario"]["precision"] == precision
    assert j["memory"]["weights_bytes"] == weights_bytes
    assert round(weights_bytes / GIB, 1) == card_gib


@pytest.mark.parametrize(("model", "precision"), [
    ("deepseek-v3", "fp8-block128"), ("deepseek-v3.1", "fp8-block128"), ("kimi-k2", "fp8-block128"),
    ("minimax-m2", "fp8-block128"), ("llama-4-maverick", "bf16"), ("glm-4.5", "bf16"),
    ("llama-3.1-8b", "bf16"),
])
def test_estimate_of_a_catalog_model_defaults_to_its_published_precision(capsys, model, precision):
    assert run_json(capsys, "estimate", model, "--json")["scenario"]["precision"] == precision


def test_a_precision_given_on_the_command_line_wins(capsys):
    j = run_json(capsys, "estimate", "gpt-oss-20b", "--precision", "bf16", "--json")
    assert j["scenario"]["precision"] == "bf16"
    assert j["memory"]["weights_bytes"] == 2 * 20_914_757_184
