"""A scenario: one model, one precision, one target, one workload (DESIGN.md, Session file).

Field names are the session file's keys. A scenario names its model in exactly one way: a
catalog id (`model`), a bare parameter count (`params`), or an `[scenario.architecture]`
table in Hugging Face key names.
"""

from __future__ import annotations

from typing import Annotated, Literal

from paramtui.core.model.architecture import Architecture
from paramtui.core.units import parse_count
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record

ID_PATTERN = r"^[a-z0-9_-]+$"

Optimizer = Literal["adamw", "adamw-8bit", "sgd", "adafactor", "lion"]
Regime = Literal["fp32", "mixed", "bf16"]
Recompute = Literal["none", "selective", "full"]
Method = Literal["full", "lora", "qlora"]
Runtime = Literal["optimized", "eager"]
Law = Literal["chinchilla", "epoch", "kaplan", "muennighoff"]


# The ranges of the counts and prices a scenario takes: far beyond any real run (today's
# largest models have ~2e12 parameters and are trained on ~4e13 tokens; the largest
# clusters have ~1e5 devices) and low enough that every figure stays a finite float.
MAX_PARAMS = 1e16
MAX_TOKENS = 1e18
MAX_DEVICES = 10_000_000
MAX_PRICE_PER_HOUR_USD = 1_000_000.0
MIN_MFU = 0.0001  # 0.01%: any lower and a training run's time is beyond any meaning


def _count(what: str, maximum: float):
    """A count as a number or as text like "7B" / "1.5T" (`parse_count`), for pydantic."""
    return lambda v: None if v is None else parse_count(v, what, maximum)


@record
class InferenceSettings:
    __pydantic_config__ = STRICT

    batch: Annotated[int, pyd.Field(ge=1, le=1_000_000)] = 1  # concurrent sequences
    # Tokens per sequence held in the KV cache; None: 4096, or the model's limit if lower.
    context: Annotated[int, pyd.Field(ge=1, le=100_000_000)] | None = None
    runtime: Runtime = "optimized"  # an optimized server (vLLM, llama.cpp) or a plain eager loop


@record
class TrainingSettings:
    __pydantic_config__ = STRICT

    # None: the catalog's published figure, else 20 per parameter
    tokens: Annotated[Annotated[float, pyd.Field(gt=0)] | None, pyd.BeforeValidator(_count("training tokens", MAX_TOKENS))] = None
    optimizer: Optimizer = "adamw"
    regime: Regime = "mixed"
    recompute: Recompute = "none"
    flash_attention: bool = True
    zero: Annotated[int, pyd.Field(ge=0, le=3)] = 0
    tensor_parallel: Annotated[int, pyd.Field(ge=1, le=MAX_DEVICES)] = 1
    pipeline_parallel: Annotated[int, pyd.Field(ge=1, le=MAX_DEVICES)] = 1
    method: Method = "full"
    lora_rank: Annotated[int, pyd.Field(ge=1, le=1_000_000)] = 16
    micro_batch: Annotated[int, pyd.Field(ge=1, le=1_000_000)] | None = None  # None: the inference batch
    seq_len: Annotated[int, pyd.Field(ge=1, le=100_000_000)] | None = None  # None: the inference context
    mfu: Annotated[float, pyd.Field(ge=MIN_MFU, le=1)] | None = None  # None: the documented default


@record
class ScalingSettings:
    __pydantic_config__ = STRICT

    law: Law | None = None  # None: the documented default law
    # data-constrained scaling; None = all unique
    unique_tokens: Annotated[Annotated[float, pyd.Field(gt=0)] | None, pyd.BeforeValidator(_count("unique tokens", MAX_TOKENS))] = None


@record
class Scenario:
    __pydantic_config__ = STRICT

    id: Annotated[str, pyd.Field(pattern=ID_PATTERN, max_length=64)]
    name: str = ""
    model: str | None = None
    params: Annotated[float | None, pyd.BeforeValidator(_count("params", MAX_PARAMS))] = None
    architecture: Architecture | None = None
    precision: str = "bf16"
    kv_precision: str | None = None  # None: 16-bit, or the weights' float precision if higher
    target: str = "h100-sxm"
    gpus: Annotated[int, pyd.Field(ge=1, le=MAX_DEVICES)] = 1
    price_per_hour_usd: Annotated[float, pyd.Field(ge=0, le=MAX_PRICE_PER_HOUR_USD)] | None = None  # per device-hour; None: the target's
    inference: InferenceSettings = InferenceSettings()
    training: TrainingSettings = TrainingSettings()
    scaling: ScalingSettings = ScalingSettings()

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
