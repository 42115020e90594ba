"""Budget in, plan out (issue 13 item 3): hand-worked plans."""

from __future__ import annotations

import pytest

from paramtui.core.errors import UserError
from paramtui.core.formulas import scaling
from paramtui.core.formulas.budget import plan_budget
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.result.estimate import estimate
from paramtui.core.validation import validate

H100_BF16 = 989.4e12  # dense BF16 peak of one H100 SXM


def test_fifty_thousand_dollars_of_h100_time_at_two_dollars_an_hour():
    plan = plan_budget(usd=50_000, devices=8, peak_flops_per_s=H100_BF16, mfu=0.40, price_per_hour_usd=2.0,
                       law="chinchilla")
    assert plan.gpu_hours == 25_000
    assert plan.flops == pytest.approx(25_000 * 3600 * H100_BF16 * 0.40)  # 3.56e22 FLOPs
    assert plan.wall_seconds == pytest.approx(25_000 * 3600 / 8)  # 130 days on 8 GPUs
    assert plan.cost_usd == pytest.approx(50_000)
    # Chinchilla (Hoffmann et al. 2022 eq. 4): N_opt = G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)),
    # with E=1.69, A=406.4, B=410.7, α=0.34, β=0.28.
    c6 = plan.flops / 6
    g = (0.34 * 406.4 / (0.28 * 410.7)) ** (1 / 0.62)
    n = g * c6 ** (0.28 / 0.62)
    assert plan.params == pytest.approx(n, rel=1e-3)
    assert plan.tokens == pytest.approx(c6 / n, rel=1e-3)
    assert plan.loss == pytest.approx(1.69 + 406.4 / n**0.34 + 410.7 / (c6 / n) ** 0.28, rel=1e-3)


def test_days_hours_and_flops_are_the_same_plan():
    common = dict(devices=8, peak_flops_per_s=H100_BF16, mfu=0.4, price_per_hour_usd=2.0)
    by_days = plan_budget(days=10, **common)
    assert by_days.gpu_hours == 10 * 24 * 8
    by_hours = plan_budget(gpu_hours=1920, **common)
    by_flops = plan_budget(flops=by_hours.flops, **common)
    assert by_days.params == by_hours.params == pytest.approx(by_flops.params)
    assert by_flops.gpu_hours == pytest.approx(1920) and by_flops.cost_usd == pytest.approx(3840)


def test_a_dollar_budget_needs_a_price():
    with pytest.raises(UserError, match="price"):
        plan_budget(usd=1000, devices=1, peak_flops_per_s=H100_BF16, mfu=0.4, price_per_hour_usd=None)


def test_the_estimate_plans_under_the_scenarios_law_price_and_devices():
    s = validate(Scenario, dict(id="b", model="llama-3.1-8b", target="h100-sxm", gpus=8, price_per_hour_usd=2.0,
                                budget={"usd": 50_000}, scaling={"law": "chinchilla"}))
    v = estimate(s).values
    assert v["budget.gpu_hours"] == 25_000 and v["budget.law"] == "chinchilla"
    n, d = scaling.compute_optimal("chinchilla", v["budget.flops"])
    assert (v["budget.params"], v["budget.tokens"]) == (n, d)
    assert v["budget.loss"] == pytest.approx(scaling.loss("chinchilla", n, d))


def test_a_budget_is_in_exactly_one_unit():
    with pytest.raises(UserError, match="exactly one unit"):
        validate(Scenario, dict(id="b", model="llama-3.1-8b", budget={"usd": 1, "days": 2}))


@pytest.mark.parametrize("text, expected", [
    ("$50k", {"usd": 50_000}), ("50000 USD", {"usd": 50_000}), ("10k GPU-h", {"gpu_hours": 10_000}),
    ("30 days", {"days": 30}), ("1e23 FLOPs", {"flops": 1e23}), ("none", None), ("", None),
])
def test_a_budget_typed_as_one_line(text, expected):
    from paramtui.core.inputs.budget_text import parse_budget

    assert parse_budget(text) == expected


@pytest.mark.parametrize("text", ["50k", "lots", "5 parsecs", "-3 days"])
def test_a_budget_without_a_unit_or_number_is_one_line_error(text):
    from paramtui.core.inputs.budget_text import parse_budget

    with pytest.raises(UserError):
        parse_budget(text)
