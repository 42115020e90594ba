"""Walk a GGUF header (metadata and tensor table) without touching tensor data.

The format is llama.cpp's (docs/gguf.md): magic, version, tensor and key/value counts, the
key/values, the tensor infos (name, dims, type, offset), then aligned tensor data. The type
tables come from the `gguf` package (llama.cpp's own Python package): its value types, its
tensor types and their block sizes. Its `GGUFReader` is not used for the walk: it builds a
numpy view per element of every array, so a 150k-token vocabulary with its merges took 27 s
where this walk, which steps over string arrays by their lengths, takes a fraction of that.
Every read is bounds-checked, so a truncated file or a header that lies is a `UserError`.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import Any, NamedTuple

from paramtui.core.errors import UserError

SUPPORTED_VERSIONS = (2, 3)
MAX_TENSORS = 10_000_000
MAX_KEYS = 1_000_000
MAX_DIMS = 8
# Arrays up to this long are kept as values (per-layer head counts, window patterns); longer
# ones (vocabularies, merges, scores) only by their length.
KEEP_ARRAY = 65_536


class TensorInfo(NamedTuple):
    name: str
    type_name: str
    shape: tuple[int, ...]  # ne order: innermost dimension first
    elements: int
    bytes: int
    offset: int  # absolute, in the file


class GgufHeader(NamedTuple):
    metadata: dict[str, Any]
    tensors: list[TensorInfo]
    file_bytes: int


class _Cursor:
    def __init__(self, buf, size: int, origin: Path, order: str):
        self.buf, self.size, self.origin, self.order, self.at = buf, size, origin, order, 0

    def take(self, fmt: str):
        n = struct.calcsize(fmt)
        if self.at + n > self.size:
            raise UserError(f"{self.origin}: truncated GGUF header (ends inside it at byte {self.size:,})")
        value = struct.unpack_from(self.order + fmt, self.buf, self.at)
        self.at += n
        return value[0] if len(value) == 1 else value

    def string(self) -> str:
        n = self.take("Q")
        if self.at + n > self.size:
            raise UserError(f"{self.origin}: truncated GGUF header (a string runs past the end of the file)")
        raw = bytes(self.buf[self.at:self.at + n])
        self.at += n
        return raw.decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        """Step over `count` strings by their lengths, reading none of them."""
        unpack, buf, size, at = struct.Struct(self.order + "Q").unpack_from, self.buf, self.size, self.at
        for _ in range(count):
            if at + 8 > size:
                break
            at += 8 + unpack(buf, at)[0]
        else:
            if at <= size:
                self.at = at
                return
        raise UserError(f"{self.origin}: truncated GGUF header (an array runs past the end of the file)")


def read_gguf_header(path: Path) -> GgufHeader:
    from gguf.constants import GGML_QUANT_SIZES, GGUF_DEFAULT_ALIGNMENT, GGMLQuantizationType, GGUFValueType

    scalar = {GGUFValueType.UINT8: "B", GGUFValueType.INT8: "b", GGUFValueType.UINT16: "H",
              GGUFValueType.INT16: "h", GGUFValueType.UINT32: "I", GGUFValueType.INT32: "i",
              GGUFValueType.FLOAT32: "f", GGUFValueType.BOOL: "?", GGUFValueType.UINT64: "Q",
              GGUFValueType.INT64: "q", GGUFValueType.FLOAT64: "d"}
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        if size < 24:
            raise UserError(f"{path}: truncated GGUF file ({size} bytes)")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            version = struct.unpack_from("<I", buf, 4)[0]
            order = "<" if version & 0xFFFF else ">"  # a big-endian file reads as 0x0300_0000
            c = _Cursor(buf, size, path, order)
            c.at = 4
            version = c.take("I")
            if version not in SUPPORTED_VERSIONS:
                raise UserError(f"{path}: GGUF version {version} (supported: {', '.join(map(str, SUPPORTED_VERSIONS))})")
            n_tensors, n_keys = c.take("Q"), c.take("Q")
            if n_tensors > MAX_TENSORS or n_keys > MAX_KEYS:
                raise UserError(f"{path}: not a valid GGUF file ({n_tensors:,} tensors, {n_keys:,} keys)")

            def value(kind: int, key: str) -> Any:
                if kind in scalar:
                    return c.take(scalar[kind])
                if kind == GGUFValueType.STRING:
                    return c.string()
                if kind == GGUFValueType.ARRAY:
                    item, count = c.take("I"), c.take("Q")
                    if item == GGUFValueType.STRING:
                        if count <= KEEP_ARRAY and not key.startswith("tokenizer."):
                            return [c.string() for _ in range(count)]
                        c.skip_strings(count)
                        return _Length(count)
                    if item not in scalar:
                        raise UserError(f"{path}: metadata {key!r}: an array of type {item} (not a GGUF value type)")
                    width = struct.calcsize(scalar[item])
                    if c.at + count * width > size:
                        raise UserError(f"{path}: truncated GGUF header (array {key!r} runs past the end)")
                    if count > KEEP_ARRAY or key.startswith("tokenizer."):
                        c.at += count * width
                        return _Length(count)
                    values = list(struct.unpack_from(f"{order}{count}{scalar[item]}", buf, c.at))
                    c.at += count * width
                    return values
                raise UserError(f"{path}: metadata {key!r} has an unknown value type {kind}")

            metadata: dict[str, Any] = {}
            for _ in range(n_keys):
                key = c.string()
                got = value(c.take("I"), key)
                if isinstance(got, _Length):
                    metadata[key + ".length"] = got.count
                else:
                    metadata[key] = got
            infos = []
            for _ in range(n_tensors):
                name = c.string()
                n_dims = c.take("I")
                if n_dims > MAX_DIMS:
                    raise UserError(f"{path}: tensor {name!r} has {n_dims} dimensions (not a valid GGUF file)")
                dims = tuple(c.take("Q") for _ in range(n_dims))
                infos.append((name, dims, c.take("I"), c.take("Q")))
            alignment = metadata.get("general.alignment", GGUF_DEFAULT_ALIGNMENT)
            if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
                raise UserError(f"{path}: general.alignment must be a power of two, not {alignment!r}")
            data_start = -(-c.at // alignment) * alignment
    tensors = []
    for name, dims, raw_type, offset in infos:
        try:
            qtype = GGMLQuantizationType(raw_type)
            block, type_size = GGML_QUANT_SIZES[qtype]
        except (ValueError, KeyError):
            raise UserError(f"{path}: tensor {name!r} has an unknown GGUF tensor type {raw_type} "
                            "(newer than this gguf package?)") from None
        elements = 1
        for d in dims:
            elements *= d
        if dims and dims[0] % block:
            raise UserError(f"{path}: tensor {name!r}: {dims[0]} elements per row is not a whole number of "
                            f"{qtype.name} blocks of {block}")
        nbytes = elements // block * type_size
        start = data_start + offset
        if start + nbytes > size:
            raise UserError(f"{path}: truncated or lying header: tensor {name!r} ends at byte {start + nbytes:,} "
                            f"of a {size:,}-byte file")
        tensors.append(TensorInfo(name, qtype.name, dims, elements, nbytes, start))
    return GgufHeader(metadata, tensors, size)


class _Length(NamedTuple):
    count: int
