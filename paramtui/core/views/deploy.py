"""Where a scenario can run: fit, memory use and speed on every target, and what to do when
it does not fit (DESIGN.md, TUI 4 "Deploy"; issue 6).

- The matrix cell (`deploy_cell`, `deploy_matrix`) is the estimate's own verdict for the
  scenario moved to that target: `memory.fits`, `memory.use_fraction` and
  `speed.decode_tokens_per_s` of `estimate(scenario with target=…)`, and an error where that
  estimate would fail. It is computed from the estimate's target-independent half,
  `estimate.serving` (inference memory and the speed workload, once per scenario), set
  against each target's usable memory and timed on it; a cell that cannot run has no speed.
- `deploy_detail` adds the largest context and batch that fit (solved exactly on the integer
  with `memory.inference_memory`, which counts the KV cache with `memory.kv_cache_bytes`),
  the highest precision that fits, and the two ways of running a model larger than the
  device with the help of host RAM:

  * layer split, as llama.cpp's `--n-gpu-layers` (`-ngl`) does: the first g transformer
    layers (weights and their KV cache) live on the device, the remaining L−g in host RAM
    where the CPU computes them; the token embedding stays in host RAM and the output head
    joins the device only when every layer does (llama.cpp `llama_model_load`: "offloading
    output layer to GPU" needs n_gpu_layers > n_layer). Per token, the device part reads its
    bytes at device bandwidth and the CPU part reads its bytes at host memory bandwidth;
    decode being memory-bound at small batch, time = device step + host bytes / host bandwidth.
    The alternative that streams the host-resident weights over the host link to the GPU on
    every token (accelerate's `device_map` CPU offload) is also given: its speed is set by
    the link, not by the host memory.
  * experts on CPU, for mixtures of experts (llama.cpp `--override-tensor exps=CPU`,
    the `--cpu-moe` option): attention, norms, shared experts, router, embeddings and head
    stay on the device with the whole KV cache; the routed experts sit in host RAM. A token
    reads only the k experts it is routed to, so the host part of a step reads the ACTIVE
    routed bytes (for a batch, the expected distinct experts,
    `speed.expected_distinct_experts`), while memory always holds all experts.

Unified-memory targets (Apple silicon, Jetson, phones, CPU servers) have no second tier:
their usable memory is already memory × usable_memory_fraction, so no offload applies.
Discrete GPUs and nodes list a documented typical host (targets/*.toml `notes`): a desktop
card's is the whole PC (more cards share it), a datacenter GPU's is its share of its
reference server and a node's is the node's host (`host_memory_for`). The user's own host
RAM replaces it in `deploy_detail`.

Speed: a matrix cell runs the numbers only (`speed.decode_step_s` on the serving estimate's
`speed.SpeedWorkload`, the offload placements and rates of `_layer_placement`,
`_layer_cpu_rate`, `_expert_speed`); the detail's `layer_offload` / `expert_offload` call the
same functions and then explain their numbers, so cell and detail cannot disagree.
"""

from __future__ import annotations

from typing import Iterable, Literal, NamedTuple

from paramtui.core.formulas import inference_memory as inference_mod
from paramtui.core.formulas import speed as speed_mod
from paramtui.core.errors import UserError
from paramtui.core.result.estimate import (
    Estimate, Serving, check_parallel_split, default_kv_precision, estimate, model_split, serving, training_dtype,
)
from paramtui.core.result.estimate import routed_expert_params as routed_expert_total
from paramtui.core.result.explain import Explanation
from paramtui.core.model.precision import PRECISION_IDS, bytes_for_bits, get_precision
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import DTYPES, Target, effective_dtype, peak_flops_per_s
from paramtui.core.units import format_bytes, format_count, format_rate
from paramtui.core.validation import record

Status = Literal["fits", "offload", "no"]

# Upper ends of the exact searches: the scenario model's own validation limits.
MAX_CONTEXT = 100_000_000
MAX_BATCH = 1_000_000

_LLAMA_CPP_NGL = (
    "llama.cpp: --n-gpu-layers keeps the first layers on the GPU and computes the rest on the CPU "
    "from host RAM (tools/main/README.md; llama-model.cpp: the output layer is offloaded only when "
    "n_gpu_layers > n_layer, the token embedding stays in host memory)"
)
_LLAMA_CPP_MOE = (
    "llama.cpp --cpu-moe / --override-tensor \"exps=CPU\": routed expert tensors in host RAM, "
    "attention and shared tensors on the GPU (common/arg.cpp)"
)
_ACCELERATE = "Hugging Face accelerate big-model inference: device_map offload streams CPU weights to the GPU per forward"


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
            return f"✓ {pct} {_rate(self.decode_tokens_per_s)}"
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


