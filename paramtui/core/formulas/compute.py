"""Training compute: FLOPs, time on a target, GPU-hours, money, energy and CO2.

C = 6 · N · D (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", section 2.1,
table 1; Hoffmann et al. 2022, "Training Compute-Optimal LLMs", section 3): a forward
pass costs 2 FLOPs per parameter per token (one multiply-add) and the backward pass
twice that. N is the number of parameters each token passes through, so for a
mixture-of-experts model it is the ACTIVE count (DeepSeek-V3 report: 37B of 671B).

Optional attention term (Chowdhery et al. 2022, "PaLM", appendix B): the attention
score and value products add 12 · L · H · Q · T FLOPs per token for training
(L layers, H heads, Q head dim, T sequence length), not covered by 6·N.

Recomputation (Korthikanti et al. 2022, "Reducing Activation Recomputation", section 5;
PaLM appendix B's MFU vs HFU): full activation recomputation runs the forward pass a
second time during backward, so the hardware executes 8·N·D instead of 6·N·D; selective
recomputation re-runs only the attention-score part (its forward share of the attention
term). `training_flops` is what the hardware executes; `model_flops` is 6·N·D (+ attention).

Fine-tuning with LoRA (Hu et al. 2021, section 4.2: "we do not need to calculate the
gradients or maintain the optimizer states for most parameters") freezes the base: its
matmuls still run forward (2·N) and pass gradients back to the activations (2·N), but
compute no weight gradients (the other 2·N of 6·N), so a token costs 4·N plus the small
adapters' own 6·N_adapter. QLoRA (Dettmers et al. 2023, section 3) stores the frozen base
in NF4 and dequantizes it to bf16 for the forward and the backward pass of every step: with
double quantization a weight costs two multiplies per dequantization, 2 · 2 · N FLOPs per
step, spread over the step's micro-batch · sequence tokens (small; QLoRA's slowness is
memory traffic, which the utilization covers). The attention score products have no
weights, so their 12·L·H·Q·T is the same for every method.

Time on G devices: t = training_flops / (G · peak · utilization). The default
utilization is one documented value, not tuned per case (DEFAULT_MFU).
"""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

from paramtui.core.errors import UserError
from paramtui.core.units import format_duration, format_si
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.inputs.targets import Target, effective_dtype, peak_flops_per_s, speed_unknown_reason
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record

# Llama 3 (Dubey et al. 2024, "The Llama 3 Herd of Models", section 3.3.2, table 4):
# 38-43% BF16 MFU training 405B on 8K-16K H100s. PaLM reports 46.2% (appendix B), Megatron-LM
# (Narayanan et al. 2021) 44-52% on A100. 0.40 is the Llama 3 range's middle, rounded down
# to the lower end of the PaLM/Megatron range: a realistic large-run figure.
DEFAULT_MFU = 0.40
DEFAULT_MFU_SOURCE = "Llama 3 paper (Dubey et al. 2024), table 4: 38-43% BF16 MFU on H100"

# Google reports a fleet-wide trailing-twelve-month PUE of 1.10 (Google data centers,
# "Efficiency" page, 2023); typical enterprise data centres are higher (Uptime Institute
# global survey 2023: average 1.58). Hyperscale is where large training runs happen.
DEFAULT_PUE = 1.10
DEFAULT_PUE_SOURCE = "Google data centers efficiency report, 2023: fleet trailing-twelve-month PUE 1.10"

# Ember, "Global Electricity Review 2024": world average 2023 emissions intensity of
# electricity generation, 480 gCO2 per kWh. Override with your grid's figure.
DEFAULT_GRID_KG_CO2_PER_KWH = 0.48
DEFAULT_GRID_SOURCE = "Ember, Global Electricity Review 2024: world average 480 gCO2/kWh (2023)"

Recompute = Literal["none", "selective", "full"]
Method = Literal["full", "lora", "qlora"]

_SOURCE_6ND = "Kaplan et al. 2020, section 2.1; Hoffmann et al. 2022, section 3"
_SOURCE_ATTENTION = "Chowdhery et al. 2022 (PaLM), appendix B: 6N + 12·L·H·Q·T per token"
_SOURCE_BY_KIND = (_SOURCE_ATTENTION + ", summed over the layer kinds: a sliding or chunked layer "
                   "sees at most its window, a recurrent layer a fixed state per token")
