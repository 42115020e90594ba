"""Running a model larger than the device with the help of host RAM (docs/ARCHITECTURE.md, Core: memory, compute, speed;
issue 13): the two ways runtimes do it, their memory on each side and their decode speed.

- Layer split, as llama.cpp's `--n-gpu-layers` (`-ngl`) does: the first g transformer
  layers (weights and their KV cache) live on the device, the remaining L−g in host RAM
  where the CPU computes them; the token embedding stays in host RAM and the output head
  joins the device only when every layer does (llama.cpp `llama_model_load`: "offloading
  output layer to GPU" needs n_gpu_layers > n_layer). Per token, the device part reads its
  bytes at device bandwidth and the CPU part reads its bytes at host memory bandwidth;
  decode being memory-bound at small batch, time = device step + host bytes / host bandwidth.
  The alternative that streams the host-resident weights over the host link to the GPU on
  every token (accelerate's `device_map` CPU offload) is also given: its speed is set by
  the link, not by the host memory.
- Experts on CPU, for mixtures of experts (llama.cpp `--override-tensor exps=CPU`, the
  `--cpu-moe` option): attention, norms, shared experts, router, embeddings and head stay on
  the device with the whole KV cache; the routed experts sit in host RAM. A token reads only
  the k experts it is routed to, so the host part of a step reads the ACTIVE routed bytes
  (for a batch, the expected distinct experts, `speed.expected_distinct_experts`), while
  memory always holds all experts.

Unified-memory targets (Apple silicon, Jetson, phones, CPU servers) have no second tier, so
no offload applies. Discrete GPUs and nodes list a documented typical host (targets/*.toml
`notes`): a desktop card's is the whole PC (more cards share it), a datacenter GPU's is its
share of its reference server and a node's is the node's host (`host_memory_for`). The
user's own host RAM (the scenario's `host_ram_bytes`) replaces it.

Everything here reads a scenario's serving half (`estimate.Serving`: model, precision,
inference memory, speed workload), never a whole estimate, so the estimate itself can carry
the offload answer. Layer sizes are read through one function, `offload_shape`.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Callable, Literal, NamedTuple

from paramtui.core.formulas import speed as speed_mod
from paramtui.core.model.layers.network import decoder_layer_groups
from paramtui.core.model.layers.token_mixers import cached_elements
from paramtui.core.model.per_object import PerObject
from paramtui.core.model.precision import bytes_for_bits
from paramtui.core.inputs.targets import Target, peak_flops_per_s
from paramtui.core.result.explain import Explanation
from paramtui.core.units import format_bytes, format_count, format_rate
from paramtui.core.validation import record

_LLAMA_CPP_NGL = (
    "llama.cpp: --n-gpu-layers keeps the first layers on the GPU and computes the rest on the CPU "
    "from host RAM (tools/main/README.md; llama-model.cpp: the output layer is offloaded only when "
    "n_gpu_layers > n_layer, the token embedding stays in host memory)"
)
_LLAMA_CPP_MOE = (
    "llama.cpp --cpu-moe / --override-tensor \"exps=CPU\": routed expert tensors in host RAM, "
    "attention and shared tensors on the GPU (common/arg.cpp)"
)
_ACCELERATE = "Hugging Face accelerate big-model inference: device_map offload streams CPU weights to the GPU per forward"


@record
class OffloadSplit:
    """A way to run a model larger than the device with part of it in host RAM."""

    mode: Literal["layers", "experts"]
    gpu_layers: int  # transformer layers whose weights live on the device
    cpu_layers: int  # layers computed from host RAM (layers mode); MoE layers whose experts are in RAM (experts mode)
    device_bytes: int  # on the device(s): weights part, its KV cache, activations, overhead
    host_bytes: int  # in host RAM
    device_capacity_bytes: float
    host_capacity_bytes: float | None  # None when the target lists no host memory
    fits: bool  # device part fits and (when known) host part fits
    decode_tokens_per_s: float | None  # CPU computes its part from host RAM; None without host bandwidth
    streamed_tokens_per_s: float | None  # host part streamed over the host link instead (layers mode)
    explanations: dict[str, Explanation]



# -------------------------------------------------------------------------- offload


def _bytes_at(count: int, precision, part: str | None = None) -> int:
    """Bytes of `count` weights of one part (None: the quantised body) at the precision's bits
    for it: the arithmetic of `precision.weights_bytes`."""
    if not count:
        return 0
    return bytes_for_bits((count, precision.exact_bits if part is None else precision.part_bits(part)))


def _layers(serve) -> int:
    arch = serve.architecture
    return arch.num_hidden_layers + (arch.num_decoder_layers or arch.num_hidden_layers if arch.is_encoder_decoder else 0)


def offload_applies(target: Target) -> bool:
    """Whether a model too big for `target` can run with part of it in host RAM: a device with
    memory of its own (not unified) whose target lists a host tier. The user's host RAM figure
    replaces the size of that tier, never creates one: targets without one (TPUs) run no
    runtime paramtui models an offload for (see their notes)."""
    return not target.unified_memory and target.host_memory_bytes is not None


def host_memory_for(target: Target, devices: int, override: float | None = None) -> float | None:
    """Host RAM available to an offload on `devices` devices of `target` (None: not listed).

    A desktop card's host figure is the PC it sits in: more cards share that one PC. A
    datacenter GPU's figure is its share of its server, and a node's is the node's host, so
    `devices` of them bring devices / (devices per target) shares. `override` is the user's
    own figure for the whole host.
    """
    if override is not None:
        return override
    if target.host_memory_bytes is None:
        return None
    return target.host_memory_bytes * _host_shares(target, devices)


def host_bandwidth_for(target: Target, devices: int, override: float | None = None) -> float | None:
    """Host memory bandwidth behind `devices` devices of `target`, shared as `host_memory_for`."""
    if override is not None:
        return override
    if target.host_bandwidth_bytes_per_s is None:
        return None
    return target.host_bandwidth_bytes_per_s * _host_shares(target, devices)


def _host_shares(target: Target, devices: int) -> float:
    return 1.0 if target.kind == "desktop-gpu" else devices / target.devices


class OffloadShape(NamedTuple):
    """One scenario's sizes for both offload splits (target-independent, worked out once)."""

    work: speed_mod.SpeedWorkload  # the scenario's own decode workload
    layers: int
    embedding: int  # bytes of the token embedding (stays in host RAM in a layer split)
    head: int  # bytes of an untied output head
    layer_weights: float  # one layer's weights, bytes (average over the layers)
    layer_kv: float  # one layer's KV cache for the whole batch, bytes
    fixed: int  # activations + runtime overhead (on the device)
    layer_read: float  # bytes a CPU layer reads per decode step: active weights + its KV
    num_experts: int
    experts_per_token: int
    routed_total: int  # routed-expert parameters, all experts (0 for a dense model)
    routed_active: int  # those one token is routed to
    expert_bytes: int  # routed experts' bytes: what "experts on CPU" puts in host RAM
    expert_device_weights: int
    expert_device_bytes: int  # everything else + KV + activations + overhead
    expert_host_read: float  # routed bytes the batch touches per step
    expert_device_work: speed_mod.SpeedWorkload | None
    # The last g layers' bytes, g = 0..L (llama.cpp puts the last layers on the device):
    # weights, KV cache, and what a decode step reads of them. None when every layer is alike,
    # where g·(one layer) says the same exactly.
    last_weights: tuple[float, ...] | None = None
    last_kv: tuple[float, ...] | None = None
    last_read: tuple[float, ...] | None = None
    last_bytes: tuple[float, ...] | None = None  # weights + KV of the last g layers

    def device_kv_share(self, g: int) -> float:
        """The device layers' share of the KV cache (layers of different sizes)."""
        total = self.device_kv(self.layers)
        return self.device_kv(g) / total if total else 0.0

    def device_weights(self, g: int) -> float:
        """Weights of the g layers on the device."""
        return g * self.layer_weights if self.last_weights is None else self.last_weights[g]

    def device_kv(self, g: int) -> float:
        return g * self.layer_kv if self.last_kv is None else self.last_kv[g]

    def host_weights(self, g: int) -> float:
        """Weights of the layers left on the host when g are on the device."""
        if self.last_weights is None:
            return (self.layers - g) * self.layer_weights
        return self.last_weights[-1] - self.last_weights[g]

    def host_kv(self, g: int) -> float:
        return (self.layers - g) * self.layer_kv if self.last_kv is None else self.last_kv[-1] - self.last_kv[g]

    def host_read(self, g: int) -> float:
        """Bytes the host layers' decode step reads (active weights and KV cache)."""
        return (self.layers - g) * self.layer_read if self.last_read is None else self.last_read[-1] - self.last_read[g]


