"""This machine as the target `local`: stand-in vendor tools on PATH, the real parsing."""

from __future__ import annotations

import json
import os
import stat

import pytest

from paramtui.cli import main
from paramtui.core.inputs import local_machine
from paramtui.core.inputs.local_machine import detect_machine, local_target, match_target, parse_amd_smi, parse_rocm_smi
from paramtui.core.inputs.targets import default_targets, get_target
from paramtui.core.result.estimate import clear_caches

NVIDIA_ARGS = "--query-gpu=name,memory.total --format=csv,noheader,nounits"


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    """PATH holding only our stand-in tools; the catalog without the user's target files."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    default_targets.cache_clear()
    d = tmp_path / "bin"
    d.mkdir()
    monkeypatch.setenv("PATH", str(d))
    detect_machine.cache_clear()
    clear_caches()  # estimates are cached by scenario: `local` is another machine in each test
    yield d
    detect_machine.cache_clear()
    default_targets.cache_clear()
    clear_caches()


def tool(bin_dir, name: str, expected_args: str, output: str, code: int = 0) -> None:
    """A stand-in for a vendor tool: prints `output` only when called with the real arguments."""
    script = bin_dir / name
    (bin_dir / f"{name}.out").write_text(output + "\n")
    # Shell builtins only: PATH holds nothing but these stand-ins.
    script.write_text(f"""#!/bin/sh
