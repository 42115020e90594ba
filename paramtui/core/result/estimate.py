"""One scenario in, one immutable estimate out: sizes, memory, compute, speed and scaling.

This is the only place that puts the core's pieces together. The TUI, the CLI and every
export render an `Estimate`; none of them recomputes a figure. `Estimate.values` holds every
figure under its dotted JSON key (docs/ARCHITECTURE.md, Command line), and `explanations` says how
each was computed, under the same key.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, NamedTuple


from paramtui.core.formulas import budget as budget_mod
from paramtui.core.formulas import compute as compute_mod
from paramtui.core.formulas import offload as offload_mod
from paramtui.core.formulas import inference_memory as inference_mod
from paramtui.core.formulas import training_memory as training_mod
from paramtui.core.formulas import scaling as scaling_mod
from paramtui.core.formulas import inference_aware as inference_aware_mod
from paramtui.core.formulas import speed as speed_mod
from paramtui.core.formulas import mixer_flops
from paramtui.core.model.architecture import Architecture
from paramtui.core.errors import UserError
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.model.model_file import STORED, is_model_path, model_file_stamp, stored_precision
from paramtui.core.model.model_spec import ResolvedModel, resolve_model
from paramtui.core.model.params import ParamCount
from paramtui.core.model.precision import Precision, get_kv_precision, get_precision
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import Target, get_target, speed_unknown_reason
from paramtui.core.formulas.offload import routed_expert_params
from paramtui.core.units import format_bytes, format_count, format_rate

# Tokens per parameter when a scenario names no training tokens and the model has no
# published figure: the compute-optimal ratio of Hoffmann et al. 2022 (Table 3, ~20).
DEFAULT_TOKENS_PER_PARAM = 20
DEFAULT_CONTEXT = 4096
# A fine-tune's dataset when the scenario names none: 100M tokens, the order of a typical
# instruction-tuning set (Alpaca's 52K examples are ~10M tokens, FLAN-sized mixtures reach
# billions); shown as a default so the user sets their own.
DEFAULT_FINETUNE_TOKENS = 100e6
_FROM_SCRATCH = ("The scaling laws predict the loss of a model trained from scratch; a fine-tune starts "
                 "from trained weights on other data, so no law predicts its loss and none is shown.")


# The figures a target's bandwidth and peak rates give: absent (null) where they are unknown.
NEEDS_RATES = ("speed.time_to_first_token_s", "speed.prefill_tokens_per_s", "speed.decode_tokens_per_s",
               "speed.aggregate_tokens_per_s", "speed.cost_per_million_tokens_usd", "compute.wall_seconds",
               "compute.gpu_hours", "offload.decode_tokens_per_s")


class Estimate(NamedTuple):
    """Everything paramtui says about one scenario, immutable. It and its parts (counts,
    memory, compute, speed, scaling) are NamedTuples: pydantic validates what the user edits,
    what the core computes from it is valid by construction, and a tuple is the cheapest
    immutable record to build, at start-up and thousands of times in the Deploy matrix.
    (`values` is a dict for the JSON keys; nothing writes to it after `estimate`.)"""

    scenario: Scenario
    model_name: str
    architecture: Architecture
    nominal_architecture: bool
    params: ParamCount
    precision: Precision
    kv_precision: Precision
    target: Target
    devices: int  # total devices: scenario.gpus × the target's devices per unit
    serving: Serving  # the target-independent half these figures are built on
    inference: inference_mod.InferenceMemory
    training: training_mod.TrainingMemory
    compute: compute_mod.TrainingCompute
    speed: speed_mod.SpeedEstimate | None  # None: the target's rates are unknown (`Target.rates_known`)
    scaling: scaling_mod.ScalingEstimate
    fits: bool
    memory_use_fraction: float
    values: dict[str, Any]
    explanations: Explanations

    def to_json(self) -> dict:
        """The stable nested JSON of `paramtui estimate --json`."""
        out: dict = {}
        for key, value in self.values.items():
            node = out
            *parents, leaf = key.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        return out


def default_kv_precision(precision: Precision) -> str:
    """KV cache precision when the scenario names none: what runtimes do by default.

    vLLM, llama.cpp and transformers keep the cache in the activation dtype (16-bit) even
    for quantised weights; fp32 weights compute, and cache, in fp32.
    """
    return "fp32" if precision.id == "fp32" else "bf16" if precision.id != "fp16" else "fp16"


def training_tokens(scenario: Scenario, model: ResolvedModel) -> tuple[float, str]:
    """The run's tokens and where the figure comes from."""
    if scenario.training.tokens is not None:
        return scenario.training.tokens, "set in the scenario"
    if scenario.resolved_purpose == "finetune":
        return DEFAULT_FINETUNE_TOKENS, (
            f"default: {format_count(DEFAULT_FINETUNE_TOKENS)} tokens, a typical fine-tuning dataset; "
            "set your dataset's size")
    if model.training_tokens is not None:
        return model.training_tokens, "published for this model (catalog)"
    n = model.params.total
    return DEFAULT_TOKENS_PER_PARAM * n, (
        f"not given: {DEFAULT_TOKENS_PER_PARAM} tokens per parameter, the compute-optimal ratio of "
        "Hoffmann et al. 2022 (Table 3)")


