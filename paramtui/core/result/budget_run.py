"""A budget with no model is a complete question (issue 13: "I have $50k of H100 time: what
size, how many tokens, what loss?"): the answer is the run the budget buys.

The plan comes from `estimate` and so from `formulas.budget`, the one code path for budget
figures. It depends on the target, devices, training precision, MFU, price and law, never on
the model, so a probe model of any size gives it; the scenario answered is then the plan's
compute-optimal model (a bare count) trained from scratch on the plan's tokens, whose estimate
adds memory, time and cost for that size beside the budget's own figures.
"""

from __future__ import annotations

from paramtui.core import validation
from paramtui.core.errors import UserError
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.result.estimate import estimate

_PROBE_PARAMS = 1e9  # any size: the plan does not read the model


def scenario_for_budget(data: dict) -> Scenario:
    """The scenario a budget alone asks about. `data` is a scenario's fields without a model
    and with a `budget`; a UserError when the budget cannot be planned (no price for dollars,
    no known peak FLOP/s) or the run is not a pretraining run."""
    if data.get("purpose") not in (None, "pretrain"):
        raise UserError("a budget with no model plans a run from scratch (the scaling laws describe "
                        f"pretraining): drop --purpose {data['purpose']} or give a model")
    probe = validation.validate(Scenario, {**data, "params": _PROBE_PARAMS})
    v = estimate(probe).values
    if v["budget.params"] is None:
        raise UserError(f"no plan for this budget: the peak FLOP/s of target {probe.target!r} is not known")
    training = {**data.get("training", {}), "tokens": v["budget.tokens"]}
    return validation.validate(Scenario, {**data, "params": float(round(v["budget.params"])),
                                          "training": training, "purpose": "pretrain"})
