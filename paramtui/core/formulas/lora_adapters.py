"""LoRA adapters: which weight matrices of a model peft's target_modules="all-linear" adapts,
and how many parameters rank-r adapters on them add.

A rank-r adapter on a d_in × d_out Linear adds r·(d_in + d_out) parameters (Hu et al. 2021,
section 4.1). "all-linear" (the QLoRA paper's choice, Dettmers et al. 2023, section 4) adapts
every torch.nn.Linear of the model but the output head. Which modules those are is read from
the network's layer groups (each mixer's `linear_shapes`) plus a few facts of transformers 5
and peft that a shape alone does not show; they were checked with transformers 5.25 and peft
0.21.2 (scripts/verify_counts_with_transformers.py --lora):

- transformers 5 stores routed experts as stacked 3-d weights, not Linear modules, so
  "all-linear" leaves them out, and most routers are bare weights too;
- for the families whose experts were Linear modules in transformers 4 (Mixtral, Qwen-MoE,
  DeepSeek, GLM-MoE, ...), peft maps "all-linear" back onto the stacked weights: every expert's
  down projection at rank r, its fused gate_up at rank 2r, and the router at rank r; the
  dense MLPs and shared experts of those families, whose modules carry the experts' old
  names, then go unadapted;
- peft refuses LoRA on the out_proj of its Mamba model types (the fused Mamba kernel
  bypasses it), so there all-linear is used without it.
"""

from __future__ import annotations

from paramtui.core.formulas.layer_shapes import FUSED_GATE_UP, FUSED_QKV, require_positive
from paramtui.core.model.architecture import Architecture
from paramtui.core.model.layers.channel_mixers import DenseMLP, MixtureOfExperts
from paramtui.core.model.layers.network import LayerGroup, network_of
from paramtui.core.model.layers.token_mixers import Attention, GatedDeltaNet, Mamba, ParallelMixer

# Qwen3.5's Gated DeltaNet holds in_proj_qkv, in_proj_z, in_proj_b and in_proj_a apart.
_SPLIT_DELTANET = {"qwen3_5", "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text"}
# Routers that are Linear modules (Llama4Router, Gemma4's router.proj).
_LINEAR_ROUTER = {"llama4", "llama4_text", "gemma4", "gemma4_text"}
# peft's _check_lora_target_modules_mamba.
_PEFT_MAMBA = {"falcon_h1", "mamba", "mamba2", "falcon_mamba", "nemotron_h"}
# peft's MoE conversion (transformers conversion_mapping: the "mixtral" and "qwen2_moe" patterns).
_PEFT_EXPERTS = {"mixtral", "minimax", "minimax_m2", "deepseek_v2", "deepseek_v3", "deepseek_v32", "ernie4_5_moe",
                 "glm4_moe", "glm4_moe_lite", "qwen3_moe", "qwen3_next", "olmoe", "flex_olmo", "hunyuan_v1_moe",
                 "dots1"}


def _mixer_shapes(arch: Architecture, mixer) -> tuple[tuple[int, int], ...]:
    if isinstance(mixer, (Attention, ParallelMixer)):
        fused = arch.model_type in FUSED_QKV
        if isinstance(mixer, ParallelMixer):
            return mixer.linear_shapes(fused, out_proj=arch.model_type not in _PEFT_MAMBA)
        return mixer.linear_shapes(fused)
    if isinstance(mixer, Mamba):
        return mixer.linear_shapes(out_proj=arch.model_type not in _PEFT_MAMBA)
    if isinstance(mixer, GatedDeltaNet):
        return mixer.linear_shapes(split_projections=arch.model_type in _SPLIT_DELTANET)
    return mixer.linear_shapes()


