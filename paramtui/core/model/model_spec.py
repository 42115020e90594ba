"""Turn a scenario's model (catalog id, model file, bare count or architecture) into a shape and a count.

Memory, speed and KV cache need a shape, not just a count. For a bare parameter count the
shape is *assumed*: a Llama-2-style dense decoder (Touvron et al. 2023: 32k vocabulary,
multi-head attention with 128-wide heads, SwiGLU MLP of width ≈ 8/3·h, layers = h/128 as
in Llama 2 7B/13B) whose size is nearest the count. The count itself stays exactly what the
user gave, and every explanation says the shape was assumed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from paramtui.core.errors import UserError
from paramtui.core.io.checkpoint import Checkpoint
from paramtui.core.model.architecture import Architecture
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.model.params import ParamCount, count_parameters
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.units import format_count

NOMINAL_VOCAB = 32000
NOMINAL_HEAD_DIM = 128


class ResolvedModel(NamedTuple):
    name: str
    architecture: Architecture
    params: ParamCount
    nominal_architecture: bool  # True when the shape was assumed for a bare count
    catalog_id: str | None = None
    training_tokens: float | None = None  # published, from the catalog
    context_length: int | None = None
    license: str | None = None
    checkpoint: Checkpoint | None = None  # a model file's headers (model_file.py)
    checkpoint_note: str | None = None  # how the files' weights differ from config.json's count
    # The precision its weights are stored in: a bare config.json's own (quant_config.py) or a
    # catalog model's as published.
    native_precision: str | None = None


def _nominal_shape(hidden: int) -> Architecture:
    ffn = 256 * -(-(8 * hidden // 3) // 256)  # 8/3·h rounded up to a multiple of 256, as Llama does
    return Architecture(
        model_type="llama",
        vocab_size=NOMINAL_VOCAB,
        hidden_size=hidden,
        num_hidden_layers=max(1, hidden // NOMINAL_HEAD_DIM),
        num_attention_heads=max(1, hidden // NOMINAL_HEAD_DIM),
        intermediate_size=ffn,
        max_position_embeddings=4096,
    )


@lru_cache(maxsize=256)
def nominal_architecture(total_params: float) -> Architecture:
    """The Llama-2-style shape (hidden size a multiple of 256) whose count is nearest `total_params`."""
    best = None
    for hidden in range(256, 65536 + 1, 256):
        arch = _nominal_shape(hidden)
        gap = abs(count_parameters(arch).total - total_params)
        if best is not None and gap > best[0]:
            break  # counts grow monotonically with width: past the minimum
        best = (gap, arch)
    return best[1]


def _scaled_count(arch: Architecture, total: int) -> ParamCount:
    """The assumed shape's breakdown, scaled so the parts add up to exactly the given total."""
    shape = count_parameters(arch)
    ratio = total / shape.total
    parts = {k: round(getattr(shape, k) * ratio) for k in ("embedding", "attention", "norm", "head")}
    parts["mlp"] = total - sum(parts.values())

    def explain() -> dict[str, Explanation]:
        why = Explanation(
            title="Parameters (given)",
            meaning="You gave the parameter count directly, so it is used as is. The split by part "
            "and the shape used for memory and speed come from an assumed Llama-2-style shape.",
            formula="total = the count you entered; parts = the assumed shape's parts × total / its total",
            substituted=(
                f"assumed hidden {arch.hidden_size}, {arch.num_hidden_layers} layers, "
                f"{arch.num_attention_heads} heads, FFN {arch.intermediate_size}, vocab {arch.vocab_size} "
                f"({format_count(shape.total)}) scaled to {format_count(total)}"
            ),
            source="Shape rule from Touvron et al. 2023 (Llama 2), Table 1 / the released configs",
        )
        return {**shape.explanations, "total": why}

    return ParamCount(total=total, active=total, **parts, explanations=Explanations(explain))


@lru_cache(maxsize=1024)
def _catalog_model(model_id: str) -> ResolvedModel:
    """A catalog model resolved once per process (the catalog does not change while running)."""
    from paramtui.core.model.catalog import get_model

    entry = get_model(model_id)
    return ResolvedModel(
        name=entry.name, architecture=entry.architecture, params=entry.param_count,
        nominal_architecture=False, catalog_id=entry.id, training_tokens=entry.training_tokens,
        context_length=entry.context_length, license=entry.license,
        native_precision=entry.native_precision,
    )


def check_model(model: str) -> None:
    """A scenario's `model` names a catalog model or a readable model file (UserError if not)."""
    from paramtui.core.model.model_file import is_model_path, resolve_model_file

    if is_model_path(model):
        resolve_model_file(model)
        return
    try:
        _catalog_model(model)
    except UserError as e:
        import os

        if os.path.exists(model):  # `paramtui estimate my-model` with a folder of that name here
            raise UserError(f"{e}; to use the file or folder {model!r} here, write ./{model}") from None
        raise


def resolve_model(scenario: Scenario) -> ResolvedModel:
    """The architecture and exact count for a scenario, whichever way it names its model."""
    if scenario.model is not None:
        from paramtui.core.model.model_file import is_model_path, resolve_model_file

        if is_model_path(scenario.model):
            return resolve_model_file(scenario.model)
        return _catalog_model(scenario.model)
    if scenario.architecture is not None:
        arch = scenario.architecture
        return ResolvedModel(
            name=scenario.name or f"custom {arch.model_type}", architecture=arch,
            params=count_parameters(arch), nominal_architecture=False,
            context_length=arch.max_position_embeddings,
        )
    total = int(round(scenario.params))
    arch = nominal_architecture(float(total))
    return ResolvedModel(
        name=f"{format_count(total)} parameters", architecture=arch,
        params=_scaled_count(arch, total), nominal_architecture=True,
    )