@record
class OffloadSplit:
    """A way to run a model larger than the device with part of it in host RAM."""

    mode: Literal["layers", "experts"]
    gpu_layers: int  # transformer layers whose weights live on the device
    cpu_layers: int  # layers computed from host RAM (layers mode); MoE layers whose experts are in RAM (experts mode)
    device_bytes: int  # on the device(s): weights part, its KV cache, activations, overhead
    host_bytes: int  # in host RAM
    device_capacity_bytes: float
    host_capacity_bytes: float | None  # None when the target lists no host memory
    fits: bool  # device part fits and (when known) host part fits
    decode_tokens_per_s: float | None  # CPU computes its part from host RAM; None without host bandwidth
    streamed_tokens_per_s: float | None  # host part streamed over the host link instead (layers mode)
    explanations: dict[str, Explanation]


@record
class DeployDetail:
    """Everything the Deploy screen's detail shows for one scenario on one target."""

    cell: DeployCell
    estimate: Estimate  # the scenario on this target, the object `estimate` returns
    max_context: int  # largest context (tokens per sequence) that fits at this batch; 0 if none
    model_context: int | None  # the model's own limit, when known
    max_batch: int  # largest batch that fits at this context; 0 if none
    best_precision: str | None  # highest precision that fits, when this one does not
    layer_offload: OffloadSplit | None
    expert_offload: OffloadSplit | None
    explanations: dict[str, Explanation]


# ----------------------------------------------------------------------------- matrix


def _memory_total(est: Estimate, *, precision=None, batch: int | None = None, context: int | None = None) -> int:
    """The estimate's inference total with one input changed (same function, same parts)."""
    s = est.scenario
    prec = est.precision if precision is None else precision
    kvp = est.kv_precision
    if precision is not None and s.kv_precision is None:
        kvp = default_kv_precision(prec)
    return inference_mod.inference_memory(
        est.architecture, est.params, prec, kvp,
        batch=s.inference.batch if batch is None else batch,
        context=est.serving.context if context is None else context,
    ).total_bytes


def _devices(scenario: Scenario, target: Target) -> int:
    return scenario.gpus * target.devices


def _on_target(scenario: Scenario, target: Target) -> Scenario:
    return scenario if scenario.target == target.id else scenario.with_changes(target=target.id)


class _ScenarioPrep:
    """What every cell of one scenario's row shares: its serving estimate (memory is the same
    on every target), its speed workload (`speed.decode_step_s` times it per target) and,
    worked out only when a cell needs an offload, its offload sizes."""

    __slots__ = ("scenario", "id", "gpus", "base", "work", "required", "split", "dtypes", "_shape")

    def __init__(self, scenario: Scenario, base: Serving) -> None:
        self.scenario = scenario
        self.id = scenario.id
        self.gpus = scenario.gpus
        self.base = base
        self.work: speed_mod.SpeedWorkload = base.workload
        self.required: int = base.inference.total_bytes
        self.split = model_split(scenario)
        # The math the estimate times, in the order it does (training compute, then speed).
        self.dtypes = (training_dtype(scenario), base.workload.compute_dtype)
        self._shape: _OffloadShape | None = None

    @property
    def shape(self) -> _OffloadShape:
        if self._shape is None:
            self._shape = _offload_shape(self.base)
        return self._shape


class _Column(NamedTuple):
    """One target as every cell of its column reads it (worked out once per matrix)."""

    target: Target
    id: str
    devices: int  # devices per unit of the target (8 for a node)
    usable_bytes: float  # usable memory of one device
    joinable: bool  # has a link to split a model across devices
    offloadable: bool  # a discrete device with a host listed: offload can apply
    dtypes: frozenset[str]  # the math it can run (`targets.effective_dtype` finds units for)


def _column(target: Target) -> _Column:
    return _Column(target, target.id, target.devices, target.usable_memory_bytes,
                   speed_mod.link_bytes_per_s(target) is not None,
                   not target.unified_memory and target.host_memory_bytes is not None,
                   frozenset(d for d in DTYPES if _runs(target, d)))


def _runs(target: Target, dtype: str) -> bool:
    try:
        effective_dtype(target, dtype)
    except UserError:
        return False
    return True


def deploy_cell(scenario: Scenario, target: Target, base: Serving | None = None) -> DeployCell:
    """The matrix cell for `scenario` moved to `target`.

    `base` is the scenario's `estimate.serving` (the same on every target); by default it is
    worked out (or found cached) here.
    """
    return _cell(_column(target), _ScenarioPrep(scenario, base if base is not None else serving(scenario)))


