"""Inference speed from a roofline (Williams et al. 2009, "Roofline") plus runtime overhead.

Prefill (the prompt) is compute-bound: ~2·N_active FLOPs per token (one multiply-add per
weight; Kaplan et al. 2020 section 2.1) plus causal attention, over peak · compute
efficiency. Decode is memory-bound: each step reads every weight it uses and the KV cache
of every sequence, over bandwidth · bandwidth efficiency, until the batch is large
enough that the step's FLOPs take longer (the max of the two). A runtime adds a floor per
step: every kernel launch costs host time (kernels per layer × layers × per-kernel
overhead), which is why a plain eager framework loop decodes a 1B model no faster than a
large one (reference measurements in /work/shared/reference/measured_h100.json).

Tensor parallelism over G devices splits weights, KV and FLOPs G ways and adds two
all-reduces of the activations per layer (Shoeybi et al. 2019, "Megatron-LM", section 3),
each costing 2·(G-1)/G · bytes / link bandwidth (ring all-reduce, Patarasuk & Yuan 2009)
plus one more kernel launch.

Mixture of experts: at batch 1 a step reads only the k routed experts per layer. With B
tokens each choosing k of E experts (uniformly, independently), an expert is missed by one
token with probability 1 − k/E, by all B with (1 − k/E)^B, so the expected number of
distinct experts read is E·(1 − (1 − k/E)^B).

Calibration (never per case; see tests/core/test_speed.py for the tables and errors):
- bandwidth efficiency 0.89 = the copy bandwidth measured on an H100 (2.98 TB/s) over its
  3.35 TB/s datasheet figure (reference measured_h100.json): what a streaming kernel gets.
- optimized runtime, 4.9 µs per kernel, 22 kernels per layer: the median residual of
  llama.cpp's measured decode of LLaMA 2 7B F16 on five NVIDIA GPUs (XiongjieDai,
  GPU-Benchmarks-on-LLM-Inference, README "Overview" table) after the bandwidth term —
  the scale of a CUDA kernel launch. 22 = the kernels llama.cpp's graph runs per llama layer.
- compute efficiency 0.48 = the median of the five H100 prefill measurements in the
  reference file (transformers, sdpa, bf16) with causal attention FLOPs counted.
- eager runtime, 75 µs per op, 44 ops per layer: transformers' eager Llama decoder layer
  (two RMSNorms of ~8 ops, q/k/v/o, rotary ~10, cache concat 2, GQA repeat 2, sdpa, MLP 5,
  two residual adds) and the measured 54 ms step of Llama 3.2 1B at batch 1 on the H100.
"""

from __future__ import annotations

from typing import Annotated, Callable, Literal, NamedTuple

from paramtui.core.units import format_duration, format_si
from paramtui.core.errors import UserError
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.inputs.targets import Target, effective_dtype, peak_flops_per_s
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record
from paramtui.core.formulas import mixer_flops

REFERENCE_H100_COPY_BANDWIDTH = 2983809623025.6733  # measured_h100.json, environment
DEFAULT_BANDWIDTH_EFFICIENCY = 0.89  # = REFERENCE_H100_COPY_BANDWIDTH / 3.35e12, rounded
DEFAULT_COMPUTE_EFFICIENCY = 0.48


@record
class RuntimeProfile:
    """How close a runtime gets to the hardware, and what each step costs the host."""

    __pydantic_config__ = STRICT

    name: str
    description: str
    bandwidth_efficiency: Annotated[float, pyd.Field(gt=0, le=1)]
    compute_efficiency: Annotated[float, pyd.Field(gt=0, le=1)]
    kernels_per_layer: Annotated[int, pyd.Field(ge=0)]
    per_kernel_overhead_s: Annotated[float, pyd.Field(ge=0)]
    source: str


OPTIMIZED = RuntimeProfile(
    name="optimized",
    description="an optimized server or engine (vLLM, TensorRT-LLM, llama.cpp): fused kernels near the roofline",
    bandwidth_efficiency=DEFAULT_BANDWIDTH_EFFICIENCY,
    compute_efficiency=DEFAULT_COMPUTE_EFFICIENCY,
    kernels_per_layer=22,
    per_kernel_overhead_s=4.9e-6,
    source="calibrated on llama.cpp LLaMA 2 7B F16 decode, XiongjieDai/GPU-Benchmarks-on-LLM-Inference",
)

