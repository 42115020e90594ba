"""A `.gguf` file's metadata and tensor table, read with the `gguf` package (llama.cpp's own).

The package memory-maps the file read-only and parses the header; no tensor data is read.
Each tensor's stored type (Q4_K, Q6_K, F32, …) and size come from the table, so the weights
are the exact sum of the tensors' sizes and the bits per weight exact, where a nominal
"Q4_K_M = 4.89 bits" is only an average. A split set (`name-00001-of-00003.gguf`) is read
part by part. `gguf` (and numpy under it) is imported only when a GGUF file is opened, so
start-up does not pay for it.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

from paramtui.core.errors import UserError
from paramtui.core.io.checkpoint import Checkpoint, type_shares
from paramtui.core.io.safetensors_file import open_regular

_SPLIT = re.compile(r"^(?P<stem>.*)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)
GGUF_MAGIC = b"GGUF"


def split_parts(path: Path) -> list[Path]:
    """Every part of the split set `path` belongs to (just `path` when it is not split)."""
    m = _SPLIT.match(path.name)
    if not m:
        return [path]
    count = int(m.group("count"))
    if count < 1:
        raise UserError(f"{path}: a split GGUF set of {count} parts")
    parts = [path.with_name(f"{m.group('stem')}-{i:05d}-of-{count:05d}.gguf") for i in range(1, count + 1)]
    missing = [p.name for p in parts if not p.exists()]
    if missing:
        raise UserError(f"{path}: part {missing[0]} of this {count}-part GGUF set is missing"
                        + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    return parts


def is_gguf(path: Path) -> bool:
    """Whether the file starts with GGUF's magic (for files without the suffix: Ollama blobs)."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == GGUF_MAGIC
    except OSError:
        return False


def read_gguf(path: str | os.PathLike) -> Checkpoint:
    """The checkpoint a `.gguf` file (or the split set it starts) holds."""
    first = Path(path)
    parts = split_parts(first)
    rows: list[tuple[str, int, int]] = []
    elements_by_name: dict[str, int] = {}
    metadata: dict[str, Any] = {}
    file_bytes = 0
    for i, part in enumerate(parts):
        reader, size = _open(part)
        file_bytes += size
        if i == 0:
            metadata = _metadata(reader)
        for t in reader.tensors:
            elements = math.prod(int(d) for d in t.shape)
            if t.data_offset + t.n_bytes > size:
                raise UserError(f"{part}: truncated or lying header: tensor {t.name!r} ends at byte "
                                f"{t.data_offset + t.n_bytes:,} of a {size:,}-byte file")
            rows.append((t.tensor_type.name, elements, int(t.n_bytes)))
            elements_by_name[t.name] = elements
    if not rows:
        raise UserError(f"{first}: a GGUF file with no tensors (a vocabulary-only file?), not a model")
    return Checkpoint(
        path=str(first), format="gguf", files=tuple(str(p) for p in parts), file_bytes=file_bytes,
        weights_bytes=sum(r[2] for r in rows), elements=sum(r[1] for r in rows), types=type_shares(rows),
        metadata=metadata, tensor_elements=elements_by_name)


def _open(part: Path):
    with open_regular(part, "GGUF file") as f:  # the checks of a regular, readable file
        size = os.fstat(f.fileno()).st_size
        magic = f.read(4)
    if magic != GGUF_MAGIC:
        raise UserError(f"{part}: not a GGUF file (it does not start with 'GGUF')")
    from gguf import GGUFReader  # lazily: numpy and gguf cost ~0.2 s to import

    try:
        return GGUFReader(part, "r"), size
    except ValueError as e:
        text = str(e)
        unknown = re.search(r"(\d+)\)? is not a valid GGMLQuantizationType", text)
        if unknown:
            raise UserError(f"{part}: a tensor has an unknown GGUF tensor type {unknown.group(1)} "
                            "(newer than this gguf package?)") from None
        raise UserError(f"{part}: truncated or not a valid GGUF file ({text})") from None
    except (IndexError, KeyError, OverflowError, MemoryError) as e:
        raise UserError(f"{part}: truncated or not a valid GGUF file ({type(e).__name__})") from None


def _metadata(reader) -> dict[str, Any]:
    """The key/value metadata; the tokenizer's vocabulary arrays are summarised by their length."""
    out: dict[str, Any] = {}
    for name, field in reader.fields.items():
        if name.startswith("GGUF."):
            continue
        if name.startswith("tokenizer.ggml.") and len(field.types) > 1:  # tokens, scores, merges
            out[name + ".length"] = len(field.data)
            continue
        try:
            out[name] = field.contents()
        except (ValueError, IndexError, UnicodeDecodeError):
            raise UserError(f"{reader.data.filename}: metadata key {name!r} cannot be read") from None
    return out
