"""Where a scenario can run: fit, memory use and speed on every target, and what to do when
it does not fit (DESIGN.md, TUI 4 "Deploy"; issue 6).

- The matrix cell (`deploy_cell`, `deploy_matrix`) is the estimate's own verdict for the
  scenario moved to that target: `memory.fits`, `memory.use_fraction` and
  `speed.decode_tokens_per_s` of `estimate(scenario with target=…)`. Inference memory does not
  depend on the target, so it is computed once per scenario and compared with each
  target's usable memory; the decode speed is taken from the estimate only where the model
  fits or can be offloaded (a cell that cannot run has no speed).
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
"""

from __future__ import annotations

from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict

from paramtui.core import memory as memory_mod
from paramtui.core import speed as speed_mod
from paramtui.core.errors import UserError
from paramtui.core import estimate as estimate_mod
from paramtui.core.estimate import Estimate, default_kv_precision, estimate
from paramtui.core.estimate import routed_expert_params as routed_expert_total
from paramtui.core.explain import Explanation
from paramtui.core.precision import PRECISION_IDS, get_precision, weights_bytes
from paramtui.core.scenario import Scenario
from paramtui.core.targets import Target
from paramtui.core.units import format_bytes, format_count, format_rate

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


class DeployCell(BaseModel):
    """One scenario on one target: the matrix cell."""

    model_config = ConfigDict(frozen=True)

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


class OffloadSplit(BaseModel):
    """A way to run a model larger than the device with part of it in host RAM."""

    model_config = ConfigDict(frozen=True)

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


class DeployDetail(BaseModel):
    """Everything the Deploy screen's detail shows for one scenario on one target."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    cell: DeployCell
    estimate: Estimate  # the scenario on this target
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
    return memory_mod.inference_memory(
        est.architecture, est.params, prec, kvp,
        batch=s.inference.batch if batch is None else batch,
        context=_context(est) if context is None else context,
    ).total_bytes


def _context(est: Estimate) -> int:
    """The context the estimate used (the scenario's, or the default capped at the model's)."""
    return est.values["scenario.context"]


def _devices(scenario: Scenario, target: Target) -> int:
    return scenario.gpus * target.devices


def _on_target(scenario: Scenario, target: Target) -> Scenario:
    return scenario if scenario.target == target.id else scenario.with_changes(target=target.id)


def deploy_cell(scenario: Scenario, target: Target, base: Estimate | None = None) -> DeployCell:
    """The matrix cell for `scenario` moved to `target`.

    `base` is the scenario's estimate on any target (its inference memory is the same on all
    of them); passing it saves recomputing it for every target.
    """
    base = base if base is not None else estimate(_on_target(scenario, target))
    devices = _devices(scenario, target)
    required = base.inference.total_bytes
    usable = target.usable_memory_bytes * devices
    fraction = required / usable
    if fraction <= 1.0:
        return DeployCell(
            scenario_id=scenario.id, target_id=target.id, status="fits", devices=devices,
            required_bytes=required, usable_bytes=usable, memory_use_fraction=fraction,
            decode_tokens_per_s=_decode_on(base, target, devices),
        )
    split = _best_offload(base, target, devices)
    if split is not None:
        return DeployCell(
            scenario_id=scenario.id, target_id=target.id, status="offload", devices=devices,
            required_bytes=required, usable_bytes=usable, memory_use_fraction=fraction,
            decode_tokens_per_s=None, offload_tokens_per_s=split.decode_tokens_per_s,
        )
    return DeployCell(
        scenario_id=scenario.id, target_id=target.id, status="no", devices=devices,
        required_bytes=required, usable_bytes=usable, memory_use_fraction=fraction,
        decode_tokens_per_s=None,
    )


def _decode_on(base: Estimate, target: Target, devices: int) -> float:
    """Decode tok/s per request on `target`: the estimate's own speed step, without
    recomputing the target-independent rest of the estimate (memory, training, scaling)."""
    speed = estimate_mod._speed(base.architecture, base.params, base.precision, base.inference,
                                target, devices, base.scenario, _context(base))
    return speed.decode_tokens_per_s_per_request


def _best_offload(base: Estimate, target: Target, devices: int) -> OffloadSplit | None:
    """The fastest offload that fits device and host, if the target has a host tier."""
    if target.unified_memory or target.host_memory_bytes is None:
        return None
    splits = (layer_offload(base, target, devices=devices), expert_offload(base, target, devices=devices))
    candidates = [s for s in splits if s is not None and s.fits]
    if not candidates:
        return None
    return max(candidates, key=lambda s: s.decode_tokens_per_s or 0.0)


# Cells of unchanged scenarios are reused between repaints: `estimate` returns the same
# object for equal scenarios, so (that object, target) identifies a cell's inputs exactly.
_CELL_CACHE: dict[tuple[int, str, int], tuple[Estimate, Target, DeployCell]] = {}
_CELL_CACHE_LIMIT = 50_000


def _cached_cell(scenario: Scenario, target: Target, base: Estimate) -> DeployCell:
    key = (id(base), target.id, scenario.gpus)
    hit = _CELL_CACHE.get(key)
    if hit is not None and hit[0] is base and hit[1] is target and hit[2].scenario_id == scenario.id:
        return hit[2]
    cell = deploy_cell(scenario, target, base)
    if len(_CELL_CACHE) >= _CELL_CACHE_LIMIT:
        _CELL_CACHE.clear()
    _CELL_CACHE[key] = (base, target, cell)
    return cell


def deploy_matrix(scenarios: Iterable[Scenario], targets: Iterable[Target]) -> dict[tuple[str, str], DeployCell | UserError]:
    """Every scenario on every target, keyed by (scenario id, target id).

    A cell the core cannot estimate holds its `UserError`, so one bad scenario or target does
    not blank the screen.
    """
    targets = list(targets)
    out: dict[tuple[str, str], DeployCell | UserError] = {}
    for scenario in scenarios:
        try:
            base = estimate(scenario)
        except UserError:
            base = None  # e.g. too many devices for its own target: other targets may still work
        for target in targets:
            try:
                out[(scenario.id, target.id)] = (deploy_cell(scenario, target, None) if base is None
                                                 else _cached_cell(scenario, target, base))
            except UserError as error:
                out[(scenario.id, target.id)] = error
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


def _part_bytes(est: Estimate, part: str) -> int:
    """Bytes of one non-repeated part (embedding or head) at the precision's bits for it."""
    count = getattr(est.params, part)

    class _Only:  # a ParamCount-like holding just this part, so the precision applies its part bits
        total = count
        embedding = count if part == "embedding" else 0
        head = count if part == "head" else 0
        norm = 0

    return weights_bytes(_Only(), est.precision) if count else 0


