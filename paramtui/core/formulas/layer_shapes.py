"""Shapes the memory formulas share: layer counts, attention widths, fused projections.

Read by the inference and the training memory models, so both see one model of a layer.
"""

from __future__ import annotations

from paramtui.core.model.architecture import Architecture
from paramtui.core.errors import UserError
from paramtui.core.model.precision import (
    Precision,
    get_kv_precision,
    get_precision,
)

MiB = 1024**2

# cuBLASLt workspace PyTorch allocates through its caching allocator on Hopper (32 MiB; 4 MiB
# on Ampere): PyTorch PR #120925 following the cuBLAS API reference (cublasSetWorkspace).
# torch.cuda.memory_allocated counts it, which is why it shows in "weights_allocated".
CUBLAS_WORKSPACE_BYTES = 32 * MiB
# CUDA context with PyTorch's kernels loaded: held by the driver, outside the caching allocator
# (torch.cuda.memory_allocated does not see it; nvidia-smi does). A documented allowance of
# 512 MiB, the order of what a CUDA 12 context with lazy module loading takes on a datacenter GPU.
CUDA_CONTEXT_BYTES = 512 * MiB


def as_precision(p: Precision | str, kv: bool = False) -> Precision:
    if isinstance(p, Precision):
        return p
    return get_kv_precision(p) if kv else get_precision(p)


def require_positive(name: str, value: int) -> None:
    if value <= 0:
        raise UserError(f"{name} must be a positive integer (got {value})")



def decoder_layers(arch: Architecture) -> int:
    if arch.is_encoder_decoder:
        return arch.num_decoder_layers or arch.num_hidden_layers
    return arch.num_hidden_layers


# --------------------------------------------------------------------------------------------
# Shapes shared by the activation models


def shared_expert_width(arch: Architecture) -> int:
    if arch.experts_beside_mlp:  # Gemma 4: the layer's own MLP runs beside the experts
        return arch.intermediate_size
    if arch.n_shared_experts:
        return (arch.shared_expert_intermediate_size or arch.moe_intermediate_size
                or arch.intermediate_size) * arch.n_shared_experts
    return arch.shared_expert_intermediate_size or 0


def attention_widths(arch: Architecture, layer_type: str | None = None) -> tuple[int, int, int]:
    """(query width, key+value width as fed to the attention kernel, output width) of a
    `layer_type` layer; None: the widest attention layer (Gemma 4's full-attention layers have
    their own head size and KV heads)."""
    if arch.uses_mla:
        qk = (arch.qk_nope_head_dim or 0) + (arch.qk_rope_head_dim or 0)
        v = arch.v_head_dim or arch.resolved_head_dim
        return arch.num_attention_heads * qk, arch.num_attention_heads * (qk + v), \
            arch.num_attention_heads * v
    if arch.o_groups is not None:  # DeepSeek-V4: one head_dim vector read as both K and V
        hd = arch.resolved_head_dim
        return arch.num_attention_heads * hd, hd, arch.num_attention_heads * hd
    shapes = [(arch.resolved_head_dim, arch.kv_heads)]
    if arch.full_attention_head_dim or arch.full_attention_kv_heads:
        full = (arch.full_attention_head_dim or arch.resolved_head_dim, arch.full_attention_kv_heads or arch.kv_heads)
        shapes = [full] if layer_type == "full_attention" else shapes + [full] if layer_type is None else shapes
    hd, kv = max(shapes, key=lambda shape: shape[0] * (2 * arch.num_attention_heads + 2 * shape[1]))
    return arch.num_attention_heads * hd, 2 * kv * hd, arch.num_attention_heads * hd


def rope_dim(arch: Architecture) -> int:
    if arch.position_embedding_type != "rope":
        return 0
    return arch.qk_rope_head_dim if arch.uses_mla and arch.qk_rope_head_dim else \
        arch.resolved_head_dim


# Families whose checkpoints fuse the q/k/v (and gate/up) projections into one matrix, so one
# input copy feeds them (GPT-2 c_attn, GPT-NeoX query_key_value, Falcon, Phi-3 qkv_proj; gate
# and up: Phi3MLP, Glm4MLP, Granite 4's shared_mlp.input_linear).
FUSED_QKV = {"gpt2", "gpt_neox", "falcon", "phi3"}
FUSED_GATE_UP = {"phi3", "glm4", "granitemoehybrid"}
# Activations that transformers implements as a chain of element-wise ops (not one kernel):
# NewGELUActivation / FastGELUActivation (tanh approximation written out in Python).
COMPOSITE_ACTS = {"gelu_new", "gelu_fast"}