_SOURCE_LORA = ("Hu et al. 2021 (LoRA), section 4.2: no gradients for the frozen weights; "
                "Dettmers et al. 2023 (QLoRA), section 3: NF4 base dequantized to bf16 each pass")
_SOURCE_RECOMPUTE = "Korthikanti et al. 2022, section 5; PaLM appendix B (MFU vs HFU)"


@record
class AttentionShape:
    """What the attention FLOPs depend on: layers, H·Q (heads × head dim) and sequence length."""

    __pydantic_config__ = STRICT

    num_layers: Annotated[int, pyd.Field(gt=0)]
    attention_dim: Annotated[int, pyd.Field(gt=0)]  # num_attention_heads · head_dim
    seq_len: Annotated[int, pyd.Field(gt=0)]
    # Training FLOPs per token summed over the layer kinds (mixer_flops: windows, chunks and
    # recurrent layers cost less than full attention); None: PaLM's 12·L·H·Q·T, every layer full.
    per_token: Annotated[float, pyd.Field(ge=0)] | None = None
    by_kind: str = ""  # how per_token was summed, for the explanation
    note: str = ""  # what the layer kinds' costs assume (sparse attention), for the explanation

    def training_flops_per_token(self) -> float:
        if self.per_token is not None:
            return self.per_token
        return 12.0 * self.num_layers * self.attention_dim * self.seq_len


@record
class FineTuneShape:
    """What a LoRA / QLoRA step computes besides the frozen base: the adapters' parameters and,
    for QLoRA, the tokens of one step (over which the base's dequantization is spread)."""

    __pydantic_config__ = STRICT

    method: Method
    adapter_params: Annotated[int, pyd.Field(ge=0)] = 0
    tokens_per_step: Annotated[int, pyd.Field(gt=0)] = 1  # micro-batch · sequence length


# Dequantizing one double-quantized NF4 weight: the block scale from its 8-bit code, then the
# weight's table value times that scale (Dettmers et al. 2023, eq. 6): two multiplies.
DEQUANT_FLOPS_PER_WEIGHT = 2


def training_flops_per_token(
    active_params: float, attention: AttentionShape | None = None, recompute: Recompute = "none",
    fine_tune: FineTuneShape | None = None,
) -> tuple[float, float]:
    """(executed FLOPs per token, model FLOPs per token) for one training step."""
    attention_per_token = attention.training_flops_per_token() if attention else 0.0
    method = fine_tune.method if fine_tune is not None else "full"
    if method == "full":
        weights = 6.0 * active_params
        forward = 2.0 * active_params
    else:
        adapters = fine_tune.adapter_params
        weights = 4.0 * active_params + 6.0 * adapters  # frozen base: no weight gradients
        forward = 2.0 * (active_params + adapters)
    model = weights + attention_per_token
    passes = 2
    if recompute == "full":
        executed = model + (forward + attention_per_token / 3.0)
        passes = 3
    elif recompute == "selective":
        executed = model + attention_per_token / 3.0
    else:
        executed = model
    if method == "qlora":
        executed += passes * DEQUANT_FLOPS_PER_WEIGHT * active_params / fine_tune.tokens_per_step
    return executed, model


class TrainingCompute(NamedTuple):
    active_params: float
    tokens: float
    recompute: Recompute
    model_flops: float
    training_flops: float
    target_id: str
    devices: int
    dtype: str
    effective_dtype: str | None  # None (and the peak, time, GPU-hours): the target's peak rates are unknown
    peak_flops_per_s: float | None  # one device
    mfu: float
    wall_seconds: float | None
    gpu_hours: float | None
    price_per_hour_usd: float | None
    cost_usd: float | None
    power_watts: float | None
    pue: float
    energy_kwh: float | None
    grid_kg_co2_per_kwh: float
    co2_kg: float | None
    explanations: Explanations