if [ "$*" != "{expected_args}" ]; then echo "unexpected arguments: $*" >&2; exit 64; fi
while IFS= read -r line; do echo "$line"; done < "{bin_dir / (name + '.out')}"
exit {code}
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_two_nvidia_gpus_become_the_local_target(bin_dir, capsys):
    tool(bin_dir, "nvidia-smi", NVIDIA_ARGS, "NVIDIA H100 80GB HBM3, 81559\nNVIDIA H100 80GB HBM3, 81559")
    machine = detect_machine()
    assert [(g.name, g.memory_bytes, g.target) for g in machine.gpus] == [
        ("NVIDIA H100 80GB HBM3", 81559 * 2**20, "h100-sxm")] * 2
    target = get_target("local")
    h100 = get_target("h100-sxm")
    assert (target.devices, target.memory_bytes, target.bandwidth_bytes_per_s, target.tflops) == (
        2, 81559 * 2**20, h100.bandwidth_bytes_per_s, h100.tflops)
    assert target.name == "this machine: 2× NVIDIA H100 80GB HBM3"
    if machine.host_memory_bytes:
        assert target.host_memory_bytes == machine.host_memory_bytes
    assert main(["targets", "--detect", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["host_memory_bytes"] == machine.host_memory_bytes and out["cores"] == os.cpu_count()
    assert out["gpus"][0]["target"] == "h100-sxm" and out["target"]["id"] == "local"
    assert main(["estimate", "llama-3.1-8b", "--target", "local", "--json"]) == 0
    est = json.loads(capsys.readouterr().out)
    assert est["scenario"]["target"] == "local" and est["scenario"]["devices"] == 2


def test_a_gpu_the_catalog_lacks_keeps_its_memory_and_says_speed_needs_a_target_file(bin_dir, capsys):
    tool(bin_dir, "nvidia-smi", NVIDIA_ARGS, "NVIDIA GeForce RTX 3060, 12288")
    target = local_target()
    assert target.memory_bytes == 12 * 2**30
    assert "speed needs a target file" in target.notes
    assert main(["targets", "--detect"]) == 0
    assert "not in the catalog: speed needs a target file" in capsys.readouterr().out


def test_a_failing_tool_is_reported_and_the_host_remains(bin_dir):
    tool(bin_dir, "nvidia-smi", NVIDIA_ARGS, "NVIDIA-SMI has failed because it couldn't communicate with the driver", 9)
    machine = detect_machine()
    assert machine.gpus == ()
    assert machine.problems == ("nvidia-smi failed (exit 9): NVIDIA-SMI has failed because it couldn't "
                                "communicate with the driver",)
    if machine.host_memory_bytes:  # Linux: /proc/meminfo
        target = local_target()
        assert target.kind == "cpu-server" and target.memory_bytes == machine.host_memory_bytes


def test_amd_tools_output_is_parsed(bin_dir):
    amd = json.dumps([{"gpu": 0, "asic": {"market_name": "AMD Instinct MI300X", "vendor_id": "0x1002"},
                       "vram": {"type": "HBM3", "size": {"value": 196592, "unit": "MB"}}}])
    assert parse_amd_smi(amd) == [local_machine.DetectedGpu("amd", "AMD Instinct MI300X", 196592 * 2**20)]
    rocm = json.dumps({"card0": {"Card Series": "AMD Instinct MI300X", "VRAM Total Memory (B)": "206141652992"},
                       "system": {"Driver version": "6.8"}})
    assert parse_rocm_smi(rocm) == [local_machine.DetectedGpu("amd", "AMD Instinct MI300X", 206141652992)]
    tool(bin_dir, "rocm-smi", "--showproductname --showmeminfo vram --json", rocm)
    assert [g.target for g in detect_machine().gpus] == ["mi300x"]


@pytest.mark.parametrize("name, gib, expected", [
    ("NVIDIA H100 PCIe", 80, "h100-pcie"),
    ("NVIDIA A100-SXM4-40GB", 40, "a100-40gb"),
    ("NVIDIA A100-SXM4-80GB", 80, "a100-80gb"),
    ("NVIDIA GeForce RTX 4060 Ti", 16, "rtx-4060-ti-16gb"),
    ("NVIDIA GeForce RTX 4060", 8, None),  # not the Ti
    ("NVIDIA L40S", 45, "l40s"),
    ("NVIDIA L40", 45, "l40"),
    ("Tesla V100-SXM2-32GB", 32, "v100"),
    ("NVIDIA GB10", 128, "dgx-spark"),
    ("Apple M3 Max", 64, "m3-max"),
    ("Apple M3", 16, None),
])
def test_detected_names_match_catalog_targets(name, gib, expected):
    assert match_target(name, gib * 2**30, list(default_targets().targets.values())) == expected


def test_pick_defaults_to_the_detected_gpu(bin_dir, capsys):
    assert main(["pick", "--json"]) == 2
    assert "no GPU was detected on this machine" in capsys.readouterr().err
    detect_machine.cache_clear()
    tool(bin_dir, "nvidia-smi", NVIDIA_ARGS, "NVIDIA GeForce RTX 4090, 24564")
    assert main(["pick", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["target_id"] == "local"


SPEED_KEYS = ("time_to_first_token_s", "prefill_tokens_per_s", "decode_tokens_per_s", "aggregate_tokens_per_s",
              "cost_per_million_tokens_usd", "bound")


def _estimate_json(capsys, *extra: str) -> dict:
    assert main(["estimate", "llama-3.1-8b", "--target", "local", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)  # valid JSON: no NaN, no placeholder


def test_a_gpu_the_catalog_lacks_has_no_speed_but_keeps_memory_and_fit(bin_dir, capsys):
    tool(bin_dir, "nvidia-smi", NVIDIA_ARGS, "NVIDIA GeForce RTX 3060, 12288")
    target = local_target()
    assert target.bandwidth_bytes_per_s is None and target.tflops is None and not target.rates_known
    est = _estimate_json(capsys, "--precision", "q4_k_m")
    assert all(est["speed"][k] is None for k in SPEED_KEYS)
    assert est["compute"]["wall_seconds"] is None and est["compute"]["gpu_hours"] is None
    assert est["compute"]["training_flops"] > 0  # FLOPs need no rate
    assert est["memory"]["fits"] is True and est["memory"]["usable_bytes"] > 0 and est["params"]["total"] > 8e9
    too_big = _estimate_json(capsys)  # bf16 does not fit 12 GiB: the offload split stays, its speed does not
    assert too_big["offload"]["gpu_layers"] > 0 and too_big["offload"]["decode_tokens_per_s"] is None
    assert too_big["speed"]["decode_tokens_per_s"] is None

    assert main(["estimate", "llama-3.1-8b", "--target", "local", "--precision", "q4_k_m", "--explain"]) == 0
    table = " ".join(capsys.readouterr().out.split())
    assert "speed unknown: this machine's GPU is not in the catalog; add a target file (README, Targets)" in table
    assert "Decode per request –" in table and "Training time –" in table


def test_deploy_shows_the_unknown_gpu_fitting_without_speed(bin_dir):
    from paramtui.core.inputs.scenario import InferenceSettings, Scenario
    from paramtui.core.views.deploy_matrix import deploy_cell

    tool(bin_dir, "nvidia-smi", NVIDIA_ARGS, "NVIDIA GeForce RTX 3060, 12288")
    scenario = Scenario(id="s", model="llama-3.1-8b", precision="q4_k_m", target="local",
                        inference=InferenceSettings(batch=1, context=4096))
    cell = deploy_cell(scenario, local_target())
    assert cell.status == "fits" and cell.decode_tokens_per_s is None and 0 < cell.memory_use_fraction < 1
    assert cell.short.startswith("✓ ") and cell.short.endswith("% –")


def test_pick_keeps_a_model_whose_speed_is_unknown_and_says_so(bin_dir, capsys):
    tool(bin_dir, "nvidia-smi", NVIDIA_ARGS, "NVIDIA GeForce RTX 3060, 12288")
    assert main(["pick", "--json", "--min-tokens-per-s", "1000"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    picked = [r for r in rows if r["eligible"]]
    assert picked and all(r["decode_tokens_per_s"] is None for r in picked)
    assert "speed unknown: this machine's GPU is not in the catalog" in picked[0]["reasons"][0]


def test_a_cpu_only_machine_has_no_speed_either(bin_dir, capsys):
    machine = local_machine.Machine("Linux", "Some CPU", 8, 64 * 2**30, ())
    target = local_target(machine)
    assert target.kind == "cpu-server" and not target.rates_known and target.memory_bytes == 64 * 2**30
    detect_machine.cache_clear()
    bin_dir.joinpath("none").write_text("")  # no vendor tool on PATH: CPU only (where /proc/meminfo exists)
    if not detect_machine().host_memory_bytes:
        return
    est = _estimate_json(capsys, "--precision", "q4_k_m")
    assert all(est["speed"][k] is None for k in SPEED_KEYS) and est["memory"]["fits"] is True
    assert main(["estimate", "llama-3.1-8b", "--target", "local"]) == 0
    assert "speed unknown: this machine's memory bandwidth and peak rates are not known" in \
        " ".join(capsys.readouterr().out.split())


def test_target_files_still_need_bandwidth_and_peak_rates(tmp_path):
    from paramtui.core.inputs.targets import load_targets

    head = 'kind = "desktop-gpu"\nmemory_bytes = 1e10\nsource = "me"\n'
    (tmp_path / "mine.toml").write_text(
        f'[[target]]\nid = "no-rates"\nname = "A"\n{head}bandwidth_bytes_per_s = 1e11\n'
        f'[[target]]\nid = "no-bandwidth"\nname = "B"\n{head}tflops = {{ bf16 = 10.0 }}\n')
    loaded = load_targets(shipped=tmp_path / "none", user=tmp_path)
    assert not loaded.targets
    problems = " ".join(loaded.problems)
    assert "no-rates" in problems and "tflops" in problems
    assert "no-bandwidth" in problems and "bandwidth_bytes_per_s" in problems