EAGER = RuntimeProfile(
    name="eager",
    description="a plain framework loop (transformers generate, eager PyTorch): launch-bound, one host dispatch per op",
    bandwidth_efficiency=DEFAULT_BANDWIDTH_EFFICIENCY,
    compute_efficiency=DEFAULT_COMPUTE_EFFICIENCY,
    kernels_per_layer=44,
    per_kernel_overhead_s=75e-6,
    source="calibrated on eager transformers decode of Llama 3.2 1B on H100 (reference measured_h100.json)",
)

RUNTIMES: dict[str, RuntimeProfile] = {OPTIMIZED.name: OPTIMIZED, EAGER.name: EAGER}


class MoeShape(NamedTuple):
    """What decode reads of a mixture of experts: routed experts' bytes and the routing
    (checked by `speed_workload`)."""

    num_experts: int  # routed experts per MoE layer (E)
    experts_per_token: int  # k, 1 ≤ k ≤ E
    routed_expert_bytes: float  # all routed experts of all layers, in bytes (≥ 0)


def expected_distinct_experts(num_experts: int, experts_per_token: int, tokens: int) -> float:
    """E·(1 − (1 − k/E)^B): experts a batch of B tokens touches in one layer (see module doc)."""
    if not 0 < experts_per_token <= num_experts:
        raise UserError("experts per token must be between 1 and the number of experts")
    return num_experts * (1.0 - (1.0 - experts_per_token / num_experts) ** tokens)


def resolve_runtime(runtime: str | RuntimeProfile) -> RuntimeProfile:
    if isinstance(runtime, RuntimeProfile):
        return runtime
    try:
        return RUNTIMES[runtime]
    except KeyError:
        raise UserError(f"unknown runtime '{runtime}'; use one of {', '.join(RUNTIMES)}") from None


Bound = Literal["memory", "compute", "overhead"]


class SpeedWorkload(NamedTuple):
    """What one model asks of any hardware: the target-independent half of the roofline.

    Built (and validated) by `speed_workload`, which also works out once the per-prefill and
    per-step FLOPs and bytes; `speed_timing` then divides them by one target's rates. The
    Deploy matrix builds one workload per scenario and times it on every target.
    """

    active_params: float
    weight_bytes: float
    kv_bytes_per_token: float
    num_layers: int
    hidden_size: int
    attention_dim: int
    compute_dtype: str
    batch: int
    context: int
    prompt_tokens: int
    runtime: RuntimeProfile
    bandwidth_efficiency: float
    compute_efficiency: float
    activation_bytes: int
    input_embedding_bytes: float
    moe: MoeShape | None
    # Derived once (see speed_workload):
    prefill_tokens: int  # batch · prompt
    prefill_flops: float  # 2·N·tokens + causal attention
    prefill_bytes: float  # weights + the KV written
    experts_touched: float | None  # expected distinct experts per MoE layer in one decode step
    step_bytes: float  # weights read + every sequence's KV cache, per decode step
    step_flops: float  # batch · (2·N + attention over the context), per decode step
    # Attention and recurrent-state FLOPs of the whole model, summed over its layer kinds
    # (mixer_flops); None: PaLM's terms with attention in every layer.
    attention_prefill_flops: float | None = None  # one sequence's causal prefill
    attention_step_flops: float | None = None  # one sequence's new token over `context`
    attention_note: str = ""  # what those layer-kind costs assume (mixer_flops.notes)