def _layers(est: Estimate) -> int:
    arch = est.architecture
    return arch.num_hidden_layers + (arch.num_decoder_layers or arch.num_hidden_layers if arch.is_encoder_decoder else 0)


def _host_capacity(target: Target, host_memory_bytes: float | None) -> float | None:
    return host_memory_bytes if host_memory_bytes is not None else target.host_memory_bytes


def _host_bandwidth(target: Target, host_bandwidth: float | None) -> float | None:
    return host_bandwidth if host_bandwidth is not None else target.host_bandwidth_bytes_per_s


def _device_step_seconds(est: Estimate, target: Target, devices: int, *, weight_bytes: float,
                         active_params: float, kv_bytes_per_token: float, layers: int,
                         moe: speed_mod.MoeShape | None = None) -> float:
    """The device's part of a decode step: the speed module's roofline on what stays there."""
    if layers < 1 or weight_bytes <= 0:
        return 0.0
    arch = est.architecture
    s = est.scenario
    speed = speed_mod.estimate_speed(
        target, active_params=max(active_params, 1.0), weight_bytes=weight_bytes,
        kv_bytes_per_token=kv_bytes_per_token, num_layers=layers, hidden_size=arch.hidden_size,
        attention_dim=arch.num_attention_heads * arch.resolved_head_dim,
        compute_dtype=est.precision.compute_dtype, batch=s.inference.batch, context=_context(est),
        devices=devices, runtime=s.inference.runtime, moe=moe,
    )
    return speed.decode_step_s