def _last_sums(values: list[float]) -> tuple[float, ...]:
    """(0, last value, last two, …, all): the bytes of the last g layers for g = 0..L."""
    return tuple(accumulate(reversed(values), initial=0.0))


class _LayerProfile(NamedTuple):
    """What `_layer_sizes` reads of an architecture alone, per decoder layer, first layer
    first: its parameters, its routed-expert parameters, and the KV width and window that
    size its cache at a context."""

    params: tuple[int, ...]
    total_params: int
    routed: tuple[int, ...]
    total_routed: int
    kv: tuple[object, ...]  # each layer's token mixer, for the elements it caches


def _layer_profile(arch) -> _LayerProfile | None:
    """The architecture's layer profile, None when every decoder layer is alike (or for an
    encoder-decoder). Worked out once per architecture object, as its network is: the Deploy
    matrix asks for it for every scenario of the model."""
    return _PROFILES(arch)


def _work_out_layer_profile(arch) -> _LayerProfile | None:
    groups = decoder_layer_groups(arch)
    profile = None
    if len(set(map(id, groups))) >= 2:
        hidden = arch.hidden_size
        params = {g: g.mixer_params() + g.channel.params() + g.norm_params(hidden) for g in set(groups)}
        routed = {g: g.channel.routed_params() if g.channel.kind == "moe" else 0 for g in set(groups)}
        profile = _LayerProfile(
            params=tuple(params[g] for g in groups), total_params=sum(params[g] for g in groups),
            routed=tuple(routed[g] for g in groups), total_routed=sum(routed[g] for g in groups),
            kv=tuple(g.mixer for g in groups))
    return profile


