"""The header of a `.safetensors` file: 8-byte little-endian length, then that much JSON.

Only the header is read, never the tensor data, so a 10 GB shard costs one small read. The
header is checked against the file: every dtype known, every tensor's byte range as long as
its shape and dtype say and inside the file. A header that lies is one `UserError` line.
Format: https://github.com/huggingface/safetensors (README, "Format").
"""

from __future__ import annotations

import math
import os
import stat
import struct
from pathlib import Path
from typing import Any, NamedTuple

from paramtui.core.errors import UserError
from paramtui.core.io.bounded_parse import loads_json

# Bits per element of each safetensors dtype (safetensors' Dtype enum). F4/F6 are packed.
DTYPE_BITS: dict[str, int] = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
    "I16": 16, "U16": 16, "F16": 16, "BF16": 16,
    "I32": 32, "U32": 32, "F32": 32,
    "I64": 64, "U64": 64, "F64": 64, "C64": 64,
    "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}
# The safetensors library refuses headers over 100 MB; so do we, before allocating them.
MAX_HEADER_BYTES = 100_000_000


class Tensor(NamedTuple):
    dtype: str
    shape: tuple[int, ...]
    elements: int
    bytes: int


class SafetensorsHeader(NamedTuple):
    path: str
    file_bytes: int
    tensors: dict[str, Tensor]
    metadata: dict[str, str]


def open_regular(path: Path, what: str):
    """`path` opened read-only, after checking it is a regular file (a FIFO would block)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"{path}: no such {what}") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise UserError(f"{path}: not a regular file, so not a {what}")
    try:
        return open(path, "rb")
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror})") from None


def read_safetensors_header(path: str | os.PathLike) -> SafetensorsHeader:
    """The tensors a `.safetensors` file declares, checked against its size."""
    p = Path(path)
    with open_regular(p, "safetensors file") as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(8)
        if len(head) < 8:
            raise UserError(f"{p}: not a safetensors file (shorter than its 8-byte header length)")
        (length,) = struct.unpack("<Q", head)
        if length > MAX_HEADER_BYTES:
            raise UserError(f"{p}: not a safetensors file (header length {length:,} bytes is over "
                            f"the format's {MAX_HEADER_BYTES:,})")
        if length > size - 8:
            raise UserError(f"{p}: truncated: its header says {length:,} bytes but the file has "
                            f"{max(0, size - 8):,} after the length")
        raw = f.read(length)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{p}: not a safetensors file (its header is not UTF-8 text)") from None
    if not text.lstrip().startswith("{"):
        raise UserError(f"{p}: not a safetensors file (its header is not a JSON object)")
    data = loads_json(text, f"{p} (header)")
    if not isinstance(data, dict):
        raise UserError(f"{p}: not a safetensors file (its header is not a JSON object)")
    data_bytes = size - 8 - length
    metadata = data.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise UserError(f"{p}: __metadata__ must be an object of strings")
    tensors = {name: _tensor(p, name, entry, data_bytes) for name, entry in data.items()}
    return SafetensorsHeader(str(p), size, tensors, {str(k): str(v) for k, v in metadata.items()})


def _tensor(p: Path, name: str, entry: Any, data_bytes: int) -> Tensor:
    if not isinstance(entry, dict):
        raise UserError(f"{p}: tensor {name!r}: its entry is not an object")
    dtype = entry.get("dtype")
    if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
        raise UserError(f"{p}: tensor {name!r} has an unknown type {dtype!r} "
                        f"(known: {', '.join(DTYPE_BITS)})")
    shape = entry.get("shape")
    offsets = entry.get("data_offsets")
    if (not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape)
            or not isinstance(offsets, list) or len(offsets) != 2
            or not all(type(o) is int and o >= 0 for o in offsets) or offsets[0] > offsets[1]):
        raise UserError(f"{p}: tensor {name!r}: shape and data_offsets must be lists of "
                        "non-negative whole numbers")
    elements = math.prod(shape)
    nbytes = offsets[1] - offsets[0]
    if elements * DTYPE_BITS[dtype] != nbytes * 8:
        raise UserError(f"{p}: tensor {name!r}: {dtype} of shape {shape} takes "
                        f"{elements * DTYPE_BITS[dtype] / 8:,.0f} bytes, but its header gives it {nbytes:,}")
    if offsets[1] > data_bytes:
        raise UserError(f"{p}: truncated or lying header: tensor {name!r} ends at byte {offsets[1]:,} "
                        f"of the data, which has only {data_bytes:,}")
    return Tensor(dtype, tuple(shape), elements, nbytes)
