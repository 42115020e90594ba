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
    yield d
    detect_machine.cache_clear()
    default_targets.cache_clear()


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