def estimate(scenario: Scenario) -> Estimate:
    """The estimate of one scenario (cached by the scenario's value: equal inputs, same object;
    a model file changed on disk since gives a new estimate)."""
    return _estimate(scenario, _model_stamp(scenario))


def _model_stamp(scenario: Scenario) -> tuple | None:
    """The stamp of the scenario's model file (size, mtime, inode), None for other models."""
    if scenario.model is not None and is_model_path(scenario.model):
        return model_file_stamp(scenario.model)
    return None


@lru_cache(maxsize=4096)
def _estimate(scenario: Scenario, _stamp: tuple | None) -> Estimate:
    est = _compute(scenario)
    _require_finite(est.values)
    return est


def _require_finite(values: dict[str, Any]) -> None:
    """Every figure is a finite number: the inputs' ranges are chosen so that none overflows,
    and should one still do, the user reads which figure, never an ∞ or NaN shown as an answer."""
    for key, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise UserError(f"{key} cannot be computed for these inputs (it overflows): "
                            "make the largest sizes smaller")


class Serving(NamedTuple):
    """What serving one scenario's model takes on any target: the model, its formats, the
    inference memory and the speed workload. Nothing here depends on the target, the device
    count, training or scaling, so the Deploy matrix computes it once per scenario and sets it
    against every target; `estimate` builds on the same object."""

    model: ResolvedModel
    precision: Precision
    kv_precision: Precision
    context: int  # tokens per sequence (`resolved_context`)
    inference: inference_mod.InferenceMemory
    workload: speed_mod.SpeedWorkload

    @property
    def architecture(self) -> Architecture:
        return self.model.architecture

    @property
    def params(self) -> ParamCount:
        return self.model.params


_SERVING: dict[tuple, Serving] = {}
_SERVING_LIMIT = 4096


def serving(s: Scenario) -> Serving:
    """The serving half of `s`'s estimate (cached by the fields it depends on)."""
    model_key = s.model if s.model is not None else s.params if s.params is not None else (
        s.name, s.architecture)  # an architecture's model takes the scenario's name
    key = (model_key, _model_stamp(s), s.precision, s.kv_precision, s.inference)
    hit = _SERVING.get(key)
    if hit is None:
        if len(_SERVING) >= _SERVING_LIMIT:
            _SERVING.clear()
        hit = _SERVING[key] = _serving(s)
    return hit


def clear_caches() -> None:
    """Forget every cached estimate (benchmarks measure the cold path with it)."""
    _estimate.cache_clear()
    _SERVING.clear()


def _serving(s: Scenario) -> Serving:
    model = resolve_model(s)
    arch = model.architecture
    precision = get_precision(s.precision)
    stored_bytes = None
    if precision.id == STORED and model.checkpoint is None and model.catalog_id is None and model.native_precision:
        precision = get_precision(model.native_precision)  # a bare config.json: what it says it stores
    if precision.id == STORED:  # the file's own types: its exact bytes
        if model.checkpoint is None:
            raise UserError("precision 'file' (as stored) needs a model file: a .gguf, .safetensors or model folder")
        precision, stored_bytes = stored_precision(model.checkpoint), model.checkpoint.weights_bytes
    kv_precision = get_kv_precision(s.kv_precision or default_kv_precision(precision))
    context = resolved_context(s, model)
    if context > arch.max_position_embeddings and arch.position_embedding_type == "learned":
        raise UserError(f"{model.name} reads at most {arch.max_position_embeddings:,} tokens "
                        f"(it has learned positions); context {context:,} is too long")
    inference = inference_mod.inference_memory(arch, model.params, precision, kv_precision,
                                            batch=s.inference.batch, context=context,
                                            stored_weights_bytes=stored_bytes)
    work = speed_workload_for(arch, model.params, precision, inference, s, context)
    return Serving(model, precision, kv_precision, context, inference, work)