def _cell(column: _Column, prep: _ScenarioPrep) -> DeployCell:
    """The cell from numbers only: the serving estimate's memory total against this target,
    its decode speed there, and the offload splits' numbers (no text)."""
    devices = prep.gpus * column.devices
    # What would make the scenario's estimate on this target fail makes the cell an error,
    # checked in the estimate's order: devices training cannot split, math the target cannot
    # run (training's, then the model's), devices that cannot be joined.
    check_parallel_split(prep.scenario, devices, prep.split)
    if not column.dtypes.issuperset(prep.dtypes):
        for dtype in prep.dtypes:
            peak_flops_per_s(column.target, dtype)  # raises, saying which
    if devices > 1 and not column.joinable:
        speed_mod.tensor_parallel_link(column.target, devices)
    required = prep.required
    usable = column.usable_bytes * devices
    fraction = required / usable
    if fraction <= 1.0:
        rate = 1.0 / speed_mod.decode_step_s(column.target, prep.work, devices)  # tokens/s each request sees
        return DeployCell(prep.id, column.id, "fits", devices, required, usable, fraction, rate)
    if not column.offloadable:
        return DeployCell(prep.id, column.id, "no", devices, required, usable, fraction, None)
    runs, rate = _best_offload_rate(prep, column.target, devices)
    return DeployCell(prep.id, column.id, "offload" if runs else "no", devices, required, usable, fraction,
                      None, rate)


def _best_offload_rate(prep: _ScenarioPrep, target: Target, devices: int) -> tuple[bool, float | None]:
    """(some offload fits device and host, the fastest fitting one's decode tok/s)."""
    shape = prep.shape
    host_capacity = host_memory_for(target, devices)
    host_bw = host_bandwidth_for(target, devices)
    runs, best = False, None
    placement = _layer_placement(shape, target, devices, host_capacity)
    if placement.fits:
        runs, best = True, _layer_cpu_rate(shape, placement, target, devices, host_bw)[2]
    if shape.expert_bytes and _expert_fits(shape, target, devices, host_capacity):
        rate = _expert_speed(shape, target, devices, host_bw)[1]
        if not runs or (rate or 0.0) > (best or 0.0):
            best = rate
        runs = True
    return runs, best


# Rows of unchanged scenarios are reused between repaints, by scenario id: a row is still
# valid while `serving` returns the same object for the scenario (equal inputs give the
# same object) and its device count and training split are the same. Cells are kept by
# target id while the target objects stay the same (`_COLUMNS`); a target that changes
# (user targets re-read) empties the cache.
_ROW_CACHE: dict[tuple[str, int, int], tuple[Serving, dict[str, DeployCell]]] = {}
_COLUMNS: dict[str, Target] = {}
_ROW_CACHE_LIMIT = 2_000


def deploy_matrix(scenarios: Iterable[Scenario], targets: Iterable[Target]) -> dict[tuple[str, str], DeployCell | UserError]:
    """Every scenario on every target, keyed by (scenario id, target id).

    A cell the core cannot estimate holds its `UserError`, so one bad scenario or target does
    not blank the screen.
    """
    return _matrix(scenarios, list(targets))


def _matrix(scenarios: Iterable[Scenario], targets: list[Target]) -> dict[tuple[str, str], DeployCell | UserError]:
    for target in targets:
        known = _COLUMNS.get(target.id)
        if known is not target:
            if known is not None:
                _ROW_CACHE.clear()  # the same id is another target now: cells made for the old one are stale
            _COLUMNS[target.id] = target
    columns = [_column(t) for t in targets]
    out: dict[tuple[str, str], DeployCell | UserError] = {}
    for scenario in scenarios:
        sid = scenario.id
        try:
            base = serving(scenario)
        except UserError as error:  # e.g. an unknown model: the same on every target
            for target in targets:
                out[(sid, target.id)] = error
            continue
        key = (sid, scenario.gpus, model_split(scenario))
        hit = _ROW_CACHE.get(key)
        if hit is not None and hit[0] is base:
            row = hit[1]
        else:
            if len(_ROW_CACHE) >= _ROW_CACHE_LIMIT:
                _ROW_CACHE.clear()
            row = {}
            _ROW_CACHE[key] = (base, row)
        prep = None
        for column in columns:
            cell = row.get(column.id)
            if cell is None:
                if prep is None:
                    prep = _ScenarioPrep(scenario, base)
                try:
                    cell = row[column.id] = _cell(column, prep)
                except UserError as error:
                    cell = error
            out[(sid, column.id)] = cell
    return out


# ---------------------------------------------------------------------- exact limits