class SpeedTiming(NamedTuple):
    """The roofline's numbers for one workload on one target (no text): what the Deploy
    matrix reads, and what `explain_speed` turns into explanations."""

    devices: int
    peak_flops_per_s: float  # all devices, × compute efficiency
    bandwidth_bytes_per_s: float  # all devices, × bandwidth efficiency
    launches: int  # kernels per step (layers × (kernels per layer + all-reduces))
    overhead_s: float  # host launch time per pass
    prefill_compute_s: float
    prefill_memory_s: float
    prefill_s: float  # = time to first token
    prefill_bound: Bound
    memory_s: float  # decode step: bytes / bandwidth
    compute_s: float  # decode step: FLOPs / peak
    step_s: float  # decode step: max(memory, compute) + overhead + all-reduce
    bound: Bound
    prefill_tokens_per_s: float
    decode_tokens_per_s: float
    aggregate_tokens_per_s: float  # aggregate over the batch


class SpeedEstimate(NamedTuple):
    target_id: str
    devices: int
    runtime: str
    compute_dtype: str
    effective_dtype: str
    batch: int
    prompt_tokens: int
    context: int
    prefill_seconds: float
    time_to_first_token_s: float
    prefill_tokens_per_s: float
    prefill_bound: Bound
    decode_step_s: float
    decode_bytes_per_step: float
    decode_flops_per_step: float
    decode_tokens_per_s: float
    aggregate_tokens_per_s: float  # aggregate over the batch
    bound: Bound
    price_per_hour_usd: float | None
    cost_per_million_tokens_usd: float | None
    explanations: Explanations
    # The inputs and numbers the figures above were explained from (not part of the JSON):
    # a caller can re-time the same workload on another target with `speed_timing`.
    workload: SpeedWorkload
    timing: SpeedTiming


def _bound(memory_s: float, compute_s: float, overhead_s: float) -> Bound:
    """The largest of the three terms names the bound (overhead wins ties, then compute)."""
    if overhead_s >= memory_s and overhead_s >= compute_s:
        return "overhead"
    return "compute" if compute_s >= memory_s else "memory"


def speed_workload(
    *,
    active_params: float,
    weight_bytes: float,
    kv_bytes_per_token: float,
    num_layers: int,
    hidden_size: int,
    attention_dim: int,
    compute_dtype: str = "bf16",
    batch: int = 1,
    context: int = 2048,
    prompt_tokens: int | None = None,
    runtime: str | RuntimeProfile = "optimized",
    moe: MoeShape | None = None,
    input_embedding_bytes: float = 0.0,
    activation_bytes: int = 2,
    bandwidth_efficiency: float | None = None,
    compute_efficiency: float | None = None,
    mixers: tuple[mixer_flops.MixerCost, ...] | None = None,
) -> SpeedWorkload:
    """Validate one model's inputs and work out its FLOPs and bytes per prefill and per step.

    weight_bytes: all weights as stored (the precision's bytes). kv_bytes_per_token: one
    token's KV cache over all layers. context: tokens in each sequence's cache while decoding;
    prompt_tokens (default = context) is the prefill length. input_embedding_bytes: an
    untied input embedding table, of which decode reads one row per token, not all of it
    (and the bytes of layers held but not run: a GGUF file's multi-token-prediction layers).
    attention_dim: heads × head dim (the width of QK^T and AV). mixers: the model's token-mixing
    costs by layer kind (windows, chunks, recurrent layers); without them every layer is taken
    for full attention of attention_dim. Knows nothing of the target.
    """
    profile = resolve_runtime(runtime)
    bw_eff = bandwidth_efficiency if bandwidth_efficiency is not None else profile.bandwidth_efficiency
    c_eff = compute_efficiency if compute_efficiency is not None else profile.compute_efficiency
    for name, value in (("bandwidth efficiency", bw_eff), ("compute efficiency", c_eff)):
        if not 0 < value <= 1:
            raise UserError(f"{name} must be in (0, 1], got {value}")
    for name, value in (("batch", batch), ("context", context), ("layers", num_layers)):
        if value < 1:
            raise UserError(f"{name} must be at least 1, got {value}")
    if active_params <= 0 or weight_bytes <= 0 or kv_bytes_per_token < 0:
        raise UserError("parameters and weight bytes must be positive, KV bytes not negative")
    prompt = prompt_tokens if prompt_tokens is not None else context
    if prompt < 1:
        raise UserError(f"prompt tokens must be at least 1, got {prompt}")
    if moe is not None and moe.routed_expert_bytes < 0:
        raise UserError("routed expert bytes must not be negative")
    attention = None
    if mixers is not None:
        attention = (mixer_flops.prefill_flops_per_sequence(mixers, prompt),
                     mixer_flops.decode_flops_per_token(mixers, context))
    work = _derive(active_params, weight_bytes, kv_bytes_per_token, num_layers, hidden_size, attention_dim,
                   compute_dtype, batch, context, prompt, profile, bw_eff, c_eff, activation_bytes,
                   input_embedding_bytes, moe, attention)
    note = mixer_flops.notes(mixers) if mixers is not None else ""
    return work._replace(attention_note=note) if note else work


