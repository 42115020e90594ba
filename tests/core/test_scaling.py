"""Scaling laws against the papers' constants and published figures.

Sources: Hoffmann et al. 2022 ("Chinchilla"), Besiroglu et al. 2024 (Epoch AI replication),
Kaplan et al. 2020, Muennighoff et al. 2023 ("Scaling Data-Constrained Language Models").
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paramtui.core.formulas import scaling
from paramtui.core.errors import UserError
from paramtui.core.formulas.scaling import (
    DEFAULT_LAW,
    LAWS,
    ChinchillaFormLaw,
    compute_for_loss,
    compute_optimal,
    compute_optimal_exponent,
    effective_params,
    effective_tokens,
    estimate_scaling,
    frontier,
    get_law,
    iso_compute_curve,
    kaplan_compute_efficient_params,
    loss,
    loss_at_compute_optimum,
    smaller_model_extra_compute,
    smallest_params_to_reach,
    tokens_per_param,
    tokens_to_reach_loss,
    unique_tokens_for_epochs,
)

GOPHER_BUDGET = 5.76e23  # FLOPs; Hoffmann et al. 2022, Table 3 and §4 (Gopher's and Chinchilla's budget)

# Hoffmann et al.'s approach-3 fit as held in the paper's TeX source (before rounding), quoted by
# Besiroglu et al. 2024: E = 1.6934, α = 0.3392, β = 0.2849 (A, B as printed).
HOFFMANN_TEX = ChinchillaFormLaw(
    id="hoffmann-tex", name="Hoffmann approach 3, unrounded", E=1.6934, A=406.4, B=410.7,
    alpha=0.3392, beta=0.2849, source="Hoffmann et al. 2022 TeX source, via Besiroglu et al. 2024",
)


# ------------------------------------------------------------------ constants


def test_chinchilla_constants_are_hoffmann_approach_3():
    # Hoffmann et al. 2022, App. D.2, eq. 10.
    law = get_law("chinchilla")
    assert (law.E, law.A, law.B, law.alpha, law.beta) == (1.69, 406.4, 410.7, 0.34, 0.28)


def test_epoch_constants_are_besiroglu_2024():
    law = get_law("epoch")
    assert (law.E, law.A, law.B, law.alpha, law.beta) == (1.8172, 482.01, 2085.43, 0.3478, 0.3658)


def test_kaplan_constants_are_the_papers_fit_of_eq_1_5():
    # Kaplan et al. 2020, Table 2 "Fits to L(N, D)".
    law = get_law("kaplan")
    assert (law.n_c, law.d_c, law.alpha_n, law.alpha_d) == (6.4e13, 1.8e13, 0.076, 0.103)
    assert law.params_meaning == "non-embedding parameters"


def test_muennighoff_decay_constants():
    # Muennighoff et al. 2023 quote R_D* ≈ 15.4 and R_N* ≈ 5.3.
    assert round(scaling.REPEATED_TOKENS_DECAY, 1) == 15.4
    assert round(scaling.EXCESS_PARAMS_DECAY, 1) == 5.3


def test_default_law_is_epoch_and_every_law_is_listed():
    assert DEFAULT_LAW == "epoch"
    assert set(LAWS) == {"chinchilla", "epoch", "kaplan", "muennighoff"}
    for law_id, law in LAWS.items():
        assert law.id == law_id and law.source


def test_unknown_law_is_a_user_error_listing_the_valid_ids():
    with pytest.raises(UserError) as err:
        get_law("gpt4")
    message = str(err.value)
    assert "'gpt4'" in message
    for law_id in LAWS:
        assert law_id in message


# ------------------------------------------------------------------------ loss


def test_chinchilla_70b_on_1_4t_tokens_by_hand():
    # 1.69 + 406.4/(70e9)^0.34 + 410.7/(1.4e12)^0.28 = 1.69 + 0.08349 + 0.16316
    assert loss("chinchilla", 70e9, 1.4e12) == pytest.approx(1.93665, abs=1e-5)


def test_gopher_280b_on_300b_tokens_by_hand():
    # 1.69 + 406.4/(280e9)^0.34 + 410.7/(300e9)^0.28 = 1.69 + 0.05211 + 0.25115
    assert loss("chinchilla", 280e9, 300e9) == pytest.approx(1.99326, abs=1e-5)


def test_chinchilla_beats_gopher_at_the_same_budget_under_both_fits():
    # Hoffmann et al.'s central claim (§4): 70B on 1.4T beats 280B on 300B tokens.
    for law in ("chinchilla", "epoch"):
        assert loss(law, 70e9, 1.4e12) < loss(law, 280e9, 300e9)


def test_kaplan_loss_by_hand_and_its_infinite_data_limit():
    # [(6.4e13/1e9)^(0.076/0.103) + 1.8e13/2e10]^0.103
    expected = ((6.4e13 / 1e9) ** (0.076 / 0.103) + 1.8e13 / 2e10) ** 0.103
    assert loss("kaplan", 1e9, 2e10) == pytest.approx(expected, rel=1e-12)
    assert 2.37 < expected < 2.38
    # D → ∞ gives L(N) = (N_c/N)^α_N (Kaplan et al. 2020, §4.1, second principle).
    assert loss("kaplan", 1e9, 1e30) == pytest.approx((6.4e13 / 1e9) ** 0.076, rel=1e-6)


def test_loss_rejects_nonsense_sizes():
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(UserError):
            loss("epoch", bad, 1e12)
        with pytest.raises(UserError):
            loss("epoch", 1e9, bad)


# ---------------------------------------------------------- compute-optimal split


def test_chinchilla_approach_3_optimum_at_gophers_budget():
    # Closed form (Hoffmann et al. 2022, eq. 4) with the printed constants:
    # G = (0.34·406.4/(0.28·410.7))^(1/0.62) = 1.3447, N = G·(9.6e22)^(0.28/0.62).
    n, d = compute_optimal("chinchilla", GOPHER_BUDGET)
    assert n == pytest.approx(32.19e9, rel=1e-3)
    assert d == pytest.approx(2.982e12, rel=1e-3)
    assert 6 * n * d == pytest.approx(GOPHER_BUDGET)
    # ~93 tokens per parameter: the inconsistency with approaches 1-2 that Besiroglu et al. report.
    assert tokens_per_param("chinchilla", GOPHER_BUDGET) == pytest.approx(92.6, abs=0.1)


def test_unrounded_hoffmann_fit_reproduces_their_40b_approach_3_prediction():
    # Hoffmann et al. 2022, Fig. 1: approach 3 puts Gopher's budget at ~40B parameters. The
    # unrounded constants reproduce it; the printed, rounded ones give 32B (above).
    n, _ = compute_optimal(HOFFMANN_TEX, GOPHER_BUDGET)
    assert n == pytest.approx(40.3e9, rel=1e-2)


def test_epoch_optimum_at_chinchillas_budget_is_about_20_tokens_per_param():
    # Besiroglu et al. 2024: the refit implies ~20 tokens per parameter, like Chinchilla's 70B/1.4T.
    n, d = compute_optimal("epoch", GOPHER_BUDGET)
    assert n == pytest.approx(72.25e9, rel=1e-3)
    assert d == pytest.approx(1.329e12, rel=1e-3)
    assert d / n == pytest.approx(18.4, abs=0.05)
    assert 15 < d / n < 25


def test_frontier_exponents_match_the_papers():
    # Hoffmann et al. 2022, Table 2: approach 3 gives a = 0.46 (from the unrounded fit).
    assert round(compute_optimal_exponent(HOFFMANN_TEX), 2) == 0.46
    # Besiroglu et al. 2024: a = β/(α+β) = 0.5126.
    assert compute_optimal_exponent("epoch") == pytest.approx(0.5126, abs=1e-4)
    # The closed form really scales with that exponent.
    for law in ("chinchilla", "epoch", "kaplan"):
        n1, _ = compute_optimal(law, 1e21)
        n2, _ = compute_optimal(law, 1e24)
        assert math.log10(n2 / n1) / 3 == pytest.approx(compute_optimal_exponent(law), rel=1e-9)


def test_kaplan_eq_1_5_optimum_scales_as_alpha_d_over_alpha_n_plus_alpha_d():
    assert compute_optimal_exponent("kaplan") == pytest.approx(0.103 / (0.076 + 0.103))


def test_kaplan_compute_efficient_frontier_grows_5x_per_10x_compute():
    # Kaplan et al. 2020, eq. 6.1: N ∝ C_min^0.73; Fig. 14: "increasing by 5x for each 10x
    # increase in compute". 10^0.73 = 5.37.
    ratio = kaplan_compute_efficient_params(1e24) / kaplan_compute_efficient_params(1e23)
    assert ratio == pytest.approx(10**0.73)
    assert round(ratio) == 5
    # Fig. 14 fit, N = 1.3e9 at 1 PF-day.
    assert kaplan_compute_efficient_params(8.64e19) == pytest.approx(1.3e9)


@pytest.mark.parametrize("law", sorted(LAWS))
def test_optimum_is_the_minimum_of_the_iso_compute_curve(law):
    n_opt, _ = compute_optimal(law, 1e22)
    best = loss_at_compute_optimum(law, 1e22)
    for factor in (0.5, 0.9, 0.99, 1.01, 1.1, 2.0):
        n = n_opt * factor
        assert loss(law, n, 1e22 / (6 * n)) > best


@pytest.mark.parametrize("law", sorted(LAWS))
def test_compute_for_loss_inverts_loss_at_optimum(law):
    target = loss_at_compute_optimum(law, 3e23)
    assert compute_for_loss(law, target) == pytest.approx(3e23, rel=1e-9)


def test_no_budget_reaches_the_irreducible_loss():
    assert compute_for_loss("epoch", 1.8172) is None
    assert compute_for_loss("epoch", 1.5) is None


# ------------------------------------------------ smaller model trained for longer


@pytest.mark.parametrize("law", ["chinchilla", "epoch", "kaplan"])
def test_extra_compute_is_zero_at_the_optimum_and_grows_as_the_model_shrinks(law):
    n_opt, d_opt = compute_optimal(law, GOPHER_BUDGET)
    at_opt = smaller_model_extra_compute(law, GOPHER_BUDGET, n_opt)
    assert at_opt.extra_compute_fraction == pytest.approx(0, abs=1e-9)
    assert at_opt.tokens == pytest.approx(d_opt, rel=1e-9)
    extras = [
        smaller_model_extra_compute(law, GOPHER_BUDGET, n_opt * f).extra_compute_fraction
        for f in (0.95, 0.9, 0.8, 0.7)
    ]
    assert all(e is not None and e > 0 for e in extras)
    assert extras == sorted(extras)


def test_below_the_reachable_size_the_loss_is_out_of_reach():
    target = loss_at_compute_optimum("epoch", GOPHER_BUDGET)
    floor = smallest_params_to_reach("epoch", target)
    # E + A/N^α = L* at the floor, by definition.
    assert 1.8172 + 482.01 / floor**0.3478 == pytest.approx(target, rel=1e-12)
    assert smaller_model_extra_compute("epoch", GOPHER_BUDGET, floor * 0.99).extra_compute_fraction is None
    assert tokens_to_reach_loss("epoch", floor * 0.99, target) is None
    just_above = smaller_model_extra_compute("epoch", GOPHER_BUDGET, floor * 1.01)
    assert just_above.extra_compute_fraction is not None and just_above.extra_compute_fraction > 10


def test_smaller_model_reaches_the_target_loss_with_its_tokens():
    result = smaller_model_extra_compute("epoch", GOPHER_BUDGET, 30e9)
    assert loss("epoch", 30e9, result.tokens) == pytest.approx(result.target_loss, rel=1e-12)
    assert result.flops == pytest.approx(6 * 30e9 * result.tokens)


def test_estimate_extra_compute_agrees_with_the_smaller_model_solver():
    result = smaller_model_extra_compute("chinchilla", 1e23, 5e9)
    estimate = estimate_scaling(5e9, result.tokens, law="chinchilla")
    assert estimate.extra_compute_fraction == pytest.approx(result.extra_compute_fraction, rel=1e-6)


# ------------------------------------------------------------- data-constrained


def test_no_repetition_means_effective_data_is_the_data():
    assert effective_tokens(1e12, 1e12) == 1e12
    assert effective_tokens(1e12, 5e12) == 1e12  # more unique data than the run reads
    assert effective_params("epoch", 7e9, 1e12, 1e12) == 7e9
    assert loss("epoch", 7e9, 1e12, unique_tokens=2e12) == loss("epoch", 7e9, 1e12)


def test_four_epochs_are_nearly_as_good_as_unique_data():
    # Muennighoff et al. 2023, abstract: "up to 4 epochs of repeated data yields negligible
    # changes to loss compared to having unique data". D' = U(1 + 15.39(1 − e^(−3/15.39))).
    assert effective_tokens(4e9, 1e9) == pytest.approx(3.7257e9, rel=1e-4)
    # Their largest IsoFLOP run, 8.7B parameters on 178B tokens: 4 epochs cost under 1% of the
    # loss under their own fit, while 40 epochs cost several times more.
    fresh = loss("muennighoff", 8.67e9, 178e9)
    four = loss("muennighoff", 8.67e9, 178e9, unique_tokens=178e9 / 4)
    forty = loss("muennighoff", 8.67e9, 178e9, unique_tokens=178e9 / 40)
    assert 0 < (four - fresh) / fresh < 0.01
    assert forty - fresh > 4 * (four - fresh)


def test_many_epochs_saturate():
    # The value of repeats decays to zero: D' → U·(1 + R_D*) ≈ 16.4 U.
    u = 1e9
    forty = effective_tokens(40 * u, u)
    assert forty == pytest.approx(15.167e9, rel=1e-3)
    assert forty < u * (1 + scaling.REPEATED_TOKENS_DECAY)
    assert effective_tokens(1000 * u, u) == pytest.approx(u * (1 + scaling.REPEATED_TOKENS_DECAY), rel=1e-12)
    # Going from 40 to 100 epochs buys less than 8% more effective data.
    assert effective_tokens(100 * u, u) / forty < 1.08


def test_muennighoff_published_figure_1_losses():
    # huggingface/datablations README, "Parametric Fit", models of Figure 1 (right):
    # scaling_law(6.34e9, 242e9, 25e9) = 2.2256440889984477, (8.67e9, 178e9, 25e9) = 2.2269634075087867.
    assert loss("muennighoff", 6.34e9, 242e9, unique_tokens=25e9) == pytest.approx(2.2256440889984477, rel=1e-12)
    assert loss("muennighoff", 8.67e9, 178e9, unique_tokens=25e9) == pytest.approx(2.2269634075087867, rel=1e-12)


def test_excess_parameters_lose_value_with_repeated_data():
    law = get_law("muennighoff")
    u = 25e9
    optimal_for_u = scaling.optimal_params_for_tokens(law, u)
    assert effective_params(law, optimal_for_u * 0.5, 100e9, u) == pytest.approx(optimal_for_u * 0.5)
    big = optimal_for_u * 20
    assert optimal_for_u < effective_params(law, big, 100e9, u) < optimal_for_u * (1 + scaling.EXCESS_PARAMS_DECAY)


def test_epochs_to_unique_tokens():
    assert unique_tokens_for_epochs(2e12, 4) == 5e11
    with pytest.raises(UserError):
        unique_tokens_for_epochs(2e12, 0.5)


# ------------------------------------------------------------------ the estimate


def test_estimate_for_chinchilla_itself_under_the_epoch_law():
    est = estimate_scaling(70e9, 1.4e12)
    assert est.law == "epoch"
    assert est.compute_flops == pytest.approx(5.88e23)
    assert est.tokens_per_param == pytest.approx(20)
    assert 15 < est.optimal_tokens_per_param < 25
    # Chinchilla sits close to the Epoch frontier: a few percent of compute at most.
    assert est.extra_compute_fraction < 0.05
    assert est.loss >= est.loss_at_optimum
    assert est.effective_tokens == est.tokens and est.epochs == 1


def test_estimate_explains_every_figure_with_numbers_put_in():
    est = estimate_scaling(8e9, 15e12, unique_tokens=5e12)
    figures = {
        "loss", "compute_flops", "compute_optimal.params", "compute_optimal.tokens",
        "tokens_per_param", "optimal_tokens_per_param", "loss_at_optimum",
        "extra_compute_fraction", "effective_tokens", "effective_params",
    }
    assert figures <= set(est.explanations)
    for key in figures:
        exp = est.explanations[key]
        assert exp.formula and exp.substituted and exp.meaning
        assert any(ch.isdigit() for ch in exp.substituted)
    assert "6 · 8.00B · 15.0T" in est.explanations["compute_flops"].substituted
    assert est.epochs == 3
    assert est.effective_tokens < est.tokens


def test_kaplan_estimate_says_its_loss_is_not_comparable():
    meaning = estimate_scaling(1e9, 2e10, law="kaplan").explanations["loss"].meaning
    assert "non-embedding" in meaning and "WebText2" in meaning and "not comparable" in meaning


def test_estimate_rejects_bad_inputs():
    with pytest.raises(UserError):
        estimate_scaling(-7e9, 1e12)
    with pytest.raises(UserError):
        estimate_scaling(7e9, 1e12, unique_tokens=0)
    with pytest.raises(UserError):
        estimate_scaling(7e9, 1e12, law="nope")


# ---------------------------------------------------------------------- plot data


def test_iso_compute_curve_spends_the_budget_and_dips_at_the_optimum():
    curve = iso_compute_curve("epoch", 1e22, 1e8, 1e12, points=81)
    assert len(curve) == 81
    assert curve[0][0] == pytest.approx(1e8) and curve[-1][0] == pytest.approx(1e12)
    best_n = min(curve, key=lambda p: p[1])[0]
    n_opt, _ = compute_optimal("epoch", 1e22)
    # 81 points over 4 decades: neighbours are 10^0.05 apart.
    assert abs(math.log10(best_n / n_opt)) <= 0.05


def test_frontier_rows_are_optimal_and_ordered():
    rows = frontier("chinchilla", 1e18, 1e26, points=9)
    assert len(rows) == 9
    for c, n, d, l in rows:
        assert 6 * n * d == pytest.approx(c)
        assert l == pytest.approx(loss_at_compute_optimum("chinchilla", c))
    assert [r[3] for r in rows] == sorted((r[3] for r in rows), reverse=True)


def test_plot_helpers_reject_bad_ranges():
    with pytest.raises(UserError):
        iso_compute_curve("epoch", 1e22, 1e12, 1e8)
    with pytest.raises(UserError):
        iso_compute_curve("epoch", 1e22, 1e8, 1e12, points=1)
    with pytest.raises(UserError):
        frontier("epoch", 1e24, 1e20)


# ---------------------------------------------------------------------- properties

sizes = st.floats(min_value=1e6, max_value=1e13)
token_counts = st.floats(min_value=1e8, max_value=1e15)
growth = st.floats(min_value=1.01, max_value=100)


@settings(max_examples=60, deadline=None)
@given(law=st.sampled_from(sorted(LAWS)), n=sizes, d=token_counts, k=growth)
def test_loss_falls_with_more_parameters_and_more_data(law, n, d, k):
    base = loss(law, n, d)
    assert loss(law, n * k, d) < base
    assert loss(law, n, d * k) < base


@settings(max_examples=60, deadline=None)
@given(u=st.floats(min_value=1e6, max_value=1e13), epochs=st.floats(min_value=1, max_value=1e4))
def test_effective_tokens_never_exceed_the_tokens_read_or_the_saturation(u, epochs):
    d = u * epochs
    eff = effective_tokens(d, u)
    assert u * (1 - 1e-12) <= eff <= d * (1 + 1e-12)
    assert eff <= u * (1 + scaling.REPEATED_TOKENS_DECAY) * (1 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(law=st.sampled_from(sorted(LAWS)), c=st.floats(min_value=1e18, max_value=1e27))
def test_optimum_spends_exactly_the_budget(law, c):
    n, d = compute_optimal(law, c)
    assert 6 * n * d == pytest.approx(c, rel=1e-9)


@pytest.mark.parametrize("law_id", ["chinchilla", "epoch", "muennighoff", "kaplan"])
@pytest.mark.parametrize("flops", [1e18, 5.76e23, 3.8e25])
def test_compute_for_loss_inverts_the_optimal_loss(law_id, flops):
    target = loss_at_compute_optimum(law_id, flops)
    assert compute_for_loss(law_id, target) == pytest.approx(flops, rel=1e-9)
