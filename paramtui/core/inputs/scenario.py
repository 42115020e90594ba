"""A scenario: one model, one precision, one target, one workload (docs/ARCHITECTURE.md, Session file).

Field names are the session file's keys. A scenario names its model in exactly one way: a
catalog id (`model`), a bare parameter count (`params`), or an `[scenario.architecture]`
table in Hugging Face key names.
"""

from __future__ import annotations

from typing import Annotated, Literal

from paramtui.core.inputs.options import bounds, default, option, parse_ram, values
from paramtui.core.model.architecture import Architecture
from paramtui.core.errors import UserError
from paramtui.core.units import parse_count
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record

ID_PATTERN = r"^[a-z0-9_-]+$"

# The choices, ranges and defaults are the inputs' own (`inputs/options.py`), so the record,
# the command line and the screens accept the same values.
Optimizer = Literal[values("training.optimizer")]
Regime = Literal[values("training.regime")]
Recompute = Literal[values("training.recompute")]
Method = Literal[values("training.method")]
Runtime = Literal[values("inference.runtime")]
Law = Literal[values("scaling.law")]
# What the scenario is for: serving the model, training it from scratch, or fine-tuning it.
Purpose = Literal[values("purpose")]


# The range of a bare parameter count: far beyond any real model (today's largest have
# ~2e12) and low enough that every figure stays a finite float. The inputs' ranges are in
# `inputs/options.py`.
MAX_PARAMS = 1e16


def _count(maximum: float):
    """A count as a number or as text like "7B" / "1.5T" (`parse_count`), for pydantic (which
    locates a ValueError and names the key, so the message does not name it again)."""
    def read(value):
        try:
            return None if value is None else parse_count(value, "", maximum)
        except UserError as error:
            raise ValueError(error.reason) from None

    return read


@record
class InferenceSettings:
    __pydantic_config__ = STRICT

    batch: Annotated[int, pyd.Field(**bounds("inference.batch"))] = default("inference.batch")
    # Tokens per sequence held in the KV cache; None: 4096, or the model's limit if lower.
    context: Annotated[int, pyd.Field(**bounds("inference.context"))] | None = None
    runtime: Runtime = default("inference.runtime")


@record
class TrainingSettings:
    __pydantic_config__ = STRICT

    # None: the catalog's published figure, else 20 per parameter
    tokens: Annotated[Annotated[float, pyd.Field(**bounds("training.tokens"))] | None,
                      pyd.BeforeValidator(_count(option("training.tokens").maximum))] = None
    optimizer: Optimizer = default("training.optimizer")
    regime: Regime = default("training.regime")
    recompute: Recompute | None = None  # None: `resolved_recompute`, by method
    flash_attention: bool = True
    zero: Annotated[int, pyd.Field(**bounds("training.zero"))] = default("training.zero")
    tensor_parallel: Annotated[int, pyd.Field(**bounds("training.tensor_parallel"))] = default("training.tensor_parallel")
    pipeline_parallel: Annotated[int, pyd.Field(**bounds("training.pipeline_parallel"))] = default("training.pipeline_parallel")
    method: Method = default("training.method")
    lora_rank: Annotated[int, pyd.Field(**bounds("training.lora_rank"))] = default("training.lora_rank")
    micro_batch: Annotated[int, pyd.Field(**bounds("inference.batch"))] | None = None  # None: the inference batch
    seq_len: Annotated[int, pyd.Field(**bounds("inference.context"))] | None = None  # None: the inference context
    mfu: Annotated[float, pyd.Field(**bounds("training.mfu"))] | None = None  # None: the documented default

    @property
    def resolved_recompute(self) -> str:
        """The recomputation the run does: the user's choice, else full for LoRA/QLoRA."""
        from paramtui.core.inputs.options import auto_recompute

        return self.recompute or auto_recompute(self.method)