_PROFILES: PerObject[object, _LayerProfile | None] = PerObject(_work_out_layer_profile)


def _layer_sizes(serve, body_bytes: float, expert_bytes: int, untouched: float):
    """Each decoder layer's weights, KV cache and decode-step read, first layer first, from
    its own kind (issue 14): a hybrid's attention layers hold KV that its recurrent layers do
    not, a sliding layer at most its window, a MoE layer its experts. Weights are split over
    the layers by their parameter counts, the KV cache by the tokens each layer keeps; None
    when every layer is alike (or for an encoder-decoder)."""
    profile = _layer_profile(serve.architecture)
    if profile is None:
        return None
    context = serve.context
    kv_elements = [cached_elements(mixer, context) for mixer in profile.kv]
    total_kv = sum(kv_elements)
    kv_bytes = serve.inference.kv_cache_bytes
    total_params, total_routed = profile.total_params, profile.total_routed
    weights = [body_bytes * p / total_params for p in profile.params]
    kv = [kv_bytes * k / total_kv if total_kv else 0.0 for k in kv_elements]
    experts = [expert_bytes * r / total_routed if total_routed else 0.0 for r in profile.routed]
    read = [w - e * untouched + k for w, e, k in zip(weights, experts, kv)]
    return (_last_sums(weights), _last_sums(kv), _last_sums(read),
            _last_sums([w + k for w, k in zip(weights, kv)]))


def offload_shape(serve) -> OffloadShape:
    """The sizes both splits work from, for a scenario's serving half (`estimate.Serving`):
    the one place offload reads the size of a layer (each layer's own, `_layer_sizes`; the
    averages are what the explanations quote)."""
    arch = serve.architecture
    inf = serve.inference
    work: speed_mod.SpeedWorkload = serve.workload
    layers = _layers(serve)
    embedding = _bytes_at(serve.params.embedding, serve.precision, "embedding")
    head = _bytes_at(serve.params.head, serve.precision, "head")
    layer_weights = (inf.weights_bytes - embedding - head) / layers
    layer_kv = inf.kv_cache_bytes / layers
    fixed = inf.activations_bytes + inf.overhead_bytes
    routed_total, routed_active = routed_and_active_params(serve.params, arch)
    expert_bytes = _bytes_at(routed_total, serve.precision)  # expert matrices are quantised body
    # A step of a MoE reads, of each layer's routed experts, the share its tokens touch
    # (`speed.expected_distinct_experts`); the experts are averaged over the layers like the weights.
    untouched = 0.0
    if routed_total:
        untouched = 1.0 - work.experts_touched / arch.num_local_experts
    layer_read = layer_weights - expert_bytes / layers * untouched + layer_kv
    expert_device_weights = inf.weights_bytes - expert_bytes
    expert_device_work = None
    if routed_total:
        expert_device_work = speed_mod.part_of_workload(
            work, active_params=max(serve.params.active - routed_active, 1.0), weight_bytes=expert_device_weights,
            kv_bytes_per_token=work.kv_bytes_per_token, num_layers=layers, moe=None)
    sizes = _layer_sizes(serve, inf.weights_bytes - embedding - head, expert_bytes, untouched)
    last_weights, last_kv, last_read, last_bytes = sizes if sizes is not None else (None,) * 4
    return OffloadShape(
        last_weights=last_weights, last_kv=last_kv, last_read=last_read, last_bytes=last_bytes,
        work=work, layers=layers, embedding=embedding, head=head, layer_weights=layer_weights,
        layer_kv=layer_kv, fixed=fixed, layer_read=layer_read,
        num_experts=arch.num_local_experts if routed_total else 0,
        experts_per_token=arch.num_experts_per_tok if routed_total else 0,
        routed_total=routed_total, routed_active=routed_active, expert_bytes=expert_bytes,
        expert_device_weights=expert_device_weights,
        expert_device_bytes=expert_device_weights + inf.kv_cache_bytes + fixed,
        expert_host_read=expert_bytes * (1.0 - untouched), expert_device_work=expert_device_work)