def part_of_workload(work: SpeedWorkload, *, active_params: float, weight_bytes: float,
                     kv_bytes_per_token: float, num_layers: int, moe: MoeShape | None) -> SpeedWorkload:
    """The same requests on part of the model (the device's layers of an offload split, or
    all but the routed experts): the rest of `work` was validated when it was made, so only
    the new part's FLOPs and bytes are worked out (the Deploy matrix does this per cell)."""
    if active_params <= 0 or weight_bytes <= 0 or kv_bytes_per_token < 0 or num_layers < 1:
        raise UserError("a part of a model needs parameters, weight bytes and at least one layer")
    attention = None
    if work.attention_prefill_flops is not None:  # the part's share of the layers' attention
        share = num_layers / work.num_layers
        attention = (work.attention_prefill_flops * share, work.attention_step_flops * share)
    return _derive(active_params, weight_bytes, kv_bytes_per_token, num_layers, work.hidden_size,
                   work.attention_dim, work.compute_dtype, work.batch, work.context, work.prompt_tokens,
                   work.runtime, work.bandwidth_efficiency, work.compute_efficiency, work.activation_bytes,
                   0.0, moe, attention)


def _derive(active_params: float, weight_bytes: float, kv_bytes_per_token: float, num_layers: int,
            hidden_size: int, attention_dim: int, compute_dtype: str, batch: int, context: int, prompt: int,
            profile: RuntimeProfile, bw_eff: float, c_eff: float, activation_bytes: int,
            input_embedding_bytes: float, moe: MoeShape | None,
            attention: tuple[float, float] | None = None) -> SpeedWorkload:
    # Prefill: all prompt tokens of the batch in one pass; causal attention is half of
    # PaLM's 4·L·d·s² per sequence (or the sum over the layer kinds, `attention`).
    prefill_tokens = batch * prompt
    if attention is None:
        per_sequence_prefill, per_token_step = 2.0 * num_layers * attention_dim * prompt**2, None
    else:
        per_sequence_prefill, per_token_step = attention
    attention_prefill = batch * per_sequence_prefill
    prefill_flops = 2.0 * active_params * prefill_tokens + attention_prefill
    prefill_bytes = weight_bytes + prefill_tokens * kv_bytes_per_token

    # Decode: one token for each of `batch` sequences per step. An untied input embedding
    # gives one row per token; a MoE step reads only the experts its tokens are routed to.
    weights_read = weight_bytes - input_embedding_bytes
    touched = None
    if moe is not None:
        touched = expected_distinct_experts(moe.num_experts, moe.experts_per_token, batch)
        weights_read -= moe.routed_expert_bytes * (1.0 - touched / moe.num_experts)
    step_bytes = weights_read + batch * context * kv_bytes_per_token
    if per_token_step is None:
        per_token_step = 4.0 * num_layers * attention_dim * context
    step_flops = batch * (2.0 * active_params + per_token_step)
    return SpeedWorkload(
        active_params, weight_bytes, kv_bytes_per_token, num_layers, hidden_size, attention_dim,
        compute_dtype, batch, context, prompt, profile, bw_eff, c_eff, activation_bytes,
        input_embedding_bytes, moe, prefill_tokens, prefill_flops, prefill_bytes, touched,
        step_bytes, step_flops, *(attention or (None, None)))


