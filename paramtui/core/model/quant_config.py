"""The precision a checkpoint ships in, read from its config.json.

A pre-quantised checkpoint says how in `quantization_config` (transformers' quantizers read
the same keys); an unquantised one in `torch_dtype` (`dtype` in transformers 5). That
precision is the default of a scenario whose model is a bare config.json ("as stored").
Modules the config leaves out (`modules_to_not_convert` and its aliases) must be ones the
precision already keeps at 16-bit; any other key combination is refused with one line that
names the key, never counted approximately.
"""

from __future__ import annotations

from paramtui.core.errors import UserError
from paramtui.core.model.precision import get_precision

_DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}
# Keys transformers' quantizers (and compressed-tensors / ModelOpt exports) use for the
# modules left unquantised.
_EXCLUDED_KEYS = ("modules_to_not_convert", "ignored_layers", "ignore", "exclude_modules")
# Module names the linear-layer precisions keep at 16-bit: head, embeddings (and, by
# substring, norms), the MoE router (`mlp.gate` in most models, `mlp.router` in gpt-oss).
_ALWAYS_16_BIT = ("lm_head", "embed_tokens", "wte", "router", "gate",
                  # the router's selection bias (DeepSeek-V3, MiniMax-M2): a vector, never quantised
                  "e_score_correction_bias")


def native_precision(config: dict) -> str:
    """The id of the precision the checkpoint of `config` stores its weights in."""
    quant = config.get("quantization_config")
    if quant is None:
        dtype = config.get("torch_dtype") or config.get("dtype") or "bfloat16"
        return _DTYPES.get(str(dtype), "bf16")
    if not isinstance(quant, dict):
        raise UserError("config.json: quantization_config must be an object")
    precision = _quantized_precision(quant)
    _check_excluded(quant, precision)
    return precision


def _key(quant: dict, *names: str):
    for name in names:
        if name in quant:
            return quant[name]
    return None


def _quantized_precision(q: dict) -> str:
    method = str(q.get("quant_method", "")).lower()
    if method == "fp8":  # transformers FineGrainedFP8 (DeepSeek-V3, Qwen3 FP8, GLM FP8)
        # "float8_e4m3fn" is torch's name for the same format (MiniMax-M2 writes it so).
        if q.get("fmt", "e4m3") not in ("e4m3", "float8_e4m3fn"):
            raise UserError(f"config.json: quantization_config.fmt {q.get('fmt')!r} is not modelled (e4m3 only)")
        block = q.get("weight_block_size")
        if block is None:
            return "fp8"  # one scale per tensor
        if list(block) != [128, 128]:
            raise UserError(f"config.json: quantization_config.weight_block_size {block} is not modelled "
                            "(only [128, 128])")
        return "fp8-block128"
    if method == "mxfp4":  # transformers Mxfp4HfQuantizer: the experts only (gpt-oss)
        return "mxfp4-moe"
    if method in ("gptq", "awq"):
        bits = _key(q, "bits", "w_bit")
        group = _key(q, "group_size", "q_group_size")
        if not isinstance(bits, int) or not isinstance(group, int) or group <= 0:
            raise UserError(f"config.json: quantization_config.group_size {group!r} with bits {bits!r} is not "
                            "modelled (a positive group size and integer bits are)")
        return get_precision(f"{method}-int{bits}-g{group}").id
    if method == "bitsandbytes":
        if q.get("load_in_8bit"):
            return "int8"
        if q.get("load_in_4bit"):
            if str(q.get("bnb_4bit_quant_type", "fp4")).lower() != "nf4":
                raise UserError("config.json: quantization_config.bnb_4bit_quant_type "
                                f"{q.get('bnb_4bit_quant_type')!r} is not modelled (nf4 only)")
            if not q.get("bnb_4bit_use_double_quant", False):
                raise UserError("config.json: quantization_config.bnb_4bit_use_double_quant false is not "
                                "modelled (paramtui's nf4 is double-quantised)")
            return "nf4"
        raise UserError("config.json: quantization_config.load_in_4bit / load_in_8bit: neither is set")
    if method == "modelopt":  # NVIDIA ModelOpt exports
        algo = str(q.get("quant_algo", "")).upper()
        if algo in ("NVFP4", "FP8"):
            return algo.lower()
        raise UserError(f"config.json: quantization_config.quant_algo {q.get('quant_algo')!r} is not modelled "
                        "(NVFP4 and FP8 are)")
    raise UserError(f"config.json: quantization_config.quant_method {q.get('quant_method')!r} is not modelled "
                    "(fp8, mxfp4, gptq, awq, bitsandbytes and modelopt are)")


def _check_excluded(q: dict, precision_id: str) -> None:
    """Every excluded module must already be one the precision keeps at 16-bit."""
    experts_only = get_precision(precision_id).quantizes == "experts"
    for key in _EXCLUDED_KEYS:
        for entry in q.get(key) or ():
            last = str(entry).rstrip(".*").rsplit(".", 1)[-1].lower()
            if experts_only and "experts" not in last and last not in ("mlp", "layers", "model") \
                    and not last.isdigit():
                continue  # anything but the experts is 16-bit in an experts-only format
            if (last in _ALWAYS_16_BIT or "norm" in last or "embed" in last) and \
                    get_precision(precision_id).high_precision_parts:
                continue
            raise UserError(f"config.json: quantization_config.{key} entry {entry!r} is not modelled "
                            f"(with {precision_id}, only the embeddings, head, norms and router stay unquantised)")


def native_precision_of_file(path) -> str:
    """`native_precision` of a config.json on disk."""
    from pathlib import Path

    from paramtui.core.io.user_files import read_user_file
    from paramtui.core.io.bounded_parse import loads_json

    text, _stamp = read_user_file(Path(path), "config.json")
    config = loads_json(text, str(path))
    return native_precision(config if isinstance(config, dict) else {})