def training_compute(
    active_params: float,
    tokens: float,
    target: Target,
    *,
    devices: int | None = None,
    dtype: str = "bf16",
    mfu: float = DEFAULT_MFU,
    attention: AttentionShape | None = None,
    recompute: Recompute = "none",
    fine_tune: FineTuneShape | None = None,
    price_per_hour_usd: float | None = None,
    power_watts: float | None = None,
    pue: float = DEFAULT_PUE,
    grid_kg_co2_per_kwh: float = DEFAULT_GRID_KG_CO2_PER_KWH,
) -> TrainingCompute:
    """FLOPs, wall-clock time, GPU-hours, cost, energy and CO2 of one training run.

    `devices` defaults to the target's own count (8 for a node). Price and power default to
    the target's per-device figures; cost / energy are None when neither is known.
    """
    if active_params <= 0:
        raise UserError(f"active parameters must be positive, got {active_params}")
    if tokens <= 0:
        raise UserError(f"training tokens must be positive, got {tokens}")
    if not 0 < mfu <= 1:
        raise UserError(f"MFU must be in (0, 1], got {mfu}")
    if pue < 1:
        raise UserError(f"PUE is at least 1.0, got {pue}")
    if grid_kg_co2_per_kwh < 0:
        raise UserError(f"grid intensity cannot be negative, got {grid_kg_co2_per_kwh}")
    devices = devices if devices is not None else target.devices
    if devices < 1:
        raise UserError(f"number of devices must be at least 1, got {devices}")

    per_token, model_per_token = training_flops_per_token(active_params, attention, recompute, fine_tune)
    executed = per_token * tokens
    model = model_per_token * tokens
    # A detected device without known peak rates: the FLOPs stand, time and what follows from
    # it (GPU-hours, cost, energy) are unknown rather than computed from a stand-in peak.
    peak = used_dtype = seconds = gpu_hours = None
    if target.tflops is not None:
        used_dtype = effective_dtype(target, dtype)
        peak = peak_flops_per_s(target, dtype)
        seconds = executed / (devices * peak * mfu)
        gpu_hours = devices * seconds / 3600

    price = price_per_hour_usd if price_per_hour_usd is not None else target.price_per_hour_usd
    cost = gpu_hours * price if price is not None and gpu_hours is not None else None
    watts = power_watts if power_watts is not None else target.power_watts
    energy = gpu_hours * watts * pue / 1000 if watts is not None and gpu_hours is not None else None
    co2 = energy * grid_kg_co2_per_kwh if energy is not None else None

    def explain() -> dict[str, Explanation]:
        n, d = format_si(active_params), format_si(tokens)
        attention_text = ""
        if attention and attention.per_token is not None:
            attention_text = f" + {attention.by_kind}"
        elif attention:
            attention_text = (
                f" + 12·{attention.num_layers}·{attention.attention_dim}·{attention.seq_len}"
            )
        method = fine_tune.method if fine_tune is not None else "full"
        base = "6·N·D" if method == "full" else "(4·N + 6·N_adapter)·D"
        base_n = f"6·{n}" if method == "full" else f"4·{n} + 6·{format_si(fine_tune.adapter_params)}"
        by_kind = attention is not None and attention.per_token is not None
        attention_formula = (" + 3·Σ layers·(FLOPs per key · keys seen + recurrent state)·D" if by_kind
                             else " + 12·L·H·Q·T·D" if attention else "")
        formula = base + attention_formula
        if recompute == "full":
            formula += " + recomputed forward (2·N·D" + (" + 4·L·H·Q·T·D)" if attention else ")")
        elif recompute == "selective" and attention:
            formula += " + recomputed attention scores (4·L·H·Q·T·D)"
        if method == "qlora":
            formula += " + dequantizing the NF4 base each pass (2 · passes · N · D / tokens per step)"
        lora_text = ("LoRA freezes the base: no weight gradients for it, so 4·N per token plus the "
                     "adapters' 6·N_adapter instead of 6·N. " if method != "full" else "")

        explanations = {
            "model_flops": Explanation(
                title="Model FLOPs",
                meaning="Arithmetic the model itself needs: a forward and a backward pass over every token."
                + (f" {attention.note}" if attention is not None and attention.note else ""),
                formula=base + attention_formula,
                substituted=f"({base_n}{attention_text})·{d} = {model:.3g} FLOPs",
                source=_SOURCE_6ND + ("; " + (_SOURCE_BY_KIND if by_kind else _SOURCE_ATTENTION) if attention else "")
                + ("; " + _SOURCE_LORA if method != "full" else ""),
            ),
            "training_flops": Explanation(
                title="Training FLOPs",
                meaning=(
                    "Arithmetic the hardware executes. N is the active parameters per token (for MoE "
                    "only the routed experts). " + lora_text + "Full recomputation runs the forward pass twice."
                ),
                formula=formula,
                substituted=f"{per_token:.3g} FLOPs/token · {d} tokens = {executed:.3g} FLOPs",
                source=_SOURCE_6ND + (f"; {_SOURCE_RECOMPUTE}" if recompute != "none" else "")
                + (f"; {_SOURCE_LORA}" if method != "full" else ""),
            ),
        }
        if peak is None:
            unknown = Explanation(
                title="Training time", meaning=f"{target.name} has no known peak rate, so training time, "
                "GPU-hours, cost and energy are not shown.", formula="t = C / (G · peak · MFU)",
                substituted=speed_unknown_reason(target), source=target.source)
            explanations.update(wall_seconds=unknown, gpu_hours=unknown, cost_usd=unknown, energy_kwh=unknown,
                                co2_kg=unknown)
            return explanations
        explanations |= {
            "wall_seconds": Explanation(
                title="Training time",
                meaning=(
                    "Wall-clock time if the devices sustain this fraction of their dense peak "
                    f"({used_dtype}{' in place of ' + dtype if used_dtype != dtype else ''})."
                ),
                formula="t = C / (G · peak · MFU)",
                substituted=(
                    f"{executed:.3g} / ({devices} · {format_si(peak, 'FLOP/s')} · {mfu:.2f}) = {format_duration(seconds)}"
                ),
                source=f"MFU as defined in PaLM appendix B; default {DEFAULT_MFU_SOURCE}",
            ),
            "gpu_hours": Explanation(
                title="GPU-hours",
                meaning="Device-hours: devices × hours, the unit clouds bill and papers report.",
                formula="G · t / 3600",
                substituted=f"{devices} · {seconds:.4g} s / 3600 = {gpu_hours:,.0f} GPU-h",
                source="Touvron et al. 2023 (Llama 2), table 2 reports training cost in GPU-hours",
            ),
        }
        if cost is not None:
            explanations["cost_usd"] = Explanation(
                title="Compute cost",
                meaning="GPU-hours at a rental price per device-hour (excludes storage, staff, failed runs).",
                formula="GPU-hours · price",
                substituted=f"{gpu_hours:,.0f} · ${price:.2f} = ${cost:,.0f}",
                source=target.price_source if price_per_hour_usd is None else "price given by the user",
            )
        if energy is not None:
            explanations["energy_kwh"] = Explanation(
                title="Energy",
                meaning="Device power for the whole run, times the data centre's overhead (cooling, power conversion).",
                formula="GPU-hours · W · PUE / 1000",
                substituted=f"{gpu_hours:,.0f} · {watts:g} W · {pue:.2f} / 1000 = {energy:,.0f} kWh",
                source=f"device board power from the datasheet; {DEFAULT_PUE_SOURCE}",
            )
            explanations["co2_kg"] = Explanation(
                title="CO2 emitted",
                meaning="Energy times the carbon intensity of the grid that supplies it.",
                formula="kWh · kgCO2/kWh",
                substituted=f"{energy:,.0f} kWh · {grid_kg_co2_per_kwh:g} = {co2:,.0f} kg CO2",
                source=DEFAULT_GRID_SOURCE,
            )
        return explanations

    return TrainingCompute(
        active_params=active_params,
        tokens=tokens,
        recompute=recompute,
        model_flops=model,
        training_flops=executed,
        target_id=target.id,
        devices=devices,
        dtype=dtype,
        effective_dtype=used_dtype,
        peak_flops_per_s=peak,
        mfu=mfu,
        wall_seconds=seconds,
        gpu_hours=gpu_hours,
        price_per_hour_usd=price,
        cost_usd=cost,
        power_watts=watts,
        pue=pue,
        energy_kwh=energy,
        grid_kg_co2_per_kwh=grid_kg_co2_per_kwh,
        co2_kg=co2,
        explanations=Explanations(explain),
    )


def implied_mfu(training_flops: float, gpu_hours: float, peak_flops_per_s: float) -> float:
    """The utilization a reported (FLOPs, GPU-hours) pair implies: C / (GPU-hours·3600·peak)."""
    if gpu_hours <= 0 or peak_flops_per_s <= 0:
        raise UserError("GPU-hours and peak FLOP/s must be positive")
    return training_flops / (gpu_hours * 3600 * peak_flops_per_s)
