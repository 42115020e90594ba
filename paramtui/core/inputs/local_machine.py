"""This machine as a target (`local`, `paramtui targets --detect`): its RAM, cores and CPU
from the OS, its GPUs from the vendors' tools, each GPU matched to its catalog target by
name so its peak rates and bandwidth are known.

Where each figure comes from:
- Linux: `/proc/meminfo` (MemTotal), `/proc/cpuinfo` (model name), `os.cpu_count()`;
- macOS: `sysctl -n hw.memsize machdep.cpu.brand_string hw.ncpu`; an Apple chip's GPU shares
  that memory (unified);
- NVIDIA: `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` (MiB);
- AMD: `amd-smi static --asic --vram --json`, else `rocm-smi --showproductname --showmeminfo
  vram --json`.
A tool that is missing or fails is skipped (and said in `problems`); nothing is installed,
nothing touches the network. Detection runs once per process, only when asked for.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
from functools import lru_cache
from typing import NamedTuple

from paramtui.core.errors import UserError

LOCAL_ID = "local"
_TOOL_TIMEOUT_S = 10
_MIB = 2**20


class DetectedGpu(NamedTuple):
    vendor: str  # "nvidia", "amd" or "apple"
    name: str  # as the tool reports it
    memory_bytes: int
    target: str | None = None  # the catalog target it matches, by name


class Machine(NamedTuple):
    system: str  # "Linux", "Darwin", …
    cpu_model: str
    cores: int
    host_memory_bytes: int
    gpus: tuple[DetectedGpu, ...]
    problems: tuple[str, ...] = ()  # tools that were there but failed

    def to_json(self) -> dict:
        return {"system": self.system, "cpu_model": self.cpu_model, "cores": self.cores,
                "host_memory_bytes": self.host_memory_bytes,
                "gpus": [g._asdict() for g in self.gpus], "problems": list(self.problems)}


def _run(tool: str, *args: str) -> str | None:
    """A tool's stdout; None when it is not installed. A failure raises OSError to say so."""
    path = shutil.which(tool)
    if path is None:
        return None
    try:
        done = subprocess.run([path, *args], capture_output=True, text=True, timeout=_TOOL_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise OSError(f"{tool} did not answer within {_TOOL_TIMEOUT_S} s") from None
    if done.returncode != 0:
        first = (done.stderr or done.stdout).strip().splitlines()
        raise OSError(f"{tool} failed (exit {done.returncode}){': ' + first[0][:200] if first else ''}")
    return done.stdout


# ------------------------------------------------------------------ host


def _linux_host() -> tuple[str, int]:
    memory = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    memory = int(line.split()[1]) * 1024  # kB (KiB) in /proc
                    break
    except (OSError, ValueError, IndexError):
        pass
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "Model") and value.strip():
                    model = value.strip()
                    if key.strip() == "model name":
                        break
    except OSError:
        pass
    return model, memory


def _mac_host() -> tuple[str, int, int]:
    out = _run("sysctl", "-n", "hw.memsize", "machdep.cpu.brand_string", "hw.ncpu") or ""
    lines = out.strip().splitlines()
    try:
        return lines[1].strip(), int(lines[0]), int(lines[2])
    except (IndexError, ValueError):
        return "", 0, os.cpu_count() or 1


# ------------------------------------------------------------------ GPUs


def parse_nvidia_smi(text: str) -> list[DetectedGpu]:
    """Lines of `name, memory.total` (MiB, no units) as nvidia-smi's CSV query prints them."""
    gpus = []
    for line in text.strip().splitlines():
        name, _, memory = line.rpartition(",")
        try:
            gpus.append(DetectedGpu("nvidia", name.strip(), int(float(memory.strip())) * _MIB))
        except ValueError:
            continue  # "[N/A]" or a line that is not a GPU
    return gpus


