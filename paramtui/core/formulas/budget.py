"""Budget in, plan out (docs/ARCHITECTURE.md, Core: Scaling laws; issue 13): what a training budget buys.

A budget in dollars, device-hours, days on the scenario's devices, or FLOPs becomes training
compute C through the same time formula the run's own estimate uses (`formulas.compute`):

    device-hours = dollars / price per device-hour          (a dollar budget)
    device-hours = days · 24 · devices                       (a budget in days)
    C            = device-hours · 3600 · peak · MFU          (FLOPs the devices deliver)
    device-hours = C / (3600 · peak · MFU)                   (a budget in FLOPs)

and C buys the compute-optimal model of the chosen law (`scaling.compute_optimal`: N_opt and
D_opt with 6·N·D = C) at the loss `scaling.loss_at_compute_optimum`. The cost is the
device-hours times the price, the time the device-hours shared by the devices. The laws
describe pretraining from scratch, so a plan is a pretraining plan.
"""

from __future__ import annotations

from typing import NamedTuple

from paramtui.core.errors import UserError
from paramtui.core.formulas import scaling as scaling_mod
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.units import format_count, format_duration, format_flops, format_hours, format_money

_SOURCE = "t = C / (G · peak · MFU) as in paramtui.core.formulas.compute; N_opt, D_opt: paramtui.core.formulas.scaling"


class BudgetPlan(NamedTuple):
    given: str  # "usd", "gpu_hours", "days" or "flops": the unit the user set
    flops: float  # training compute the budget buys, C = 6·N·D
    gpu_hours: float
    wall_seconds: float
    cost_usd: float | None  # None when no price per device-hour is known
    params: float  # compute-optimal parameters N_opt
    tokens: float  # compute-optimal tokens D_opt
    loss: float  # predicted loss at (N_opt, D_opt)
    law: str
    explanations: Explanations


def plan_budget(*, usd: float | None = None, gpu_hours: float | None = None, days: float | None = None,
                flops: float | None = None, devices: int, peak_flops_per_s: float, mfu: float,
                price_per_hour_usd: float | None, law: str = scaling_mod.DEFAULT_LAW) -> BudgetPlan:
    """The compute-optimal run a budget buys on `devices` devices of `peak_flops_per_s` each
    at utilization `mfu`; exactly one of usd, gpu_hours, days, flops is the budget."""
    given = [name for name, v in (("usd", usd), ("gpu_hours", gpu_hours), ("days", days), ("flops", flops))
             if v is not None]
    if len(given) != 1:
        raise UserError(f"give a budget in exactly one unit (dollars, GPU-hours, days or FLOPs), not {len(given)}")
    unit = given[0]
    delivered = 3600 * peak_flops_per_s * mfu  # FLOPs one device delivers in an hour
    if unit == "usd":
        if not price_per_hour_usd:
            raise UserError("a budget in dollars needs a price per device-hour: this target has none; "
                            "give one with --price (or the form's price field)")
        hours = usd / price_per_hour_usd
    elif unit == "days":
        hours = days * 24 * devices
    elif unit == "gpu_hours":
        hours = gpu_hours
    else:
        hours = flops / delivered
    compute = flops if unit == "flops" else hours * delivered
    n_opt, d_opt = scaling_mod.compute_optimal(law, compute)
    best = scaling_mod.loss_at_compute_optimum(law, compute)
    seconds = hours * 3600 / devices
    cost = hours * price_per_hour_usd if price_per_hour_usd is not None else None

    def explain() -> dict[str, Explanation]:
        how = {
            "usd": lambda: f"{format_money(usd)} / {format_money(price_per_hour_usd)} per device-hour = "
                           f"{format_hours(hours)}",
            "gpu_hours": lambda: f"{format_hours(hours)} given",
            "days": lambda: f"{days:g} days · 24 · {devices} devices = {format_hours(hours)}",
            "flops": lambda: f"{format_flops(flops)} given",
        }[unit]()
        c_text = (f"{format_hours(hours)} · 3600 · {peak_flops_per_s:.4g} FLOP/s · {mfu:.2f} = {format_flops(compute)}"
                  if unit != "flops" else f"C = {format_flops(compute)}")
        return {
            "flops": Explanation(
                title="Compute the budget buys",
                meaning="The training FLOPs the devices deliver for this budget at this utilization.",
                formula="C = device-hours · 3600 · peak · MFU",
                substituted=f"{how}; {c_text}", source=_SOURCE),
            "params": Explanation(
                title="Compute-optimal size for the budget",
                meaning="The model size with the lowest predicted loss for this compute, under the chosen law.",
                formula="N_opt(C), with 6·N·D = C", substituted=f"C = {format_flops(compute)} → {format_count(n_opt)}",
                source=scaling_mod.get_law(law).source),
            "tokens": Explanation(
                title="Compute-optimal tokens for the budget",
                meaning="The training tokens that go with that size.",
                formula="D_opt = C / (6·N_opt)",
                substituted=f"{format_flops(compute)} / (6 · {format_count(n_opt)}) = {format_count(d_opt)}",
                source=scaling_mod.get_law(law).source),
            "loss": Explanation(
                title="Predicted loss for the budget",
                meaning="The loss the law predicts for that model trained from scratch on those tokens.",
                formula="L(N_opt, D_opt)", substituted=f"{best:.4f}", source=scaling_mod.get_law(law).source),
            "wall_seconds": Explanation(
                title="Time for the budget", meaning="The device-hours shared by the scenario's devices.",
                formula="device-hours · 3600 / devices",
                substituted=f"{format_hours(hours)} / {devices} = {format_duration(seconds)}", source=_SOURCE),
        }

    return BudgetPlan(unit, compute, hours, seconds, cost, n_opt, d_opt, best, law, Explanations(explain))
