"""Inference-aware sizing: the model that reaches a loss for the least training plus inference compute.

Sardana, Portes, Doubov, Frankle 2024, "Beyond Chinchilla-Optimal: Accounting for Inference in
Language Model Scaling Laws" (ICML 2024), §2: for a target loss ℓ and the tokens the model will
serve over its life, D_inf, choose N and the training tokens D_tr to

    minimise 6·N·D_tr + 2·N·D_inf   subject to   L(N, D_tr) = ℓ

(6 FLOPs per parameter per training token, 2 per inference token). Along the constraint
D_tr is a function of N (the law solved for D), so the total is a function of N alone. It is
minimised numerically, as the paper does: golden-section search in log N between the
smallest size that can reach ℓ and the Chinchilla-optimal size for ℓ (inference only ever
makes the best size smaller: its cost grows with N). With D_inf = 0 this is the
Chinchilla-optimal model for ℓ.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from paramtui.core.errors import UserError
from paramtui.core.result.explain import Explanation
from paramtui.core.units import format_count, format_flops
from paramtui.core.formulas import scaling as scaling_mod

INFERENCE_FLOPS_PER_PARAM_TOKEN = 2.0  # a forward pass: one multiply and one add per weight
_GOLDEN = (math.sqrt(5) - 1) / 2


class InferenceAwareSize(NamedTuple):
    target_loss: float
    inference_tokens: float
    params: float  # N*, the size minimising training + inference compute for the loss
    tokens: float  # D_tr*, its training tokens
    total_flops: float  # 6·N*·D_tr* + 2·N*·D_inf
    chinchilla_params: float  # the compute-optimal size for the loss, ignoring inference
    chinchilla_tokens: float
    chinchilla_total_flops: float  # its training + the same inference
    saving: float  # 1 − total / chinchilla_total: the share of lifetime compute saved

    @property
    def tokens_per_param(self) -> float:
        return self.tokens / self.params


def _total(law, n: float, target: float, inference_tokens: float) -> float:
    d = scaling_mod.tokens_to_reach_loss(law, n, target)
    if d is None:
        return math.inf
    return scaling_mod.FLOPS_PER_PARAM_TOKEN * n * d + INFERENCE_FLOPS_PER_PARAM_TOKEN * n * inference_tokens


def inference_aware_size(law, target_loss: float, inference_tokens: float) -> InferenceAwareSize | None:
    """The size and training tokens that reach `target_loss` for the least lifetime compute
    when the model then serves `inference_tokens`; None when no size reaches the loss."""
    law = scaling_mod._resolve(law)
    if isinstance(inference_tokens, bool) or not isinstance(inference_tokens, (int, float)) \
            or not math.isfinite(inference_tokens) or inference_tokens < 0:
        raise UserError(f"inference tokens must be zero or more, not {inference_tokens!r}")
    c_opt = scaling_mod.compute_for_loss(law, target_loss)
    n_min = scaling_mod.smallest_params_to_reach(law, target_loss)
    if c_opt is None or n_min is None:
        return None
    n_chin, d_chin = scaling_mod.compute_optimal(law, c_opt)
    chin_total = _total(law, n_chin, target_loss, inference_tokens)
    lo, hi = math.log(n_min) + 1e-12, math.log(n_chin)
    if hi <= lo:
        n_best = n_chin
    else:
        # Golden-section search on the unimodal total over log N.
        a, b = lo, hi
        c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
        fc, fd = _total(law, math.exp(c), target_loss, inference_tokens), _total(law, math.exp(d), target_loss,
                                                                                  inference_tokens)
        for _ in range(200):
            if fc <= fd:
                b, d, fd = d, c, fc
                c = b - _GOLDEN * (b - a)
                fc = _total(law, math.exp(c), target_loss, inference_tokens)
            else:
                a, c, fc = c, d, fd
                d = a + _GOLDEN * (b - a)
                fd = _total(law, math.exp(d), target_loss, inference_tokens)
            if b - a < 1e-12:
                break
        n_best = math.exp((a + b) / 2)
        if _total(law, n_chin, target_loss, inference_tokens) < _total(law, n_best, target_loss, inference_tokens):
            n_best = n_chin
    d_best = scaling_mod.tokens_to_reach_loss(law, n_best, target_loss) or d_chin
    total = _total(law, n_best, target_loss, inference_tokens)
    return InferenceAwareSize(target_loss, float(inference_tokens), n_best, d_best, total, n_chin, d_chin,
                              chin_total, 1 - total / chin_total)


_SOURCE = ("Sardana, Portes, Doubov, Frankle 2024, 'Beyond Chinchilla-Optimal: Accounting for Inference in "
           "Language Model Scaling Laws', §2")


def explanations(sized: InferenceAwareSize, law_name: str) -> dict[str, Explanation]:
    """The inference-aware figures' explanations, under their `estimate --json` keys."""
    s = sized
    setup = (f"reach loss {s.target_loss:.3f} ({law_name}) and then serve {format_count(s.inference_tokens)} "
             "tokens, for the least training plus inference compute")
    return {
        "scaling.inference_optimal.params": Explanation(
            title="Inference-aware size",
            meaning=("The size that reaches this scenario's loss for the least lifetime compute once the "
                     "tokens it will serve are counted: smaller than compute-optimal, trained longer."),
            formula="minimise 6·N·D_tr + 2·N·D_inf subject to L(N, D_tr) = ℓ",
            substituted=(f"{setup}: N* = {format_count(s.params)} (compute-optimal for the loss: "
                         f"{format_count(s.chinchilla_params)})"),
            source=_SOURCE),
        "scaling.inference_optimal.tokens": Explanation(
            title="Inference-aware training tokens",
            meaning="The training tokens that bring the inference-aware size to the same loss.",
            formula="D_tr* with L(N*, D_tr*) = ℓ",
            substituted=(f"D_tr* = {format_count(s.tokens)}, {s.tokens_per_param:,.0f} tokens per parameter "
                         f"(compute-optimal: {format_count(s.chinchilla_tokens)})"),
            source=_SOURCE),
        "scaling.inference_optimal.saving": Explanation(
            title="Lifetime compute saved",
            meaning="How much less training plus inference compute the inference-aware model needs than the "
                    "compute-optimal one of the same loss serving the same tokens.",
            formula="1 − (6·N*·D_tr* + 2·N*·D_inf) / (6·N_c·D_c + 2·N_c·D_inf)",
            substituted=(f"1 − {format_flops(s.total_flops)} / {format_flops(s.chinchilla_total_flops)} = "
                         f"{s.saving:.1%}"),
            source=_SOURCE),
    }