def _largest_fitting(fits, upper: int) -> int:
    """The largest integer n in [1, upper] with fits(n) (monotone: fits(n) ⇒ fits(n−1)); 0 if none."""
    if not fits(1):
        return 0
    if fits(upper):
        return upper
    lo, hi = 1, upper  # fits(lo), not fits(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo


def max_context(est: Estimate, usable_bytes: float) -> int:
    """Largest context per sequence (at the scenario's batch) whose inference total fits.

    Exact on the integer: the total is `memory.inference_memory` (KV cache by
    `memory.kv_cache_bytes`, the prefill workspace, weights, overhead), monotone in the
    context, so a bisection finds the last fitting token count.
    """
    return _largest_fitting(lambda c: _memory_total(est, context=c) <= usable_bytes, MAX_CONTEXT)


def max_batch(est: Estimate, usable_bytes: float) -> int:
    """Largest number of concurrent sequences (at the scenario's context) that fits."""
    return _largest_fitting(lambda b: _memory_total(est, batch=b) <= usable_bytes, MAX_BATCH)


def best_precision(est: Estimate, usable_bytes: float) -> str | None:
    """The highest weight precision (in `PRECISION_IDS` order, highest first) that fits."""
    for precision_id in PRECISION_IDS:
        if _memory_total(est, precision=get_precision(precision_id)) <= usable_bytes:
            return precision_id
    return None


# -------------------------------------------------------------------------- offload


def _bytes_at(count: int, precision, part: str | None = None) -> int:
    """Bytes of `count` weights of one part (None: the quantised body) at the precision's bits
    for it: the arithmetic of `precision.weights_bytes`."""
    if not count:
        return 0
    return bytes_for_bits((count, precision.exact_bits if part is None else precision.part_bits(part)))


def _layers(est: Estimate | Serving) -> int:
    arch = est.architecture
    return arch.num_hidden_layers + (arch.num_decoder_layers or arch.num_hidden_layers if arch.is_encoder_decoder else 0)


def host_memory_for(target: Target, devices: int, override: float | None = None) -> float | None:
    """Host RAM available to an offload on `devices` devices of `target` (None: not listed).

    A desktop card's host figure is the PC it sits in: more cards share that one PC. A
    datacenter GPU's figure is its share of its server, and a node's is the node's host, so
    `devices` of them bring devices / (devices per target) shares. `override` is the user's
    own figure for the whole host.
    """
    if override is not None:
        return override
    if target.host_memory_bytes is None:
        return None
    return target.host_memory_bytes * _host_shares(target, devices)


def host_bandwidth_for(target: Target, devices: int, override: float | None = None) -> float | None:
    """Host memory bandwidth behind `devices` devices of `target`, shared as `host_memory_for`."""
    if override is not None:
        return override
    if target.host_bandwidth_bytes_per_s is None:
        return None
    return target.host_bandwidth_bytes_per_s * _host_shares(target, devices)


def _host_shares(target: Target, devices: int) -> float:
    return 1.0 if target.kind == "desktop-gpu" else devices / target.devices


class _OffloadShape(NamedTuple):
    """One scenario's sizes for both offload splits (target-independent, worked out once)."""

    work: speed_mod.SpeedWorkload  # the scenario's own decode workload
    layers: int
    embedding: int  # bytes of the token embedding (stays in host RAM in a layer split)
    head: int  # bytes of an untied output head
    layer_weights: float  # one layer's weights, bytes (average over the layers)
    layer_kv: float  # one layer's KV cache for the whole batch, bytes
    fixed: int  # activations + runtime overhead (on the device)
    layer_read: float  # bytes a CPU layer reads per decode step: active weights + its KV
    num_experts: int
    experts_per_token: int
    routed_total: int  # routed-expert parameters, all experts (0 for a dense model)
    routed_active: int  # those one token is routed to
    expert_bytes: int  # routed experts' bytes: what "experts on CPU" puts in host RAM
    expert_device_weights: int
    expert_device_bytes: int  # everything else + KV + activations + overhead
    expert_host_read: float  # routed bytes the batch touches per step
    expert_device_work: speed_mod.SpeedWorkload | None