def _size_bytes(value) -> int:
    """amd-smi's sizes: {"value": 196592, "unit": "MB"} or "196592 MB" (MB meaning MiB)."""
    if isinstance(value, dict):
        number, unit = value.get("value"), str(value.get("unit", "MB"))
    else:
        number, _, unit = str(value).strip().partition(" ")
    scale = {"B": 1, "KB": 2**10, "MB": _MIB, "GB": 2**30}.get(unit.strip().upper() or "MB", _MIB)
    return int(float(number) * scale)


def parse_amd_smi(text: str) -> list[DetectedGpu]:
    data = json.loads(text)
    gpus = []
    for entry in data if isinstance(data, list) else data.get("gpu_data", []) if isinstance(data, dict) else []:
        try:
            name = entry["asic"]["market_name"]
            gpus.append(DetectedGpu("amd", str(name), _size_bytes(entry["vram"]["size"])))
        except (KeyError, TypeError, ValueError):
            continue
    return gpus


def parse_rocm_smi(text: str) -> list[DetectedGpu]:
    data = json.loads(text)
    gpus = []
    for card, info in sorted(data.items()) if isinstance(data, dict) else ():
        if not card.startswith("card") or not isinstance(info, dict):
            continue
        keys = {k.lower(): v for k, v in info.items()}
        name = keys.get("card series") or keys.get("device name") or keys.get("card sku") or card
        try:
            gpus.append(DetectedGpu("amd", str(name), int(keys["vram total memory (b)"])))
        except (KeyError, ValueError):
            continue
    return gpus


def _gpus(system: str, cpu_model: str, host_memory: int, problems: list[str]) -> list[DetectedGpu]:
    gpus: list[DetectedGpu] = []
    try:
        out = _run("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")
        gpus += parse_nvidia_smi(out) if out else []
    except OSError as e:
        problems.append(str(e))
    for tool, args, parse in (("amd-smi", ("static", "--asic", "--vram", "--json"), parse_amd_smi),
                              ("rocm-smi", ("--showproductname", "--showmeminfo", "vram", "--json"), parse_rocm_smi)):
        try:
            out = _run(tool, *args)
            if out:
                found = parse(out)
                gpus += found
                if found:
                    break
        except (OSError, ValueError) as e:
            problems.append(f"{tool}: {e}")
    if system == "Darwin" and cpu_model.startswith("Apple"):
        gpus.append(DetectedGpu("apple", cpu_model, host_memory))  # unified memory
    return gpus


# ------------------------------------------------------------------ matching to the catalog

_VARIANTS = {"ti", "super", "pro", "max", "ultra", "mini", "pcie", "nvl", "xt", "xtx", "nano"}
_FORM = re.compile(r"^(sxm\d?|oam|hgx|hbm\d?e?|gddr\d?x?|\d+gb)$")


def _tokens(name: str) -> tuple[set[str], set[str], set[str]]:
    """(all tokens, model tokens: those with a digit, variant tokens) of a device name."""
    words = set(re.findall(r"[a-z0-9]+", name.lower()))
    words = {w for w in words if not _FORM.match(w)}
    return words, {w for w in words if re.search(r"\d", w) and not w.isdigit() or len(w) >= 3 and w.isdigit()}, words & _VARIANTS


def match_target(name: str, memory_bytes: int, targets) -> str | None:
    """The catalog target a detected device is: its model tokens (`4090`, `h100`, `mi300x`)
    and variant words (Ti, Max, PCIe) agree, the name outside parentheses naming no other
    model; between equals (A100 40GB and 80GB) the memory nearest the detected one."""
    words, models, variants = _tokens(name)
    if not models:
        return None
    best = None
    for t in targets:
        if t.devices != 1:
            continue
        full, _, _ = _tokens(t.name)
        _w, own_models, own_variants = _tokens(re.sub(r"\(.*?\)", " ", t.name))
        if not models <= full or not own_models <= words or own_variants != variants:
            continue
        key = (abs(t.memory_bytes - memory_bytes), t.id)
        if best is None or key < best[0]:
            best = (key, t.id)
    return best[1] if best else None