def resolved_context(s: Scenario, model: ResolvedModel) -> int:
    """The scenario's context, or by default 4096 tokens capped at what the model can read."""
    if s.inference.context is not None:
        return s.inference.context
    limit = model.context_length or model.architecture.max_position_embeddings
    return min(DEFAULT_CONTEXT, limit)


def speed_workload_for(arch, params, precision, inference, s: Scenario, context: int) -> speed_mod.SpeedWorkload:
    """What the scenario's model asks of any target per prefill and decode step (the
    target-independent half of the roofline; `speed_mod.speed_timing` times it on a target)."""
    batch = s.inference.batch
    body_bytes_per_param = precision.bits_per_weight / 8
    moe = None
    if arch.is_moe:
        moe = speed_mod.MoeShape(
            num_experts=arch.num_local_experts, experts_per_token=arch.num_experts_per_tok,
            routed_expert_bytes=routed_expert_params(params, arch) * body_bytes_per_param)
    # Decode reads one row of an untied input embedding per token, not the table (a tied
    # table is read whole anyway, as the output head).
    untied_embedding = params.embedding * float(precision.part_bits("embedding")) / 8 if params.head else 0.0
    # A GGUF file's multi-token-prediction layers are held but not run: decode reads none of them.
    not_run = getattr(params, "mtp", 0) * body_bytes_per_param
    return speed_mod.speed_workload(
        active_params=params.active, weight_bytes=inference.weights_bytes,
        kv_bytes_per_token=inference.kv_cache_bytes / (batch * context),
        num_layers=arch.num_hidden_layers, hidden_size=arch.hidden_size,
        attention_dim=arch.num_attention_heads * arch.resolved_head_dim,
        compute_dtype=precision.compute_dtype, batch=batch, context=context,
        mixers=mixer_flops.mixer_costs(arch),
        runtime=s.inference.runtime, moe=moe, input_embedding_bytes=untied_embedding + not_run,
        activation_bytes=4 if precision.compute_dtype == "fp32" else 2)


def attention_shape(arch, seq_len: int) -> compute_mod.AttentionShape:
    """The attention term of training compute, summed over the model's layer kinds."""
    costs = mixer_flops.mixer_costs(arch)
    return compute_mod.AttentionShape(
        num_layers=arch.num_hidden_layers, attention_dim=arch.num_attention_heads * arch.resolved_head_dim,
        seq_len=seq_len, per_token=mixer_flops.training_flops_per_token(costs, seq_len),
        by_kind=mixer_flops.describe(costs, seq_len), note=mixer_flops.notes(costs))


def training_dtype(s: Scenario) -> str:
    """The math units training runs on: fp32 for an fp32 regime, else bf16 (mixed precision
    and pure bf16 both do their matmuls in bf16)."""
    return "fp32" if s.training.regime == "fp32" else "bf16"


def model_split(s: Scenario) -> int:
    """Devices one copy of the model is split over in training: tensor × pipeline parallel."""
    return s.training.tensor_parallel * s.training.pipeline_parallel


def check_parallel_split(s: Scenario, devices: int, split: int | None = None) -> None:
    """Training splits the devices into tensor × pipeline parallel groups, data parallel
    over the rest (Narayanan et al. 2021, section 2), so tp · pp must divide them.
    `split`: `model_split(s)` when the caller has it already."""
    if devices % (split or model_split(s)):
        t = s.training
        raise UserError(f"{devices} devices cannot be split into tensor parallel {t.tensor_parallel} × "
                        f"pipeline parallel {t.pipeline_parallel}")


def _checkpoint_values(model: ResolvedModel) -> dict[str, Any]:
    """What a model file's headers say (all null for a catalog model or a bare count)."""
    c = model.checkpoint
    if c is None:
        return dict.fromkeys(("checkpoint.format", "checkpoint.path", "checkpoint.files", "checkpoint.file_bytes",
                              "checkpoint.weights_bytes", "checkpoint.params", "checkpoint.bits_per_weight",
                              "checkpoint.types", "checkpoint.quantization", "checkpoint.difference"))
    return {
        "checkpoint.format": c.format, "checkpoint.path": c.path, "checkpoint.files": len(c.files),
        "checkpoint.file_bytes": c.file_bytes, "checkpoint.weights_bytes": c.weights_bytes,
        "checkpoint.params": c.elements, "checkpoint.bits_per_weight": float(c.bits_per_weight),
        "checkpoint.types": c.type_mix(), "checkpoint.quantization": c.quantization,
        "checkpoint.difference": model.checkpoint_note,
    }