@record
class ScalingSettings:
    __pydantic_config__ = STRICT

    law: Law | None = None  # None: the documented default law
    # data-constrained scaling; None = all unique
    unique_tokens: Annotated[Annotated[float, pyd.Field(**bounds("scaling.unique_tokens"))] | None,
                             pyd.BeforeValidator(_count(option("scaling.unique_tokens").maximum))] = None
    # None: 1, the data the laws were fitted on (an assumption either way)
    data_quality: Annotated[float, pyd.Field(**bounds("scaling.data_quality"))] | None = None
    # lifetime tokens served, for inference-aware sizing; None: not considered
    inference_tokens: Annotated[Annotated[float, pyd.Field(**bounds("scaling.inference_tokens"))] | None,
                                pyd.BeforeValidator(_count(option("scaling.inference_tokens").maximum))] = None


@record
class Budget:
    """What a planned training run may spend, in exactly one unit: dollars, device-hours, days
    on the scenario's devices, or FLOPs. The plan (`formulas.budget`) turns it into FLOPs."""

    __pydantic_config__ = STRICT

    usd: Annotated[float, pyd.Field(**bounds("budget.usd"))] | None = None
    gpu_hours: Annotated[float, pyd.Field(**bounds("budget.gpu_hours"))] | None = None
    days: Annotated[float, pyd.Field(**bounds("budget.days"))] | None = None
    flops: Annotated[Annotated[float, pyd.Field(**bounds("budget.flops"))] | None,
                     pyd.BeforeValidator(_count(option("budget.flops").maximum))] = None

    def __post_init__(self) -> None:
        given = [k for k in ("usd", "gpu_hours", "days", "flops") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give a budget in exactly one unit (usd, gpu_hours, days or flops); got "
                             f"{', '.join(given) or 'none'}")


@record
class Scenario:
    __pydantic_config__ = STRICT

    id: Annotated[str, pyd.Field(pattern=ID_PATTERN, max_length=64)]
    name: str = ""
    model: str | None = None
    params: Annotated[float | None, pyd.BeforeValidator(_count(MAX_PARAMS))] = None
    architecture: Architecture | None = None
    precision: str = default("precision")
    kv_precision: str | None = None  # None: 16-bit, or the weights' float precision if higher
    target: str = default("target")
    gpus: Annotated[int, pyd.Field(**bounds("gpus"))] = default("gpus")
    price_per_hour_usd: Annotated[float, pyd.Field(**bounds("price_per_hour_usd"))] | None = None
    # The host's RAM for offloading a model too big for the device; None: the target's typical host.
    host_ram_bytes: Annotated[Annotated[float, pyd.Field(**bounds("host_ram_bytes"))] | None,
                              pyd.BeforeValidator(lambda v: None if v is None else parse_ram(v))] = None
    # None: "finetune" when the method is LoRA or QLoRA, else "pretrain" (`resolved_purpose`).
    purpose: Purpose | None = None
    inference: InferenceSettings = InferenceSettings()
    training: TrainingSettings = TrainingSettings()
    scaling: ScalingSettings = ScalingSettings()
    budget: Budget | None = None

    def __post_init__(self) -> None:
        given = [k for k in ("model", "params", "architecture") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give the model exactly one way: `model` (a catalog id), `params` or "
                f"[scenario.architecture]; got {', '.join(given) or 'none'}"
            )

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def resolved_purpose(self) -> str:
        if self.purpose is not None:
            return self.purpose
        return "finetune" if self.training.method != "full" else "pretrain"

    @property
    def model_kind(self) -> str:
        if self.model is not None:
            return "catalog"
        return "params" if self.params is not None else "architecture"

    def with_changes(self, **changes) -> Scenario:
        """A validated copy with top-level and nested (`inference__batch=8`) fields changed."""
        data = pyd.as_data(self, exclude_none=True)
        for key, value in changes.items():
            if "__" in key:
                section, field = key.split("__", 1)
                data.setdefault(section, {})[field] = value
            else:
                data[key] = value
        if any(k in changes for k in ("model", "params", "architecture")):
            for k in ("model", "params", "architecture"):
                if k not in changes:
                    data.pop(k, None)
        return pyd.validate(Scenario, data)
