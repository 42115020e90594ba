"""The registry of figures: what each number is called, its unit, and which way is better.

One place for labels and formatting, shared by the Calculator, the Compare table, the
`estimate` table and every export. A figure's key is its dotted key in
`paramtui estimate --json` (docs/ARCHITECTURE.md), so a column, a JSON field and an explanation are
the same thing under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal

from paramtui.core import units
from paramtui.core.result.explain import Explanation

Better = Literal["lower", "higher"] | None


@dataclass(frozen=True)
class Figure:
    key: str  # dotted JSON key, e.g. "memory.kv_cache_bytes"
    label: str  # for tables and the Calculator: "KV cache"
    short: str  # narrow column header: "KV"
    unit: str  # the raw unit, for CSV/JSON column names: "bytes", "tok/s", "USD", ""
    better: Better
    fmt: Callable[[Any], str]
    group: str  # "model", "checkpoint", "inference", "offload", "training", "speed", "scaling", "budget", "scenario"

    def value(self, est) -> Any:
        return est.values.get(self.key)

    def format(self, est) -> str:
        value = self.value(est)
        if value is None:
            return "–"
        return self.fmt(value)


def _text(v) -> str:
    return str(v)


def _yes_no(v) -> str:
    return "yes" if v else "NO"


def _plain_int(v) -> str:
    return f"{int(v):,}"


def _head(v) -> str:
    """A bare '0' read as a missing part: a model whose output head reuses the embedding table
    (Granite 4.0, Gemma) has none of its own."""
    return "0 (tied)" if v == 0 else units.format_count(v)


def _loss(v) -> str:
    return f"{v:.3f}"


def _bits(v) -> str:
    return f"{v:.4f}"


def _ratio(v) -> str:
    return f"{v:,.1f}"


def _epochs(v) -> str:
    return f"{v:.3g}"


def _times(v) -> str:
    return f"{v:g}×"


def _kwh(v) -> str:
    """Energy from kWh: '1.2 MWh', '350 kWh'."""
    return units._scaled(v * 1000, [(1e9, "G"), (1e6, "M"), (1e3, "k")], "Wh", 3)


def _co2(v) -> str:
    """kg of CO2-equivalent; tonnes from 1000 kg."""
    if v >= 1000:
        return f"{units._sig(v / 1000, 3)} t" if v < 1e6 else f"{units._sig(v / 1e6, 3)} kt"
    return f"{units._sig(v, 3)} kg"


_F = Figure
_ALL = [
    _F("scenario.name", "Scenario", "Scenario", "", None, _text, "scenario"),
    _F("scenario.model", "Model", "Model", "", None, _text, "scenario"),
    _F("scenario.precision", "Precision", "Prec", "", None, _text, "scenario"),
    _F("scenario.kv_precision", "KV precision", "KV prec", "", None, _text, "scenario"),
    _F("scenario.target", "Target", "Target", "", None, _text, "scenario"),
    _F("scenario.gpus", "Devices", "GPUs", "", None, _plain_int, "scenario"),
    _F("scenario.batch", "Batch", "Batch", "", None, _plain_int, "scenario"),
    _F("scenario.context", "Context", "Ctx", "tokens", None, _plain_int, "scenario"),
    _F("scenario.purpose", "Run kind", "Kind", "", None, _text, "scenario"),
    _F("scenario.method", "Method", "Method", "", None, _text, "scenario"),
    _F("scenario.recompute", "Recompute", "Recomp", "", None, _text, "scenario"),
    _F("scenario.host_ram_bytes", "Host RAM", "Host RAM", "bytes", None, units.format_bytes, "scenario"),
    _F("params.total", "Parameters", "Params", "", None, units.format_count, "model"),
    _F("params.active", "Active per token", "Active", "", None, units.format_count, "model"),
    _F("params.breakdown.embedding", "Embeddings", "Embed", "", None, units.format_count, "model"),
    _F("params.breakdown.attention", "Attention", "Attn", "", None, units.format_count, "model"),
    _F("params.breakdown.mlp", "MLP / experts", "MLP", "", None, units.format_count, "model"),
    _F("params.breakdown.norm", "Norms", "Norm", "", None, units.format_count, "model"),
    _F("params.breakdown.head", "Output head", "Head", "", None, _head, "model"),
    _F("params.breakdown.encoders", "Encoders", "Enc", "", None, units.format_count, "model"),
    _F("params.breakdown.mtp", "Multi-token prediction (not run)", "MTP", "", None, units.format_count, "model"),
    # A model file's headers (group "checkpoint": shown only for a model file).
    _F("checkpoint.format", "File format", "Format", "", None, _text, "checkpoint"),
    _F("checkpoint.file_bytes", "Size on disk", "On disk", "bytes", None, units.format_bytes, "checkpoint"),
    _F("checkpoint.params", "Weights in the file", "File N", "", None, units.format_count, "checkpoint"),
    _F("checkpoint.difference", "Beside config.json", "vs config", "", None, _text, "checkpoint"),
    _F("checkpoint.bits_per_weight", "Bits per weight (exact)", "File bpw", "bits", None, _bits, "checkpoint"),
    _F("checkpoint.types", "Tensor types", "Types", "", None, _text, "checkpoint"),
    _F("checkpoint.quantization", "Quantization", "Quant", "", None, _text, "checkpoint"),
    _F("memory.weights_bytes", "Weights", "Weights", "bytes", "lower", units.format_bytes, "inference"),
    _F("memory.kv_cache_bytes", "KV cache", "KV", "bytes", "lower", units.format_bytes, "inference"),
    _F("memory.recurrent_state_bytes", "Recurrent state", "State", "bytes", "lower", units.format_bytes,
       "inference"),
    _F("memory.activations_bytes", "Activations", "Act", "bytes", "lower", units.format_bytes, "inference"),
    _F("memory.overhead_bytes", "Runtime overhead", "Ovhd", "bytes", "lower", units.format_bytes, "inference"),
    _F("memory.inference_total_bytes", "Inference total", "Infer", "bytes", "lower", units.format_bytes, "inference"),
    _F("memory.per_device_bytes", "Per device", "Per dev", "bytes", "lower", units.format_bytes, "inference"),
    _F("memory.use_fraction", "Memory use", "Use", "fraction", "lower", units.format_percent, "inference"),
    _F("memory.fits", "Fits on target", "Fits", "", "higher", _yes_no, "inference"),
    _F("offload.mode", "Offload", "Offload", "", None, _text, "offload"),
    _F("offload.fits", "Runs with offload", "Offl fits", "", "higher", _yes_no, "offload"),
    _F("offload.gpu_layers", "Layers on the device", "GPU layers", "", None, _plain_int, "offload"),
    _F("offload.cpu_layers", "Layers on the CPU", "CPU layers", "", None, _plain_int, "offload"),
    _F("offload.device_bytes", "Offload: device memory", "Offl dev", "bytes", "lower", units.format_bytes, "offload"),
    _F("offload.host_bytes", "Offload: host RAM", "Offl host", "bytes", "lower", units.format_bytes, "offload"),
    _F("offload.host_capacity_bytes", "Host RAM available", "Host RAM", "bytes", None, units.format_bytes, "offload"),
    _F("offload.decode_tokens_per_s", "Decode with offload", "Offl t/s", "tok/s", "higher", units.format_rate, "offload"),
    _F("memory.training.weights_bytes", "Training: weights", "T weights", "bytes", "lower", units.format_bytes, "training"),
    _F("memory.training.gradients_bytes", "Training: gradients", "T grads", "bytes", "lower", units.format_bytes, "training"),
    _F("memory.training.optimizer_bytes", "Training: optimizer", "T optim", "bytes", "lower", units.format_bytes, "training"),
    _F("memory.training.activations_bytes", "Training: activations", "T act", "bytes", "lower", units.format_bytes, "training"),
    _F("memory.training.total_bytes", "Training peak / device", "Train mem", "bytes", "lower", units.format_bytes, "training"),
    _F("memory.training.fits", "Fits for training", "T fits", "", "higher", _yes_no, "training"),
    _F("compute.training_tokens", "Training tokens", "Tokens", "tokens", None, units.format_count, "training"),
    _F("compute.training_flops", "Training compute", "FLOPs", "FLOP", "lower", units.format_flops, "training"),
    _F("compute.wall_seconds", "Training time", "Time", "s", "lower", units.format_duration, "training"),
    _F("compute.gpu_hours", "GPU-hours", "GPU-h", "GPU-h", "lower", units.format_hours, "training"),
    _F("compute.cost_usd", "Training cost", "Cost", "USD", "lower", units.format_money, "training"),
    _F("compute.energy_kwh", "Energy", "Energy", "kWh", "lower", _kwh, "training"),
    _F("compute.co2_kg", "CO2", "CO2", "kg", "lower", _co2, "training"),
    _F("speed.time_to_first_token_s", "Time to first token", "TTFT", "s", "lower", units.format_duration, "speed"),
    _F("speed.prefill_tokens_per_s", "Prefill", "Prefill", "tok/s", "higher", units.format_rate, "speed"),
    _F("speed.decode_tokens_per_s", "Decode per request", "Decode", "tok/s", "higher", units.format_rate, "speed"),
    _F("speed.aggregate_tokens_per_s", "Decode, all requests", "Aggr", "tok/s", "higher", units.format_rate, "speed"),
    _F("speed.cost_per_million_tokens_usd", "Cost per 1M tokens", "$/Mtok", "USD", "lower", units.format_money, "speed"),
    _F("speed.bound", "Decode bound by", "Bound", "", None, _text, "speed"),
    _F("scaling.loss", "Predicted loss", "Loss", "nats", "lower", _loss, "scaling"),
    _F("scaling.compute_optimal.params", "Compute-optimal size", "N opt", "", None, units.format_count, "scaling"),
    _F("scaling.compute_optimal.tokens", "Compute-optimal tokens", "D opt", "tokens", None, units.format_count, "scaling"),
    _F("scaling.tokens_per_param", "Tokens per parameter", "D/N", "", None, _ratio, "scaling"),
    _F("scaling.optimal_tokens_per_param", "Optimal tokens per parameter", "opt D/N", "", None, _ratio, "scaling"),
    _F("scaling.unique_tokens", "Unique tokens", "Unique", "tokens", None, units.format_count, "scaling"),
    _F("scaling.epochs", "Epochs", "Epochs", "", None, _epochs, "scaling"),
    _F("scaling.data_quality", "Data quality (assumed)", "Quality", "", None, _times, "scaling"),
    _F("scaling.effective_tokens", "Effective tokens", "D eff", "tokens", None, units.format_count, "scaling"),
    _F("scaling.inference_tokens", "Tokens served (lifetime)", "Served", "tokens", None, units.format_count,
       "scaling"),
    _F("scaling.inference_optimal.params", "Inference-aware size", "N inf", "", None, units.format_count,
       "scaling"),
    _F("scaling.inference_optimal.tokens", "Inference-aware tokens", "D inf", "tokens", None, units.format_count,
       "scaling"),
    _F("scaling.inference_optimal.saving", "Lifetime compute saved", "Saved", "fraction", "higher",
       units.format_percent, "scaling"),
    _F("budget.flops", "Budget: compute", "B FLOPs", "FLOP", None, units.format_flops, "budget"),
    _F("budget.gpu_hours", "Budget: GPU-hours", "B GPU-h", "GPU-h", None, units.format_hours, "budget"),
    _F("budget.cost_usd", "Budget: cost", "B cost", "USD", None, units.format_money, "budget"),
    _F("budget.wall_seconds", "Budget: time", "B time", "s", None, units.format_duration, "budget"),
    _F("budget.params", "Budget: optimal size", "B N opt", "", None, units.format_count, "budget"),
    _F("budget.tokens", "Budget: optimal tokens", "B D opt", "tokens", None, units.format_count, "budget"),
    _F("budget.loss", "Budget: predicted loss", "B loss", "nats", "lower", _loss, "budget"),
]

FIGURES: dict[str, Figure] = {f.key: f for f in _ALL}

# The groups a scenario's figures are shown in, in order, with their titles: the Calculator's
# results and the `paramtui estimate` table are these groups' figures in registry order.
# ("scenario" figures are inputs: columns for Compare and the exports only.) Each title fits
# the Calculator's results at 80 columns (35 characters after "── ").
GROUPS: dict[str, str] = {
    "model": "Parameters",
    "checkpoint": "Model file (from its headers)",
    "inference": "Inference memory",
    "offload": "Too big: offload to host RAM",
    "training": "Training: memory per device, compute",
    "speed": "Inference speed",
    "scaling": "Scaling law",
    "budget": "Budget plan (optimal, from scratch)",
}


def figures_of(group: str) -> list[Figure]:
    """The figures of one group, in registry order."""
    return [f for f in _ALL if f.group == group]

# Figures that only some models have (a hybrid's recurrent state, a multimodal checkpoint's
# encoders): the screens and the table leave them out where they are 0.
SHOWN_WHEN_NONZERO = frozenset({"memory.recurrent_state_bytes", "params.breakdown.encoders", "params.breakdown.mtp"})

# Figures that answer only what a scenario asks (repetition, data quality, the tokens it will
# serve): a screen lists them only when they have a value.
ONLY_WHEN_SET = frozenset({
    "scaling.unique_tokens", "scaling.epochs", "scaling.data_quality", "scaling.effective_tokens",
    "scaling.inference_tokens", "scaling.inference_optimal.params", "scaling.inference_optimal.tokens",
    "scaling.inference_optimal.saving",
})

# What the Compare table and `export` show when the session names no columns.
DEFAULT_COLUMNS = [
    "scenario.name", "params.total", "params.active", "scenario.precision", "memory.weights_bytes",
    "memory.kv_cache_bytes", "memory.inference_total_bytes", "memory.fits", "offload.mode",
    "scenario.method", "memory.training.total_bytes", "memory.training.fits", "compute.wall_seconds", "compute.cost_usd",
    "speed.decode_tokens_per_s", "speed.prefill_tokens_per_s", "scaling.loss",
]


def group_applies(est, group: str) -> bool:
    """Whether a group of figures answers something for this scenario, so the Calculator and
    the `estimate` table show it: offload only for a model too big for its devices, the
    budget plan only with a budget, training and scaling figures unless the scenario is
    inference only. (Every figure stays in the JSON and can be chosen as a column.)"""
    v = est.values
    if group == "offload":  # a unified-memory target has no host RAM to offload to: no such section
        return bool(v.get("offload.needed")) and v.get("offload.fits") is not None
    if group == "budget":
        return v.get("budget.given") is not None
    if group == "checkpoint":
        return v.get("checkpoint.format") is not None
    if group == "training":
        return v.get("scenario.purpose") != "inference"
    if group == "scaling":  # the laws describe training from scratch
        return v.get("scenario.purpose") == "pretrain"
    return True


NO_LOSS_FOR_FINETUNE = "none for a fine-tune"
FROM_SCRATCH_NOTE = "No predicted loss: the scaling laws describe training from scratch, not fine-tuning."


def get_figure(key: str) -> Figure:
    from paramtui.core.errors import UserError

    try:
        return FIGURES[key]
    except KeyError:
        import difflib

        near = difflib.get_close_matches(key, FIGURES, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else f"; known: {', '.join(FIGURES)}"
        raise UserError(f"unknown column {key!r}{hint}") from None


# What each input column is, for `e` on it (an input is set, not computed: its explanation
# says what it means and what it changes).
INPUT_MEANINGS: dict[str, str] = {
    "scenario.name": "The name tables, charts and exports show for this scenario; renaming it keeps its id.",
    "scenario.model": "The model being sized: a catalog model, a model file or folder, a parameter count or "
                      "a custom architecture. Its shape sets every other figure.",
    "scenario.precision": "The number format the weights are stored in (bf16, fp8, a GGUF or int4 "
                          "quantization): it sets the bytes per weight and the math the device runs.",
    "scenario.kv_precision": "The number format of the KV cache; left automatic it is the runtime's "
                             "activation type (16-bit, or fp32 for fp32 weights).",
    "scenario.target": "The device, or server node, the scenario runs on: its usable memory, bandwidth, "
                       "peak rates and price come from the target catalog.",
    "scenario.gpus": "How many units of the target the scenario uses (devices, or nodes for a node "
                     "target); memory and compute are spread over all of them.",
    "scenario.batch": "Sequences processed at once: requests served together for inference, the "
                      "micro-batch per device for training. Each sequence has its own KV cache.",
    "scenario.context": "Tokens per sequence (prompt and output) that memory is sized for; left automatic "
                        "it is 4,096, or less where the model reads fewer.",
    "scenario.purpose": "What the run is for: serving the model (inference only), training it from "
                        "scratch, or fine-tuning it. It decides which figures apply.",
    "scenario.method": "How training updates the model: every weight (full), or small adapters beside "
                       "frozen weights (LoRA) or beside 4-bit frozen weights (QLoRA).",
    "scenario.recompute": "Which activations the backward pass recomputes instead of keeping: "
                          "less activation memory for more compute.",
    "scenario.host_ram_bytes": "The host's RAM available for offloading a model too big for the device; "
                               "left automatic it is what the target catalog lists for the host.",
}


def explain(est, key: str) -> Explanation:
    """The explanation of one figure of an estimate; every figure has one."""
    if key in est.explanations:
        return est.explanations[key]
    fig = get_figure(key)
    if key in INPUT_MEANINGS:
        return Explanation(
            title=fig.label,
            meaning=INPUT_MEANINGS[key],
            formula="an input, not a computed figure",
            substituted=f"{fig.label} = {fig.format(est)}",
            source="the scenario's inputs",
        )
    # A computed figure with no explanation of its own has no value here: it answers a
    # question this scenario does not ask (a model file's headers, an offload, a budget).
    return Explanation(
        title=fig.label,
        meaning=f"{fig.label} does not apply to this scenario, so it has no value.",
        formula="none for this scenario",
        substituted=f"{fig.label} = {fig.format(est)}",
        source="paramtui.core.result.estimate",
    )