def _as_published(weights: Explanation, model: ResolvedModel, precision: Precision) -> Explanation:
    """A catalog model's weights explanation says whether they are as its checkpoint publishes
    them, so 'mxfp4-moe' on gpt-oss reads as the released files and 'bf16' as a choice, and
    that the published one is where `estimate ID`, the pickers and a session file start."""
    from paramtui.core.validation import replace

    if precision.id == model.native_precision:
        said = f"Weights as published: {precision.name} (the default when no precision is named). "
    else:
        published = get_precision(model.native_precision).name if model.native_precision else "unknown"
        said = (f"Weights at {precision.name}; the checkpoint publishes them as {published} "
                "(the default when no precision is named). ")
    return replace(weights, meaning=said + weights.meaning)


def checkpoint_explanations(model: ResolvedModel) -> dict[str, Explanation]:
    """How a model file's figures were read (its headers, never its data)."""
    c = model.checkpoint
    files = f"{len(c.files)} file(s): {', '.join(c.files[:3])}{'…' if len(c.files) > 3 else ''}"
    source = ("GGUF header (llama.cpp docs/gguf.md: tensor infos)" if c.format == "gguf"
              else "safetensors headers (8-byte length + JSON: dtype, shape, data_offsets)")
    per_type = "; ".join(f"{t.type}: {t.tensors} tensors, {t.elements:,} weights, {t.bytes:,} B" for t in c.types)
    out = {
        "checkpoint.file_bytes": Explanation(
            title="Size on disk", meaning="The files' sizes as the file system reports them.",
            formula="Σ file sizes", substituted=f"{files} = {c.file_bytes:,} B", source="the file system"),
        "checkpoint.params": Explanation(
            title="Weights in the file", meaning="Every tensor's elements; packed quantized tensors counted "
            "unpacked, their scales and zero points left out (they are not parameters).",
            formula="Σ elements of the weight tensors",
            substituted=f"{len(c.tensor_elements)} tensors = {c.elements:,}", source=source),
        "checkpoint.bits_per_weight": Explanation(
            title="Bits per weight (exact)", meaning="What one weight costs in the files, quantization scales "
            "included.", formula="8 · Σ tensor bytes / Σ weights",
            substituted=f"8 · {c.weights_bytes:,} / {c.elements:,} = {float(c.bits_per_weight):.4f}", source=source),
        "checkpoint.types": Explanation(
            title="Tensor types", meaning="The stored types, by share of the weights.",
            formula="weights per type / all weights", substituted=per_type, source=source),
    }
    if model.checkpoint_note:
        out["checkpoint.difference"] = Explanation(
            title="Beside config.json", meaning="config.json describes the language model; the files may hold "
            "more (an encoder, extra prediction layers), attributed by tensor name.",
            formula="weights in the files − config.json's count", substituted=model.checkpoint_note, source=source)
    return out


