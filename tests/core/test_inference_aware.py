"""Inference-aware sizing (Sardana et al. 2024) and data quality as a multiplier on tokens."""

import math

import pytest

from paramtui.core.errors import UserError
from paramtui.core.formulas import scaling as s
from paramtui.core.formulas.inference_aware import inference_aware_size
from paramtui.core.inputs.scenario import Scenario, ScalingSettings, TrainingSettings
from paramtui.core.result.estimate import estimate

LAW = s.CHINCHILLA  # E 1.69, A 406.4, B 410.7, α 0.34, β 0.28: the fit Sardana et al. build on
# The target: the loss of the Chinchilla-optimal model at 7B × 140B tokens' compute (5.88e21 FLOP).
TARGET = s.loss_at_compute_optimum(LAW, 6 * 7e9 * 140e9)


def _hand_worked_stationary_n(inference_tokens: float) -> float:
    """The paper's method by hand: along L(N, D) = ℓ, D(N) = (B / (ℓ − E − A·N^−α))^(1/β), and the
    lifetime compute 6·N·D(N) + 2·N·D_inf is least where its derivative is zero:

        6·D·(1 − (α/β)·A·N^−α / (ℓ − E − A·N^−α)) + 2·D_inf = 0,

    solved here by bisection on N (the derivative is negative below the optimum)."""
    E, A, B, a, b = LAW.E, LAW.A, LAW.B, LAW.alpha, LAW.beta

    def derivative(n):
        room = TARGET - E - A * n ** -a
        d = (B / room) ** (1 / b)
        return 6 * d * (1 - (a / b) * A * n ** -a / room) + 2 * inference_tokens

    lo = (A / (TARGET - E)) ** (1 / a) * (1 + 1e-9)
    hi = 1e13
    for _ in range(300):
        mid = math.sqrt(lo * hi)
        if derivative(mid) < 0:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def test_target_loss_of_the_hand_worked_case():
    assert TARGET == pytest.approx(2.1767, abs=1e-4)


@pytest.mark.parametrize("inference_tokens", [1e11, 2e12, 1e13])
def test_matches_the_hand_worked_optimum(inference_tokens):
    sized = inference_aware_size(LAW, TARGET, inference_tokens)
    assert sized.params == pytest.approx(_hand_worked_stationary_n(inference_tokens), rel=1e-6)
    assert s.loss(LAW, sized.params, sized.tokens) == pytest.approx(TARGET, rel=1e-9)


def test_hand_worked_figures_for_2t_served_tokens():
    sized = inference_aware_size(LAW, TARGET, 2e12)
    # By hand (above): N* ≈ 1.72B trained on ≈ 777B tokens, ~452 tokens per parameter, against the
    # compute-optimal 4.06B on 241B; a third of the lifetime compute saved.
    assert sized.params == pytest.approx(1.720e9, rel=2e-3)
    assert sized.tokens == pytest.approx(7.77e11, rel=2e-3)
    assert sized.chinchilla_params == pytest.approx(4.06e9, rel=2e-3)
    assert sized.saving == pytest.approx(0.326, abs=2e-3)


def test_without_inference_it_is_the_compute_optimal_model():
    sized = inference_aware_size(LAW, TARGET, 0)
    n, d = s.compute_optimal(LAW, s.compute_for_loss(LAW, TARGET))
    assert sized.params == pytest.approx(n, rel=1e-6) and sized.tokens == pytest.approx(d, rel=1e-6)
    assert sized.saving == pytest.approx(0, abs=1e-9)


def test_more_inference_means_a_smaller_model_trained_longer():
    sizes = [inference_aware_size(LAW, TARGET, t) for t in (1e10, 1e12, 1e14)]
    assert sizes[0].params > sizes[1].params > sizes[2].params
    assert sizes[0].tokens_per_param < sizes[1].tokens_per_param < sizes[2].tokens_per_param


def test_unreachable_loss_and_negative_tokens():
    assert inference_aware_size(LAW, 1.5, 1e12) is None  # below the irreducible loss E
    with pytest.raises(UserError):
        inference_aware_size(LAW, TARGET, -1)


def test_the_estimate_carries_the_inference_aware_figures():
    est = estimate(Scenario(id="a", model="llama-3.1-8b", scaling=ScalingSettings(inference_tokens=1e13)))
    v = est.values
    assert v["scaling.inference_optimal.params"] < v["scaling.compute_optimal.params"]
    assert 0 < v["scaling.inference_optimal.saving"] < 1
    assert "Sardana" in est.explanations["scaling.inference_optimal.params"].source
    plain = estimate(Scenario(id="b", model="llama-3.1-8b")).values
    assert plain["scaling.inference_optimal.params"] is None and plain["scaling.epochs"] is None


def test_data_quality_multiplies_the_tokens_the_law_sees():
    base = estimate(Scenario(id="a", params=1e9, training=TrainingSettings(tokens=20e9)))
    better = estimate(Scenario(id="a", params=1e9, training=TrainingSettings(tokens=20e9), scaling=ScalingSettings(data_quality=2)))
    double = estimate(Scenario(id="a", params=1e9, training=TrainingSettings(tokens=40e9)))
    assert better.values["scaling.loss"] == pytest.approx(double.values["scaling.loss"])
    assert better.values["compute.training_flops"] == base.values["compute.training_flops"]
    assert better.values["scaling.effective_tokens"] == pytest.approx(40e9)
    assert "an assumption" in better.explanations["scaling.loss"].meaning


def test_data_quality_explains_itself_as_an_assumption_only_when_set():
    est = estimate(Scenario(id="a", params=1e9, scaling=ScalingSettings(data_quality=3)))
    e = est.explanations["scaling.data_quality"]
    assert "assumption" in e.title and "FineWeb" in e.source and "q = 3" in e.substituted
    assert "scaling.data_quality" not in estimate(Scenario(id="b", params=1e9)).explanations