def _offload_shape(est: Serving) -> _OffloadShape:
    arch = est.architecture
    inf = est.inference
    work: speed_mod.SpeedWorkload = est.workload
    layers = _layers(est)
    embedding = _bytes_at(est.params.embedding, est.precision, "embedding")
    head = _bytes_at(est.params.head, est.precision, "head")
    layer_weights = (inf.weights_bytes - embedding - head) / layers
    layer_kv = inf.kv_cache_bytes / layers
    fixed = inf.activations_bytes + inf.overhead_bytes
    routed_total, routed_active = routed_expert_params(est)
    expert_bytes = _bytes_at(routed_total, est.precision)  # expert matrices are quantised body
    # A step of a MoE reads, of each layer's routed experts, the share its tokens touch
    # (`speed.expected_distinct_experts`); the experts are averaged over the layers like the weights.
    untouched = 0.0
    if routed_total:
        untouched = 1.0 - work.experts_touched / arch.num_local_experts
    layer_read = layer_weights - expert_bytes / layers * untouched + layer_kv
    expert_device_weights = inf.weights_bytes - expert_bytes
    expert_device_work = None
    if routed_total:
        expert_device_work = speed_mod.part_of_workload(
            work, active_params=max(est.params.active - routed_active, 1.0), weight_bytes=expert_device_weights,
            kv_bytes_per_token=work.kv_bytes_per_token, num_layers=layers, moe=None)
    return _OffloadShape(
        work=work, layers=layers, embedding=embedding, head=head, layer_weights=layer_weights,
        layer_kv=layer_kv, fixed=fixed, layer_read=layer_read,
        num_experts=arch.num_local_experts if routed_total else 0,
        experts_per_token=arch.num_experts_per_tok if routed_total else 0,
        routed_total=routed_total, routed_active=routed_active, expert_bytes=expert_bytes,
        expert_device_weights=expert_device_weights,
        expert_device_bytes=expert_device_weights + inf.kv_cache_bytes + fixed,
        expert_host_read=expert_bytes * (1.0 - untouched), expert_device_work=expert_device_work)


class _LayerPlacement(NamedTuple):
    capacity: float
    room: float
    gpu_layers: int
    cpu_layers: int
    head_on_gpu: bool
    device_bytes: int
    host_bytes: int
    host_capacity: float | None
    fits: bool