def _compute(s: Scenario) -> Estimate:
    serve = serving(s)
    model, inference = serve.model, serve.inference
    arch, params = model.architecture, model.params
    precision, kv_precision = serve.precision, serve.kv_precision
    target = get_target(s.target)
    devices = s.gpus * target.devices
    batch, context = s.inference.batch, serve.context

    check_parallel_split(s, devices)
    t = s.training
    tp, pp = t.tensor_parallel, t.pipeline_parallel
    setup = training_mod.TrainingSetup(
        regime=t.regime, optimizer=t.optimizer, recompute=t.resolved_recompute, flash_attention=t.flash_attention,
        zero=t.zero, data_parallel=devices // (tp * pp), tensor_parallel=tp, pipeline_parallel=pp,
        method=t.method, lora_rank=t.lora_rank, micro_batch=t.micro_batch or batch, seq_len=t.seq_len or context)
    training = training_mod.training_memory(arch, params, setup)

    tokens, tokens_source = training_tokens(s, model)
    train_dtype = training_dtype(s)
    purpose = s.resolved_purpose
    fine_tune = None
    if t.method != "full":
        fine_tune = compute_mod.FineTuneShape(
            method=t.method, adapter_params=training_mod.lora_trainable_params(arch, t.lora_rank),
            tokens_per_step=setup.micro_batch * setup.seq_len)
    compute = compute_mod.training_compute(
        params.active, tokens, target, devices=devices, dtype=train_dtype,
        mfu=t.mfu or compute_mod.DEFAULT_MFU,
        attention=attention_shape(arch, t.seq_len or context),
        recompute=t.resolved_recompute, fine_tune=fine_tune, price_per_hour_usd=s.price_per_hour_usd)

    # No speed on a detected device whose rates are unknown: never one computed from a stand-in.
    speed = (speed_mod.speed_of(target, serve.workload, devices, price_per_hour_usd=s.price_per_hour_usd)
             if target.rates_known else None)

    law = s.scaling.law or scaling_mod.DEFAULT_LAW
    # One training compute everywhere: the budget the law splits is the run's own compute.
    scaling = scaling_mod.estimate_scaling(params.total, tokens, law, s.scaling.unique_tokens,
                                           compute_flops=compute.training_flops,
                                           data_quality=s.scaling.data_quality)
    serve_tokens = s.scaling.inference_tokens
    sized = (inference_aware_mod.inference_aware_size(law, scaling.loss, serve_tokens)
             if serve_tokens is not None and purpose == "pretrain" else None)

    usable = target.usable_memory_bytes * devices
    use_fraction = inference.inference_total_bytes / usable
    fits = use_fraction <= 1.0
    # Too big for the devices: the answer is the offload a runtime would do, never the speed
    # of a device that cannot hold the model.
    offload = None if fits else offload_mod.best_offload(serve, target, devices, host_memory_bytes=s.host_ram_bytes)
    runs_offloaded = offload is not None and offload.fits
    train_fits = training.total_bytes <= target.usable_memory_bytes
    plan = None
    if s.budget is not None and compute.peak_flops_per_s is not None:
        b = s.budget
        plan = budget_mod.plan_budget(
            usd=b.usd, gpu_hours=b.gpu_hours, days=b.days, flops=b.flops, devices=devices,
            peak_flops_per_s=compute.peak_flops_per_s, mfu=compute.mfu, price_per_hour_usd=compute.price_per_hour_usd,
            law=law)

    values: dict[str, Any] = {
        "scenario.id": s.id,
        "scenario.name": s.label,
        "scenario.model": model.catalog_id or model.name,
        "scenario.precision": precision.id,
        "scenario.kv_precision": kv_precision.id,
        "scenario.target": target.id,
        "scenario.gpus": s.gpus,
        "scenario.devices": devices,
        "scenario.batch": batch,
        "scenario.context": context,
        "scenario.purpose": purpose,
        "scenario.method": t.method,
        "scenario.recompute": t.resolved_recompute,
        "scenario.host_ram_bytes": s.host_ram_bytes,
        **_checkpoint_values(model),
        "params.total": params.total,
        "params.active": params.active,
        "params.nominal_shape": model.nominal_architecture,
        "params.breakdown.embedding": params.embedding,
        "params.breakdown.attention": params.attention,
        "params.breakdown.mlp": params.mlp,
        "params.breakdown.norm": params.norm,
        "params.breakdown.head": params.head,
        "params.breakdown.encoders": params.encoders,
        "params.breakdown.mtp": params.mtp or None,  # only a GGUF file with NextN layers has them
        "memory.weights_bytes": inference.weights_bytes,
        "memory.kv_cache_bytes": inference.kv_cache_bytes,
        "memory.recurrent_state_bytes": inference.recurrent_state_bytes,
        "memory.activations_bytes": inference.activations_bytes,
        "memory.overhead_bytes": inference.overhead_bytes,
        "memory.inference_total_bytes": inference.inference_total_bytes,
        "memory.per_device_bytes": -(-inference.inference_total_bytes // devices),
        "memory.usable_bytes": int(usable),
        "memory.use_fraction": use_fraction,
        "memory.fits": fits,
        "memory.training.weights_bytes": training.weights_bytes,
        "memory.training.gradients_bytes": training.gradients_bytes,
        "memory.training.optimizer_bytes": training.optimizer_bytes,
        "memory.training.activations_bytes": training.activations_bytes,
        "memory.training.total_bytes": training.total_bytes,
        "memory.training.fits": train_fits,
        "compute.training_tokens": tokens,
        "compute.training_flops": compute.training_flops,
        "compute.wall_seconds": compute.wall_seconds,
        "compute.gpu_hours": compute.gpu_hours,
        "compute.cost_usd": compute.cost_usd,
        "compute.energy_kwh": compute.energy_kwh,
        "compute.co2_kg": compute.co2_kg,
        "compute.mfu": compute.mfu,
        "scaling.law": scaling.law,
        "scaling.loss": None if purpose == "finetune" else scaling.loss,
        "scaling.compute_optimal.params": scaling.compute_optimal.params,
        "scaling.compute_optimal.tokens": scaling.compute_optimal.tokens,
        "scaling.tokens_per_param": scaling.tokens_per_param,
        "scaling.optimal_tokens_per_param": scaling.optimal_tokens_per_param,
        "scaling.extra_compute_fraction": scaling.extra_compute_fraction,
        # Repetition and data quality only where the scenario sets them (null otherwise).
        "scaling.unique_tokens": scaling.unique_tokens,
        "scaling.epochs": scaling.epochs if scaling.unique_tokens is not None else None,
        "scaling.data_quality": s.scaling.data_quality,
        "scaling.effective_tokens": (scaling.effective_tokens if scaling.unique_tokens is not None
                                     or s.scaling.data_quality is not None else None),
        "scaling.inference_tokens": serve_tokens,
        "scaling.inference_optimal.params": sized.params if sized else None,
        "scaling.inference_optimal.tokens": sized.tokens if sized else None,
        "scaling.inference_optimal.tokens_per_param": sized.tokens_per_param if sized else None,
        "scaling.inference_optimal.saving": sized.saving if sized else None,
    }
    values.update({
        "speed.runtime": serve.workload.runtime.name,
        "speed.time_to_first_token_s": speed.time_to_first_token_s if speed else None,
        "speed.prefill_tokens_per_s": speed.prefill_tokens_per_s if speed else None,
        "speed.decode_tokens_per_s": speed.decode_tokens_per_s if speed else None,
        "speed.aggregate_tokens_per_s": speed.aggregate_tokens_per_s if speed else None,
        "speed.cost_per_million_tokens_usd": speed.cost_per_million_tokens_usd if speed else None,
        "speed.bound": speed.bound if speed else None,
    })
    if not fits and speed is not None:
        rate = offload.decode_tokens_per_s if runs_offloaded else None
        values.update({
            "speed.time_to_first_token_s": None,
            "speed.prefill_tokens_per_s": None,
            "speed.decode_tokens_per_s": rate,
            "speed.aggregate_tokens_per_s": rate * batch if rate is not None else None,
            "speed.cost_per_million_tokens_usd": None,
            "speed.bound": "host memory" if rate is not None else None,
        })
    values.update({
        "offload.needed": not fits,
        # No second memory tier (unified memory, or no host listed): no offload question to answer.
        "offload.mode": ("none" if fits else offload.mode if offload is not None
                         else "none: unified memory" if target.unified_memory else "none: no host RAM listed"),
        "offload.fits": None if fits or offload is None else runs_offloaded,
        "offload.gpu_layers": offload.gpu_layers if offload is not None else None,
        "offload.cpu_layers": offload.cpu_layers if offload is not None else None,
        "offload.device_bytes": offload.device_bytes if offload is not None else None,
        "offload.host_bytes": offload.host_bytes if offload is not None else None,
        "offload.host_capacity_bytes": (int(offload.host_capacity_bytes) if offload is not None
                                        and offload.host_capacity_bytes is not None else None),
        # none where even the offload does not fit: no '13 tok/s' under 'Runs with offload: NO'
        "offload.decode_tokens_per_s": offload.decode_tokens_per_s if offload is not None and runs_offloaded else None,
    })
    values.update({
        "budget.given": plan.given if plan else None,
        "budget.flops": plan.flops if plan else None,
        "budget.gpu_hours": plan.gpu_hours if plan else None,
        "budget.wall_seconds": plan.wall_seconds if plan else None,
        "budget.cost_usd": plan.cost_usd if plan else None,
        "budget.params": plan.params if plan else None,
        "budget.tokens": plan.tokens if plan else None,
        "budget.loss": plan.loss if plan else None,
        "budget.law": plan.law if plan else None,
    })

    def explain() -> dict[str, Explanation]:
        explanations: dict[str, Explanation] = {}

        def take(prefix: str, source: dict[str, Explanation]) -> None:
            for field, explanation in source.items():  # a part's field is its figure's key under prefix
                explanations[f"{prefix}.{field}"] = explanation

        take("params", {k: v for k, v in params.explanations.items() if k in ("total", "active")})
        take("params.breakdown", {k: v for k, v in params.explanations.items() if k not in ("total", "active")})
        take("memory", inference.explanations)
        if model.catalog_id is not None and "memory.weights_bytes" in explanations:
            explanations["memory.weights_bytes"] = _as_published(explanations["memory.weights_bytes"], model, precision)
        take("memory.training", training.explanations)
        if model.checkpoint is not None:
            explanations.update(checkpoint_explanations(model))
        take("compute", compute.explanations)
        if speed is not None:
            take("speed", speed.explanations)
        take("scaling", scaling.explanations)
        if sized is not None:
            explanations.update(inference_aware_mod.explanations(sized, scaling_mod.get_law(law).name))
        explanations["compute.training_tokens"] = Explanation(
            title="Training tokens", meaning="How many tokens the training run reads.",
            formula="D", substituted=f"D = {format_count(tokens)} ({tokens_source})", source=tokens_source)
        explanations["memory.use_fraction"] = Explanation(
            title="Memory use", meaning="Inference memory as a share of what the devices can give a model.",
            formula="inference total / (usable memory per device × devices)",
            substituted=f"{format_bytes(inference.inference_total_bytes)} / ({format_bytes(target.usable_memory_bytes)} × "
                        f"{devices}) = {use_fraction:.0%}",
            source=target.source)
        explanations["memory.per_device_bytes"] = Explanation(
            title="Inference memory per device",
            meaning="The inference total spread evenly over the devices (tensor parallelism splits weights "
                    "and KV cache; each device also keeps its own runtime overhead, so this is a lower bound).",
            formula="inference total / devices",
            substituted=f"{format_bytes(inference.inference_total_bytes)} / {devices} = "
                        f"{format_bytes(values['memory.per_device_bytes'])}",
            source="Shoeybi et al. 2019 (Megatron-LM), §3: tensor parallelism partitions weights across devices")
        if speed is None:
            unknown = Explanation(
                title="Speed", meaning=f"{target.name} has no known memory bandwidth or peak rates, so no "
                "speed, time to first token or cost per token is shown (never one from a stand-in rate).",
                formula="bytes / bandwidth, FLOPs / peak", substituted=speed_unknown_reason(target),
                source=target.source)
            for key in ("time_to_first_token_s", "prefill_tokens_per_s", "decode_tokens_per_s",
                        "aggregate_tokens_per_s", "cost_per_million_tokens_usd", "bound"):
                explanations[f"speed.{key}"] = unknown
        explanations["speed.bound"] = explanations.get("speed.bound") if speed is None else Explanation(
            title="What limits decoding",
            meaning="memory: each step waits for weights and KV cache to stream from memory; compute: the "
                    "batch is large enough that arithmetic takes longer; overhead: kernel launches dominate "
                    "(small models, plain framework loops).",
            formula="the largest of bytes / bandwidth, FLOPs / peak, launches · launch time",
            substituted=f"decode is {speed.bound}-bound at batch {batch}",
            source="Williams et al. 2009, the roofline model; see speed.decode_tokens_per_s")
        if speed is not None and (compute.cost_usd is None or speed.cost_per_million_tokens_usd is None):
            no_price = Explanation(
                title="Cost", meaning=f"{target.name} has no rental price in the target catalog, so no cost "
                "is shown until the scenario gives a price per device-hour.",
                formula="GPU-hours · price per device-hour", substituted="no price for this target",
                source=target.source)
            if compute.cost_usd is None and compute.gpu_hours is not None:
                explanations["compute.cost_usd"] = no_price
            if speed.cost_per_million_tokens_usd is None:
                explanations["speed.cost_per_million_tokens_usd"] = no_price
        if t.recompute is None:  # left automatic: say what it gave and why
            from paramtui.core.inputs.options import RECOMPUTE_AUTO_SOURCE, auto_recompute_label

            explanations["scenario.recompute"] = Explanation(
                title="Activation recomputation",
                meaning="Left automatic: LoRA and QLoRA recipes turn gradient checkpointing on (full "
                        "recomputation), full training keeps every activation. Set it to override.",
                formula="full if the method is LoRA or QLoRA, else none",
                substituted=f"method {t.method} → {auto_recompute_label(t.method)}", source=RECOMPUTE_AUTO_SOURCE)
        if offload is not None:
            take("offload", offload.explanations)
            explanations["offload.mode"] = Explanation(
                title="Offload", meaning="The model does not fit the devices, so part of it runs from host RAM: "
                "'layers' keeps whole layers on the device and the CPU computes the rest (llama.cpp -ngl); "
                "'experts' keeps a mixture of experts' routed experts in host RAM (llama.cpp --cpu-moe). "
                "Of the ways that fit, the faster is shown.",
                formula="the fastest split whose device and host parts both fit",
                substituted=f"{offload.mode}: {format_bytes(offload.device_bytes)} on the device(s), "
                            f"{format_bytes(offload.host_bytes)} in host RAM; "
                            + ("it fits" if runs_offloaded else "does not fit even with offload"),
                source="paramtui.core.formulas.offload")
            explanations["offload.fits"] = explanations["offload.mode"]
            # The split's other numbers are worked out where these are: the same explanation.
            explanations["offload.device_bytes"] = explanations["offload.mode"]
            if "offload.gpu_layers" in explanations:
                explanations["offload.cpu_layers"] = explanations["offload.gpu_layers"]
            if "offload.host_bytes" in explanations:
                explanations["offload.host_capacity_bytes"] = explanations["offload.host_bytes"]
            if speed is None:
                for key in ("decode_tokens_per_s", "streamed_tokens_per_s"):
                    explanations[f"offload.{key}"] = explanations["speed.decode_tokens_per_s"]
        elif not fits:
            explanations["offload.mode"] = Explanation(
                title="Offload", meaning=f"{target.name} has no separate host RAM (its memory is unified or no "
                "host is listed), so a model too big for it cannot be offloaded.",
                formula="none", substituted="does not fit", source=target.source)
        else:
            explanations["offload.mode"] = Explanation(
                title="Offload", meaning="The model fits the devices' memory, so no part of it is offloaded "
                "to host RAM.", formula="none while inference total ≤ usable memory × devices",
                substituted=f"{format_bytes(inference.inference_total_bytes)} ≤ {format_bytes(usable)}",
                source=target.source)
        if not fits and speed is not None:
            no_speed = Explanation(
                title="Speed of a model that does not fit",
                meaning="The model does not fit the devices' memory, so they cannot run it alone. "
                + (f"With part of it in host RAM ({offload.mode} offload) a request decodes at "
                   f"{format_rate(offload.decode_tokens_per_s)}; prefill is not estimated for an offload."
                   if runs_offloaded and offload.decode_tokens_per_s is not None else
                   "It does not fit even with offload to host RAM, so it has no speed."),
                formula="the offload split's decode speed, else none",
                substituted=(f"{format_rate(offload.decode_tokens_per_s)}"
                             if runs_offloaded and offload.decode_tokens_per_s is not None else "none"),
                source="paramtui.core.formulas.offload")
            for key in ("time_to_first_token_s", "prefill_tokens_per_s", "aggregate_tokens_per_s",
                        "cost_per_million_tokens_usd", "bound"):
                explanations[f"speed.{key}"] = no_speed
            if runs_offloaded and "decode_tokens_per_s" in offload.explanations:
                explanations["speed.decode_tokens_per_s"] = offload.explanations["decode_tokens_per_s"]
            else:
                explanations["speed.decode_tokens_per_s"] = no_speed
                explanations["offload.decode_tokens_per_s"] = no_speed
        if purpose == "finetune":
            explanations["scaling.loss"] = Explanation(
                title="Predicted loss", meaning=_FROM_SCRATCH, formula="none for a fine-tune",
                substituted="not predicted", source="Hoffmann et al. 2022; Besiroglu et al. 2024 (fits on pretraining runs)")
        explanations["memory.training.fits"] = Explanation(
            title="Fits for training",
            meaning="Whether one device holds its share of the training run: weights, gradients, optimizer "
            "state and activations (inference fit is a separate figure).",
            formula="training peak per device ≤ usable memory of one device",
            substituted=(f"fits for training on {devices} × {target.name}: {'yes' if train_fits else 'no'}, needs "
                         f"{format_bytes(training.total_bytes)} per device of {format_bytes(target.usable_memory_bytes)}"),
            source=target.source)
        if plan is not None:
            take("budget", plan.explanations)
        explanations["memory.fits"] = Explanation(
            title="Fits on target",
            meaning="Whether weights, KV cache, activations and runtime overhead fit in the devices' usable memory.",
            formula="inference total ≤ usable memory × devices",
            substituted=f"{format_bytes(inference.inference_total_bytes)} {'≤' if fits else '>'} {format_bytes(usable)}",
            source=target.source)
        return explanations

    return Estimate(
        scenario=s, model_name=model.name, architecture=arch, nominal_architecture=model.nominal_architecture,
        params=params, precision=precision, kv_precision=kv_precision, target=target, devices=devices,
        serving=serve,
        inference=inference, training=training, compute=compute, speed=speed, scaling=scaling,
        fits=fits, memory_use_fraction=use_fraction, values=values, explanations=Explanations(explain))