class LayerPlacement(NamedTuple):
    capacity: float
    room: float
    gpu_layers: int
    cpu_layers: int
    head_on_gpu: bool
    device_bytes: int
    host_bytes: int
    host_capacity: float | None
    fits: bool


def layer_placement(shape: OffloadShape, target: Target, devices: int,
                     host_capacity: float | None) -> LayerPlacement:
    """As many whole layers as fit on the device(s): g = ⌊(usable − activations − overhead) /
    (w + k)⌋ with w a layer's weights and k its KV cache, at most L; the head joins only
    when every layer does and room is left for it (llama.cpp)."""
    capacity = target.usable_memory_bytes * devices
    room, gpu_layers, head_on_gpu, on_device, host_bytes, fits = _place(shape, capacity, host_capacity)
    device_bytes = round(on_device + shape.fixed + (shape.head if head_on_gpu else 0))
    return LayerPlacement(capacity, room, gpu_layers, shape.layers - gpu_layers, head_on_gpu, device_bytes,
                          host_bytes, host_capacity, fits)


def _place(shape: OffloadShape, capacity: float, host_capacity: float | None) -> tuple[float, int, bool, float, int, bool]:
    """`layer_placement`'s numbers (room, g, head on the device, the device layers' bytes,
    host bytes, fits), without the record: the Deploy matrix asks for one per offload cell."""
    layers = shape.layers
    room = capacity - shape.fixed
    if shape.last_bytes is None:  # every layer alike
        per_layer = shape.layer_weights + shape.layer_kv
        gpu_layers = max(0, min(layers, int(room // per_layer))) if room > 0 else 0
        on_device, on_host = gpu_layers * per_layer, (layers - gpu_layers) * per_layer
    else:  # layers of different sizes: as many of the last layers as fit
        gpu_layers = bisect_right(shape.last_bytes, room) - 1 if room > 0 else 0
        on_device, on_host = shape.last_bytes[gpu_layers], shape.last_bytes[-1] - shape.last_bytes[gpu_layers]
    head_on_gpu = gpu_layers == layers and room - on_device >= shape.head
    host_bytes = round(on_host + shape.embedding + (0 if head_on_gpu else shape.head))
    fits = room > 0 and host_capacity is not None and host_bytes <= host_capacity
    return room, gpu_layers, head_on_gpu, on_device, host_bytes, fits


class LayerSpeed(NamedTuple):
    device_s: float  # the device layers' part of a decode step
    host_read: float  # bytes the CPU reads per step
    host_bandwidth: float | None
    cpu_rate: float | None  # tok/s with the CPU computing its layers
    streamed_bytes: float
    link_bandwidth: float | None
    streamed_rate: float | None  # tok/s streaming the host layers over the host link instead


def layer_speed(shape: OffloadShape, p: LayerPlacement, target: Target, devices: int,
                 host_bw: float | None) -> LayerSpeed:
    """Decode being memory-bound at small batch: device step (the speed roofline on the
    device's layers) + host bytes / (host bandwidth · efficiency); and the alternative that
    streams the host layers over the host link."""
    work = shape.work
    device_s, host_read, cpu_rate = layer_cpu_rate(shape, p, target, devices, host_bw)
    bw_eff = work.bandwidth_efficiency
    head = 0 if p.head_on_gpu else shape.head
    # Streaming moves every host-resident weight byte (all experts, not only the active
    # ones: the GPU cannot know the routing before the layer runs) over each device's link.
    streamed_bytes = shape.host_weights(p.gpu_layers) + head
    link = target.host_link_bytes_per_s
    link_bw = streamed = None
    if link is not None and target.rates_known:
        link_bw = min(link * devices, host_bw) if host_bw is not None else link * devices
        streamed = 1.0 / (device_s + shape.host_kv(p.gpu_layers) / (target.bandwidth_bytes_per_s * devices * bw_eff)
                          + streamed_bytes / (link_bw * bw_eff))
    return LayerSpeed(device_s, host_read, host_bw, cpu_rate, streamed_bytes, link_bw, streamed)


def layer_cpu_rate(shape: OffloadShape, p: LayerPlacement, target: Target, devices: int,
                    host_bw: float | None) -> tuple[float, float, float | None]:
    """(device step, bytes the CPU reads per step, tok/s with the CPU computing its layers):
    the part of `layer_speed` a matrix cell needs."""
    if not target.rates_known:  # a detected device the catalog lacks: no speed, not a stand-in's
        host_bw = None
    device_work = layer_device_work(shape, p.gpu_layers, p.head_on_gpu) if target.rates_known else None
    device_s = speed_mod.decode_step_s(target, device_work, devices) if device_work is not None else 0.0
    return _layer_cpu_rate(shape, p, device_s, host_bw)


def _layer_cpu_rate(shape: OffloadShape, p: LayerPlacement, device_s: float,
                    host_bw: float | None) -> tuple[float, float, float | None]:
    host_read = _host_read(shape, p.gpu_layers, p.head_on_gpu)
    cpu_rate = _cpu_rate(shape, host_read, device_s, host_bw) if host_bw is not None else None
    return device_s, host_read, cpu_rate


def _host_read(shape: OffloadShape, g: int, head_on_gpu: bool) -> float:
    return shape.host_read(g) + (0 if head_on_gpu else shape.head)


def _cpu_rate(shape: OffloadShape, host_read: float, device_s: float, host_bw: float) -> float:
    """tok/s of a layer split: the device step, then the CPU reading its layers' `host_read`
    bytes from host RAM."""
    return 1.0 / (device_s + host_read / (host_bw * shape.work.bandwidth_efficiency))


def layer_device_work(shape: OffloadShape, g: int, head_on_gpu: bool) -> speed_mod.SpeedWorkload | None:
    """The decode workload of the g device layers (and the head when it is there); None
    when no layer is on the device. It depends on the split alone, not on the target."""
    if g < 1:
        return None
    work = shape.work
    moe = None
    if shape.expert_bytes:
        moe = speed_mod.MoeShape(shape.num_experts, shape.experts_per_token, shape.expert_bytes * g / shape.layers)
    return speed_mod.part_of_workload(
        work, active_params=max(work.active_params * g / shape.layers, 1.0),
        weight_bytes=shape.device_weights(g) + (shape.head if head_on_gpu else 0),
        kv_bytes_per_token=(work.kv_bytes_per_token * g / shape.layers if shape.last_kv is None
                            else work.kv_bytes_per_token * shape.device_kv_share(g)), num_layers=g, moe=moe)


def layer_offload(serve, target: Target, devices: int, *,
                  host_memory_bytes: float | None = None,
                  host_bandwidth_bytes_per_s: float | None = None) -> OffloadSplit | None:
    """llama.cpp-style partial offload: as many whole layers as fit on the device(s).

    None where no offload applies (`offload_applies`). The split is solved exactly: with w the
    bytes of one layer's weights and k its share of the KV cache, g = ⌊(usable − activations −
    overhead) / (w + k)⌋, capped at the layer count. `host_memory_bytes` and
    `host_bandwidth_bytes_per_s` replace the target's host (the whole host, not a share).
    """
    if not offload_applies(target):
        return None
    shape = offload_shape(serve)
    p = layer_placement(shape, target, devices, host_memory_for(target, devices, host_memory_bytes))
    sp = layer_speed(shape, p, target, devices, host_bandwidth_for(target, devices, host_bandwidth_bytes_per_s))
    bw_eff = shape.work.bandwidth_efficiency
    head = 0 if p.head_on_gpu else shape.head
    explanations = {
        "gpu_layers": Explanation(
            title="Layers on the device",
            meaning="Whole transformer layers (weights and their KV cache) that fit in device memory "
            "beside the activations and runtime overhead; the rest run on the CPU from host RAM.",
            formula=("g = ⌊(usable − activations − overhead) / (layer weights + layer KV)⌋, at most L"
                     if shape.last_bytes is None else
                     "g = the most of the last layers whose own weights + KV fit in usable − activations − overhead"),
            substituted=(
                f"⌊({format_bytes(p.capacity)} − {format_bytes(shape.fixed)}) / ({format_bytes(shape.layer_weights)} + "
                f"{format_bytes(shape.layer_kv)})⌋ = {p.gpu_layers} of {shape.layers}"
                if shape.last_bytes is None else
                f"the last {p.gpu_layers} of {shape.layers} layers hold {format_bytes(shape.last_bytes[p.gpu_layers])} "
                f"≤ {format_bytes(p.capacity)} − {format_bytes(shape.fixed)} (layers differ: attention and "
                "recurrent, dense and expert layers each at their own size)"
            ),
            source=_LLAMA_CPP_NGL,
        ),
        "host_bytes": Explanation(
            title="Host RAM needed",
            meaning="The CPU-resident layers with their KV cache, the token embedding, and the output "
            "head unless every layer is on the device.",
            formula="(L − g)·(layer weights + layer KV) + embedding + head" if shape.last_bytes is None
            else "the first L − g layers' weights + KV + embedding + head",
            substituted=(
                (f"{p.cpu_layers}·({format_bytes(shape.layer_weights)} + {format_bytes(shape.layer_kv)})"
                 if shape.last_bytes is None else
                 format_bytes(shape.last_bytes[-1] - shape.last_bytes[p.gpu_layers]))
                + f" + {format_bytes(shape.embedding)} + {format_bytes(head)} = {format_bytes(p.host_bytes)}"
                + (f" of {format_bytes(p.host_capacity)}" + _host_source(target, host_memory_bytes)
                   if p.host_capacity is not None else " (the target lists no host memory)")
            ),
            source=_LLAMA_CPP_NGL,
        ),
        "decode_tokens_per_s": Explanation(
            title="Decode speed with layers on the CPU",
            meaning="Each token passes the device layers at device speed, then the CPU layers, which "
            "read their weights (the routed experts' touched share for a MoE) and KV cache from host RAM.",
            formula="1 / (device step + host bytes / (host bandwidth · efficiency))",
            substituted=(
                f"1 / ({sp.device_s * 1e3:.3g} ms + {format_bytes(sp.host_read)} / "
                f"({format_bytes(sp.host_bandwidth)}/s · {bw_eff})) = {format_rate(sp.cpu_rate)}"
                if sp.cpu_rate is not None else "the target lists no host memory bandwidth"
            ),
            source=f"{_LLAMA_CPP_NGL}; bandwidth efficiency and device step: paramtui.core.formulas.speed",
        ),
        "streamed_tokens_per_s": Explanation(
            title="Decode speed streaming weights over the host link",
            meaning="The alternative: keep the CPU layers in RAM but copy them to the GPU for every "
            "token. The host link (PCIe) is usually far slower than host RAM, so this is slower.",
            formula="1 / (device step + host weights / (min(link · devices, host bandwidth) · efficiency))",
            substituted=(
                f"host weights {format_bytes(sp.streamed_bytes)} over {format_bytes(sp.link_bandwidth)}/s → "
                f"{format_rate(sp.streamed_rate)}" if sp.streamed_rate is not None
                else "the target lists no host link"
            ),
            source=_ACCELERATE,
        ),
    }
    return OffloadSplit(
        mode="layers", gpu_layers=p.gpu_layers, cpu_layers=p.cpu_layers, device_bytes=p.device_bytes,
        host_bytes=p.host_bytes, device_capacity_bytes=p.capacity, host_capacity_bytes=p.host_capacity,
        fits=p.fits, decode_tokens_per_s=sp.cpu_rate, streamed_tokens_per_s=sp.streamed_rate,
        explanations=explanations,
    )


def _host_source(target: Target, override: float | None) -> str:
    if override is not None:
        return " (host RAM set by you)"
    return f" (typical host assumed for {target.id}; see its notes)"


def routed_expert_params(params, arch) -> int:
    """All routed experts' parameters, from total − active = routed · (1 − k/E) (see params.py;
    a GGUF file's multi-token-prediction layers, not run, are outside active and left out)."""
    if not arch.is_moe or arch.num_experts_per_tok >= arch.num_local_experts:
        return 0
    return round((params.total - getattr(params, "mtp", 0) - params.active) * arch.num_local_experts
                 / (arch.num_local_experts - arch.num_experts_per_tok))


def routed_and_active_params(params, arch) -> tuple[int, int]:
    """(all routed-expert parameters, those one token is routed to: their k/E share)."""
    routed = routed_expert_params(params, arch)
    if routed == 0:
        return 0, 0
    return routed, round(routed * arch.num_experts_per_tok / arch.num_local_experts)


def expert_fits(shape: OffloadShape, target: Target, devices: int, host_capacity: float | None) -> bool:
    return (shape.expert_device_bytes <= target.usable_memory_bytes * devices
            and host_capacity is not None and shape.expert_bytes <= host_capacity)


def expert_speed(shape: OffloadShape, target: Target, devices: int,
                  host_bw: float | None) -> tuple[float, float | None]:
    """(device step, tok/s): the speed roofline on what stays on the device, then the CPU
    reading the routed experts the batch touches from host RAM."""
    if not target.rates_known:  # a detected device the catalog lacks: no speed, not a stand-in's
        return 0.0, None
    device_s = speed_mod.decode_step_s(target, shape.expert_device_work, devices)
    if host_bw is None:
        return device_s, None
    return device_s, _expert_rate(shape, device_s, host_bw)


def _expert_rate(shape: OffloadShape, device_s: float, host_bw: float) -> float:
    return 1.0 / (device_s + shape.expert_host_read / (host_bw * shape.work.bandwidth_efficiency))


def expert_offload(serve, target: Target, devices: int, *,
                   host_memory_bytes: float | None = None,
                   host_bandwidth_bytes_per_s: float | None = None) -> OffloadSplit | None:
    """MoE "experts on CPU": everything but the routed experts on the device, experts in RAM.

    None for dense models and where no offload applies (`offload_applies`).
    """
    if not offload_applies(target):
        return None
    shape = offload_shape(serve)
    if shape.routed_total == 0:
        return None
    inf = serve.inference
    capacity = target.usable_memory_bytes * devices
    host_capacity = host_memory_for(target, devices, host_memory_bytes)
    host_bw = host_bandwidth_for(target, devices, host_bandwidth_bytes_per_s)
    fits = expert_fits(shape, target, devices, host_capacity)
    device_s, rate = expert_speed(shape, target, devices, host_bw)
    touched = shape.work.experts_touched
    bw_eff = shape.work.bandwidth_efficiency
    moe_layers = serve.architecture.num_moe_layers
    explanations = {
        "device_bytes": Explanation(
            title="Device memory, experts on CPU",
            meaning="Attention, norms, router, shared experts, embeddings and head stay on the device "
            "with the whole KV cache; only the routed experts move to host RAM.",
            formula="weights − routed experts + KV cache + activations + overhead",
            substituted=(
                f"{format_bytes(inf.weights_bytes)} − {format_bytes(shape.expert_bytes)} + "
                f"{format_bytes(inf.kv_cache_bytes)} + {format_bytes(shape.fixed)} = "
                f"{format_bytes(shape.expert_device_bytes)} of {format_bytes(capacity)}"
            ),
            source=_LLAMA_CPP_MOE,
        ),
        "host_bytes": Explanation(
            title="Host RAM for the routed experts",
            meaning="Memory always holds every expert, even though a token uses only a few.",
            formula="routed expert parameters · bytes per weight",
            substituted=(
                f"{format_count(shape.routed_total)} params → {format_bytes(shape.expert_bytes)}"
                + (f" of {format_bytes(host_capacity)}" + _host_source(target, host_memory_bytes)
                   if host_capacity is not None else " (the target lists no host memory)")
            ),
            source=_LLAMA_CPP_MOE,
        ),
        "decode_tokens_per_s": Explanation(
            title="Decode speed, experts on CPU",
            meaning="The CPU reads only the experts the tokens are routed to — active, not total "
            "parameters — so a large MoE runs much faster this way than a dense model of its size.",
            formula="1 / (device step + routed bytes · touched/E / (host bandwidth · efficiency))",
            substituted=(
                f"touched {touched:.2f} of {shape.num_experts} experts in {moe_layers} layers: "
                f"{format_bytes(shape.expert_host_read)} (active {format_count(shape.routed_active)} params) / "
                f"({format_bytes(host_bw)}/s · {bw_eff}) + device {device_s * 1e3:.3g} ms → {format_rate(rate)}"
                if rate is not None else "the target lists no host memory bandwidth"
            ),
            source=f"{_LLAMA_CPP_MOE}; expected distinct experts: paramtui.core.formulas.speed",
        ),
    }
    return OffloadSplit(
        mode="experts", gpu_layers=shape.layers, cpu_layers=moe_layers,
        device_bytes=shape.expert_device_bytes, host_bytes=shape.expert_bytes, device_capacity_bytes=capacity,
        host_capacity_bytes=host_capacity, fits=fits, decode_tokens_per_s=rate, streamed_tokens_per_s=None,
        explanations=explanations,
    )


# --------------------------------------------------------------------------- detail


class OffloadRates:
    """The numbers of `best_offload` without its text, for one scenario on target after
    target (a Deploy matrix row): `best(...)` is (some offload fits device and host, the
    fastest fitting one's decode tok/s).

    What does not depend on the target is worked out once and kept: the device part's
    workload of each layer split met (targets of a size share their split) and the step
    timers of it and of the experts-on-CPU device part (`speed.decode_step_timer`, the same
    floats as `speed.decode_step_s`)."""

    __slots__ = ("shape", "_layer_splits", "_expert_timer")

    def __init__(self, shape: OffloadShape) -> None:
        self.shape = shape
        # (g, head on the device) → (the device part's step timer or None, bytes the CPU reads per step)
        self._layer_splits: dict[tuple[int, bool], tuple[Callable[[Target, int, float], float] | None, float]] = {}
        self._expert_timer = None

    def best(self, target: Target, devices: int, host_capacity: float | None,
             host_bw: float | None) -> tuple[bool, float | None]:
        shape = self.shape
        runs, best = False, None
        _, gpu_layers, head_on_gpu, _, _, fits = _place(shape, target.usable_memory_bytes * devices, host_capacity)
        if fits:
            runs, best = True, self._layer_rate(gpu_layers, head_on_gpu, target, devices, host_bw)
        if shape.expert_bytes and expert_fits(shape, target, devices, host_capacity):
            rate = self._expert_rate(target, devices, host_bw)
            if not runs or (rate or 0.0) > (best or 0.0):
                best = rate
            runs = True
        return runs, best

    def _layer_rate(self, g: int, head_on_gpu: bool, target: Target, devices: int,
                    host_bw: float | None) -> float | None:
        """`layer_cpu_rate(...)[2]` of the split with g layers (and the head) on the device."""
        if not target.rates_known or host_bw is None:
            return None
        split = self._layer_splits.get((g, head_on_gpu))
        if split is None:
            work = layer_device_work(self.shape, g, head_on_gpu)
            split = self._layer_splits[(g, head_on_gpu)] = (
                speed_mod.decode_step_timer(work) if work is not None else None, _host_read(self.shape, g, head_on_gpu))
        timer, host_read = split
        device_s = timer(target, devices, peak_flops_per_s(target, self.shape.work.compute_dtype)) if timer else 0.0
        return _cpu_rate(self.shape, host_read, device_s, host_bw)

    def _expert_rate(self, target: Target, devices: int, host_bw: float | None) -> float | None:
        """`expert_speed(...)[1]`."""
        if not target.rates_known or host_bw is None:
            return None
        shape = self.shape
        if self._expert_timer is None:
            self._expert_timer = speed_mod.decode_step_timer(shape.expert_device_work)
        device_s = self._expert_timer(target, devices, peak_flops_per_s(target, shape.expert_device_work.compute_dtype))
        return _expert_rate(shape, device_s, host_bw)


def best_offload(serve, target: Target, devices: int, *, host_memory_bytes: float | None = None,
                 host_bandwidth_bytes_per_s: float | None = None) -> OffloadSplit | None:
    """The split a user would run: of those that fit device and host, the fastest (the same
    choice as `OffloadRates.best`); when none fits, the layer split, which says how far off it
    is. None where no offload applies (`offload_applies`)."""
    kw = dict(host_memory_bytes=host_memory_bytes, host_bandwidth_bytes_per_s=host_bandwidth_bytes_per_s)
    splits = [x for x in (layer_offload(serve, target, devices, **kw), expert_offload(serve, target, devices, **kw))
              if x is not None]
    fitting = [x for x in splits if x.fits]
    if fitting:
        # Ties (or no host bandwidth) keep the first, as `OffloadRates.best` does.
        best = fitting[0]
        for x in fitting[1:]:
            if (x.decode_tokens_per_s or 0.0) > (best.decode_tokens_per_s or 0.0):
                best = x
        return best
    return splits[0] if splits else None