def _layer_placement(shape: _OffloadShape, target: Target, devices: int,
                     host_capacity: float | None) -> _LayerPlacement:
    """As many whole layers as fit on the device(s): g = ⌊(usable − activations − overhead) /
    (w + k)⌋ with w a layer's weights and k its KV cache, at most L; the head joins only
    when every layer does and room is left for it (llama.cpp)."""
    layers = shape.layers
    per_layer = shape.layer_weights + shape.layer_kv
    capacity = target.usable_memory_bytes * devices
    room = capacity - shape.fixed
    gpu_layers = max(0, min(layers, int(room // per_layer))) if room > 0 else 0
    head_on_gpu = gpu_layers == layers and room - layers * per_layer >= shape.head
    cpu_layers = layers - gpu_layers
    device_bytes = round(gpu_layers * per_layer + shape.fixed + (shape.head if head_on_gpu else 0))
    host_bytes = round(cpu_layers * per_layer + shape.embedding + (0 if head_on_gpu else shape.head))
    fits = room > 0 and host_capacity is not None and host_bytes <= host_capacity
    return _LayerPlacement(capacity, room, gpu_layers, cpu_layers, head_on_gpu, device_bytes, host_bytes,
                           host_capacity, fits)


class _LayerSpeed(NamedTuple):
    device_s: float  # the device layers' part of a decode step
    host_read: float  # bytes the CPU reads per step
    host_bandwidth: float | None
    cpu_rate: float | None  # tok/s with the CPU computing its layers
    streamed_bytes: float
    link_bandwidth: float | None
    streamed_rate: float | None  # tok/s streaming the host layers over the host link instead


def _layer_speed(shape: _OffloadShape, p: _LayerPlacement, target: Target, devices: int,
                 host_bw: float | None) -> _LayerSpeed:
    """Decode being memory-bound at small batch: device step (the speed roofline on the
    device's layers) + host bytes / (host bandwidth · efficiency); and the alternative that
    streams the host layers over the host link."""
    work = shape.work
    device_s, host_read, cpu_rate = _layer_cpu_rate(shape, p, target, devices, host_bw)
    bw_eff = work.bandwidth_efficiency
    head = 0 if p.head_on_gpu else shape.head
    # Streaming moves every host-resident weight byte (all experts, not only the active
    # ones: the GPU cannot know the routing before the layer runs) over each device's link.
    streamed_bytes = p.cpu_layers * shape.layer_weights + head
    link = target.host_link_bytes_per_s
    link_bw = streamed = None
    if link is not None:
        link_bw = min(link * devices, host_bw) if host_bw is not None else link * devices
        streamed = 1.0 / (device_s + p.cpu_layers * shape.layer_kv / (target.bandwidth_bytes_per_s * devices * bw_eff)
                          + streamed_bytes / (link_bw * bw_eff))
    return _LayerSpeed(device_s, host_read, host_bw, cpu_rate, streamed_bytes, link_bw, streamed)


def _layer_cpu_rate(shape: _OffloadShape, p: _LayerPlacement, target: Target, devices: int,
                    host_bw: float | None) -> tuple[float, float, float | None]:
    """(device step, bytes the CPU reads per step, tok/s with the CPU computing its layers):
    the part of `_layer_speed` a matrix cell needs."""
    work = shape.work
    g = p.gpu_layers
    device_s = 0.0
    if g >= 1:
        moe = None
        if shape.expert_bytes:
            moe = speed_mod.MoeShape(shape.num_experts, shape.experts_per_token, shape.expert_bytes * g / shape.layers)
        device_work = speed_mod.part_of_workload(
            work, active_params=max(work.active_params * g / shape.layers, 1.0),
            weight_bytes=g * shape.layer_weights + (shape.head if p.head_on_gpu else 0),
            kv_bytes_per_token=work.kv_bytes_per_token * g / shape.layers, num_layers=g, moe=moe)
        device_s = speed_mod.decode_step_s(target, device_work, devices)
    host_read = p.cpu_layers * shape.layer_read + (0 if p.head_on_gpu else shape.head)
    cpu_rate = 1.0 / (device_s + host_read / (host_bw * work.bandwidth_efficiency)) if host_bw is not None else None
    return device_s, host_read, cpu_rate


def layer_offload(est: Estimate, target: Target, *, devices: int | None = None,
                  host_memory_bytes: float | None = None,
                  host_bandwidth_bytes_per_s: float | None = None) -> OffloadSplit | None:
    """llama.cpp-style partial offload: as many whole layers as fit on the device(s).

    None on unified-memory targets (no second tier). The split is solved exactly: with w the
    bytes of one layer's weights and k its share of the KV cache, g = ⌊(usable − activations −
    overhead) / (w + k)⌋, capped at the layer count. `host_memory_bytes` and
    `host_bandwidth_bytes_per_s` replace the target's host (the whole host, not a share).
    """
    if target.unified_memory:
        return None
    devices = devices if devices is not None else _devices(est.scenario, target)
    shape = _offload_shape(est.serving)
    p = _layer_placement(shape, target, devices, host_memory_for(target, devices, host_memory_bytes))
    sp = _layer_speed(shape, p, target, devices, host_bandwidth_for(target, devices, host_bandwidth_bytes_per_s))
    bw_eff = shape.work.bandwidth_efficiency
    head = 0 if p.head_on_gpu else shape.head
    explanations = {
        "gpu_layers": Explanation(
            title="Layers on the device",
            meaning="Whole transformer layers (weights and their KV cache) that fit in device memory "
            "beside the activations and runtime overhead; the rest run on the CPU from host RAM.",
            formula="g = ⌊(usable − activations − overhead) / (layer weights + layer KV)⌋, at most L",
            substituted=(
                f"⌊({format_bytes(p.capacity)} − {format_bytes(shape.fixed)}) / ({format_bytes(shape.layer_weights)} + "
                f"{format_bytes(shape.layer_kv)})⌋ = {p.gpu_layers} of {shape.layers}"
            ),
            source=_LLAMA_CPP_NGL,
        ),
        "host_bytes": Explanation(
            title="Host RAM needed",
            meaning="The CPU-resident layers with their KV cache, the token embedding, and the output "
            "head unless every layer is on the device.",
            formula="(L − g)·(layer weights + layer KV) + embedding + head",
            substituted=(
                f"{p.cpu_layers}·({format_bytes(shape.layer_weights)} + {format_bytes(shape.layer_kv)}) + "
                f"{format_bytes(shape.embedding)} + {format_bytes(head)} = {format_bytes(p.host_bytes)}"
                + (f" of {format_bytes(p.host_capacity)}" + _host_source(target, host_memory_bytes)
                   if p.host_capacity is not None else " (the target lists no host memory)")
            ),
            source=_LLAMA_CPP_NGL,
        ),
        "decode_tokens_per_s": Explanation(
            title="Decode speed with layers on the CPU",
            meaning="Each token passes the device layers at device speed, then the CPU layers, which "
            "read their weights (the routed experts' touched share for a MoE) and KV cache from host RAM.",
            formula="1 / (device step + host bytes / (host bandwidth · efficiency))",
            substituted=(
                f"1 / ({sp.device_s * 1e3:.3g} ms + {format_bytes(sp.host_read)} / "
                f"({format_bytes(sp.host_bandwidth)}/s · {bw_eff})) = {format_rate(sp.cpu_rate)}"
                if sp.cpu_rate is not None else "the target lists no host memory bandwidth"
            ),
            source=f"{_LLAMA_CPP_NGL}; bandwidth efficiency and device step: paramtui.core.formulas.speed",
        ),
        "streamed_tokens_per_s": Explanation(
            title="Decode speed streaming weights over the host link",
            meaning="The alternative: keep the CPU layers in RAM but copy them to the GPU for every "
            "token. The host link (PCIe) is usually far slower than host RAM, so this is slower.",
            formula="1 / (device step + host weights / (min(link · devices, host bandwidth) · efficiency))",
            substituted=(
                f"host weights {format_bytes(sp.streamed_bytes)} over {format_bytes(sp.link_bandwidth)}/s → "
                f"{format_rate(sp.streamed_rate)}" if sp.streamed_rate is not None
                else "the target lists no host link"
            ),
            source=_ACCELERATE,
        ),
    }
    return OffloadSplit(
        mode="layers", gpu_layers=p.gpu_layers, cpu_layers=p.cpu_layers, device_bytes=p.device_bytes,
        host_bytes=p.host_bytes, device_capacity_bytes=p.capacity, host_capacity_bytes=p.host_capacity,
        fits=p.fits, decode_tokens_per_s=sp.cpu_rate, streamed_tokens_per_s=sp.streamed_rate,
        explanations=explanations,
    )


def _host_source(target: Target, override: float | None) -> str:
    if override is not None:
        return " (host RAM set by you)"
    return f" (typical host assumed for {target.id}; see its notes)"


def routed_expert_params(est: Estimate | Serving) -> tuple[int, int]:
    """(all routed-expert parameters, those one token is routed to): the estimate's count of
    routed experts (`estimate.routed_expert_params`) and its k/E share."""
    arch = est.architecture
    routed = routed_expert_total(est.params, arch)
    if routed == 0:
        return 0, 0
    return routed, round(routed * arch.num_experts_per_tok / arch.num_local_experts)


def _expert_fits(shape: _OffloadShape, target: Target, devices: int, host_capacity: float | None) -> bool:
    return (shape.expert_device_bytes <= target.usable_memory_bytes * devices
            and host_capacity is not None and shape.expert_bytes <= host_capacity)


def _expert_speed(shape: _OffloadShape, target: Target, devices: int,
                  host_bw: float | None) -> tuple[float, float | None]:
    """(device step, tok/s): the speed roofline on what stays on the device, then the CPU
    reading the routed experts the batch touches from host RAM."""
    device_s = speed_mod.decode_step_s(target, shape.expert_device_work, devices)
    if host_bw is None:
        return device_s, None
    return device_s, 1.0 / (device_s + shape.expert_host_read / (host_bw * shape.work.bandwidth_efficiency))


def expert_offload(est: Estimate, target: Target, *, devices: int | None = None,
                   host_memory_bytes: float | None = None,
                   host_bandwidth_bytes_per_s: float | None = None) -> OffloadSplit | None:
    """MoE "experts on CPU": everything but the routed experts on the device, experts in RAM.

    None for dense models and unified-memory targets.
    """
    if target.unified_memory:
        return None
    shape = _offload_shape(est.serving)
    if shape.routed_total == 0:
        return None
    devices = devices if devices is not None else _devices(est.scenario, target)
    inf = est.inference
    capacity = target.usable_memory_bytes * devices
    host_capacity = host_memory_for(target, devices, host_memory_bytes)
    host_bw = host_bandwidth_for(target, devices, host_bandwidth_bytes_per_s)
    fits = _expert_fits(shape, target, devices, host_capacity)
    device_s, rate = _expert_speed(shape, target, devices, host_bw)
    touched = shape.work.experts_touched
    bw_eff = shape.work.bandwidth_efficiency
    moe_layers = est.architecture.num_moe_layers
    explanations = {
        "device_bytes": Explanation(
            title="Device memory, experts on CPU",
            meaning="Attention, norms, router, shared experts, embeddings and head stay on the device "
            "with the whole KV cache; only the routed experts move to host RAM.",
            formula="weights − routed experts + KV cache + activations + overhead",
            substituted=(
                f"{format_bytes(inf.weights_bytes)} − {format_bytes(shape.expert_bytes)} + "
                f"{format_bytes(inf.kv_cache_bytes)} + {format_bytes(shape.fixed)} = "
                f"{format_bytes(shape.expert_device_bytes)} of {format_bytes(capacity)}"
            ),
            source=_LLAMA_CPP_MOE,
        ),
        "host_bytes": Explanation(
            title="Host RAM for the routed experts",
            meaning="Memory always holds every expert, even though a token uses only a few.",
            formula="routed expert parameters · bytes per weight",
            substituted=(
                f"{format_count(shape.routed_total)} params → {format_bytes(shape.expert_bytes)}"
                + (f" of {format_bytes(host_capacity)}" + _host_source(target, host_memory_bytes)
                   if host_capacity is not None else " (the target lists no host memory)")
            ),
            source=_LLAMA_CPP_MOE,
        ),
        "decode_tokens_per_s": Explanation(
            title="Decode speed, experts on CPU",
            meaning="The CPU reads only the experts the tokens are routed to — active, not total "
            "parameters — so a large MoE runs much faster this way than a dense model of its size.",
            formula="1 / (device step + routed bytes · touched/E / (host bandwidth · efficiency))",
            substituted=(
                f"touched {touched:.2f} of {shape.num_experts} experts in {moe_layers} layers: "
                f"{format_bytes(shape.expert_host_read)} (active {format_count(shape.routed_active)} params) / "
                f"({format_bytes(host_bw)}/s · {bw_eff}) + device {device_s * 1e3:.3g} ms → {format_rate(rate)}"
                if rate is not None else "the target lists no host memory bandwidth"
            ),
            source=f"{_LLAMA_CPP_MOE}; expected distinct experts: paramtui.core.formulas.speed",
        ),
    }
    return OffloadSplit(
        mode="experts", gpu_layers=shape.layers, cpu_layers=moe_layers,
        device_bytes=shape.expert_device_bytes, host_bytes=shape.expert_bytes, device_capacity_bytes=capacity,
        host_capacity_bytes=host_capacity, fits=fits, decode_tokens_per_s=rate, streamed_tokens_per_s=None,
        explanations=explanations,
    )


# --------------------------------------------------------------------------- detail


def deploy_detail(scenario: Scenario, target: Target, *, host_memory_bytes: float | None = None,
                  host_bandwidth_bytes_per_s: float | None = None) -> DeployDetail:
    """The cell plus its limits, the best precision and the offload splits.

    `host_memory_bytes` / `host_bandwidth_bytes_per_s`: the user's whole host instead of the
    target's typical one (the cell's offload verdict then follows them)."""
    est = estimate(_on_target(scenario, target))
    cell = deploy_cell(scenario, target, est.serving)
    usable = cell.usable_bytes
    ctx = max_context(est, usable)
    batch = max_batch(est, usable)
    best = None if cell.fits else best_precision(est, usable)
    kw = dict(devices=cell.devices, host_memory_bytes=host_memory_bytes,
              host_bandwidth_bytes_per_s=host_bandwidth_bytes_per_s)
    layers = None if cell.fits else layer_offload(est, target, **kw)
    experts = None if cell.fits else expert_offload(est, target, **kw)
    if not cell.fits and (host_memory_bytes is not None or host_bandwidth_bytes_per_s is not None):
        # The user's own host replaces the target's: the verdict follows the splits it allows.
        runs = [x for x in (layers, experts) if x is not None and x.fits]
        cell = cell._replace(status="offload" if runs else "no", offload_tokens_per_s=max(
            (x.decode_tokens_per_s for x in runs), key=lambda r: r or 0.0, default=None))
    s = est.scenario
    model_context = est.architecture.max_position_embeddings
    explanations = {
        "max_context": Explanation(
            title="Largest context that fits",
            meaning=f"The most tokens per sequence the KV cache can hold at batch {s.inference.batch} "
            "with the weights, activations and overhead, within usable memory.",
            formula="max c with weights + KV(c) + activations(c) + overhead ≤ usable",
            substituted=f"c = {ctx:,} tokens (usable {format_bytes(usable)}; model limit {model_context:,})",
            source="memory.inference_memory / memory.kv_cache_bytes, solved exactly on the integer",
        ),
        "max_batch": Explanation(
            title="Largest batch that fits",
            meaning=f"The most concurrent sequences of {est.serving.context:,} tokens that fit.",
            formula="max b with weights + KV(b) + activations(b) + overhead ≤ usable",
            substituted=f"b = {batch:,} (usable {format_bytes(usable)})",
            source="memory.inference_memory / memory.kv_cache_bytes, solved exactly on the integer",
        ),
        "best_precision": Explanation(
            title="Highest precision that fits",
            meaning="Going down the precisions from highest to lowest, the first whose inference total "
            "fits the usable memory.",
            formula="first p in " + ", ".join(PRECISION_IDS) + " with total(p) ≤ usable",
            substituted=(f"{best}: {format_bytes(_memory_total(est, precision=get_precision(best)))} ≤ "
                         f"{format_bytes(usable)}" if best else
                         ("this precision already fits" if cell.fits else "none fits")),
            source="memory.inference_memory with each precision of paramtui.core.model.precision",
        ),
    }
    return DeployDetail(
        cell=cell, estimate=est, max_context=ctx, model_context=model_context, max_batch=batch,
        best_precision=best, layer_offload=layers, expert_offload=experts, explanations=explanations,
    )
