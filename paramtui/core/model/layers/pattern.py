"""The layer pattern as one line a user reads and edits: "3 linear + 1 full".

The text is the shortest run of layer kinds that, repeated, gives every layer of the model
(cut off at the last layer, as Gemma 3's 26 layers end part-way through its period of 6);
a model whose layers are all alike reads as one word ("full"). Editing it sets the
architecture's `layer_types`; whether the model can have a kind (linear attention needs its
head sizes, Mamba its state size) is the architecture record's check, not this module's.
"""

from __future__ import annotations

import re

from paramtui.core.errors import UserError
from paramtui.core.model.architecture import Architecture

# layer_types value -> the word the pattern uses for it.
WORDS = {
    "full_attention": "full", "sliding_attention": "sliding", "chunked_attention": "chunked",
    "linear_attention": "linear", "conv": "conv", "mamba": "mamba", "mamba_attention": "mamba-attention",
    "mlp": "mlp", "moe": "moe", "rwkv": "rwkv",
    "compressed_sparse_attention": "csa", "heavily_compressed_attention": "hca",
}
KINDS = {word: kind for kind, word in WORDS.items()}
_TERM = re.compile(r"^\s*(?:(\d+)\s*[x×]?\s*)?([a-z-]+)\s*$")


def layer_kinds(arch: Architecture) -> tuple[str, ...]:
    """Every decoder layer's `layer_types` value (a model without the key: all full, or all
    sliding where it has a sliding window, as the per-layer model reads it)."""
    if arch.layer_types is not None:
        return tuple(arch.layer_types)
    kind = "sliding_attention" if arch.sliding_window is not None else "full_attention"
    return (kind,) * arch.num_hidden_layers


def repeating_unit(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The shortest run that, repeated and cut at the end, gives `kinds`."""
    n = len(kinds)
    for p in range(1, n + 1):
        if all(kinds[i] == kinds[i % p] for i in range(n)):
            return kinds[:p]
    return kinds


def _runs(unit: tuple[str, ...]) -> list[tuple[int, str]]:
    runs: list[tuple[int, str]] = []
    for kind in unit:
        if runs and runs[-1][1] == kind:
            runs[-1] = (runs[-1][0] + 1, kind)
        else:
            runs.append((1, kind))
    return runs


def pattern_text(arch: Architecture) -> str:
    """The repeating unit of the layer kinds, e.g. '3 linear + 1 full'; one word when all alike."""
    unit = repeating_unit(layer_kinds(arch))
    if len(unit) == 1:
        return WORDS[unit[0]]
    return " + ".join(f"{count} {WORDS[kind]}" for count, kind in _runs(unit))


def pattern_summary(arch: Architecture) -> str:
    """How many layers of each kind, e.g. '36 linear + 12 full (every 4th)'."""
    kinds = layer_kinds(arch)
    unit = repeating_unit(kinds)
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    text = " + ".join(f"{n} {WORDS[kind]}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    # The kind that comes once per repeat is the one a reader counts by ("full every 4th");
    # of two such kinds (an alternation), full attention.
    once = sorted((kind for kind in set(unit) if unit.count(kind) == 1), key=lambda k: k != "full_attention")
    if len(unit) > 1 and once and len(once) <= 2 and len(kinds) >= 2 * len(unit):
        text += f" ({WORDS[once[0]]} every {_ordinal(len(unit))})"
    return text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def layer_types_from_pattern(text: str, num_layers: int) -> tuple[str, ...]:
    """The `layer_types` a pattern like '3 linear + 1 full' gives a `num_layers`-layer model:
    the unit repeated and cut at the last layer."""
    unit: list[str] = []
    for term in text.split("+"):
        match = _TERM.match(term.lower())
        if match is None or match[2] not in KINDS:
            raise UserError(f"layer pattern: {term.strip()!r} is not a count and a layer kind "
                            f"({', '.join(KINDS)}), e.g. '3 linear + 1 full'")
        count = int(match[1]) if match[1] else 1
        if count < 1:
            raise UserError(f"layer pattern: {term.strip()!r} counts no layers")
        unit += [KINDS[match[2]]] * count
        if len(unit) > num_layers:
            raise UserError(f"layer pattern: {len(unit)}+ layers in one repeat, the model has {num_layers}")
    return tuple(unit[i % len(unit)] for i in range(num_layers))
