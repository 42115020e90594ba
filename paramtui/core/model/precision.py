"""Number formats for weights and for the KV cache, with their true storage cost.

A format's `bits_per_weight` is what one weight costs on average *including* the
quantisation metadata stored beside it (block scales, minimums, group zeros), because that
is what occupies memory. Which parts of a model a runtime leaves in 16-bit (embeddings, the
output head, norms) is part of the format: it is what the runtimes do, not a choice of ours.

Sources for the figures are on each entry (`source`) and in the comments below.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache
from typing import Literal, Protocol

from paramtui.core.errors import UserError
from paramtui.core.validation import record

ComputeDtype = Literal["fp32", "tf32", "bf16", "fp8", "int8", "int4"]
PrecisionKind = Literal["float", "int", "gguf", "nf4", "gptq", "awq"]
Part = Literal["embedding", "head", "norm", "router"]
# What a format stores quantised: the whole body (every linear layer; the `Part`s it keeps in
# 16-bit aside), or only the routed experts' weight matrices, everything else in 16-bit.
QuantizedScope = Literal["body", "experts"]


@record
class Precision:
    """A weight (or KV-cache) storage format."""


    id: str
    name: str
    bits_per_weight: float  # effective: value bits + quantisation metadata, averaged per weight
    compute_dtype: ComputeDtype  # which peak-FLOP column of a GPU applies when running it
    kind: PrecisionKind
    # Parts a runtime keeps in 16-bit with this format (stored at 16 bits per weight).
    high_precision_parts: tuple[Part, ...] = ()
    # Parts a runtime stores in another quantised type (GGUF: output.weight as Q6_K).
    other_part_bits: tuple[tuple[Part, float], ...] = ()
    quantizes: QuantizedScope = "body"
    source: str = ""
    description: str = ""

    @property
    def bytes_per_param(self) -> float:
        return self.bits_per_weight / 8

    @property
    def exact_bits(self) -> Fraction:
        """`bits_per_weight` as the exact decimal it is written as (the body's bits)."""
        return _exact(self.bits_per_weight)

    def part_bits(self, part: Part) -> Fraction:
        """Bits per weight the runtime spends on one part of the model with this format."""
        if part in self.high_precision_parts or self.quantizes == "experts":
            return _SIXTEEN
        for name, bits in self.other_part_bits:
            if name == part:
                return _exact(bits)
        return self.exact_bits


_SIXTEEN = Fraction(16)


@lru_cache(maxsize=256)
def _exact(bits: float) -> Fraction:
    # Through the decimal repr, so 4.8944 means 4.8944 and not its binary neighbour.
    return Fraction(repr(bits))


_LINEAR_ONLY = (
    "Only the linear layers of the transformer blocks are quantised; the token embedding, the "
    "output head (lm_head) and the norms stay in 16-bit, as transformers' quantisation "
    "integrations do (they skip lm_head and never replace nn.Embedding); so do a mixture of "
    "experts' routers, which transformers 5 holds as plain parameters, not nn.Linear."
)
_LINEAR_ONLY_PARTS: tuple[Part, ...] = ("embedding", "head", "norm", "router")

_LLAMA_CPP_QUANTIZE = (
    "llama.cpp tools/quantize/README.md, table for meta-llama/Llama-3.1-8B (whole-model bits/weight)"
)
_LLAMA_CPP_BLOCKS = "llama.cpp ggml-common.h block layouts (block_q4_0, block_q8_0, block_q6_K)"
_GGUF_PARTS = (
    "llama.cpp quantises token_embd at the file's base type and output.weight at Q6_K "
    "(llama_tensor_get_type); norms are stored as F32 (negligible)."
)

# GGUF block formats: bits = bytes per block * 8 / weights per block.
#   Q8_0: 32 int8 + one fp16 scale = 34 bytes / 32 weights = 8.5 bpw.
#   Q4_0: 32 4-bit + one fp16 scale = 18 bytes / 32 weights = 4.5 bpw.
#   Q6_K: super-block of 256: 128 B low bits + 64 B high bits + 16 int8 scales + fp16 d
#         = 210 bytes / 256 = 6.5625 bpw.
#   Q6_K as output type (used for output.weight by most llama.cpp file types).
_Q6_K_BITS = 6.5625
# K-quant *mixes* (Q5_K_M, Q4_K_M, Q3_K_M, Q2_K) raise some tensors (attn_v, ffn_down, output)
# to higher types; their bits/weight is the whole-model average llama.cpp publishes, which
# already includes token_embd and output, so no separate part bits are applied to them.

_WEIGHT_PRECISIONS: tuple[Precision, ...] = (
    Precision(
        id="fp32", name="FP32", bits_per_weight=32, compute_dtype="fp32", kind="float",
        source="IEEE 754 binary32", description="Full single precision; every part at 32 bits.",
    ),
    Precision(
        id="bf16", name="BF16", bits_per_weight=16, compute_dtype="bf16", kind="float",
        source="bfloat16 (Google Brain); the dtype Llama/Qwen/Gemma checkpoints ship in",
        description="16-bit brain float; every part at 16 bits.",
    ),
    Precision(
        id="fp16", name="FP16", bits_per_weight=16, compute_dtype="bf16", kind="float",
        source="IEEE 754 binary16 (runs at the same tensor-core rate as bf16)",
        description="16-bit half precision; every part at 16 bits.",
    ),
    Precision(
        id="q8_0", name="GGUF Q8_0", bits_per_weight=8.5, compute_dtype="int8", kind="gguf",
        source=f"{_LLAMA_CPP_BLOCKS}: 32 weights in 34 bytes; {_LLAMA_CPP_QUANTIZE}: 8.5008",
        description="llama.cpp 8-bit blocks of 32 with an fp16 scale. " + _GGUF_PARTS
        + " For Q8_0 the output stays Q8_0.",
    ),
    Precision(
        id="fp8", name="FP8 (E4M3)", bits_per_weight=8, compute_dtype="fp8", kind="float",
        high_precision_parts=_LINEAR_ONLY_PARTS,
        source="vLLM docs, FP8 W8A8 quantization (per-tensor scales, lm_head not quantised)",
        description="8-bit float weights with per-tensor scales. " + _LINEAR_ONLY,
    ),
    Precision(
        id="int8", name="INT8", bits_per_weight=8, compute_dtype="int8", kind="int",
        high_precision_parts=_LINEAR_ONLY_PARTS,
        source="Dettmers et al. 2022, LLM.int8() (bitsandbytes); one scale per row (negligible)",
        description="8-bit integer weights of the linear layers. " + _LINEAR_ONLY,
    ),
    Precision(
        id="q6_k", name="GGUF Q6_K", bits_per_weight=_Q6_K_BITS, compute_dtype="int8",
        kind="gguf",
        source=f"{_LLAMA_CPP_BLOCKS}: 256 weights in 210 bytes; {_LLAMA_CPP_QUANTIZE}: 6.5633",
        description="llama.cpp 6-bit K-quant super-blocks. " + _GGUF_PARTS,
    ),
    Precision(
        id="q5_k_m", name="GGUF Q5_K_M", bits_per_weight=5.7036, compute_dtype="int8",
        kind="gguf", source=f"{_LLAMA_CPP_QUANTIZE}: Q5_K_M 5.7036",
        description="llama.cpp mix: Q5_K (5.5 bpw) with attn_v/ffn_down partly Q6_K. "
        + _GGUF_PARTS + " The published average includes them.",
    ),
    Precision(
        id="q4_k_m", name="GGUF Q4_K_M", bits_per_weight=4.8944, compute_dtype="int8",
        kind="gguf", source=f"{_LLAMA_CPP_QUANTIZE}: Q4_K_M 4.8944",
        description="llama.cpp mix: Q4_K (4.5 bpw) with attn_v/ffn_down partly Q6_K. "
        + _GGUF_PARTS + " The published average includes them.",
    ),
    Precision(
        id="q4_0", name="GGUF Q4_0", bits_per_weight=4.5, compute_dtype="int8", kind="gguf",
        other_part_bits=(("head", _Q6_K_BITS),),
        source=f"{_LLAMA_CPP_BLOCKS}: 32 weights in 18 bytes",
        description="llama.cpp legacy 4-bit blocks of 32 with an fp16 scale. " + _GGUF_PARTS,
    ),
    Precision(
        id="nf4", name="NF4 (bitsandbytes, double quant)", bits_per_weight=4.126953125,
        compute_dtype="bf16", kind="nf4", high_precision_parts=_LINEAR_ONLY_PARTS,
        # 4 bits + fp8 absmax per 64-weight block (8/64) + fp32 second-level constant per
        # 256 blocks (32/(64*256)) = 4.127 bits (Dettmers et al. 2023, QLoRA, section 3).
        source="Dettmers et al. 2023, QLoRA, section 3 (double quantization: 0.127 bits/param)",
        description="4-bit NormalFloat, blocks of 64, double-quantised constants; dequantised "
        "to bf16 for compute. " + _LINEAR_ONLY,
    ),
    Precision(
        id="int4", name="INT4", bits_per_weight=4, compute_dtype="int4", kind="int",
        high_precision_parts=_LINEAR_ONLY_PARTS,
        source="Idealised 4-bit integer weights (no group metadata); see gptq/awq for groups",
        description="4-bit integer weights of the linear layers. " + _LINEAR_ONLY,
    ),
    Precision(
        id="q3_k_m", name="GGUF Q3_K_M", bits_per_weight=3.91, compute_dtype="int8",
        kind="gguf",
        source="llama.cpp tools/quantize/README.md, Llama 2 7B table: Q3_K_M 3.91 "
        "(not in the Llama 3.1 8B table)",
        description="llama.cpp mix: Q3_K (3.4375 bpw) with attn_v/ffn_down/attn_output raised. "
        + _GGUF_PARTS + " The published average includes them.",
    ),
    Precision(
        id="q2_k", name="GGUF Q2_K", bits_per_weight=3.1593, compute_dtype="int8", kind="gguf",
        source=f"{_LLAMA_CPP_QUANTIZE}: Q2_K 3.1593",
        description="llama.cpp mix: Q2_K (2.625 bpw) blocks with attention/ffn_down raised to "
        "Q3_K/Q4_K. " + _GGUF_PARTS + " The published average includes them.",
    ),
)

# Microscaling and block-scaled formats of today's checkpoints. Each block's shared scale is
# counted in the bits: element bits + scale bits / block size.
_MX_SPEC = ("OCP Microscaling Formats (MX) Specification v1.0 (2023), section 5: MXFP4 = FP4 E2M1 "
            "elements in blocks of 32 sharing one E8M0 (8-bit) scale")
_MXFP4_BITS = 4 + 8 / 32  # 4.25
_NVFP4_BITS = 4 + 8 / 16  # 4.5
_FP8_BLOCK_BITS = 8 + 32 / (128 * 128)  # 8.001953125
_RUNTIME_LINEAR = (
    "The linear layers are stored so; the token embedding, the output head, the norms and the "
    "MoE router stay at the checkpoint's 16-bit dtype (transformers replaces nn.Linear modules "
    "only and skips lm_head)."
)
_FP4_COMPUTE = (" Run dequantised to bf16 here (weight-only kernels, as on Hopper); Blackwell's FP4 "
                "tensor-core rates are not in the target tables.")
_NEW_FORMATS: tuple[Precision, ...] = (
    Precision(
        id="fp8-block128", name="FP8 block-scaled (128×128)", bits_per_weight=_FP8_BLOCK_BITS,
        compute_dtype="fp8", kind="float", high_precision_parts=_LINEAR_ONLY_PARTS,
        source="DeepSeek-V3 config.json quantization_config {quant_method: fp8, fmt: e4m3, "
        "weight_block_size: [128, 128]}; transformers integrations/finegrained_fp8.py (FP8Linear: "
        "e4m3 weight + one fp32 weight_scale_inv per 128×128 block) = 8 + 32/16384 bits/weight",
        description="FP8 E4M3 weights with one fp32 scale per 128×128 block, as the DeepSeek-V3, "
        "Qwen3 FP8 and GLM FP8 releases store them (scales counted as if every dimension were a "
        "multiple of 128). " + _RUNTIME_LINEAR,
    ),
    Precision(
        id="nvfp4", name="NVFP4", bits_per_weight=_NVFP4_BITS, compute_dtype="bf16", kind="float",
        high_precision_parts=_LINEAR_ONLY_PARTS,
        source="NVIDIA, 'Introducing NVFP4 for Efficient and Accurate Low-Precision Inference' (2025); "
        "ModelOpt NVFP4 checkpoints (group_size 16): FP4 E2M1 + one FP8 E4M3 scale per 16 = 4.5 "
        "bits/weight, plus one fp32 scale per tensor (4 bytes a tensor, not counted)",
        description="4-bit E2M1 weights in blocks of 16 with an FP8 E4M3 scale, and an fp32 scale "
        "per tensor. " + _RUNTIME_LINEAR + _FP4_COMPUTE,
    ),
    Precision(
        id="mxfp4", name="MXFP4", bits_per_weight=_MXFP4_BITS, compute_dtype="bf16", kind="float",
        high_precision_parts=_LINEAR_ONLY_PARTS,
        source=f"{_MX_SPEC} = 4 + 8/32 = 4.25 bits/weight",
        description="4-bit E2M1 weights in blocks of 32 sharing an 8-bit power-of-two scale, in "
        "every linear layer. " + _RUNTIME_LINEAR + _FP4_COMPUTE,
    ),
    Precision(
        id="mxfp4-moe", name="MXFP4 experts, rest BF16", bits_per_weight=_MXFP4_BITS,
        compute_dtype="bf16", kind="float", high_precision_parts=_LINEAR_ONLY_PARTS,
        quantizes="experts",
        source=f"{_MX_SPEC}; gpt-oss config.json quantization_config {{quant_method: mxfp4, "
        "modules_to_not_convert: self_attn, mlp.router, embed_tokens, lm_head}}; transformers "
        "integrations/mxfp4.py replaces only the experts (gate_up_proj, down_proj; their biases bf16)",
        description="The routed experts' weight matrices in MXFP4 (4.25 bits), everything else — "
        "attention, router, expert biases, embeddings, head, norms — in BF16: how gpt-oss ships." + _FP4_COMPUTE,
    ),
)

# Grouped int4 (GPTQ, AWQ): per group of g input weights one fp16 scale and one packed
# zero point at the weight's bit width: bits + (16 + bits) / g
# (AutoGPTQ / AutoAWQ packing: qweight int32, qzeros int32-packed, scales fp16).
_GROUPED_RE = re.compile(r"^(gptq|awq)-int([2348])-g(\d+)$")
_GROUPED_EXAMPLES = ("gptq-int4-g128", "awq-int4-g128", "gptq-int4-g32", "gptq-int8-g128")


def _grouped_precision(method: str, bits: int, group: int) -> Precision:
    if group <= 0:
        raise UserError(f"precision {method}-int{bits}-g{group}: group size must be positive")
    if method == "awq" and bits != 4:
        raise UserError(f"precision awq-int{bits}-g{group}: AWQ is 4-bit only")
    effective = Fraction(bits) + Fraction(16 + bits, group)
    label = method.upper()
    return Precision(
        id=f"{method}-int{bits}-g{group}",
        name=f"{label} int{bits} g{group}",
        bits_per_weight=float(effective),
        compute_dtype="bf16",
        kind=method,  # type: ignore[arg-type]
        high_precision_parts=_LINEAR_ONLY_PARTS,
        source=(
            "Frantar et al. 2022 (GPTQ)" if method == "gptq" else "Lin et al. 2023 (AWQ)"
        )
        + f"; per group of {group}: fp16 scale + {bits}-bit zero = {bits} + {16 + bits}/{group}"
        " bits/weight (AutoGPTQ/AutoAWQ packing)",
        description=f"{bits}-bit weights in groups of {group}, dequantised to 16-bit for "
        "compute. " + _LINEAR_ONLY,
    )


_WEIGHT_PRECISIONS = _WEIGHT_PRECISIONS + _NEW_FORMATS
_BY_ID = {p.id: p for p in _WEIGHT_PRECISIONS}

# `file`: "as the model file stores it". Only a model file has a meaning for it; the
# estimate replaces this stand-in with the file's own exact bytes (model/model_file.py).
_AS_STORED = Precision(
    id="file", name="as stored in the file", bits_per_weight=16, compute_dtype="bf16", kind="float",
    source="the model file's header", description="The model file's own tensor types, exact bytes from its header.")

#: Weight precision ids, highest to lowest precision (the order the UI cycles through).
PRECISION_IDS: tuple[str, ...] = tuple(
    p.id
    for p in sorted(
        (*_WEIGHT_PRECISIONS, _grouped_precision("gptq", 4, 128), _grouped_precision("awq", 4, 128)),
        # At equal body bits an experts-only format keeps more in 16-bit: higher precision.
        key=lambda p: (-p.bits_per_weight, p.quantizes != "experts"),
    )
)


def get_precision(precision_id: str) -> Precision:
    """The weight format with this id (case-insensitive); GPTQ/AWQ accept any group size."""
    key = precision_id.strip().lower()
    if key in _BY_ID:
        return _BY_ID[key]
    if key == "file":  # a model file's own types; the estimate puts in the file's exact figures
        return _AS_STORED
    match = _GROUPED_RE.match(key)
    if match:
        return _grouped_precision(match.group(1), int(match.group(2)), int(match.group(3)))
    raise UserError(
        f"unknown precision {precision_id!r}; valid: {', '.join(PRECISION_IDS)} "
        f"(GPTQ/AWQ take any group size, e.g. {', '.join(_GROUPED_EXAMPLES[:3])})"
    )


# KV cache formats: plain element types (vLLM kv_cache_dtype fp8 uses per-tensor scales,
# negligible; int8/int4 caches as in quantised-cache backends, metadata not counted).
_KV_PRECISIONS: tuple[Precision, ...] = (
    Precision(id="fp32", name="FP32", bits_per_weight=32, compute_dtype="fp32", kind="float",
              source="IEEE 754 binary32"),
    Precision(id="bf16", name="BF16", bits_per_weight=16, compute_dtype="bf16", kind="float",
              source="transformers/vLLM default: the model's dtype"),
    Precision(id="fp16", name="FP16", bits_per_weight=16, compute_dtype="bf16", kind="float",
              source="IEEE 754 binary16"),
    Precision(id="fp8", name="FP8", bits_per_weight=8, compute_dtype="fp8", kind="float",
              source="vLLM docs, Quantized KV cache (kv_cache_dtype=fp8, per-tensor scales)"),
    Precision(id="int8", name="INT8", bits_per_weight=8, compute_dtype="int8", kind="int",
              source="transformers QuantizedCache (quanto/HQQ backends), scales not counted"),
    Precision(id="int4", name="INT4", bits_per_weight=4, compute_dtype="int4", kind="int",
              source="transformers QuantizedCache (quanto/HQQ backends), scales not counted"),
)
_KV_BY_ID = {p.id: p for p in _KV_PRECISIONS}
KV_PRECISION_IDS: tuple[str, ...] = tuple(p.id for p in _KV_PRECISIONS)


def get_kv_precision(precision_id: str) -> Precision:
    """The KV-cache element format with this id (case-insensitive)."""
    key = precision_id.strip().lower()
    if key in _KV_BY_ID:
        return _KV_BY_ID[key]
    raise UserError(
        f"unknown KV-cache precision {precision_id!r}; valid: {', '.join(KV_PRECISION_IDS)}"
    )


class ParamCountLike(Protocol):
    total: int
    embedding: int
    head: int
    norm: int


def weights_bytes(params: ParamCountLike | int, precision: Precision | str) -> int:
    """Bytes the weights occupy: the body at the format's bits/weight, the parts a runtime keeps
    in 16-bit (or another type) at theirs. Exact integer arithmetic; rounded up to whole bytes.

    `params` is a ParamCount (total, embedding, head, norm, router) or a bare total (all body).
    """
    prec = get_precision(precision) if isinstance(precision, str) else precision
    if isinstance(params, int):
        total, embedding, head, norm, router = params, 0, 0, 0, 0
    else:
        total = int(params.total)
        embedding, head, norm, router = (int(getattr(params, part, 0) or 0)
                                         for part in ("embedding", "head", "norm", "router"))
    if min(total, embedding, head, norm, router) < 0:
        raise UserError(f"parameter count must not be negative (got {total})")
    body = total - embedding - head - norm - router
    if body < 0:
        raise UserError(f"parameter parts ({embedding + head + norm + router}) exceed the total ({total})")
    if prec.quantizes == "experts":  # only the experts' matrices quantised, the rest 16-bit
        experts = 0 if isinstance(params, int) else int(getattr(params, "expert_weights", 0) or 0)
        return bytes_for_bits((experts, prec.exact_bits), (total - experts, _SIXTEEN))
    return bytes_for_bits((body, prec.exact_bits), (embedding, prec.part_bits("embedding")),
                          (head, prec.part_bits("head")), (norm, prec.part_bits("norm")),
                          (router, prec.part_bits("router")))


def bytes_for_bits(*terms: tuple[int, Fraction]) -> int:
    """⌈Σ count · bits / 8⌉ for (count, bits per element) terms, exactly, in integers over
    the common denominator (summing Fractions costs more than the rest of an estimate)."""
    denominator = 1
    for _, bits in terms:
        denominator = math.lcm(denominator, bits.denominator)
    numerator = 0
    for count, bits in terms:
        numerator += count * bits.numerator * (denominator // bits.denominator)
    return -(-numerator // (8 * denominator))