def link_bytes_per_s(target: Target) -> float | None:
    """The link devices of `target` all-reduce over: the interconnect (NVLink, Infinity
    Fabric), else the host link (PCIe); None for a target with neither (a phone, a laptop),
    which cannot be split across devices."""
    return target.interconnect.bytes_per_s if target.interconnect else target.host_link_bytes_per_s


def tensor_parallel_link(target: Target, devices: int) -> float:
    """`link_bytes_per_s`, or a UserError when `devices` devices of `target` cannot be joined."""
    link = link_bytes_per_s(target)
    if link is None:
        raise UserError(f"target '{target.id}' has no interconnect for {devices}-way tensor parallelism")
    return link


def _rates(target: Target, work: SpeedWorkload, devices: int | None) -> tuple[float, float, int, float, float]:
    """What `devices` devices of a target give one workload: effective peak FLOP/s and
    bandwidth (all devices, × efficiency), kernel launches per pass, their host time, and
    the all-reduce time per token (a plain tuple: the Deploy matrix asks for thousands)."""
    if devices is None:
        devices = target.devices
    elif devices < 1:
        raise UserError(f"devices must be at least 1, got {devices}")
    layers, profile = work.num_layers, work.runtime
    peak = peak_flops_per_s(target, work.compute_dtype) * devices * work.compute_efficiency
    bandwidth = target.bandwidth_bytes_per_s * devices * work.bandwidth_efficiency
    if devices > 1:
        link = tensor_parallel_link(target, devices)
        # Ring all-reduce of one token's activations, twice per layer (Megatron-LM section 3).
        allreduce_per_token_s = (2 * layers * 2 * (devices - 1) / devices * work.hidden_size
                                 * work.activation_bytes / link)
        launches = layers * (profile.kernels_per_layer + 2)
    else:
        allreduce_per_token_s = 0.0
        launches = layers * profile.kernels_per_layer
    return peak, bandwidth, launches, launches * profile.per_kernel_overhead_s, allreduce_per_token_s


def _decode_step(work: SpeedWorkload, peak: float, bandwidth: float, overhead_s: float,
                 allreduce_per_token_s: float) -> tuple[float, float, float]:
    """(memory time, compute time, step time) of one decode step: every sequence gets one token."""
    memory_s = work.step_bytes / bandwidth
    compute_s = work.step_flops / peak
    return memory_s, compute_s, max(memory_s, compute_s) + overhead_s + allreduce_per_token_s * work.batch


def decode_step_s(target: Target, work: SpeedWorkload, devices: int | None = None) -> float:
    """One decode step's time alone (`speed_timing(...).step_s` by the same `_rates` and
    `_decode_step`, without the rest): what a Deploy matrix cell and an offload split need."""
    peak, bandwidth, _, overhead_s, allreduce_per_token_s = _rates(target, work, devices)
    return _decode_step(work, peak, bandwidth, overhead_s, allreduce_per_token_s)[2]


def decode_step_timer(work: SpeedWorkload) -> Callable[[Target, int, float], float]:
    """`decode_step_s` of one workload on target after target (a Deploy matrix row): the
    workload's half of `_rates` and `_decode_step` is read once, and each call does only the
    target's half, in the same arithmetic and order, so the times are the same floats.

    The returned function takes the target, its device count (at least 1; more than one
    needs a link, see `tensor_parallel_link`) and one device's peak FLOP/s for
    `work.compute_dtype` (`targets.peak_flops_per_s`).
    """
    layers, profile, batch = work.num_layers, work.runtime, work.batch
    c_eff, bw_eff = work.compute_efficiency, work.bandwidth_efficiency
    step_bytes, step_flops = work.step_bytes, work.step_flops
    alone_s = one_device_overhead_s(work)
    split_s = layers * (profile.kernels_per_layer + 2) * profile.per_kernel_overhead_s

    def step_s(target: Target, devices: int, peak_one: float) -> float:
        peak = peak_one * devices * c_eff
        bandwidth = target.bandwidth_bytes_per_s * devices * bw_eff
        memory_s, compute_s = step_bytes / bandwidth, step_flops / peak
        if devices == 1:
            return max(memory_s, compute_s) + alone_s
        link = tensor_parallel_link(target, devices)
        allreduce_per_token_s = 2 * layers * 2 * (devices - 1) / devices * work.hidden_size * work.activation_bytes / link
        return max(memory_s, compute_s) + split_s + allreduce_per_token_s * batch

    return step_s