def layer_offload(est: Estimate, target: Target, *, devices: int | None = None,
                  host_memory_bytes: float | None = None,
                  host_bandwidth_bytes_per_s: float | None = None) -> OffloadSplit | None:
    """llama.cpp-style partial offload: as many whole layers as fit on the device(s).

    None on unified-memory targets (no second tier). The split is solved exactly: with w the
    bytes of one layer's weights and k its share of the KV cache, g = ⌊(usable − activations −
    overhead) / (w + k)⌋, capped at the layer count.
    """
    if target.unified_memory:
        return None
    s = est.scenario
    devices = devices if devices is not None else _devices(s, target)
    inf = est.inference
    layers = _layers(est)
    embedding = _part_bytes(est, "embedding")
    head = _part_bytes(est, "head")
    layer_weights = (inf.weights_bytes - embedding - head) / layers
    layer_kv = inf.kv_cache_bytes / layers
    fixed = inf.activations_bytes + inf.overhead_bytes
    capacity = target.usable_memory_bytes * devices
    room = capacity - fixed
    gpu_layers = max(0, min(layers, int(room // (layer_weights + layer_kv)))) if room > 0 else 0
    head_on_gpu = gpu_layers == layers and room - layers * (layer_weights + layer_kv) >= head
    cpu_layers = layers - gpu_layers
    device_bytes = round(gpu_layers * (layer_weights + layer_kv) + fixed + (head if head_on_gpu else 0))
    host_bytes = round(cpu_layers * (layer_weights + layer_kv) + embedding + (0 if head_on_gpu else head))
    host_capacity = _host_capacity(target, host_memory_bytes)
    fits = room > 0 and host_capacity is not None and host_bytes <= host_capacity

    # Bytes read per decode step: the active share of each layer's weights (MoE reads only
    # the routed experts), the head, and each sequence's KV cache of the layers.
    active_share = est.params.active / est.params.total
    batch = s.inference.batch
    kv_per_token = inf.kv_cache_bytes / (batch * _context(est)) / layers  # per token per layer
    device_s = _device_step_seconds(
        est, target, devices,
        weight_bytes=gpu_layers * layer_weights + (head if head_on_gpu else 0),
        active_params=est.params.active * gpu_layers / layers,
        kv_bytes_per_token=kv_per_token * gpu_layers, layers=gpu_layers,
    )
    host_read = (cpu_layers * (layer_weights * active_share + layer_kv)
                 + (0 if head_on_gpu else head))
    bw_eff = speed_mod.DEFAULT_BANDWIDTH_EFFICIENCY
    host_bw = _host_bandwidth(target, host_bandwidth_bytes_per_s)
    cpu_rate = None
    if host_bw is not None:
        cpu_rate = 1.0 / (device_s + host_read / (host_bw * bw_eff))
    link = target.host_link_bytes_per_s
    streamed = None
    if link is not None:
        # Streaming moves every host-resident weight byte (all experts, not only the active
        # ones: the GPU cannot know the routing before the layer runs) over the link each step.
        streamed_bytes = cpu_layers * layer_weights + (0 if head_on_gpu else head)
        link_bw = min(link, host_bw) if host_bw is not None else link
        streamed = 1.0 / (device_s + cpu_layers * layer_kv / (target.bandwidth_bytes_per_s * bw_eff)
                          + streamed_bytes / (link_bw * bw_eff))

    explanations = {
        "gpu_layers": Explanation(
            title="Layers on the device",
            meaning="Whole transformer layers (weights and their KV cache) that fit in device memory "
            "beside the activations and runtime overhead; the rest run on the CPU from host RAM.",
            formula="g = ⌊(usable − activations − overhead) / (layer weights + layer KV)⌋, at most L",
            substituted=(
                f"⌊({format_bytes(capacity)} − {format_bytes(fixed)}) / ({format_bytes(layer_weights)} + "
                f"{format_bytes(layer_kv)})⌋ = {gpu_layers} of {layers}"
            ),
            source=_LLAMA_CPP_NGL,
        ),
        "host_bytes": Explanation(
            title="Host RAM needed",
            meaning="The CPU-resident layers with their KV cache, the token embedding, and the output "
            "head unless every layer is on the device.",
            formula="(L − g)·(layer weights + layer KV) + embedding + head",
            substituted=(
                f"{cpu_layers}·({format_bytes(layer_weights)} + {format_bytes(layer_kv)}) + "
                f"{format_bytes(embedding)} + {format_bytes(0 if head_on_gpu else head)} = {format_bytes(host_bytes)}"
                + (f" of {format_bytes(host_capacity)}" if host_capacity is not None
                   else " (the target lists no host memory)")
            ),
            source=_LLAMA_CPP_NGL,
        ),
        "decode_tokens_per_s": Explanation(
            title="Decode speed with layers on the CPU",
            meaning="Each token passes the device layers at device speed, then the CPU layers, which "
            "read their weights (the active share for a MoE) and KV cache from host RAM.",
            formula="1 / (device step + host bytes / (host bandwidth · efficiency))",
            substituted=(
                f"1 / ({device_s * 1e3:.3g} ms + {format_bytes(host_read)} / "
                f"({format_bytes(host_bw)}/s · {bw_eff})) = {format_rate(cpu_rate)}"
                if cpu_rate is not None else "the target lists no host memory bandwidth"
            ),
            source=f"{_LLAMA_CPP_NGL}; bandwidth efficiency: paramtui.core.speed",
        ),
        "streamed_tokens_per_s": Explanation(
            title="Decode speed streaming weights over the host link",
            meaning="The alternative: keep the CPU layers in RAM but copy them to the GPU for every "
            "token. The host link (PCIe) is usually far slower than host RAM, so this is slower.",
            formula="1 / (device step + host weights / (min(link, host bandwidth) · efficiency))",
            substituted=(
                f"host weights {format_bytes(cpu_layers * layer_weights + (0 if head_on_gpu else head))} over "
                f"{format_bytes(link)}/s → {format_rate(streamed)}" if streamed is not None
                else "the target lists no host link"
            ),
            source=_ACCELERATE,
        ),
    }
    return OffloadSplit(
        mode="layers", gpu_layers=gpu_layers, cpu_layers=cpu_layers, device_bytes=device_bytes,
        host_bytes=host_bytes, device_capacity_bytes=capacity, host_capacity_bytes=host_capacity,
        fits=fits, decode_tokens_per_s=cpu_rate, streamed_tokens_per_s=streamed,
        explanations=explanations,
    )


def routed_expert_params(est: Estimate) -> tuple[int, int]:
    """(all routed-expert parameters, those one token is routed to): the estimate's count of
    routed experts (`estimate.routed_expert_params`) and its k/E share."""
    arch = est.architecture
    routed = routed_expert_total(est.params, arch)
    if routed == 0:
        return 0, 0
    return routed, round(routed * arch.num_experts_per_tok / arch.num_local_experts)


def expert_offload(est: Estimate, target: Target, *, devices: int | None = None,
                   host_memory_bytes: float | None = None,
                   host_bandwidth_bytes_per_s: float | None = None) -> OffloadSplit | None:
    """MoE "experts on CPU": everything but the routed experts on the device, experts in RAM.

    None for dense models and unified-memory targets.
    """
    if target.unified_memory:
        return None
    routed_total, routed_active = routed_expert_params(est)
    if routed_total == 0:
        return None
    s = est.scenario
    arch = est.architecture
    devices = devices if devices is not None else _devices(s, target)
    inf = est.inference
    expert_bytes = weights_bytes(routed_total, est.precision)  # expert matrices are quantised body
    device_weights = inf.weights_bytes - expert_bytes
    fixed = inf.activations_bytes + inf.overhead_bytes
    device_bytes = device_weights + inf.kv_cache_bytes + fixed
    capacity = target.usable_memory_bytes * devices
    host_capacity = _host_capacity(target, host_memory_bytes)
    fits = device_bytes <= capacity and host_capacity is not None and expert_bytes <= host_capacity

    batch = s.inference.batch
    layers = _layers(est)
    device_s = _device_step_seconds(
        est, target, devices, weight_bytes=device_weights,
        active_params=est.params.active - routed_active,
        kv_bytes_per_token=inf.kv_cache_bytes / (batch * _context(est)), layers=layers,
    )
    # Host reads, per MoE layer, the experts the batch's tokens are routed to.
    touched = speed_mod.expected_distinct_experts(arch.num_local_experts, arch.num_experts_per_tok, batch)
    host_read = expert_bytes * touched / arch.num_local_experts
    bw_eff = speed_mod.DEFAULT_BANDWIDTH_EFFICIENCY
    host_bw = _host_bandwidth(target, host_bandwidth_bytes_per_s)
    rate = None if host_bw is None else 1.0 / (device_s + host_read / (host_bw * bw_eff))
    moe_layers = arch.num_moe_layers
    explanations = {
        "device_bytes": Explanation(
            title="Device memory, experts on CPU",
            meaning="Attention, norms, router, shared experts, embeddings and head stay on the device "
            "with the whole KV cache; only the routed experts move to host RAM.",
            formula="weights − routed experts + KV cache + activations + overhead",
            substituted=(
                f"{format_bytes(inf.weights_bytes)} − {format_bytes(expert_bytes)} + "
                f"{format_bytes(inf.kv_cache_bytes)} + {format_bytes(fixed)} = {format_bytes(device_bytes)} "
                f"of {format_bytes(capacity)}"
            ),
            source=_LLAMA_CPP_MOE,
        ),
        "host_bytes": Explanation(
            title="Host RAM for the routed experts",
            meaning="Memory always holds every expert, even though a token uses only a few.",
            formula="routed expert parameters · bytes per weight",
            substituted=(
                f"{format_count(routed_total)} params → {format_bytes(expert_bytes)}"
                + (f" of {format_bytes(host_capacity)}" if host_capacity is not None
                   else " (the target lists no host memory)")
            ),
            source=_LLAMA_CPP_MOE,
        ),
        "decode_tokens_per_s": Explanation(
            title="Decode speed, experts on CPU",
            meaning="The CPU reads only the experts the tokens are routed to — active, not total "
            "parameters — so a large MoE runs much faster this way than a dense model of its size.",
            formula="1 / (device step + routed bytes · touched/E / (host bandwidth · efficiency))",
            substituted=(
                f"touched {touched:.2f} of {arch.num_local_experts} experts in {moe_layers} layers: "
                f"{format_bytes(host_read)} (active {format_count(routed_active)} params) / "
                f"({format_bytes(host_bw)}/s · {bw_eff}) + device {device_s * 1e3:.3g} ms → {format_rate(rate)}"
                if rate is not None else "the target lists no host memory bandwidth"
            ),
            source=f"{_LLAMA_CPP_MOE}; expected distinct experts: paramtui.core.speed",
        ),
    }
    return OffloadSplit(
        mode="experts", gpu_layers=layers, cpu_layers=moe_layers, device_bytes=device_bytes,
        host_bytes=expert_bytes, device_capacity_bytes=capacity, host_capacity_bytes=host_capacity,
        fits=fits, decode_tokens_per_s=rate, streamed_tokens_per_s=None, explanations=explanations,
    )


# --------------------------------------------------------------------------- detail


def deploy_detail(scenario: Scenario, target: Target, *, host_memory_bytes: float | None = None,
                  host_bandwidth_bytes_per_s: float | None = None) -> DeployDetail:
    """The cell plus its limits, the best precision and the offload splits."""
    est = estimate(_on_target(scenario, target))
    cell = deploy_cell(scenario, target, est)
    usable = cell.usable_bytes
    ctx = max_context(est, usable)
    batch = max_batch(est, usable)
    best = None if cell.fits else best_precision(est, usable)
    kw = dict(devices=cell.devices, host_memory_bytes=host_memory_bytes,
              host_bandwidth_bytes_per_s=host_bandwidth_bytes_per_s)
    layers = None if cell.fits else layer_offload(est, target, **kw)
    experts = None if cell.fits else expert_offload(est, target, **kw)
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
            meaning=f"The most concurrent sequences of {_context(est):,} tokens that fit.",
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
            source="memory.inference_memory with each precision of paramtui.core.precision",
        ),
    }
    return DeployDetail(
        cell=cell, estimate=est, max_context=ctx, model_context=model_context, max_batch=batch,
        best_precision=best, layer_offload=layers, expert_offload=experts, explanations=explanations,
    )
