"""Small model files written for the tests: GGUF through llama.cpp's own writer (the `gguf`
package), safetensors by the format's definition (length, JSON header, data)."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

from paramtui.core.io.safetensors_file import DTYPE_BITS


def write_safetensors(path: Path, tensors: dict[str, tuple[str, tuple[int, ...]]], *, sparse: bool = True) -> int:
    """A .safetensors file declaring `tensors` (name -> (dtype, shape)); the data are zeros,
    left as a hole in the file when `sparse`. Returns the data bytes."""
    header, offset = {}, 0
    for name, (dtype, shape) in tensors.items():
        size = math.prod(shape) * DTYPE_BITS[dtype] // 8
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        if sparse:
            f.truncate(8 + len(text) + offset)
        else:
            f.write(bytes(offset))
    return offset


def write_index(folder: Path, weight_map: dict[str, str]) -> None:
    (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))


def write_gguf(path: Path, arch: str, metadata: dict, tensors: dict[str, tuple[str, tuple[int, ...]]]) -> None:
    """A GGUF file with `metadata` (key -> value; lists become arrays) and tensors of the
    given GGML type names and shapes (ne order: innermost first, as llama.cpp writes them)."""
    import numpy as np
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFWriter

    w = GGUFWriter(str(path), arch)
    for key, value in metadata.items():
        if isinstance(value, bool):
            w.add_bool(key, value)
        elif isinstance(value, int):
            w.add_uint32(key, value)
        elif isinstance(value, float):
            w.add_float32(key, value)
        elif isinstance(value, str):
            w.add_string(key, value)
        else:
            w.add_array(key, list(value))
    for name, (type_name, ne) in tensors.items():
        qtype = GGMLQuantizationType[type_name]
        block, size = GGML_QUANT_SIZES[qtype]
        if type_name in ("F32", "F16"):
            w.add_tensor(name, np.zeros(tuple(reversed(ne)), dtype=np.float32 if type_name == "F32" else np.float16))
            continue
        data = np.zeros((*reversed(ne[1:]), ne[0] // block * size), dtype=np.uint8)
        w.add_tensor(name, data, raw_shape=data.shape, raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def gguf_bytes(type_name: str, ne: tuple[int, ...]) -> int:
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    block, size = GGML_QUANT_SIZES[GGMLQuantizationType[type_name]]
    return math.prod(ne) // block * size


# A two-layer llama-style model at a width K-quants can hold (a multiple of 256): Q4_K body,
# Q6_K for attn_v/ffn_down (as Q4_K_M does), Q8_0 embedding, F32 norms.
LLAMA_GGUF_META = {
    "general.name": "tiny llama", "general.file_type": 15,
    "llama.block_count": 2, "llama.embedding_length": 256, "llama.feed_forward_length": 768,
    "llama.attention.head_count": 4, "llama.attention.head_count_kv": 2, "llama.context_length": 8192,
    "llama.attention.layer_norm_rms_epsilon": 1e-5, "llama.rope.freq_base": 10000.0,
    "llama.vocab_size": 512,
}


def llama_gguf_tensors(layers: int = 2, hidden: int = 256, ffn: int = 768, vocab: int = 512, kv: int = 128):
    t = {"token_embd.weight": ("Q8_0", (hidden, vocab)), "output_norm.weight": ("F32", (hidden,)),
         "output.weight": ("Q6_K", (hidden, vocab))}
    for i in range(layers):
        t |= {f"blk.{i}.attn_norm.weight": ("F32", (hidden,)), f"blk.{i}.ffn_norm.weight": ("F32", (hidden,)),
              f"blk.{i}.attn_q.weight": ("Q4_K", (hidden, hidden)), f"blk.{i}.attn_k.weight": ("Q4_K", (hidden, kv)),
              f"blk.{i}.attn_v.weight": ("Q6_K", (hidden, kv)), f"blk.{i}.attn_output.weight": ("Q4_K", (hidden, hidden)),
              f"blk.{i}.ffn_gate.weight": ("Q4_K", (hidden, ffn)), f"blk.{i}.ffn_up.weight": ("Q4_K", (hidden, ffn)),
              f"blk.{i}.ffn_down.weight": ("Q6_K", (ffn, hidden))}
    return t
