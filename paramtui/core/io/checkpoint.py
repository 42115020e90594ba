"""What a checkpoint's headers say, whichever format it is in (GGUF, safetensors, a folder).

The readers (`gguf_file`, `safetensors_file`, `model_folder`) fill one `Checkpoint`: the
files, the bytes their tensors hold, how many weights those bytes encode and in which
stored types. Nothing here reads tensor data; every figure comes from the headers, exactly.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, NamedTuple


class TypeShare(NamedTuple):
    """The tensors stored in one type (a GGUF type like Q4_K, a safetensors dtype like BF16)."""

    type: str
    tensors: int
    elements: int  # weights encoded (logical: a packed int4 tensor counts its unpacked weights)
    bytes: int


class Checkpoint(NamedTuple):
    """A model file or folder, summarised from its headers."""

    path: str  # what the user named
    format: str  # "gguf" or "safetensors"
    files: tuple[str, ...]  # every file read (all parts of a split set, all shards)
    file_bytes: int  # size of those files on disk
    weights_bytes: int  # exact sum of the tensors' sizes
    elements: int  # weights the tensors encode, unpacked (scales and zero points excluded)
    types: tuple[TypeShare, ...]  # largest share first
    quantization: str | None = None  # a pre-quantized checkpoint's scheme, in words
    metadata: dict[str, Any] = {}  # GGUF key/values (tokenizer arrays left out)
    config: dict[str, Any] | None = None  # a folder's config.json
    tensor_elements: dict[str, int] = {}  # logical elements per tensor name (for naming differences)
    tensor_shapes: dict[str, tuple[int, ...]] = {}  # GGUF: each tensor's dims, innermost first (ne order)

    @property
    def bits_per_weight(self) -> Fraction:
        """Exact bits per weight over the whole file: 8 · bytes / weights."""
        return Fraction(8 * self.weights_bytes, self.elements) if self.elements else Fraction(0)

    def type_mix(self, limit: int = 6) -> str:
        """The stored types in words, largest share of weights first: 'Q4_K 80%, Q6_K 15%, …'."""
        parts = [f"{t.type} {100 * t.elements / self.elements:.3g}%" for t in self.types[:limit]] if self.elements else []
        if len(self.types) > limit:
            parts.append(f"+{len(self.types) - limit} more")
        return ", ".join(parts)


def type_shares(rows: list[tuple[str, int, int]]) -> tuple[TypeShare, ...]:
    """(type, elements, bytes) per tensor, summed by type, most weights first."""
    by_type: dict[str, list[int]] = {}
    for type_name, elements, size in rows:
        t = by_type.setdefault(type_name, [0, 0, 0])
        t[0] += 1
        t[1] += elements
        t[2] += size
    shares = [TypeShare(name, n, e, b) for name, (n, e, b) in by_type.items()]
    return tuple(sorted(shares, key=lambda s: (-s.elements, s.type)))


# Parts a checkpoint may hold beyond the language model a config.json's text model describes.
_EXTRA_PARTS = (
    ("a vision encoder", re.compile(r"vision|visual|image|mm_projector|multi_modal_projector|patch_embed")),
    ("an audio encoder", re.compile(r"audio")),
    ("multi-token-prediction layers", re.compile(r"(^|\.)(mtp|nextn)[._]")),
)
_LAYER = re.compile(r"layers\.(\d+)\.")


def describe_difference(ckpt: Checkpoint, config_total: int, config_layers: int | None) -> str | None:
    """Why the files' weights differ from the config's count, in words; None when equal.

    Tensors are attributed by name: vision/audio encoders, and multi-token-prediction layers
    (named `mtp`/`nextn`, or layers numbered past the config's `num_hidden_layers`, as in
    DeepSeek-V3's layer 61)."""
    from paramtui.core.units import format_count

    diff = ckpt.elements - config_total
    if diff == 0:
        return None
    if diff < 0:
        return (f"the files hold {format_count(-diff)} fewer weights than config.json counts "
                "(tensors the config describes but the files leave out)")
    found: dict[str, int] = {}
    for name, n in ckpt.tensor_elements.items():
        label = next((label for label, pattern in _EXTRA_PARTS if pattern.search(name)), None)
        if label is None:
            m = _LAYER.search(name)
            if config_layers is not None and m and int(m.group(1)) >= config_layers:
                label = "multi-token-prediction layers"
        if label:
            found[label] = found.get(label, 0) + n
    named = [f"{format_count(n)} in {label}" for label, n in found.items() if n]
    rest = diff - sum(found.values())
    if rest > 0 and named:
        named.append(f"{format_count(rest)} elsewhere")
    return (f"the files hold {format_count(diff)} more weights than config.json counts"
            + (": " + ", ".join(named) if named else " (tensors outside the model config.json describes)"))
