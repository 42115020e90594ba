"""A model on disk, whatever it is: a `.gguf` file, a `.safetensors` file, or a folder.

A folder is a Hugging Face checkpoint: `config.json` and one or more `.safetensors` shards,
listed by `model.safetensors.index.json` when sharded (every shard it names must exist), or
a folder holding one GGUF model. Only headers are read.

Pre-quantized checkpoints store packed weights beside scales and zero points. The logical
count unpacks them and leaves the scales out (they are not parameters of the model):
  GPTQ / AWQ: int32 `qweight` holds 32/bits weights per element; `qzeros`, `scales`, `g_idx`
    are metadata (AutoGPTQ / AutoAWQ packing);
  MXFP4: uint8 `*_blocks` hold two FP4 weights per byte; `*_scales` are the E8M0 block scales
    (OCP Microscaling spec; gpt-oss checkpoints);
  bitsandbytes 4-bit: a uint8 weight holds two 4-bit weights per byte; `absmax`, `quant_map`
    and `quant_state.*` are metadata; 8-bit: `SCB` and `weight_format` are metadata;
  FP8: one weight per element; `weight_scale_inv` (block scales, DeepSeek-V3),
    `weight_scale`, `input_scale` and the KV `k_scale`/`v_scale` are metadata.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from paramtui.core.errors import UserError
from paramtui.core.io.bounded_parse import loads_json
from paramtui.core.io.checkpoint import Checkpoint, type_shares
from paramtui.core.io.safetensors_file import SafetensorsHeader, Tensor, open_regular, read_safetensors_header

INDEX_NAME = "model.safetensors.index.json"
# Tensors that are quantization metadata, never parameters, by name ending.
_METADATA_SUFFIXES = (".weight_scale_inv", ".weight_scale", ".weight_scale_2", ".input_scale", ".k_scale",
                      ".v_scale", ".output_scale", ".qzeros", ".g_idx", ".absmax", ".quant_map",
                      ".nested_absmax", ".nested_quant_map", ".SCB", ".weight_format", "_scales")
_BNB_STATE = re.compile(r"\.quant_state\.bitsandbytes__(nf4|fp4)$")


def read_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """The checkpoint at `path`: a GGUF file, a safetensors file or a model folder."""
    p = Path(os.path.expanduser(os.fspath(path)))
    if p.is_dir():
        return read_model_folder(p)
    if not p.exists():
        raise UserError(f"{p}: no such file or folder")
    if p.suffix.lower() == ".gguf":
        from paramtui.core.io.gguf_file import read_gguf

        return read_gguf(p)
    if p.suffix.lower() == ".safetensors":
        return _summarise(str(p), [read_safetensors_header(p)], _config_beside(p.parent))
    if p.name == "config.json":
        return read_model_folder(p.parent)
    from paramtui.core.io.gguf_file import is_gguf, read_gguf

    if is_gguf(p):  # an Ollama blob: a GGUF file named by its digest
        return read_gguf(p)
    raise UserError(f"{p}: not a model file (expected a .gguf or .safetensors file, or a model folder)")


def read_model_folder(folder: Path) -> Checkpoint:
    shards = _shards(folder)
    if not shards:
        ggufs = sorted(f for f in folder.glob("*.gguf") if not re.search(r"-0000[2-9]-of-|-000[1-9]\d-of-", f.name))
        if len(ggufs) == 1:
            from paramtui.core.io.gguf_file import read_gguf

            return read_gguf(ggufs[0])
        if ggufs:
            raise UserError(f"{folder}: holds {len(ggufs)} GGUF models ({', '.join(f.name for f in ggufs[:3])}…); "
                            "name one file")
        raise UserError(f"{folder}: no model here (no .safetensors shards, no .gguf file)")
    headers = [read_safetensors_header(s) for s in shards]
    return _summarise(str(folder), headers, _config_beside(folder))


def _shards(folder: Path) -> list[Path]:
    index = folder / INDEX_NAME
    if index.exists():
        with open_regular(index, "safetensors index") as f:
            raw = f.read(50_000_000)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(f"{index}: not UTF-8 text") from None
        data = loads_json(text, str(index))
        weight_map = data.get("weight_map") if isinstance(data, dict) else None
        if not isinstance(weight_map, dict) or not all(isinstance(v, str) for v in weight_map.values()):
            raise UserError(f"{index}: no weight_map of tensor names to shard files")
        names = sorted(set(weight_map.values()))
        for name in names:
            if Path(name).name != name:
                raise UserError(f"{index}: shard {name!r} is not a file name in this folder")
            if not (folder / name).exists():
                raise UserError(f"{folder}: shard {name} (listed in {INDEX_NAME}) is missing")
        return [folder / n for n in names]
    return sorted(folder.glob("*.safetensors"))


def _config_beside(folder: Path) -> dict[str, Any] | None:
    config = folder / "config.json"
    if not config.exists():
        return None
    with open_regular(config, "config.json") as f:
        raw = f.read(50_000_000)
    try:
        data = loads_json(raw.decode("utf-8"), str(config))
    except UnicodeDecodeError:
        raise UserError(f"{config}: not UTF-8 text") from None
    if not isinstance(data, dict):
        raise UserError(f"{config}: a config.json must hold a JSON object")
    return data


def _summarise(path: str, headers: list[SafetensorsHeader], config: dict[str, Any] | None) -> Checkpoint:
    tensors: dict[str, Tensor] = {}
    for h in headers:
        for name, t in h.tensors.items():
            if name in tensors:
                raise UserError(f"{h.path}: tensor {name!r} is also in another shard")
            tensors[name] = t
    qconfig = (config or {}).get("quantization_config")
    qconfig = qconfig if isinstance(qconfig, dict) else {}
    bits = qconfig.get("bits", 4) if isinstance(qconfig.get("bits", 4), int) and qconfig.get("bits", 4) in (2, 3, 4, 8) else 4
    names = set(tensors)
    bnb4 = {m.string[:m.start()] for m in map(_BNB_STATE.search, names) if m}
    rows: list[tuple[str, int, int]] = []
    elements: dict[str, int] = {}
    schemes: set[str] = set()
    metadata_bytes = 0
    for name, t in tensors.items():
        logical, kind = _logical(name, t, bits, bnb4, names)
        if kind:
            schemes.add(kind)
        if logical is None:  # quantization metadata: bytes, but no parameters
            metadata_bytes += t.bytes
            rows.append((f"{t.dtype} (scales)", 0, t.bytes))
            continue
        elements[name] = logical
        rows.append((_stored_type(t, kind, bits), logical, t.bytes))
    return Checkpoint(
        path=path, format="safetensors", files=tuple(h.path for h in headers),
        file_bytes=sum(h.file_bytes for h in headers), weights_bytes=sum(t.bytes for t in tensors.values()),
        elements=sum(elements.values()), types=type_shares(rows),
        quantization=_describe(schemes, qconfig, bits), config=config, tensor_elements=elements)


def _logical(name: str, t: Tensor, bits: int, bnb4: set[str], names: set[str]) -> tuple[int | None, str | None]:
    """(weights the tensor encodes or None for metadata, the quantization scheme it shows)."""
    if name.endswith(".scales") and name[: -len(".scales")] + ".qweight" in names:
        return None, "packed"  # GPTQ/AWQ group scales
    if _BNB_STATE.search(name) or any(name.endswith(s) for s in _METADATA_SUFFIXES):
        if name.endswith(("_scales",)) and name[: -len("_scales")] + "_blocks" not in names:
            return t.elements, None  # a parameter that happens to be called *_scales
        return None, "fp8" if t.dtype.startswith("F8") and "scale" in name else None
    if name in bnb4:
        return 2 * t.elements, "bnb4"
    if name.endswith(".qweight") and t.dtype == "I32":
        return t.elements * (32 // bits), "packed"
    if name.endswith("_blocks") and t.dtype == "U8":
        return 2 * t.elements, "mxfp4"
    if t.dtype == "U8" and name + "_scale" in names:  # NVFP4 (ModelOpt): two FP4 per byte
        return 2 * t.elements, "nvfp4"
    if t.dtype.startswith("F8_E4M3") or t.dtype == "F8_E5M2":
        return t.elements, "fp8"
    return t.elements, None


def _stored_type(t: Tensor, kind: str | None, bits: int) -> str:
    if kind == "packed":
        return f"int{bits} (packed in I32)"
    if kind in ("mxfp4", "nvfp4", "bnb4"):
        return {"mxfp4": "MXFP4", "nvfp4": "NVFP4", "bnb4": "4-bit (bitsandbytes)"}[kind]
    return t.dtype


def _describe(schemes: set[str], qconfig: dict[str, Any], bits: int) -> str | None:
    method = str(qconfig.get("quant_method") or "").lower()
    if "packed" in schemes:
        label = "AWQ" if method == "awq" else "GPTQ" if method in ("gptq", "") else method
        group = qconfig.get("group_size")
        return f"{label} {bits}-bit" + (f", group {group}" if isinstance(group, int) and group > 0 else "")
    if "mxfp4" in schemes:
        return "MXFP4 (FP4 blocks of 32 with E8M0 scales)"
    if "nvfp4" in schemes:
        return "NVFP4 (FP4 with FP8 block scales)"
    if "bnb4" in schemes:
        return f"bitsandbytes 4-bit ({qconfig.get('bnb_4bit_quant_type', 'nf4')})"
    if "fp8" in schemes:
        block = qconfig.get("weight_block_size")
        return "FP8 (E4M3" + (f", block-scaled {block[0]}×{block[1]}" if isinstance(block, list) and len(block) == 2 else "") + ")"
    if method == "bitsandbytes" or qconfig.get("load_in_8bit"):
        return "bitsandbytes 8-bit"
    return None
