"""Memory to train a model: weights, gradients, optimizer states and activations.

Figures assume one PyTorch step (forward, backward, optimizer step,
`zero_grad(set_to_none=True)`), with torch.autocast for "mixed" precision. Each formula cites
its source beside it; `explanations` carry them to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Literal, NamedTuple

from paramtui.core.model.architecture import Architecture
from paramtui.core.units import format_bytes
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.model.precision import (
    ParamCountLike,
    get_precision,
    weights_bytes,
)
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record

from paramtui.core.model.layers.channel_mixers import ChannelMixer, DenseMLP, MixtureOfExperts, NoChannelMixer
from paramtui.core.model.layers.network import decoder_layer_groups, token_mixer_for
from paramtui.core.model.layers.pattern import layer_kinds
from paramtui.core.model.layers.token_mixers import (GatedDeltaNet, KimiDeltaAttention, Mamba,
                                                     ParallelMixer, RWKVTimeMix, ShortConv)
from paramtui.core.formulas.lora_adapters import lora_trainable_params, weight_matrix_shapes
from paramtui.core.formulas.layer_shapes import (
    require_positive,
    shared_expert_width,
    attention_widths,
    FUSED_QKV,
    FUSED_GATE_UP,
    COMPOSITE_ACTS,
)

# --------------------------------------------------------------------------------------------
# Training


@record
class TrainingSetup:
    """How a model is trained; field names are the session file's and the CLI's."""

    __pydantic_config__ = STRICT

    regime: Literal["fp32", "mixed", "bf16"] = "mixed"
    optimizer: Literal["adamw", "adamw-8bit", "sgd", "adafactor", "lion"] = "adamw"
    recompute: Literal["none", "selective", "full"] = "none"
    flash_attention: bool = True
    zero: Annotated[int, pyd.Field(ge=0, le=3)] = 0  # ZeRO stage; 3 = FSDP full sharding
    data_parallel: Annotated[int, pyd.Field(ge=1)] = 1
    tensor_parallel: Annotated[int, pyd.Field(ge=1)] = 1
    pipeline_parallel: Annotated[int, pyd.Field(ge=1)] = 1
    method: Literal["full", "lora", "qlora"] = "full"
    lora_rank: Annotated[int, pyd.Field(ge=1)] = 16
    micro_batch: Annotated[int, pyd.Field(ge=1)] = 1
    seq_len: Annotated[int, pyd.Field(ge=1)] = 2048


class TrainingMemory(NamedTuple):
    weights_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    activations_bytes: int
    total_bytes: int  # peak per device over one step
    trainable_params: int
    peak_moment: str
    explanations: Explanations


@dataclass(frozen=True)
class _Dtypes:
    compute: int  # bytes of matmul inputs/outputs
    residual: int  # bytes of the residual stream and norm inputs
    autocast: bool  # fp32 tensors are cast to 16-bit by every matmul that reads them


def _training_dtypes(setup: TrainingSetup) -> _Dtypes:
    if setup.regime == "fp32":
        return _Dtypes(4, 4, False)
    if setup.regime == "mixed" and setup.method == "full" and setup.zero == 0:
        # torch.autocast with fp32 parameters: matmuls run in bf16, but the embedding output,
        # the residual adds and the norms stay fp32 (autocast op lists, PyTorch AMP docs).
        return _Dtypes(2, 4, True)
    # Pure bf16, ZeRO/Megatron mixed precision (16-bit model copy), and LoRA/QLoRA (frozen
    # 16-bit base): the residual stream is 16-bit.
    return _Dtypes(2, 2, False)


def _norm_saved(arch: Architecture, d: _Dtypes, consumers: int) -> int:
    """Bytes per element a norm and the matmuls reading it keep for backward.

    RMSNorm in transformers upcasts to fp32 (LlamaRMSNorm): it keeps the fp32 input and the
    normalised tensor (fp32 under autocast, else cast back) for the weight multiply.
    LayerNorm is one fused kernel keeping its input (and per-row statistics).
    The output is kept once by its readers, or, under autocast, once per reading matmul
    (autocast caches casts of parameters only, not of activations).
    """
    if arch.norm_type == "rmsnorm":
        own = 4 + (4 if d.autocast or d.compute == 4 else d.compute)
    else:
        own = d.residual
    readers = consumers * d.compute if d.autocast else d.compute
    return own + readers


def _recurrent_saved_per_token(arch: Architecture, d: _Dtypes, mixer) -> int:
    """Bytes per token a linear-attention, state-space or short-convolution mixer keeps for
    backward, counted as the attention block is: its input norm, every input projection's
    output, the convolution's output, and the width entering the output projection three
    times (the scan's output, the gated norm's output, out_proj's input). The states the
    chunked scan kernels keep at chunk boundaries (one per 64-256 tokens) are left out."""
    c = d.compute
    if isinstance(mixer, GatedDeltaNet):
        projected = 2 * mixer.keys + 2 * mixer.values + 2 * mixer.value_heads
        conv, inner = mixer.conv_channels, mixer.values
    elif isinstance(mixer, KimiDeltaAttention):
        qkv = mixer.channels
        projected, conv, inner = 5 * qkv + 2 * mixer.head_dim + mixer.heads, 3 * qkv, qkv
    elif isinstance(mixer, Mamba) and mixer.version == 1:
        projected = 3 * mixer.inner + mixer.dt_rank + 2 * mixer.state
        conv, inner = mixer.conv_channels, mixer.inner
    elif isinstance(mixer, Mamba):
        projected, conv, inner = mixer.inner + mixer.conv_channels + mixer.heads, mixer.conv_channels, mixer.inner
    elif isinstance(mixer, ShortConv):
        projected, conv, inner = 3 * mixer.hidden, mixer.hidden, mixer.hidden
    elif isinstance(mixer, RWKVTimeMix):  # r, k, v, gate and decay projections; no convolution
        projected, conv, inner = 5 * mixer.hidden, 0, mixer.hidden
    else:
        return 0
    return _norm_saved(arch, d, 1) * arch.hidden_size + c * (projected + conv + 3 * inner)


# layer_types whose token mixer is softmax attention (their saved tensors and scores below).
_ATTENTION_TYPES = ("full_attention", "sliding_attention", "chunked_attention",
                    # DeepSeek-V4: attention over its window and compressed entries (counted as
                    # its query, shared K = V head and output; not its compressors or streams)
                    "compressed_sparse_attention", "heavily_compressed_attention")


def _layer_saved_per_token(
    arch: Architecture, d: _Dtypes, seq: int, flash: bool, moe_layer: bool, cross: bool,
    layer_type: str = "full_attention", channel: ChannelMixer | None = None,
) -> tuple[int, int]:
    """Bytes per token one layer keeps for backward (no recomputation), and the
    sequence-length-dependent part of them (attention scores).

    Korthikanti et al. 2022, section 4.1 / eq. 1, counts s·b·h·(34 + 5·a·s/h) bytes for an
    MHA layer with a 4h plain MLP, 16-bit tensors and dropout. The same accounting is done
    here from this architecture's shapes (GQA K/V widths, gated or MoE MLPs, the intermediate
    size) and dtypes (autocast keeps the residual stream and norms in fp32); no dropout.
    `channel`, the layer's channel mixer, gives its MLP widths where they differ from layer to
    layer (Gemma 4's double-wide MLP on its shared-KV layers).
    """
    h = arch.hidden_size
    c = d.compute
    q_w, kv_w, o_w = attention_widths(arch, layer_type if layer_type in _ATTENTION_TYPES else "full_attention")
    qkv_readers = 1 if arch.model_type in FUSED_QKV else (2 if arch.uses_mla else 3)
    # Attention: q, k, v as the kernel saves them, its output, and the output projection's
    # input (a contiguous copy of the output), plus the per-head log-sum-exp (fp32).
    attention = _norm_saved(arch, d, qkv_readers) * h + c * (q_w + kv_w + 2 * o_w) \
        + 4 * arch.num_attention_heads
    if arch.uses_mla:
        # Compressed latents and their norms (DeepSeek-V2 section 2.1.2).
        attention += c * 2 * ((arch.kv_lora_rank or 0) + (arch.q_lora_rank or 0))
    scores = 0
    if not flash:
        # Eager attention: the fp32 softmax output and its 16-bit copy for the PV matmul, per
        # head per key (Korthikanti's 5·a·s/h term, 16-bit + dropout in their accounting).
        scores = arch.num_attention_heads * seq * (4 + c)
    blocks = 2 if cross else 1
    attention = attention * blocks
    # Layers without softmax attention (issue 14): a recurrent mixer keeps its own tensors and
    # no scores; a feed-forward-only layer (Nemotron-H) keeps none for mixing.
    if layer_type not in _ATTENTION_TYPES:
        mixer = token_mixer_for(arch, layer_type)
        recurrent = _recurrent_saved_per_token(arch, d, mixer.mamba if isinstance(mixer, ParallelMixer) else mixer)
        if layer_type == "mamba_attention":
            attention += recurrent
        else:
            attention, scores = recurrent, 0

    gated = arch.gated_mlp
    t = 4 if d.autocast else c  # the composite GELU's pow/tanh run in fp32 under autocast

    def dense_mlp(width: int, readers: int) -> int:
        saved = c * (4 * width if gated else 2 * width)
        if arch.hidden_act in COMPOSITE_ACTS:
            # 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))): tanh output, 0.5·x and (1 + tanh)
            # are kept as well (transformers NewGELUActivation).
            saved += width * (2 * t + c)
        return saved + (readers * c if d.autocast else 0)

    mlp_readers = 1 if (not gated or arch.model_type in FUSED_GATE_UP) else 2
    width = channel.width if isinstance(channel, DenseMLP) else arch.intermediate_size
    if layer_type in arch.no_mlp_layer_types or isinstance(channel, NoChannelMixer):
        mlp = 0
    elif moe_layer:
        moe_i = arch.moe_intermediate_size or arch.intermediate_size
        k = arch.num_experts_per_tok
        # Each routed copy of a token: its gathered input, the expert MLP, and the expert
        # output kept for the routing-weight multiply; router logits and probabilities fp32.
        mlp = k * (2 * c * h + dense_mlp(moe_i, 0)) + 8 * arch.num_local_experts
        shared = shared_expert_width(arch)
        if isinstance(channel, MixtureOfExperts):
            shared = channel.shared.width if channel.shared else 0
        if shared:
            mlp += dense_mlp(shared, mlp_readers)
        mlp += _norm_saved(arch, d, 1) * h
    else:
        mlp = _norm_saved(arch, d, mlp_readers) * h + dense_mlp(width, 0) \
            + (max(mlp_readers - 1, 0) * c * h if d.autocast else 0)
    return attention + mlp + scores * blocks, scores * blocks


def _layer_channels(arch: Architecture) -> list[ChannelMixer | None]:
    """Each decoder layer's channel mixer (None for an encoder-decoder: its layers are alike)."""
    groups = decoder_layer_groups(arch)
    return [g.channel for g in groups] if groups else [None] * arch.num_hidden_layers


def _adafactor_state_elements(arch: Architecture, total: int, embedding: int, head: int) -> int:
    """Adafactor keeps a row and a column second-moment vector per matrix and a full one per
    vector, no first moment by default (Shazeer & Stern 2018, section 3)."""
    shapes = weight_matrix_shapes(arch)
    matrices = sum(i * o * n for i, o, n in shapes)
    factored = sum((i + o) * n for i, o, n in shapes)
    if not embedding and not head:  # a bare count: take the shapes from the architecture
        embedding = arch.vocab_size * arch.hidden_size
        head = 0 if arch.tie_word_embeddings else embedding
    emb = (arch.vocab_size + arch.hidden_size) * ((1 if embedding else 0) + (1 if head else 0))
    vectors = max(total - matrices - embedding - head, 0)
    return factored + emb + vectors


# Optimizer state bytes per trainable parameter, by the dtype states are kept in.
# AdamW: two moments (Loshchilov & Hutter 2019); torch keeps them in the parameter's dtype.
# 8-bit Adam: two block-wise quantised 8-bit states (Dettmers et al. 2022, section 2).
# SGD with momentum: one buffer. Lion: one momentum (Chen et al. 2023, Algorithm 1).
def _optimizer_states(setup: TrainingSetup, state_bytes: int) -> int:
    return {"adamw": 2 * state_bytes, "adamw-8bit": 2, "sgd": state_bytes,
            "lion": state_bytes, "adafactor": 0}[setup.optimizer]


def training_memory(
    arch: Architecture, params: ParamCountLike | int, setup: TrainingSetup | None = None
) -> TrainingMemory:
    """Peak memory per device over one training step (forward, backward, optimizer step).

    The peak is the larger of three moments:
    A. the start of backward: weights + optimizer states + every saved activation + the loss
       buffers (gradients do not exist yet on one device: zero_grad(set_to_none=True) freed
       them; data-parallel gradient buckets persist, so they count when data_parallel > 1);
    B. late in backward: weights + optimizer states + all gradients + one layer's activations
       (the layer being back-propagated, recomputed first under full recomputation);
    C. the optimizer step: weights + gradients + states + the foreach temporary (PyTorch's
       multi-tensor AdamW/Lion allocate one state-sized intermediate).
    For small models with large vocabularies A wins (the logits dominate); for large models
    with short sequences C or B does.
    """
    setup = setup or TrainingSetup()
    if isinstance(params, int):
        total, embedding, head = params, 0, 0
    else:
        total, embedding, head = int(params.total), int(params.embedding), int(params.head)
    require_positive("parameter count", total)
    d = _training_dtypes(setup)
    tp, pp, dp = setup.tensor_parallel, setup.pipeline_parallel, setup.data_parallel
    model_split = tp * pp  # Megatron: tensor and pipeline parallel split the weights
    # (Narayanan et al. 2021, sections 2.2-2.3).

    # --- weights, gradients, optimizer states -----------------------------------------------
    zero_layout = setup.regime == "mixed" and setup.zero > 0
    if setup.method == "full":
        trainable = total
        if setup.regime == "fp32" or (setup.regime == "mixed" and not zero_layout):
            w_b, g_b, state_b, master_b = 4, 4, 4, 0
        elif zero_layout:
            # ZeRO/Megatron: 16-bit weights and gradients, fp32 master weights and states
            # (Rajbhandari et al. 2020, section 3.1: 2 + 2 + K with K = 12 for Adam).
            w_b, g_b, state_b, master_b = 2, 2, 4, 4
        else:
            w_b, g_b, state_b, master_b = 2, 2, 2, 0
        frozen_bytes = 0
    else:
        trainable = lora_trainable_params(arch, setup.lora_rank)
        # Adapters follow the regime (fp32 under autocast or fp32, bf16 in pure bf16).
        a_b = 2 if setup.regime == "bf16" else 4
        w_b, g_b, state_b, master_b = a_b, a_b, a_b, 0
        if setup.method == "qlora":
            # Frozen base in NF4 with double quantisation (Dettmers et al. 2023, section 3).
            frozen_bytes = weights_bytes(params, get_precision("nf4"))
        else:
            frozen_bytes = total * (4 if setup.regime == "fp32" else 2)

    if setup.optimizer == "adafactor":
        states_per_param = Fraction(
            4 * _adafactor_state_elements(arch, total, embedding, head), total
        ) if setup.method == "full" else Fraction(4)
    else:
        states_per_param = Fraction(_optimizer_states(setup, state_b))
    weights = Fraction(frozen_bytes + trainable * w_b, model_split)
    grads = Fraction(trainable * g_b, model_split)
    optim = Fraction(trainable, model_split) * (states_per_param + master_b)
    # ZeRO stage 1 shards optimizer states, 2 also gradients, 3 also the 16-bit weights
    # (Rajbhandari et al. 2020, section 5; PyTorch FSDP FULL_SHARD = stage 3).
    if setup.zero >= 1:
        optim /= dp
    if setup.zero >= 2:
        grads /= dp
    if setup.zero >= 3:
        weights = Fraction(frozen_bytes, model_split * dp) + Fraction(trainable * w_b,
                                                                     model_split * dp)
    weights_i, grads_i, optim_i = (int(-(-x // 1)) for x in (weights, grads, optim))

    # --- activations -----------------------------------------------------------------------
    b, s = setup.micro_batch, setup.seq_len
    tokens = b * s
    flash = setup.flash_attention or setup.recompute == "selective"
    enc_dec = arch.is_encoder_decoder
    # A layer's saved bytes depend only on its kind (dense or MoE MLP, with or without
    # cross-attention), so each kind is worked out once.
    by_kind: dict[tuple, int] = {}

    def saved(moe_layer: bool, cross: bool, layer_type: str = "full_attention", channel=None) -> int:
        key = (moe_layer, cross, layer_type, channel)
        if key not in by_kind:
            by_kind[key] = _layer_saved_per_token(arch, d, s, flash, moe_layer, cross, layer_type, channel)[0]
        return by_kind[key]

    types = layer_kinds(arch)
    channels = _layer_channels(arch)
    per_layer_tokens = [saved(arch.is_moe_layer(i), False, types[i], channels[i])
                        for i in range(arch.num_hidden_layers)]
    if enc_dec:
        per_layer_tokens += [saved(False, True)] * (arch.num_decoder_layers or arch.num_hidden_layers)
    n_layers = len(per_layer_tokens)
    # Sequence parallelism with tensor parallelism divides every activation by t
    # (Korthikanti et al. 2022, section 4.2.2, eq. 5). Pipeline parallelism does not reduce
    # the first stage's activations under 1F1B: it holds p micro-batches of L/p layers
    # (Korthikanti section 4.2.3), i.e. L layers' worth.
    one_layer = Fraction(max(per_layer_tokens) * tokens, tp)
    if setup.recompute == "full":
        # Only each layer's input is kept (the residual stream), then one layer is
        # recomputed at a time in backward (Chen et al. 2016; Korthikanti section 5).
        kept = Fraction(d.residual * arch.hidden_size * tokens * n_layers, tp)
    else:
        kept = Fraction(sum(per_layer_tokens) * tokens, tp)
    final_norm = Fraction(_norm_saved(arch, d, 1) * arch.hidden_size * tokens, tp)
    # Loss buffers: cross_entropy = log_softmax + nll_loss over fp32 logits: the fp32
    # log-probabilities kept for backward, their gradient and the logits' gradient are alive
    # together at the start of backward (PyTorch log_softmax_backward; vocab split by t in
    # Megatron's vocab-parallel cross entropy).
    loss_buffers = Fraction(3 * 4 * tokens * arch.vocab_size, tp)
    activations_at_a = kept + final_norm + loss_buffers
    activations_i = int(-(-activations_at_a // 1))

    grads_at_a = grads if dp > 1 else Fraction(0)
    moment_a = weights + optim + grads_at_a + activations_at_a
    moment_b = weights + optim + grads + (kept if setup.recompute == "full" else 0) + one_layer
    foreach_temp = Fraction(0)
    if setup.zero == 0 and setup.optimizer in ("adamw", "lion"):
        foreach_temp = Fraction(trainable * state_b, model_split)
    moment_c = weights + optim + grads + foreach_temp
    peak, moment = max(
        (moment_a, "start of backward (activations and loss buffers alive)"),
        (moment_b, "late backward (all gradients, one layer's activations)"),
        (moment_c, "optimizer step (gradients, states and the foreach temporary)"),
        key=lambda x: x[0],
    )
    total_i = int(-(-peak // 1))

    def explain() -> dict[str, Explanation]:
        per_layer_text = (
            f"{per_layer_tokens[0]} B/token/layer" if len(set(per_layer_tokens)) == 1
            else f"{min(per_layer_tokens)}–{max(per_layer_tokens)} B/token/layer"
        )
        expl = {
            "weights_bytes": Explanation(
                title="Weights (training)",
                meaning=_weights_meaning(setup, trainable, total),
                formula="params · bytes/param / (tensor_parallel · pipeline_parallel)"
                + (" / data_parallel (ZeRO-3)" if setup.zero >= 3 else ""),
                substituted=f"= {format_bytes(weights_i)}",
                source="Rajbhandari et al. 2020 (ZeRO), section 3.1; Narayanan et al. 2021",
            ),
            "gradients_bytes": Explanation(
                title="Gradients",
                meaning="One gradient per trainable parameter, in the trainable weights' dtype.",
                formula="trainable · grad_bytes / (tp · pp)" + (" / dp" if setup.zero >= 2 else ""),
                substituted=f"{trainable:,} · {g_b} / {model_split}"
                + (f" / {dp}" if setup.zero >= 2 else "") + f" = {format_bytes(grads_i)}",
                source="Rajbhandari et al. 2020 (ZeRO), sections 3.1 and 5",
            ),
            "optimizer_bytes": Explanation(
                title=f"Optimizer states ({setup.optimizer})",
                meaning="What the optimizer keeps per trainable parameter between steps"
                + (" (including fp32 master weights)" if master_b else "") + ".",
                formula="trainable · (state bytes + master bytes) / (tp · pp)"
                + (" / dp" if setup.zero >= 1 else ""),
                substituted=f"{trainable:,} · ({float(states_per_param):.3g} + {master_b}) / "
                f"{model_split}" + (f" / {dp}" if setup.zero >= 1 else "")
                + f" = {format_bytes(optim_i)}",
                source="AdamW: Loshchilov & Hutter 2019; 8-bit Adam: Dettmers et al. 2022; "
                "Adafactor: Shazeer & Stern 2018; Lion: Chen et al. 2023; ZeRO: Rajbhandari 2020",
            ),
            "activations_bytes": Explanation(
                title="Activations (training)",
                meaning="Tensors the forward pass keeps for backward, plus the fp32 logits and "
                "loss buffers (which dominate small models with large vocabularies)."
                + (" Full recomputation keeps only each layer's input." if setup.recompute
                   == "full" else ""),
                formula="layers · per_layer · tokens / tp + final norm + 3 · 4 · tokens · vocab / tp",
                substituted=f"{n_layers} · {per_layer_text} · {tokens} tokens "
                f"+ loss {format_bytes(float(loss_buffers))} = {format_bytes(activations_i)}",
                source="Korthikanti et al. 2022, eq. 1 and Table 2 (s·b·h·(34 + 5·a·s/h)), "
                "re-derived for this architecture's shapes and dtypes; flash attention (Dao et al. "
                "2022) drops the s² term; full recomputation: Chen et al. 2016",
            ),
            "total_bytes": Explanation(
                title="Training peak per device",
                meaning=f"The most memory held at any moment of one step: at the {moment}.",
                formula="max(A: W + O + activations, B: W + O + G + one layer, "
                "C: W + O + G + optimizer temporary)",
                substituted=f"A {format_bytes(float(moment_a))}, B {format_bytes(float(moment_b))}, "
                f"C {format_bytes(float(moment_c))} → {format_bytes(total_i)}",
                source="PyTorch training step semantics (zero_grad(set_to_none=True), foreach "
                "optimizers); checked against measured_h100.json",
            ),
        }
        return expl

    return TrainingMemory(
        weights_bytes=weights_i, gradients_bytes=grads_i, optimizer_bytes=optim_i,
        activations_bytes=activations_i, total_bytes=total_i, trainable_params=trainable,
        peak_moment=moment, explanations=Explanations(explain),
    )


def _weights_meaning(setup: TrainingSetup, trainable: int, total: int) -> str:
    if setup.method == "qlora":
        return (f"Frozen base in NF4 (embeddings/head in 16-bit) plus {trainable:,} LoRA "
                "adapter parameters.")
    if setup.method == "lora":
        return f"Frozen 16-bit base plus {trainable:,} LoRA adapter parameters."
    if setup.regime == "mixed" and setup.zero == 0:
        return "fp32 weights; torch.autocast casts them to bf16 for each matmul."
    if setup.regime == "mixed":
        return "16-bit weights (the fp32 master copy counts under optimizer states)."
    return f"All {total:,} weights in {setup.regime}."


def korthikanti_layer_activation_bytes(seq: int, batch: int, hidden: int, heads: int,
                                       flash_attention: bool = False) -> int:
    """The textbook figure: s·b·h·(34 + 5·a·s/h) bytes per layer without recomputation
    (Korthikanti et al. 2022, eq. 1); flash attention (Dao et al. 2022) never stores the
    a·s² attention scores, leaving 34·s·b·h."""
    base = 34 * seq * batch * hidden
    return base if flash_attention else base + 5 * heads * seq * seq * batch


def layer_activation_bytes(arch: Architecture, setup: TrainingSetup, layer: int = 0) -> int:
    """Bytes one layer keeps for backward with no recomputation for this setup's micro-batch
    (the per-layer term `training_memory` uses, from this architecture's shapes)."""
    d = _training_dtypes(setup)
    flash = setup.flash_attention or setup.recompute == "selective"
    per_token, _ = _layer_saved_per_token(arch, d, setup.seq_len, flash, arch.is_moe_layer(layer), False,
                                          layer_kinds(arch)[layer], _layer_channels(arch)[layer])
    return per_token * setup.micro_batch * setup.seq_len // setup.tensor_parallel