# ------------------------------------------------------------------ the machine and its target


@lru_cache(maxsize=1)
def detect_machine() -> Machine:
    system = platform.system()
    problems: list[str] = []
    if system == "Darwin":
        cpu, memory, cores = _mac_host()
    else:
        cpu, memory = _linux_host()
        cores = os.cpu_count() or 1
    gpus = _gpus(system, cpu, memory, problems)
    from paramtui.core.inputs.targets import default_targets

    targets = list(default_targets().targets.values())
    gpus = [g._replace(target=match_target(g.name, g.memory_bytes, targets)) for g in gpus]
    return Machine(system, cpu or "unknown CPU", cores, memory, tuple(gpus), tuple(problems))


def local_target(machine: Machine | None = None):
    """The `local` target: this machine's GPUs (the first model found, as many as there are
    of it) with the catalog's rates where the GPU is known, its own memory and this host."""
    from paramtui.core import validation as pyd
    from paramtui.core.inputs.targets import Target, get_target

    m = machine or detect_machine()
    if not m.host_memory_bytes and not m.gpus:
        raise UserError("target 'local': could not read this machine's memory (no /proc/meminfo or sysctl)")
    host = {"host_memory_bytes": m.host_memory_bytes} if m.host_memory_bytes else {}
    if m.gpus:
        gpu = m.gpus[0]
        count = sum(1 for g in m.gpus if g.name == gpu.name)
        label = f"this machine: {count}× {gpu.name}" if count > 1 else f"this machine: {gpu.name}"
        if gpu.target:
            base = pyd.as_data(get_target(gpu.target))
            data = {**base, **host, "id": LOCAL_ID, "name": label, "memory_bytes": gpu.memory_bytes,
                    "memory_source": f"detected ({gpu.vendor} tool) on this machine", "devices": count,
                    "kind": "node" if count > 1 else base["kind"], "price_per_hour_usd": None,
                    "notes": f"Detected; rates and bandwidth of the catalog's {gpu.target}. {base.get('notes', '')}".strip()}
            if gpu.vendor == "apple":
                data.pop("host_memory_bytes", None)
            return pyd.validate(Target, data)
        return pyd.validate(Target, {
            **host, "id": LOCAL_ID, "name": label, "kind": "node" if count > 1 else "desktop-gpu",
            "memory_bytes": gpu.memory_bytes, "memory_source": f"detected ({gpu.vendor} tool) on this machine",
            "devices": count, "bandwidth_bytes_per_s": None, "tflops": None,
            "unified_memory": gpu.vendor == "apple", "source": "detected on this machine",
            "notes": f"The catalog has no {gpu.name}: its memory is detected, but speed needs a target file "
                     "with its bandwidth and peak rates (see README, Targets); no speed is shown until then."})
    return pyd.validate(Target, {
        "id": LOCAL_ID, "name": f"this machine: {m.cpu_model} (CPU only)", "kind": "cpu-server",
        "memory_bytes": m.host_memory_bytes, "memory_source": "detected on this machine",
        "bandwidth_bytes_per_s": None, "tflops": None, "unified_memory": True,
        "source": "detected on this machine",
        "notes": f"No GPU found; {m.cores} cores. Memory is detected, but speed needs a target file with this "
                 "machine's memory bandwidth and peak rates (see README, Targets); no speed is shown until then."})


def detected_gpu_target():
    """The `local` target when this machine has a GPU, else None (Deploy offers it first).
    Without any vendor tool on PATH and off Apple silicon, nothing is run."""
    tools = any(shutil.which(t) for t in ("nvidia-smi", "amd-smi", "rocm-smi"))
    if not tools and not (platform.system() == "Darwin" and platform.machine() == "arm64"):
        return None
    try:
        return local_target() if detect_machine().gpus else None
    except UserError:
        return None

