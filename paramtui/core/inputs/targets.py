"""Deployment targets (hardware), loaded from `targets/*.toml` (docs/ARCHITECTURE.md, Targets).

Each file holds `[[target]]` tables. The shipped files live in `targets/` (a checkout) or
`paramtui/_data/targets` (a wheel); the user's own in the config dir's `targets/` extend
them or, with the same id, replace them. A file or a target that fails validation is
reported in `TargetSet.problems` (path, target id, field) and the rest still load.

Figures are per device: `devices` says how many a node has (an estimate multiplies by it).
Peak rates are dense (not 2:4 sparse) datasheet figures. Memory is in
bytes as the runtime sees them (`memory_source` says where each figure comes from);
`usable_memory_fraction` is only what the OS keeps on unified-memory machines, so no
reservation is taken off twice.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from paramtui.core.errors import UserError
from paramtui.core.io.bounded_parse import loads_toml
from paramtui.core.io.resources import shipped_dir, user_dir
from paramtui.core.io.user_files import read_user_file
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record

TargetKind = Literal["phone", "edge", "laptop", "desktop-gpu", "datacenter-gpu", "node", "cpu-server"]
Dtype = Literal["fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8", "int4"]
DTYPES: tuple[str, ...] = ("fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8", "int4")

# When a device lacks a dtype's math units, a kernel in that dtype runs on the next wider
# units: weights are upcast on the fly (e.g. fp8 weights on an A100 run bf16 tensor-core
# math; int4 AWQ/GPTQ kernels on Ampere dequantize to fp16). bf16 without bf16 units
# (V100) runs as fp16; tf32 without tf32 units runs as fp32.
_FALLBACK: dict[str, tuple[str, ...]] = {
    "fp32": ("fp32",),
    "tf32": ("tf32", "fp32"),
    "bf16": ("bf16", "fp16", "fp32"),
    "fp16": ("fp16", "bf16", "fp32"),
    "fp8": ("fp8", "bf16", "fp16", "fp32"),
    "fp4": ("fp4", "fp8", "bf16", "fp16", "fp32"),
    "int8": ("int8", "fp8", "bf16", "fp16", "fp32"),
    "int4": ("int4", "int8", "fp8", "bf16", "fp16", "fp32"),
}


# The ranges of a target's figures: far beyond any device (and far below one), so that every
# estimate on it stays finite; a bandwidth of 1e-300 B/s divided by zero (underflow) before.
MAX_MEMORY_BYTES = 2.0**60  # 1 EiB per device or host
MIN_RATE, MAX_RATE = 1.0, 1e18  # bytes per second: memory, host and link bandwidths
MIN_TFLOPS, MAX_TFLOPS = 1e-6, 1e9  # dense peak per device
MIN_WATTS, MAX_WATTS = 1e-3, 1e9
MAX_DEVICES = 10_000_000  # devices in one target (a node)
MAX_PRICE_PER_HOUR_USD = 1_000_000.0


@record
class Interconnect:
    """The device-to-device link used for tensor parallelism; bandwidth per direction."""

    __pydantic_config__ = STRICT

    name: str
    bytes_per_s: Annotated[float, pyd.Field(ge=MIN_RATE, le=MAX_RATE)]


@record
class Target:
    """One piece of hardware (or a node of identical devices), figures per device."""

    __pydantic_config__ = STRICT

    id: Annotated[str, pyd.Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    name: str
    kind: TargetKind
    # Per device, in bytes as the runtime sees them: binary sizes where the vendor's "GB"
    # means GiB, and what nvidia-smi reports where the driver or ECC keeps some back
    # (the 512 MiB CUDA context is in every estimate's overhead, not taken off here).
    memory_bytes: Annotated[float, pyd.Field(ge=1, le=MAX_MEMORY_BYTES)]
    memory_source: str = ""  # where memory_bytes comes from
    # Per device. None (unknown) only on a detected machine the catalog lacks (`local`): a
    # target file must give both, and TOML has no null, so a file can never leave them out.
    bandwidth_bytes_per_s: Annotated[float, pyd.Field(ge=MIN_RATE, le=MAX_RATE)] | None
    # dense peak TFLOP/s (TOPS for int) per device; at least one dtype
    tflops: Annotated[dict[Dtype, Annotated[float, pyd.Field(ge=MIN_TFLOPS, le=MAX_TFLOPS)]], pyd.Field(min_length=1)] | None
    devices: Annotated[int, pyd.Field(ge=1, le=MAX_DEVICES)] = 1
    interconnect: Interconnect | None = None
    host_memory_bytes: Annotated[float, pyd.Field(ge=1, le=MAX_MEMORY_BYTES)] | None = None
    host_bandwidth_bytes_per_s: Annotated[float, pyd.Field(ge=MIN_RATE, le=MAX_RATE)] | None = None
    host_link: str | None = None
    host_link_bytes_per_s: Annotated[float, pyd.Field(ge=MIN_RATE, le=MAX_RATE)] | None = None  # per direction
    unified_memory: bool = False
    usable_memory_fraction: Annotated[float, pyd.Field(gt=0, le=1)] = 1.0
    price_per_hour_usd: Annotated[float, pyd.Field(ge=0, le=MAX_PRICE_PER_HOUR_USD)] | None = None  # per device-hour
    price_source: str = ""
    power_watts: Annotated[float, pyd.Field(ge=MIN_WATTS, le=MAX_WATTS)] | None = None  # per device (board power / TDP)
    source: str
    notes: str = ""

    @property
    def rates_known(self) -> bool:
        """Whether speed can be worked out: bandwidth and peak rates are both known."""
        return self.bandwidth_bytes_per_s is not None and self.tflops is not None

    @property
    def usable_memory_bytes(self) -> float:
        """Memory a model may use on one device (unified machines keep some for the OS)."""
        return self.memory_bytes * self.usable_memory_fraction


@record
class TargetSet:
    targets: dict[str, Target]
    problems: tuple[str, ...] = ()


def _load_file(path: Path) -> tuple[list[Target], list[str]]:
    try:
        text, _stamp = read_user_file(path, "TOML targets")  # a FIFO is refused, never read
        data = loads_toml(text, str(path))
    except UserError as exc:  # not a regular file, unreadable, not UTF-8, too deep, bad TOML
        return [], [str(exc)]
    tables = data.get("target")
    if not isinstance(tables, list):
        return [], [f"{path}: expected [[target]] tables"]
    loaded, problems = [], []
    for index, table in enumerate(tables):
        label = table.get("id", f"#{index + 1}") if isinstance(table, dict) else f"#{index + 1}"
        try:
            loaded.append(pyd.validate(Target, table))
        except UserError as exc:
            problems.append(f"{path}: target {label}: {exc if exc.where else f'(target): {exc}'}")
    return loaded, problems


def load_targets(
    shipped: Path | None = None, user: Path | None = None
) -> TargetSet:
    """Shipped targets, then the user's: same id replaces, new ids extend."""
    directories = [shipped if shipped is not None else shipped_dir("targets")]
    directories.append(user if user is not None else user_dir("targets"))
    targets: dict[str, Target] = {}
    problems: list[str] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        seen_here: dict[str, Path] = {}
        for path in sorted(directory.glob("*.toml")):
            loaded, file_problems = _load_file(path)
            problems.extend(file_problems)
            for target in loaded:
                if target.id in seen_here:
                    problems.append(
                        f"{path}: target {target.id}: id already defined in {seen_here[target.id]}"
                    )
                seen_here[target.id] = path
                targets[target.id] = target
    return TargetSet(targets=targets, problems=tuple(problems))