def _channel_shapes(arch: Architecture, channel) -> tuple[tuple[int, int], ...]:
    if isinstance(channel, DenseMLP):
        return channel.linear_shapes(fused_gate_up=arch.model_type in FUSED_GATE_UP)
    if isinstance(channel, MixtureOfExperts):
        return channel.linear_shapes(router=arch.model_type in _LINEAR_ROUTER,
                                     fused_gate_up=arch.model_type in FUSED_GATE_UP)
    return channel.linear_shapes()


def _group_linear_shapes(arch: Architecture, group: LayerGroup) -> tuple[tuple[int, int], ...]:
    shapes = _mixer_shapes(arch, group.mixer)
    if group.cross is not None:
        shapes += _mixer_shapes(arch, group.cross)
    return shapes + _channel_shapes(arch, group.channel)


def _model_linear_shapes(arch: Architecture) -> list[tuple[int, int, int]]:
    """Linear modules outside the layer groups' mixers: Gemma 4's per-layer-input gate and
    projection in every layer and its model-level per_layer_model_projection; BERT's
    prediction-head transform (a Linear before the tied decoder); OPT's project_in and
    project_out between narrower embeddings and the layers."""
    shapes = []
    if arch.word_embed_proj_dim:
        e, h = arch.word_embed_proj_dim, arch.hidden_size
        shapes += [(e, h, 1), (h, e, 1)]
    if arch.per_layer_input_size:
        L, ple, h = arch.num_hidden_layers, arch.per_layer_input_size, arch.hidden_size
        shapes += [(h, ple, L), (ple, h, L), (h, L * ple, 1)]
    if arch.model_type == "bert":
        shapes.append((arch.hidden_size, arch.hidden_size, 1))
    return shapes


def linear_module_shapes(arch: Architecture) -> list[tuple[int, int, int]]:
    """(d_in, d_out, count) of every Linear module of the model but the output head."""
    shapes = [(i, o, g.count) for g in network_of(arch).groups for i, o in _group_linear_shapes(arch, g)]
    return shapes + _model_linear_shapes(arch)


def weight_matrix_shapes(arch: Architecture) -> list[tuple[int, int, int]]:
    """(d_in, d_out, count) of every weight matrix outside the embedding and the head: the
    Linear modules, routers and every routed expert's matrices (what Adafactor factors)."""
    shapes = linear_module_shapes(arch)
    for g in network_of(arch).groups:
        if isinstance(g.channel, MixtureOfExperts):
            moe = g.channel
            if arch.model_type not in _LINEAR_ROUTER:
                shapes.append((moe.hidden, moe.experts, g.count))
            shapes += [(i, o, n * g.count) for i, o, n in moe.expert_shapes()]
    return shapes


def _peft_expert_adapters(arch: Architecture, group: LayerGroup, rank: int) -> int:
    """Adapter parameters peft's MoE conversion adds to one layer group's experts and router."""
    moe = group.channel
    h, w, n = moe.hidden, moe.expert.width, moe.experts
    ups = 2 if moe.expert.gated else 1
    per_layer = (ups * rank * n * (h + ups * w)  # gate_up: rank ups·r per expert, stacked
                 + rank * n * (w + h)  # down
                 + rank * (h + n))  # the router
    return per_layer * group.count


def lora_trainable_params(arch: Architecture, rank: int) -> int:
    """Parameters rank-`rank` LoRA adapters on peft's "all-linear" targets add (see the module
    docstring for what that covers in each family)."""
    require_positive("lora_rank", rank)
    if arch.model_type not in _PEFT_EXPERTS:
        return sum(rank * (i + o) * n for i, o, n in linear_module_shapes(arch))
    total = 0
    for g in network_of(arch).groups:
        shapes = _mixer_shapes(arch, g.mixer)
        if isinstance(g.channel, MixtureOfExperts):
            moe = g.channel
            shapes += ((moe.hidden, 1),) if moe.shared_gate and moe.shared else ()
            total += _peft_expert_adapters(arch, g, rank)
        total += sum(rank * (i + o) * g.count for i, o in shapes)
    return total + sum(rank * (i + o) * n for i, o, n in _model_linear_shapes(arch))
