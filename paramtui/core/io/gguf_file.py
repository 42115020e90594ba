"""A `.gguf` file's metadata and tensor table (`gguf_header`, on the `gguf` package's tables).

The file is memory-mapped read-only and only its header is walked; no tensor data is read.
Each tensor's stored type (Q4_K, Q6_K, F32, …) and size come from the table, so the weights
are the exact sum of the tensors' sizes and the bits per weight exact, where a nominal
"Q4_K_M = 4.89 bits" is only an average. A split set (`name-00001-of-00003.gguf`) is read
part by part. `gguf` (and numpy under it) is imported only when a GGUF file is opened, so
start-up does not pay for it.
"""

from __future__ import annotations

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


def split_siblings(path: Path) -> list[Path]:
    """`path` and, when it names a part of a split set, the other parts there are (without
    reading or checking any of them: what a change on disk would be noticed by)."""
    m = _SPLIT.match(path.name)
    if not m:
        return [path]
    count = int(m.group("count"))
    return [path.with_name(f"{m.group('stem')}-{i:05d}-of-{count:05d}.gguf") for i in range(1, count + 1)]


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
    shapes: dict[str, tuple[int, ...]] = {}
    metadata: dict[str, Any] = {}
    file_bytes = 0
    for i, part in enumerate(parts):
        header = _open(part)
        file_bytes += header.file_bytes
        if i == 0:
            metadata = header.metadata
        for t in header.tensors:
            if t.name in elements_by_name:
                raise UserError(f"{part}: tensor {t.name!r} appears twice in this GGUF set")
            rows.append((t.type_name, t.elements, t.bytes))
            elements_by_name[t.name] = t.elements
            shapes[t.name] = t.shape
    if not rows:
        raise UserError(f"{first}: a GGUF file with no tensors (a vocabulary-only file?), not a model")
    return Checkpoint(
        path=str(first), format="gguf", files=tuple(str(p) for p in parts), file_bytes=file_bytes,
        weights_bytes=sum(r[2] for r in rows), elements=sum(r[1] for r in rows), types=type_shares(rows),
        metadata=metadata, tensor_elements=elements_by_name, tensor_shapes=shapes)


def _open(part: Path):
    with open_regular(part, "GGUF file") as f:  # the checks of a regular, readable file
        magic = f.read(4)
    if magic != GGUF_MAGIC:
        raise UserError(f"{part}: not a GGUF file (it does not start with 'GGUF')")
    from paramtui.core.io.gguf_header import read_gguf_header  # imports gguf (and numpy): ~0.2 s

    return read_gguf_header(part)