@lru_cache(maxsize=1)
def default_targets() -> TargetSet:
    """Shipped plus user targets, read once per process (`default_targets.cache_clear()` re-reads)."""
    return load_targets()


_TARGET_HEADER_RE = re.compile(r"^\[\[target\]\][ \t]*(?:#.*)?$", re.MULTILINE)


@lru_cache(maxsize=None)
def _shipped_target(target_id: str) -> Target | None:
    """One shipped target without reading them all: only the `[[target]]` table that names it
    is parsed (start-up needs one target; all of them are ~10 ms of TOML). None when this
    cannot tell (the user has target files, which may replace it; the id is not given
    exactly once; the table does not validate): `default_targets()` decides then."""
    user = user_dir("targets")
    if user.is_dir() and any(user.glob("*.toml")):
        return None
    id_line = re.compile(rf'^id[ \t]*=[ \t]*"{re.escape(target_id)}"[ \t]*(?:#.*)?$', re.MULTILINE)
    tables = []
    for path in sorted(shipped_dir("targets").glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        starts = [m.start() for m in _TARGET_HEADER_RE.finditer(text)]
        for start, end in zip(starts, [*starts[1:], len(text)]):
            table = text[start:end]
            line = id_line.search(table)
            # The id must be the table's own key, before any subtable ([target.tflops]).
            if line is not None and "\n[" not in table[:line.start()]:
                tables.append(table)
    if len(tables) != 1:
        return None
    try:
        found = tomllib.loads(tables[0]).get("target", [])
        # Ours, and validated by the tests (test_validation): built without pydantic at start-up.
        return pyd.build(Target, found[0]) if len(found) == 1 else None
    except (tomllib.TOMLDecodeError, TypeError):
        return None


def get_target(target_id: str, target_set: TargetSet | None = None) -> Target:
    """The target with this id; an unknown id is a UserError naming the closest ones."""
    if target_set is None and default_targets.cache_info().currsize == 0:
        found = _shipped_target(target_id)
        if found is not None and found.id == target_id:
            return found
    target_set = target_set if target_set is not None else default_targets()
    try:
        return target_set.targets[target_id]
    except KeyError:
        if target_id == "local":  # this machine, detected (a target file named `local` comes first)
            from paramtui.core.inputs.local_machine import local_target

            return local_target()
        close = difflib.get_close_matches(target_id, list(target_set.targets), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `paramtui targets` lists them"
        raise UserError(f"unknown target '{target_id}'{hint}") from None


def speed_unknown_reason(target: Target) -> str:
    """Why a target has no speed figures (its rates are unknown), in a few words."""
    what = ("this machine's memory bandwidth and peak rates are not known" if target.kind == "cpu-server"
            else "this machine's GPU is not in the catalog")
    return f"speed unknown: {what}; add a target file (README, Targets)"


def effective_dtype(target: Target, dtype: str) -> str:
    """The dtype whose math units actually run `dtype` on this target (see _FALLBACK)."""
    if target.tflops is None:  # callers check `rates_known` first; this says why if one does not
        raise UserError(f"target '{target.id}': {speed_unknown_reason(target)}")
    if dtype not in _FALLBACK:
        raise UserError(f"unknown compute dtype '{dtype}'; use one of {', '.join(DTYPES)}")
    for candidate in _FALLBACK[dtype]:
        if candidate in target.tflops:
            return candidate
    # A target listing only narrow integer rates (no float units) cannot run float math.
    raise UserError(f"target '{target.id}' lists no peak rate usable for {dtype}")


def peak_flops_per_s(target: Target, dtype: str) -> float:
    """Dense peak FLOP/s of ONE device for `dtype`, falling back to wider units if absent.

    No fp8 on an A100 gives the bf16 rate; no bf16 on a V100 the fp16 rate; int4 without
    int4 units the int8 rate (then fp8, bf16, ...).
    """
    known = _PEAKS.get(id(target))
    if known is None or known[0] is not target:
        if len(_PEAKS) >= 4096:
            _PEAKS.clear()
        known = _PEAKS[id(target)] = (target, {})
    peak = known[1].get(dtype)
    if peak is None:
        peak = known[1][dtype] = target.tflops[effective_dtype(target, dtype)] * 1e12
    return peak


# Peaks by target object and dtype, worked out once: the Deploy matrix asks for one per cell.
# Kept beside the targets rather than on them: a copy of a target with other rates
# (`validation.replace`) would carry a value cached on the original along.
_PEAKS: dict[int, tuple[Target, dict[str, float]]] = {}