def one_device_overhead_s(work: SpeedWorkload) -> float:
    """The kernel launches' host time of one decode step on a single device: with the step's
    bytes and FLOPs over one device's bandwidth and peak (× efficiency) it gives that
    device's step time, max(memory, compute) + this (`decode_step_timer`)."""
    profile = work.runtime
    return work.num_layers * profile.kernels_per_layer * profile.per_kernel_overhead_s


def speed_timing(target: Target, work: SpeedWorkload, devices: int | None = None) -> SpeedTiming:
    """The roofline of `work` on `devices` devices of `target` (tensor parallel): numbers only.

    Per pass: max(bytes / (BW·eff), FLOPs / (peak·eff)) + launches · per-kernel overhead +
    two ring all-reduces per layer when split over devices (see the module docstring).
    """
    peak, bandwidth, launches, overhead_s, allreduce_per_token_s = _rates(target, work, devices)
    prefill_compute_s = work.prefill_flops / peak
    prefill_memory_s = work.prefill_bytes / bandwidth
    prefill_s = max(prefill_compute_s, prefill_memory_s) + overhead_s + allreduce_per_token_s * work.prefill_tokens
    memory_s, compute_s, step_s = _decode_step(work, peak, bandwidth, overhead_s, allreduce_per_token_s)
    return SpeedTiming(
        devices if devices is not None else target.devices, peak, bandwidth, launches, overhead_s,
        prefill_compute_s, prefill_memory_s, prefill_s, _bound(prefill_memory_s, prefill_compute_s, overhead_s),
        memory_s, compute_s, step_s, _bound(memory_s, compute_s, overhead_s), work.prefill_tokens / prefill_s,
        1.0 / step_s, work.batch / step_s)


