"""The Deploy matrix: every scenario on every target, one cell each (docs/ARCHITECTURE.md, TUI 4 "Deploy";
issue 6).

A cell (`deploy_cell`, `deploy_matrix`) is the estimate's own verdict for the scenario moved
to that target: `memory.fits`, `memory.use_fraction` and `speed.decode_tokens_per_s` of
`estimate(scenario with target=…)`, and an error where that estimate would fail. It is
computed from the estimate's target-independent half, `estimate.serving` (inference memory
and the speed workload, once per scenario), set against each target's usable memory and
timed on it; a cell that cannot run has no speed. A cell too big for the device runs the
numbers of `formulas.offload` (the same functions the estimate and the detail call), so a
cell, the Calculator and the detail cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal, NamedTuple

from paramtui.core.formulas import offload as offload_mod
from paramtui.core.formulas import speed as speed_mod
from paramtui.core.errors import UserError
from paramtui.core.result.estimate import Serving, check_parallel_split, model_split, serving, training_dtype
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import DTYPES, Target, effective_dtype, peak_flops_per_s

Status = Literal["fits", "offload", "no"]

class DeployCell(NamedTuple):
    """One scenario on one target: the matrix cell (a plain tuple: the matrix makes thousands)."""

    scenario_id: str
    target_id: str
    status: Status  # fits on the devices / fits with host-RAM offload / does not run
    devices: int
    required_bytes: int  # inference total (weights + KV + activations + overhead)
    usable_bytes: float  # usable memory of all devices together
    memory_use_fraction: float
    decode_tokens_per_s: float | None  # per request; None when it cannot run
    offload_tokens_per_s: float | None = None  # best offload speed when status is "offload"

    @property
    def fits(self) -> bool:
        return self.status == "fits"

    @property
    def short(self) -> str:
        """The cell as text that needs no colour: "✓ 54% 31 t/s", "⇄ 130% 4 t/s", "✗ 310%"."""
        pct = _pct(self.memory_use_fraction)
        if self.status == "fits":
            # No rate on a fitting cell: the target's speed is unknown (a detected device).
            return f"✓ {pct} {_rate(self.decode_tokens_per_s) if self.decode_tokens_per_s is not None else '–'}"
        if self.status == "offload":
            return f"⇄ {pct} {_rate(self.offload_tokens_per_s)}"
        return f"✗ {pct}"


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.0f}%" if fraction < 9.995 else f"{fraction:.0f}×"


def _rate(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 1000:
        return f"{value / 1000:.0f}k t/s" if value >= 9950 else f"{value / 1000:.1f}k t/s"
    return f"{value:.0f} t/s" if value >= 9.95 else f"{value:.1f} t/s"


class _ScenarioPrep:
    """What every cell of one scenario's row shares: its serving estimate (memory is the same
    on every target), its speed workload (`speed.decode_step_s` times it per target) and,
    worked out only when a cell needs an offload, its offload sizes and rates."""

    __slots__ = ("scenario", "id", "gpus", "base", "work", "step_s", "required", "split", "dtypes", "_offload")

    def __init__(self, scenario: Scenario, base: Serving) -> None:
        self.scenario = scenario
        self.id = scenario.id
        self.gpus = scenario.gpus
        self.base = base
        self.work: speed_mod.SpeedWorkload = base.workload
        # One decode step on several devices of a target (one device: `_row` divides inline).
        self.step_s = speed_mod.decode_step_timer(base.workload)
        self.required: int = base.inference.inference_total_bytes
        self.split = model_split(scenario)
        # The math the estimate times, in the order it does (training compute, then speed).
        self.dtypes = (training_dtype(scenario), base.workload.compute_dtype)
        self._offload: offload_mod.OffloadRates | None = None

    @property
    def offload(self) -> offload_mod.OffloadRates:
        if self._offload is None:
            self._offload = offload_mod.OffloadRates(offload_mod.offload_shape(self.base))
        return self._offload


class _Column(NamedTuple):
    """One target as every cell of its column reads it (worked out once per matrix)."""

    target: Target
    id: str
    devices: int  # devices per unit of the target (8 for a node)
    usable_bytes: float  # usable memory of one device
    joinable: bool  # has a link to split a model across devices
    offloadable: bool  # `offload.offload_applies`
    dtypes: frozenset[str]  # the math it can run (`targets.effective_dtype` finds units for)
    peaks: dict[str, float]  # one device's peak FLOP/s for each of those dtypes
    rates_known: bool  # False: a detected device the catalog lacks (fit and memory, no speed)
    bandwidth: float | None  # one device's memory bandwidth, bytes/s


def _column(target: Target) -> _Column:
    dtypes = frozenset(d for d in DTYPES if _runs(target, d))
    return _Column(target, target.id, target.devices, target.usable_memory_bytes,
                   speed_mod.link_bytes_per_s(target) is not None,
                   offload_mod.offload_applies(target),
                   dtypes, {d: peak_flops_per_s(target, d) for d in dtypes}, target.rates_known,
                   target.bandwidth_bytes_per_s)


def _runs(target: Target, dtype: str) -> bool:
    try:
        effective_dtype(target, dtype)
    except UserError:
        return False
    return True


def deploy_cell(scenario: Scenario, target: Target, base: Serving | None = None) -> DeployCell:
    """The matrix cell for `scenario` moved to `target`.

    `base` is the scenario's `estimate.serving` (the same on every target); by default it is
    worked out (or found cached) here. Raises the `UserError` the estimate would.
    """
    cell = _row(_ScenarioPrep(scenario, base if base is not None else serving(scenario)), [_column(target)])[0]
    if isinstance(cell, UserError):
        raise cell
    return cell


def _row(prep: _ScenarioPrep, columns: list[_Column], plans: dict | None = None) -> list[DeployCell | UserError]:
    """One scenario's cells on `columns`, from numbers only: the serving estimate's memory
    total against each target, its decode speed there, and the offload splits' numbers (no
    text). What the row shares is read once, and what its columns share with other rows of
    the same devices and math once per matrix (`plans`, `_plan`): a cell only compares and
    divides."""
    sid, required = prep.id, prep.required
    work = prep.work
    step_s = prep.step_s
    # One device's decode step, as `speed.decode_step_timer` works it out (the same floats):
    # max(bytes / (bandwidth · efficiency), FLOPs / (peak · efficiency)) + launch overhead.
    step_bytes, step_flops, bw_eff, c_eff = work.step_bytes, work.step_flops, work.bandwidth_efficiency, work.compute_efficiency
    alone_s = speed_mod.one_device_overhead_s(work)
    key = (prep.gpus, prep.split, prep.dtypes)
    plan = plans.get(key) if plans is not None else None
    if plan is None:
        plan = _plan(columns, *key)
        if plans is not None:
            plans[key] = plan
    new = tuple.__new__  # `DeployCell._make` without its length check: each cell below passes all nine values
    cells: list[DeployCell | UserError] = []
    append = cells.append
    offload = None  # the row's offload numbers, once a cell needs them
    host_ram = prep.scenario.host_ram_bytes  # the user's own host, else each target's typical one
    for column, target, cid, devices, usable, check, offloadable, rates_known, bandwidth, peak, host_memory, host_bandwidth in plan:
        if check:
            error = _error(column, prep, devices)
            if error is not None:
                append(error)
                continue
        fraction = required / usable
        if fraction <= 1.0:
            # tokens/s each request sees; none on a detected device the catalog lacks
            if not rates_known:
                rate = None
            elif devices == 1:
                memory_s, compute_s = step_bytes / (bandwidth * devices * bw_eff), step_flops / (peak * devices * c_eff)
                rate = 1.0 / ((compute_s if compute_s > memory_s else memory_s) + alone_s)
            else:
                rate = 1.0 / step_s(target, devices, peak)
            append(new(DeployCell, (sid, cid, "fits", devices, required, usable, fraction, rate, None)))
        elif offloadable:
            if offload is None:
                offload = prep.offload
            runs_offload, rate = offload.best(target, devices, host_memory if host_ram is None else host_ram,
                                              host_bandwidth)
            append(new(DeployCell, (sid, cid, "offload" if runs_offload else "no", devices, required, usable, fraction,
                                     None, rate)))
        else:
            append(new(DeployCell, (sid, cid, "no", devices, required, usable, fraction, None, None)))
    return cells


def _plan(columns: list[_Column], gpus: int, split: int, dtypes: tuple[str, str]) -> list[tuple]:
    """Each column as every row with `gpus` devices per target unit, a training split over
    `split` devices and `dtypes` math (training's, the model's) reads it: (column, target,
    id, devices, their usable bytes, whether the estimate could fail there (`_error`),
    offloadable, rates known, one device's bandwidth and its peak FLOP/s for the model's math,
    and the target's typical host memory and bandwidth behind these devices (`offload`))."""
    plan = []
    for column in columns:
        target, devices = column.target, gpus * column.devices
        check = bool(devices % split or (column.rates_known and not column.dtypes.issuperset(dtypes))
                     or (devices > 1 and not column.joinable))
        plan.append((column, target, column.id, devices, column.usable_bytes * devices, check,
                     column.offloadable, column.rates_known, column.bandwidth, column.peaks.get(dtypes[1]),
                     offload_mod.host_memory_for(target, devices), offload_mod.host_bandwidth_for(target, devices)))
    return plan


def _error(column: _Column, prep: _ScenarioPrep, devices: int) -> UserError | None:
    """What would make the scenario's estimate on this target fail, checked in the
    estimate's order: devices training cannot split, math the target cannot run (training's,
    then the model's), devices that cannot be joined."""
    try:
        if devices % prep.split:
            check_parallel_split(prep.scenario, devices, prep.split)  # raises, saying why
        if column.rates_known and not column.dtypes.issuperset(prep.dtypes):
            for dtype in prep.dtypes:
                peak_flops_per_s(column.target, dtype)  # raises, saying which
        if devices > 1 and not column.joinable:
            speed_mod.tensor_parallel_link(column.target, devices)
    except UserError as error:
        return error
    return None


# Rows of unchanged scenarios are reused between repaints, by scenario id: a row is still
# valid while `serving` returns the same object for the scenario (equal inputs give the
# same object) and its device count and training split are the same. Cells are kept by
# target id while the target objects stay the same (`_COLUMNS`); a target that changes
# (user targets re-read) empties the cache. A row is kept as its target ids and its cells in
# that order, so a repaint on the same targets reuses the list as it is.
_ROW_CACHE: dict[tuple[str, int, int], tuple[Serving, list[str], list[DeployCell | UserError]]] = {}
_COLUMNS: dict[str, _Column] = {}  # each target id's column, worked out once per target object
_ROW_CACHE_LIMIT = 2_000


class DeployMatrix(Mapping[tuple[str, str], DeployCell | UserError]):
    """The matrix read as {(scenario id, target id): cell}. Each scenario's row is kept as
    one list in target order, so thousands of cells need no key of their own."""

    __slots__ = ("_rows", "_index")

    def __init__(self, rows: dict[str, Sequence[DeployCell | UserError]], target_ids: Sequence[str]) -> None:
        self._rows = rows
        self._index = {tid: i for i, tid in enumerate(target_ids)}  # a repeated id: its last column

    def __getitem__(self, key: tuple[str, str]) -> DeployCell | UserError:
        scenario_id, target_id = key
        return self._rows[scenario_id][self._index[target_id]]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((sid, tid) for sid in self._rows for tid in self._index)

    def __len__(self) -> int:
        return len(self._rows) * len(self._index)

    def row(self, scenario_id: str) -> Sequence[DeployCell | UserError]:
        """The scenario's cells in the order of the targets the matrix was made for (a
        screen's whole row without a look-up per cell)."""
        return self._rows[scenario_id]


def deploy_matrix(scenarios: Iterable[Scenario], targets: Iterable[Target]) -> DeployMatrix:
    """Every scenario on every target, keyed by (scenario id, target id).

    A cell the core cannot estimate holds its `UserError`, so one bad scenario or target does
    not blank the screen.
    """
    return _matrix(scenarios, list(targets))


def _matrix(scenarios: Iterable[Scenario], targets: list[Target]) -> DeployMatrix:
    columns = []
    for target in targets:
        known = _COLUMNS.get(target.id)
        if known is None or known.target is not target:
            if known is not None:
                _ROW_CACHE.clear()  # the same id is another target now: cells made for the old one are stale
            known = _COLUMNS[target.id] = _column(target)
        columns.append(known)
    ids = [column.id for column in columns]
    rows: dict[str, Sequence[DeployCell | UserError]] = {}
    plans: dict = {}  # the columns as rows of each device count, split and math read them (`_plan`)
    for scenario in scenarios:
        sid = scenario.id
        try:
            base = serving(scenario)
        except UserError as error:  # e.g. an unknown model: the same on every target
            rows[sid] = [error] * len(columns)
            continue
        key = (sid, scenario.gpus, model_split(scenario))
        hit = _ROW_CACHE.get(key)
        if hit is None or hit[0] is not base:  # a new row: all its cells at once
            if len(_ROW_CACHE) >= _ROW_CACHE_LIMIT:
                _ROW_CACHE.clear()
            rows[sid] = cells = _row(_ScenarioPrep(scenario, base), columns, plans)
            _ROW_CACHE[key] = (base, ids, cells)
            continue
        _, known_ids, known = hit
        if known_ids == ids:
            rows[sid] = known
            continue
        # Other targets than last time (another kind filter): keep the cells of both.
        row = dict(zip(known_ids, known))
        missing = [column for column in columns if column.id not in row]
        if missing:
            row.update(zip([column.id for column in missing], _row(_ScenarioPrep(scenario, base), missing)))
        _ROW_CACHE[key] = (base, list(row), list(row.values()))
        rows[sid] = list(map(row.__getitem__, ids))
    return DeployMatrix(rows, ids)
