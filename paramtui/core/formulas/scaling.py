"""What scale buys: predicted loss from published scaling laws (docs/ARCHITECTURE.md, Core: Scaling laws).

Three fits of L(N, D) — loss after training N parameters on D tokens — are selectable by id:

- ``chinchilla``: Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models",
  approach 3 (eq. 2 form, fitted values in App. D.2, eq. 10): L = E + A/N^α + B/D^β.
- ``epoch``: Besiroglu et al. 2024 (Epoch AI), "Chinchilla Scaling: A replication attempt",
  the same form refitted to data reconstructed from Hoffmann et al.'s Figure 4.
- ``kaplan``: Kaplan et al. 2020, "Scaling Laws for Neural Language Models", eq. 1.5:
  L = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D.
- ``muennighoff``: Muennighoff et al. 2023, "Scaling Data-Constrained Language Models", their
  refit of the Chinchilla form on C4 (the fit their data-constrained law was built on).

Compute is C = 6·N·D throughout (Kaplan et al. 2020 §2.1; Hoffmann et al. 2022 §3.3).
All functions here are pure; results carry their explanations.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, NamedTuple

from paramtui.core.errors import UserError
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.units import format_count, format_flops
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record

# Training FLOPs per parameter per token: 2 for the forward pass, 4 for the backward pass
# (Kaplan et al. 2020, §2.1, "C ≈ 6N floating point operators per training token").
FLOPS_PER_PARAM_TOKEN = 6.0

# One PF-day, the compute unit of Kaplan et al. 2020 (§1.3 Notation): 1e15 · 24 · 3600 FLOPs.
PF_DAY_FLOPS = 8.64e19

# Muennighoff et al. 2023, §3 (eqs. 5–6): how fast repeated data (R_D*) and parameters in
# excess of the compute-optimal size for the unique data (R_N*) lose value. The paper quotes
# 15.4 and 5.3; these are the fitted values printed in the authors' repository
# (huggingface/datablations, README "Parametric Fit").
REPEATED_TOKENS_DECAY = 15.387756  # R_D*
EXCESS_PARAMS_DECAY = 5.309743  # R_N*


@record
class ChinchillaFormLaw:
    """L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, eq. 2)."""

    __pydantic_config__ = STRICT

    form: Literal["chinchilla"] = "chinchilla"
    id: str
    name: str
    E: Annotated[float, pyd.Field(gt=0)]  # irreducible loss: the entropy of natural text under this tokenizer
    A: Annotated[float, pyd.Field(gt=0)]
    B: Annotated[float, pyd.Field(gt=0)]
    alpha: Annotated[float, pyd.Field(gt=0)]
    beta: Annotated[float, pyd.Field(gt=0)]
    params_meaning: str = "total parameters"
    loss_meaning: str = "nats per token on MassiveText"
    source: str


@record
class KaplanFormLaw:
    """L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (Kaplan et al. 2020, eq. 1.5 / 4.1)."""

    __pydantic_config__ = STRICT

    form: Literal["kaplan"] = "kaplan"
    id: str
    name: str
    n_c: Annotated[float, pyd.Field(gt=0)]
    d_c: Annotated[float, pyd.Field(gt=0)]
    alpha_n: Annotated[float, pyd.Field(gt=0)]
    alpha_d: Annotated[float, pyd.Field(gt=0)]
    params_meaning: str = "non-embedding parameters"
    loss_meaning: str = "nats per token on WebText2 (GPT-2 tokenizer)"
    source: str


CHINCHILLA = ChinchillaFormLaw(
    id="chinchilla",
    name="Chinchilla (Hoffmann et al. 2022, approach 3)",
    # As printed in the paper. The TeX source holds unrounded values (E = 1.6934,
    # α = 0.3392, β = 0.2849); Besiroglu et al. 2024 show the rounding biases predictions
    # (at Gopher's budget it moves the optimum from ~40B to ~32B parameters).
    E=1.69,
    A=406.4,
    B=410.7,
    alpha=0.34,
    beta=0.28,
    source="Hoffmann et al. 2022, 'Training Compute-Optimal Large Language Models', App. D.2, eq. 10",
)

EPOCH = ChinchillaFormLaw(
    id="epoch",
    name="Epoch AI replication (Besiroglu et al. 2024)",
    E=1.8172,
    A=482.01,
    B=2085.43,
    alpha=0.3478,
    beta=0.3658,
    source="Besiroglu, Erdil, Barnett, You 2024, 'Chinchilla Scaling: A replication attempt' (arXiv:2404.10102)",
)

KAPLAN = KaplanFormLaw(
    id="kaplan",
    name="Kaplan et al. 2020",
    # Table 2, "Fits to L(N, D)": the paper's own fit of eq. 1.5. The single-variable fits of
    # eqs. 1.1–1.2 (N_c = 8.8e13, α_N = 0.076; D_c = 5.4e13, α_D = 0.095) are the limits
    # L(N, ∞) and L(∞, D) measured separately; §4.2 notes the joint fit differs slightly.
    n_c=6.4e13,
    d_c=1.8e13,
    alpha_n=0.076,
    alpha_d=0.103,
    source="Kaplan et al. 2020, 'Scaling Laws for Neural Language Models', eq. 1.5 with Table 2",
)

MUENNIGHOFF = ChinchillaFormLaw(
    id="muennighoff",
    name="Muennighoff et al. 2023 (C4 refit)",
    # exp() of the fitted log-constants in huggingface/datablations (README, "Parametric Fit").
    E=math.exp(0.6254804),
    A=math.exp(6.255414),
    B=math.exp(7.3049974),
    alpha=0.3526596,
    beta=0.3526596,
    loss_meaning="nats per token on C4 (GPT-2 tokenizer)",
    source="Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models', §3 and App. (C4 fit)",
)

LAWS: dict[str, ChinchillaFormLaw | KaplanFormLaw] = {
    law.id: law for law in (EPOCH, CHINCHILLA, KAPLAN, MUENNIGHOFF)
}

# The Epoch AI refit is the default: Besiroglu et al. 2024 show that the approach-3 constants
# as printed are biased by rounding and an optimizer stopped before convergence, so they put
# the optimum at ~90 tokens per parameter at Chinchilla's own budget — contradicting
# Hoffmann et al.'s approaches 1 and 2 and the 70B/1.4T Chinchilla model itself. The refit
# fits the reconstructed data and gives ≈ 20 tokens per parameter, consistent with all three.
DEFAULT_LAW = "epoch"


def get_law(law_id: str) -> ChinchillaFormLaw | KaplanFormLaw:
    """The law with this id; a UserError naming the valid ids otherwise."""
    try:
        return LAWS[law_id]
    except (KeyError, TypeError):
        raise UserError(
            f"unknown scaling law {law_id!r}; choose one of: {', '.join(sorted(LAWS))}"
        ) from None


def _resolve(law: str | ChinchillaFormLaw | KaplanFormLaw) -> ChinchillaFormLaw | KaplanFormLaw:
    return get_law(law) if isinstance(law, str) else law


def _positive(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{what} must be a number, not {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"{what} must be a positive number, not {value!r}")
    return float(value)


# --------------------------------------------------------------------------- loss


def loss(
    law: str | ChinchillaFormLaw | KaplanFormLaw,
    params: float,
    tokens: float,
    unique_tokens: float | None = None,
) -> float:
    """Predicted loss of `params` parameters trained on `tokens` tokens.

    With `unique_tokens`, the data-constrained law of Muennighoff et al. 2023 (§3, eqs. 5–7):
    N and D are replaced by the effective N' and D' that repeated data allows.
    """
    law = _resolve(law)
    n = _positive(params, "params")
    d = _positive(tokens, "tokens")
    if unique_tokens is not None:
        n = effective_params(law, n, d, unique_tokens)
        d = effective_tokens(d, unique_tokens)
    if law.form == "chinchilla":
        # Hoffmann et al. 2022, eq. 2.
        return law.E + law.A / n**law.alpha + law.B / d**law.beta
    # Kaplan et al. 2020, eq. 1.5.
    ratio = law.alpha_n / law.alpha_d
    return ((law.n_c / n) ** ratio + law.d_c / d) ** law.alpha_d


# --------------------------------------------------------------- compute-optimal split


def compute_optimal(law: str | ChinchillaFormLaw | KaplanFormLaw, flops: float) -> tuple[float, float]:
    """(N_opt, D_opt) minimising L(N, D) subject to 6·N·D = `flops`.

    Chinchilla form, Hoffmann et al. 2022 eq. 4: N_opt = G·(C/6)^(β/(α+β)),
    G = (αA/(βB))^(1/(α+β)), D_opt = (C/6)/N_opt.

    Kaplan form: the minimum of eq. 1.5 along 6·N·D = C, in closed form (set dL/dN = 0 with
    r = α_N/α_D): N_opt = (r·N_c^r·(C/6)/D_c)^(1/(1+r)), so N_opt ∝ C^(α_D/(α_N+α_D)).
    This is deliberately not Kaplan's own compute-efficient frontier N ∝ C_min^0.73
    (§6.1, eq. 6.1, see `kaplan_compute_efficient_params`): that frontier comes from the
    learning-curve law L(N, S) with early stopping at the critical batch size, not from
    eq. 1.5, and using it here would put the "optimum" off the minimum of the iso-compute
    curve that `iso_compute_curve` draws (and make the extra compute of other sizes negative).
    """
    law = _resolve(law)
    per_token = _positive(flops, "flops") / FLOPS_PER_PARAM_TOKEN
    if law.form == "chinchilla":
        s = law.alpha + law.beta
        g = (law.alpha * law.A / (law.beta * law.B)) ** (1 / s)
        n_opt = g * per_token ** (law.beta / s)
    else:
        r = law.alpha_n / law.alpha_d
        # In logs: N_c^r overflows nothing here, but C/6 can be 1e30 and r·ln keeps it tame.
        log_n = (math.log(r) + r * math.log(law.n_c) + math.log(per_token) - math.log(law.d_c)) / (1 + r)
        n_opt = math.exp(log_n)
    return n_opt, per_token / n_opt


def compute_optimal_exponent(law: str | ChinchillaFormLaw | KaplanFormLaw) -> float:
    """a in N_opt ∝ C^a: β/(α+β) (Hoffmann et al. 2022, eq. 4) or α_D/(α_N+α_D) (eq. 1.5)."""
    law = _resolve(law)
    if law.form == "chinchilla":
        return law.beta / (law.alpha + law.beta)
    return law.alpha_d / (law.alpha_n + law.alpha_d)


def tokens_per_param(law: str | ChinchillaFormLaw | KaplanFormLaw, flops: float) -> float:
    """D_opt / N_opt at this compute budget (constant only when the law's a = b = 0.5)."""
    n_opt, d_opt = compute_optimal(law, flops)
    return d_opt / n_opt


def loss_at_compute_optimum(law: str | ChinchillaFormLaw | KaplanFormLaw, flops: float) -> float:
    """The lowest loss this budget can buy: L(N_opt, D_opt)."""
    law = _resolve(law)
    return loss(law, *compute_optimal(law, flops))


def optimal_params_for_tokens(law: str | ChinchillaFormLaw | KaplanFormLaw, tokens: float) -> float:
    """The N that is compute-optimal for a run of `tokens` tokens (the frontier read by D).

    Chinchilla form: N = G·(D·G)^(β/α), inverting eq. 4 (as Muennighoff et al. 2023 do for
    U_N). Kaplan form: N = N_c·(r·D/D_c)^(1/r), from the same stationarity condition.
    """
    law = _resolve(law)
    d = _positive(tokens, "tokens")
    if law.form == "chinchilla":
        s = law.alpha + law.beta
        g = (law.alpha * law.A / (law.beta * law.B)) ** (1 / s)
        return g * (d * g) ** (law.beta / law.alpha)
    r = law.alpha_n / law.alpha_d
    return law.n_c * (r * d / law.d_c) ** (1 / r)


def compute_for_loss(law: str | ChinchillaFormLaw | KaplanFormLaw, target_loss: float) -> float | None:
    """The smallest compute C whose compute-optimal model reaches `target_loss`.

    None when no budget can (target at or below the irreducible loss E).

    Chinchilla form: with X = C/6, N_opt = G·X^b' and D_opt = X^a'/G (a' = α/(α+β),
    b' = β/(α+β)), both reducible terms scale as X^(−αβ/(α+β)), so
    L_opt(C) − E = (A·G^−α + B·G^β)·X^(−αβ/(α+β)) inverts in closed form.
    Kaplan form: L_opt(C) is strictly decreasing; solved by bisection in log C, exact to float
    precision.
    """
    law = _resolve(law)
    target = _positive(target_loss, "target loss")
    if law.form == "chinchilla":
        if target <= law.E:
            return None
        s = law.alpha + law.beta
        g = (law.alpha * law.A / (law.beta * law.B)) ** (1 / s)
        k = law.A * g ** -law.alpha + law.B * g ** law.beta
        return FLOPS_PER_PARAM_TOKEN * (k / (target - law.E)) ** (s / (law.alpha * law.beta))
    lo, hi = 0.0, 200.0  # ln C: 1 FLOP to e^200, far past any budget
    if loss_at_compute_optimum(law, math.exp(hi)) > target:
        return None
    if loss_at_compute_optimum(law, math.exp(lo)) <= target:
        return math.exp(lo)
    for _ in range(200):
        mid = (lo + hi) / 2
        if loss_at_compute_optimum(law, math.exp(mid)) > target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13:
            break
    return math.exp(hi)


def kaplan_compute_efficient_params(flops: float) -> float:
    """Kaplan et al.'s own compute-efficient model size, N = 1.3e9 · (C_min / PF-day)^0.73.

    Kaplan et al. 2020, §6.1 eq. 6.1 (N ∝ C_min^0.73) with the coefficient of the fit in
    Figure 14 (left); non-embedding parameters and non-embedding compute. "Optimal model size
    grows very rapidly with C_min, increasing by 5x for each 10x increase in compute."
    Shown beside the eq. 1.5 optimum for comparison; Hoffmann et al. 2022 (§2, App. B) trace the
    difference to Kaplan's fixed learning-rate schedule across run lengths.
    """
    return 1.3e9 * (_positive(flops, "flops") / PF_DAY_FLOPS) ** 0.73


# ----------------------------------------------------------- smaller model, trained longer


class SmallerModelCost(NamedTuple):
    """What it costs a model smaller than compute-optimal to reach the optimum's loss."""

    params: float
    target_loss: float
    tokens: float | None  # D' with L(N', D') = target; None when unreachable
    flops: float | None  # 6·N'·D'
    extra_compute_fraction: float | None  # C'/C_opt − 1; None when unreachable


def tokens_to_reach_loss(
    law: str | ChinchillaFormLaw | KaplanFormLaw, params: float, target_loss: float
) -> float | None:
    """D with L(params, D) = target_loss, or None if this size can never get there.

    Chinchilla form: D = (B / (L* − E − A/N^α))^(1/β), unreachable when E + A/N^α ≥ L*.
    Kaplan form: D = D_c / (L*^(1/α_D) − (N_c/N)^(α_N/α_D)), unreachable when L(N, ∞) ≥ L*.
    """
    law = _resolve(law)
    n = _positive(params, "params")
    target = _positive(target_loss, "target loss")
    if law.form == "chinchilla":
        room = target - law.E - law.A / n**law.alpha
        if room <= 0:
            return None
        return (law.B / room) ** (1 / law.beta)
    room = target ** (1 / law.alpha_d) - (law.n_c / n) ** (law.alpha_n / law.alpha_d)
    if room <= 0:
        return None
    return law.d_c / room


def smaller_model_extra_compute(
    law: str | ChinchillaFormLaw | KaplanFormLaw, flops: float, params: float
) -> SmallerModelCost:
    """Train `params` (usually < N_opt) to the loss the compute-optimal model reaches at `flops`.

    Returns the tokens D' it needs and its extra compute C'/C_opt − 1, where C' = 6·N'·D'.
    The framing is de Vries 2023, "Go smol or go home" (the compute overhead of smaller
    models), and Sardana et al. 2023, "Beyond Chinchilla-Optimal" (smaller models trained
    longer pay back in inference); the arithmetic is just the law solved for D.
    """
    law = _resolve(law)
    c = _positive(flops, "flops")
    target = loss_at_compute_optimum(law, c)
    d = tokens_to_reach_loss(law, params, target)
    if d is None:
        return SmallerModelCost(params=params, target_loss=target, tokens=None, flops=None,
                                extra_compute_fraction=None)
    c_new = FLOPS_PER_PARAM_TOKEN * params * d
    return SmallerModelCost(params=params, target_loss=target, tokens=d, flops=c_new,
                            extra_compute_fraction=c_new / c - 1)


def smallest_params_to_reach(law: str | ChinchillaFormLaw | KaplanFormLaw, target_loss: float) -> float | None:
    """The size below which `target_loss` is out of reach at any D (the infinite-data limit).

    Chinchilla form: E + A/N^α = L* → N = (A/(L* − E))^(1/α). Kaplan: (N_c/N)^α_N = L*.
    """
    law = _resolve(law)
    target = _positive(target_loss, "target loss")
    if law.form == "chinchilla":
        if target <= law.E:
            return None
        return (law.A / (target - law.E)) ** (1 / law.alpha)
    return law.n_c / target ** (1 / law.alpha_n)


# ------------------------------------------------------------------- data-constrained


def effective_tokens(tokens: float, unique_tokens: float) -> float:
    """D' = U + U·R_D*·(1 − exp(−R_D/R_D*)), R_D = D/U − 1 repetitions (Muennighoff et al. 2023, eq. 5).

    The first pass over the unique data counts in full; each repetition is worth less, and
    the total saturates at U·(1 + R_D*) ≈ 16.4 U. "Up to 4 epochs ... negligible changes to
    loss compared to having unique data" (abstract). `unique_tokens` ≥ `tokens` means no
    repetition, so D' = D.
    """
    d = _positive(tokens, "tokens")
    u = _positive(unique_tokens, "unique tokens")
    if u >= d:
        return d
    repeats = d / u - 1
    return u + u * REPEATED_TOKENS_DECAY * (1 - math.exp(-repeats / REPEATED_TOKENS_DECAY))


def effective_params(
    law: str | ChinchillaFormLaw | KaplanFormLaw, params: float, tokens: float, unique_tokens: float
) -> float:
    """N' = U_N + U_N·R_N*·(1 − exp(−R_N/R_N*)) (Muennighoff et al. 2023, eq. 6).

    U_N = min(N, compute-optimal N for the unique tokens): parameters beyond what the unique
    data can use are worth less, decaying with R_N = N/U_N − 1. No repetition: N' = N.
    """
    n = _positive(params, "params")
    d = _positive(tokens, "tokens")
    u = _positive(unique_tokens, "unique tokens")
    if u >= d:
        return n
    base = min(n, optimal_params_for_tokens(law, u))
    excess = n / base - 1
    return base + base * EXCESS_PARAMS_DECAY * (1 - math.exp(-excess / EXCESS_PARAMS_DECAY))


def unique_tokens_for_epochs(tokens: float, epochs: float) -> float:
    """The unique tokens U that `epochs` passes over give `tokens` in total: U = D / epochs."""
    e = _positive(epochs, "epochs")
    if e < 1:
        raise UserError(f"epochs must be at least 1, not {epochs!r}")
    return _positive(tokens, "tokens") / e


# ---------------------------------------------------------------------- plot data


def _log_space(lo: float, hi: float, points: int) -> list[float]:
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise UserError(f"points must be an integer of at least 2, not {points!r}")
    a, b = math.log(lo), math.log(hi)
    return [math.exp(a + (b - a) * i / (points - 1)) for i in range(points)]


def iso_compute_curve(
    law: str | ChinchillaFormLaw | KaplanFormLaw,
    flops: float,
    n_min: float,
    n_max: float,
    points: int = 50,
) -> list[tuple[float, float]]:
    """(N, L(N, C/(6N))) at `points` log-spaced sizes: one iso-FLOP curve (Hoffmann et al. 2022, Fig. 3)."""
    law = _resolve(law)
    c = _positive(flops, "flops")
    lo, hi = _positive(n_min, "n_min"), _positive(n_max, "n_max")
    if lo >= hi:
        raise UserError(f"n_min ({n_min:g}) must be below n_max ({n_max:g})")
    return [(n, loss(law, n, c / (FLOPS_PER_PARAM_TOKEN * n))) for n in _log_space(lo, hi, points)]


def frontier(
    law: str | ChinchillaFormLaw | KaplanFormLaw,
    flops_min: float,
    flops_max: float,
    points: int = 50,
) -> list[tuple[float, float, float, float]]:
    """(C, N_opt, D_opt, L_opt) at `points` log-spaced budgets: the compute-optimal frontier."""
    law = _resolve(law)
    lo, hi = _positive(flops_min, "flops_min"), _positive(flops_max, "flops_max")
    if lo >= hi:
        raise UserError(f"flops_min ({flops_min:g}) must be below flops_max ({flops_max:g})")
    rows = []
    for c in _log_space(lo, hi, points):
        n, d = compute_optimal(law, c)
        rows.append((c, n, d, loss(law, n, d)))
    return rows


# ----------------------------------------------------------------- one scenario


class ComputeOptimal(NamedTuple):
    """The size and tokens that reach the lowest loss for a run's compute (the JSON's
    scaling.compute_optimal.params / .tokens)."""

    params: float
    tokens: float


class ScalingEstimate(NamedTuple):
    """The scaling-law view of one training run: N parameters on D tokens, U of them unique."""

    law: str
    params: float
    tokens: float
    unique_tokens: float | None
    data_quality: float  # each token counts as this many of the law's own data (1: as fitted)
    epochs: float  # D / U; 1 when every token is fresh
    loss: float
    compute_flops: float
    compute_optimal: ComputeOptimal
    tokens_per_param: float
    optimal_tokens_per_param: float
    loss_at_optimum: float
    extra_compute_fraction: float | None
    effective_tokens: float
    effective_params: float
    explanations: Explanations


def _pct(fraction: float) -> str:
    return f"{fraction * 100:+.1f}%"


def estimate_scaling(
    params: float,
    tokens: float,
    law: str | ChinchillaFormLaw | KaplanFormLaw = DEFAULT_LAW,
    unique_tokens: float | None = None,
    compute_flops: float | None = None,
    data_quality: float | None = None,
) -> ScalingEstimate:
    """Everything the scaling view shows for one scenario, each figure with its explanation.

    `compute_flops`: the run's training compute, as the rest of paramtui counts it
    (`compute.training_flops`: 6 · active parameters · D, plus attention); the compute-optimal
    split and the extra-compute comparison are for that budget. Without it, C = 6·N·D.

    `extra_compute_fraction` compares this run with the compute-optimal run that reaches the
    same loss: 6·N·D / C_opt(L) − 1, where C_opt(L) is the budget whose optimum reaches L
    (0 on the frontier; larger the further N is from N_opt, on either side). With unique
    tokens, the loss is the data-constrained one and the comparison is with fresh data, so
    it also counts what repetition costs.

    `data_quality` q (an assumption, default 1): each training token counts as q tokens of the
    data the law was fitted on, so the law sees q·D tokens (and q·U unique ones: the epochs are
    unchanged). Compute is still the run's own.
    """
    law = _resolve(law)
    q = 1.0 if data_quality is None else _positive(data_quality, "data quality")
    n = _positive(params, "params")
    d = _positive(tokens, "tokens")
    u = None if unique_tokens is None else _positive(unique_tokens, "unique tokens")
    epochs = 1.0 if u is None or u >= d else d / u
    d_eff = q * (d if u is None else effective_tokens(d, u))
    n_eff = n if u is None else effective_params(law, n, q * d, q * u)
    predicted = loss(law, n, q * d, None if u is None else q * u)
    c = FLOPS_PER_PARAM_TOKEN * n * d if compute_flops is None else _positive(compute_flops, "compute")
    n_opt, d_opt = compute_optimal(law, c)
    l_opt = loss(law, n_opt, d_opt)
    c_same_loss = compute_for_loss(law, predicted)
    extra = None if c_same_loss is None else max(0.0, c / c_same_loss - 1)

    def explain() -> dict[str, Explanation]:
        src = law.source
        unit = f"{law.params_meaning}; loss in {law.loss_meaning}"
        if law.form == "chinchilla":
            loss_formula = "E + A/N^α + B/D^β"
            loss_sub = (
                f"{law.E:.4g} + {law.A:.4g}/{format_count(n_eff)}^{law.alpha:.4g} + "
                f"{law.B:.4g}/{format_count(d_eff)}^{law.beta:.4g} = {predicted:.4f}"
            )
            opt_formula = "N_opt = G·(C/6)^(β/(α+β)), G = (αA/(βB))^(1/(α+β)); D_opt = (C/6)/N_opt"
            opt_source = "Hoffmann et al. 2022, eq. 4"
            loss_note = ""
        else:
            loss_formula = "[(N_c/N)^(α_N/α_D) + D_c/D]^α_D"
            loss_sub = (
                f"[({law.n_c:.3g}/{format_count(n_eff)})^({law.alpha_n}/{law.alpha_d}) + "
                f"{law.d_c:.3g}/{format_count(d_eff)}]^{law.alpha_d} = {predicted:.4f}"
            )
            opt_formula = "N_opt = (r·N_c^r·(C/6)/D_c)^(1/(1+r)), r = α_N/α_D (minimum of eq. 1.5 at C = 6ND)"
            opt_source = (
                "Kaplan et al. 2020, eq. 1.5 minimised along C = 6ND; the paper's own frontier "
                f"N = 1.3e9·(C/PF-day)^0.73 (eq. 6.1, Fig. 14) would give "
                f"{format_count(kaplan_compute_efficient_params(c))} here"
            )
            loss_note = (
                " Kaplan's N counts non-embedding parameters only, and its loss is in nats on WebText2 "
                "with the GPT-2 tokenizer, so its absolute value is not comparable with the "
                "Chinchilla-form laws (different data, tokenizer and parameter count)."
            )
        data_note = ""
        if u is not None and u < d:
            data_note = (
                f" With {format_count(u)} unique tokens seen {epochs:.3g} times, N and D are replaced by "
                f"the effective N' = {format_count(n_eff)} and D' = {format_count(d_eff)} "
                "(Muennighoff et al. 2023)."
            )

        if q != 1:
            data_note += (f" Data quality {q:g} (an assumption): each token counts as {q:g} of the law's own "
                          f"data, so D' = {format_count(d_eff)}.")

        explanations = {
            "loss": Explanation(
                title=f"Predicted loss ({law.name})",
                meaning=(
                    "The cross-entropy the scaling law predicts after training; lower is better. "
                    f"N is {unit}.{loss_note}{data_note}"
                ),
                formula=loss_formula,
                substituted=loss_sub,
                source=src,
            ),
            "compute_flops": Explanation(
                title="Training compute",
                meaning="Floating-point operations to train: 2 per parameter per token forward, 4 backward.",
                formula="C = 6·N·D" if compute_flops is None else "C = the run's training compute",
                substituted=(f"6 · {format_count(n)} · {format_count(d)} = {format_flops(c)}"
                             if compute_flops is None else f"C = {format_flops(c)} (compute.training_flops)"),
                source="Kaplan et al. 2020, §2.1; Hoffmann et al. 2022, §3.3",
            ),
            "compute_optimal.params": Explanation(
                title="Compute-optimal parameters",
                meaning="The model size that reaches the lowest loss for this run's compute.",
                formula=opt_formula,
                substituted=f"C = {format_flops(c)} → N_opt = {format_count(n_opt)}",
                source=opt_source,
            ),
            "compute_optimal.tokens": Explanation(
                title="Compute-optimal tokens",
                meaning="The training tokens that go with the compute-optimal size at this compute.",
                formula="D_opt = C / (6·N_opt)",
                substituted=f"{format_flops(c)} / (6 · {format_count(n_opt)}) = {format_count(d_opt)}",
                source=opt_source,
            ),
            "tokens_per_param": Explanation(
                title="Tokens per parameter",
                meaning="How long this model is trained relative to its size. Compute-optimal training "
                "is about 20 tokens per parameter; models meant for cheap inference are trained far longer.",
                formula="D / N",
                substituted=f"{format_count(d)} / {format_count(n)} = {d / n:,.1f}",
                source="Hoffmann et al. 2022 (Chinchilla), Table 3: ~20 tokens per parameter at the optimum",
            ),
            "optimal_tokens_per_param": Explanation(
                title="Compute-optimal tokens per parameter",
                meaning=(
                    "The ratio the law recommends at this compute; the often-quoted 20 comes from "
                    "Hoffmann et al.'s approaches 1 and 2 and the Epoch refit."
                ),
                formula="D_opt / N_opt",
                substituted=f"{format_count(d_opt)} / {format_count(n_opt)} = {d_opt / n_opt:.3g}",
                source=opt_source,
            ),
            "loss_at_optimum": Explanation(
                title="Loss at the compute optimum",
                meaning="The best loss this compute can buy, with the optimal split of N and D.",
                formula=f"L(N_opt, D_opt), L = {loss_formula}",
                substituted=(
                    f"L({format_count(n_opt)}, {format_count(d_opt)}) = {l_opt:.4f} "
                    f"(this run: {predicted:.4f})"
                ),
                source=src,
            ),
            "extra_compute_fraction": Explanation(
                title="Extra compute versus compute-optimal",
                meaning=(
                    "How much more compute this run spends than the compute-optimal run reaching the "
                    "same loss. Smaller models trained longer pay this once in training and save it "
                    "on every token of inference."
                ),
                formula="6·N·D / C_opt(L) − 1, where L_opt(C_opt) = L(N, D)",
                substituted=(
                    "unreachable"
                    if extra is None
                    else f"{format_flops(c)} / {format_flops(c_same_loss)} − 1 = {_pct(extra)}"
                ),
                source=(
                    "de Vries 2023, 'Go smol or go home'; Sardana et al. 2023, "
                    f"'Beyond Chinchilla-Optimal'; law: {src}"
                ),
            ),
            "effective_tokens": Explanation(
                title="Effective training tokens",
                meaning=(
                    "Repeated tokens are worth less than fresh ones: about 4 epochs are nearly as good "
                    "as unique data, and the value of further repeats decays towards zero."
                ),
                formula="D' = U + U·R_D*·(1 − exp(−R_D/R_D*)), R_D = D/U − 1, R_D* = 15.4",
                substituted=(
                    f"U = {format_count(u)}, R_D = {epochs - 1:.3g} → D' = {format_count(d_eff)}"
                    if u is not None and u < d
                    else f"no repetition: D' = D = {format_count(d)}"
                ) + (f"; × data quality {q:g} (an assumption) = {format_count(d_eff)}" if q != 1 else ""),
                source="Muennighoff et al. 2023, 'Scaling Data-Constrained Language Models', §3, eq. 5",
            ),
            "data_quality": Explanation(
                title="Data quality (an assumption)",
                meaning=(
                    "How many tokens of the data the law was fitted on one training token is assumed to be "
                    "worth. Filtered, deduplicated data reaches a loss with fewer tokens, by an amount "
                    "measured per dataset and benchmark, not a constant: keep it near 1 unless you have "
                    "measured your data."
                ),
                formula="the law sees D' = q·D (and q·U unique tokens); compute stays 6·N·D",
                substituted=f"q = {q:g}: D' = {format_count(d_eff)}",
                source=("an assumption; read against Penedo et al. 2024, 'The FineWeb Datasets' "
                        "(FineWeb-Edu's filter, MMLU on several times fewer tokens)"),
            ),
            "effective_params": Explanation(
                title="Effective parameters",
                meaning=(
                    "With repeated data, parameters beyond the compute-optimal size for the unique "
                    "data add less than fresh ones."
                ),
                formula="N' = U_N + U_N·R_N*·(1 − exp(−R_N/R_N*)), U_N = min(N, N_opt(U)), R_N* = 5.3",
                substituted=(
                    f"N = {format_count(n)} → N' = {format_count(n_eff)}"
                    if u is not None and u < d
                    else f"no repetition: N' = N = {format_count(n)}"
                ),
                source="Muennighoff et al. 2023, §3, eq. 6",
            ),
        }
        if data_quality is None:  # not assumed: nothing to explain
            del explanations["data_quality"]
        return explanations

    return ScalingEstimate(
        law=law.id,
        params=n,
        tokens=d,
        unique_tokens=u,
        data_quality=q,
        epochs=epochs,
        loss=predicted,
        compute_flops=c,
        compute_optimal=ComputeOptimal(params=n_opt, tokens=d_opt),
        tokens_per_param=d / n,
        optimal_tokens_per_param=d_opt / n_opt,
        loss_at_optimum=l_opt,
        extra_compute_fraction=extra,
        effective_tokens=d_eff,
        effective_params=n_eff,
        explanations=Explanations(explain),
    )