def explain_speed(target: Target, work: SpeedWorkload, timing: SpeedTiming,
                  price_per_hour_usd: float | None = None) -> SpeedEstimate:
    """The speed result with its explanations, written from `timing`'s own numbers."""
    t = timing
    devices = t.devices
    profile = work.runtime
    price = price_per_hour_usd if price_per_hour_usd is not None else target.price_per_hour_usd
    cost_per_million = price * devices / 3600 / t.aggregate_tokens_per_s * 1e6 if price is not None else None

    def explain() -> dict[str, Explanation]:
        moe_text = ""
        if work.moe is not None:
            moe_text = f" (MoE: {work.experts_touched:.1f} of {work.moe.num_experts} experts per layer)"

        g = f"{devices}·" if devices > 1 else ""
        explanations = {
            "prefill_tokens_per_s": Explanation(
                title="Prefill speed",
                meaning="How fast the prompt is read: every prompt token in one pass, limited by arithmetic.",
                formula="tokens / (max(FLOPs / (peak·eff), weights / (BW·eff)) + launches + all-reduce)",
                substituted=(
                    f"{work.prefill_tokens} / {format_duration(t.prefill_s)} = {t.prefill_tokens_per_s:,.0f} tokens/s "
                    f"({format_si(work.prefill_flops, 'FLOP')} at {g}{format_si(t.peak_flops_per_s / devices, 'FLOP/s')} effective)"
                ),
                source="2·N FLOPs per token (Kaplan et al. 2020, section 2.1); causal attention 2·L·d·s² per sequence (PaLM appendix B, halved for the causal mask)"
                + ("; summed over the layer kinds: sliding and chunked layers see at most their window, "
                   "linear-attention and state-space layers a fixed state per token"
                   if work.attention_prefill_flops is not None else "")
                + (f". {work.attention_note}" if work.attention_note else ""),
            ),
            "time_to_first_token_s": Explanation(
                title="Time to first token",
                meaning="Waiting time before the first generated token: the whole prefill.",
                formula="prefill time",
                substituted=f"= {format_duration(t.prefill_s)}",
                source="roofline model, see prefill speed",
            ),
            "decode_tokens_per_s": Explanation(
                title="Decode speed per request",
                meaning=(
                    f"Tokens per second each user sees. Bound: {t.bound}. Every step reads the "
                    "weights it uses and each sequence's whole KV cache."
                ),
                formula="1 / (max(bytes / (BW·eff), FLOPs / (peak·eff)) + layers·kernels·overhead + all-reduce)",
                substituted=(
                    f"bytes {format_si(work.step_bytes, 'B')}{moe_text} / {format_si(t.bandwidth_bytes_per_s, 'B/s')} = "
                    f"{format_duration(t.memory_s)}; "
                    f"FLOPs {format_si(work.step_flops)} / {format_si(t.peak_flops_per_s, 'FLOP/s')} = {format_duration(t.compute_s)}; "
                    f"launches {t.launches}·{profile.per_kernel_overhead_s * 1e6:g} µs = {format_duration(t.overhead_s)} "
                    f"→ step {format_duration(t.step_s)} = {t.decode_tokens_per_s:.1f} tokens/s"
                ),
                source=f"roofline (Williams et al. 2009); runtime '{profile.name}': {profile.source}",
            ),
            "aggregate_tokens_per_s": Explanation(
                title="Decode throughput",
                meaning="Tokens per second over the whole batch: one token per sequence per step.",
                formula="batch / step time",
                substituted=f"{work.batch} / {format_duration(t.step_s)} = {t.aggregate_tokens_per_s:,.1f} tokens/s",
                source="roofline model, see decode speed per request",
            ),
        }
        if cost_per_million is not None:
            explanations["cost_per_million_tokens_usd"] = Explanation(
                title="Cost per million output tokens",
                meaning="Rental cost of the devices for the time it takes to generate a million tokens at this batch.",
                formula="price/h · devices / 3600 / (tokens/s) · 1e6",
                substituted=f"${price:.2f} · {devices} / 3600 / {t.aggregate_tokens_per_s:,.1f} · 1e6 = ${cost_per_million:,.2f}",
                source=target.price_source if price_per_hour_usd is None else "price given by the user",
            )
        return explanations

    return SpeedEstimate(
        target_id=target.id,
        devices=devices,
        runtime=profile.name,
        compute_dtype=work.compute_dtype,
        effective_dtype=effective_dtype(target, work.compute_dtype),
        batch=work.batch,
        prompt_tokens=work.prompt_tokens,
        context=work.context,
        prefill_seconds=t.prefill_s,
        time_to_first_token_s=t.prefill_s,
        prefill_tokens_per_s=t.prefill_tokens_per_s,
        prefill_bound=t.prefill_bound,
        decode_step_s=t.step_s,
        decode_bytes_per_step=work.step_bytes,
        decode_flops_per_step=work.step_flops,
        decode_tokens_per_s=t.decode_tokens_per_s,
        aggregate_tokens_per_s=t.aggregate_tokens_per_s,
        bound=t.bound,
        price_per_hour_usd=price,
        cost_per_million_tokens_usd=cost_per_million,
        explanations=Explanations(explain),
        workload=work,
        timing=t,
    )


def speed_of(target: Target, work: SpeedWorkload, devices: int | None = None,
             price_per_hour_usd: float | None = None) -> SpeedEstimate:
    """Time `work` on `target` and explain it: `explain_speed(speed_timing(...))`."""
    return explain_speed(target, work, speed_timing(target, work, devices), price_per_hour_usd)


def estimate_speed(
    target: Target,
    *,
    devices: int | None = None,
    price_per_hour_usd: float | None = None,
    **workload,
) -> SpeedEstimate:
    """Prefill and decode speed of one model on `devices` devices of `target` (tensor parallel).

    `workload` is `speed_workload`'s keyword arguments (the model's shape and the request).
    = `speed_workload` (the model's FLOPs and bytes) → `speed_timing` (the numbers on this
    target) → `explain_speed` (the same numbers in words).
    """
    return speed_of(target, speed_workload(**workload), devices, price_per_hour_usd)
