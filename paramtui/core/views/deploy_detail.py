"""The Deploy detail: one scenario on one target, with its limits and what to do when it does
not fit (docs/ARCHITECTURE.md, TUI 4 "Deploy"; issue 6).

`deploy_detail` adds to the matrix cell the largest context and batch that fit (solved
exactly on the integer with `memory.inference_memory`, which counts the KV cache with
`memory.kv_cache_bytes`), the highest precision that fits, and both offload splits of
`formulas.offload` (layers on the CPU, or MoE experts on the CPU) against the host RAM: the
scenario's own `host_ram_bytes`, or one the user sets on the screen.
"""

from __future__ import annotations

from paramtui.core.formulas import inference_memory as inference_mod
from paramtui.core.formulas import offload as offload_mod
from paramtui.core.formulas.offload import OffloadSplit
from paramtui.core.result.estimate import Estimate, default_kv_precision, estimate
from paramtui.core.result.explain import Explanation
from paramtui.core.model.precision import PRECISION_IDS, get_precision
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import Target
from paramtui.core.units import format_bytes
from paramtui.core.validation import record
from paramtui.core.views.deploy_matrix import DeployCell, deploy_cell

# Upper ends of the exact searches: the scenario model's own validation limits.
MAX_CONTEXT = 100_000_000
MAX_BATCH = 1_000_000

__all__ = ["DeployDetail", "OffloadSplit", "best_precision", "deploy_detail", "max_batch", "max_context"]


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
    ).inference_total_bytes



def _on_target(scenario: Scenario, target: Target) -> Scenario:
    return scenario if scenario.target == target.id else scenario.with_changes(target=target.id)


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


# --------------------------------------------------------------------------- detail


def deploy_detail(scenario: Scenario, target: Target, *, host_memory_bytes: float | None = None,
                  host_bandwidth_bytes_per_s: float | None = None) -> DeployDetail:
    """The cell plus its limits, the best precision and the offload splits.

    `host_memory_bytes` / `host_bandwidth_bytes_per_s`: the user's whole host instead of the
    scenario's `host_ram_bytes` or the target's typical one (the cell's offload verdict then
    follows them)."""
    est = estimate(_on_target(scenario, target))
    cell = deploy_cell(scenario, target, est.serving)
    usable = cell.usable_bytes
    ctx = max_context(est, usable)
    batch = max_batch(est, usable)
    best = None if cell.fits else best_precision(est, usable)
    overridden = host_memory_bytes is not None or host_bandwidth_bytes_per_s is not None
    if host_memory_bytes is None:
        host_memory_bytes = scenario.host_ram_bytes
    kw = dict(host_memory_bytes=host_memory_bytes, host_bandwidth_bytes_per_s=host_bandwidth_bytes_per_s)
    layers = None if cell.fits else offload_mod.layer_offload(est.serving, target, cell.devices, **kw)
    experts = None if cell.fits else offload_mod.expert_offload(est.serving, target, cell.devices, **kw)
    if not cell.fits and overridden:
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
