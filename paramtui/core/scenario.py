"""A scenario: one model, one precision, one target, one workload (DESIGN.md, Session file).

Field names are the session file's keys. A scenario names its model in exactly one way: a
catalog id (`model`), a bare parameter count (`params`), or an `[scenario.architecture]`
table in Hugging Face key names.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from paramtui.core.architecture import Architecture
from paramtui.core.units import parse_count

ID_PATTERN = r"^[a-z0-9_-]+$"

Optimizer = Literal["adamw", "adamw-8bit", "sgd", "adafactor", "lion"]
Regime = Literal["fp32", "mixed", "bf16"]
Recompute = Literal["none", "selective", "full"]
Method = Literal["full", "lora", "qlora"]
Runtime = Literal["optimized", "eager"]
Law = Literal["chinchilla", "epoch", "kaplan", "muennighoff"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InferenceSettings(_Strict):
    batch: int = Field(default=1, ge=1, le=1_000_000)  # concurrent sequences
    # Tokens per sequence held in the KV cache; None: 4096, or the model's limit if lower.
    context: int | None = Field(default=None, ge=1, le=100_000_000)
    runtime: Runtime = "optimized"  # an optimized server (vLLM, llama.cpp) or a plain eager loop


class TrainingSettings(_Strict):
    tokens: float | None = Field(default=None, gt=0)  # None: the catalog's published figure, else 20 per parameter
    optimizer: Optimizer = "adamw"
    regime: Regime = "mixed"
    recompute: Recompute = "none"
    flash_attention: bool = True
    zero: int = Field(default=0, ge=0, le=3)
    tensor_parallel: int = Field(default=1, ge=1)
    pipeline_parallel: int = Field(default=1, ge=1)
    method: Method = "full"
    lora_rank: int = Field(default=16, ge=1)
    micro_batch: int | None = Field(default=None, ge=1)  # None: the inference batch
    seq_len: int | None = Field(default=None, ge=1)  # None: the inference context
    mfu: float | None = Field(default=None, gt=0, le=1)  # None: the documented default

    @field_validator("tokens", mode="before")
    @classmethod
    def _tokens(cls, v):
        return None if v is None else parse_count(v, "training tokens")


class ScalingSettings(_Strict):
    law: Law | None = None  # None: the documented default law
    unique_tokens: float | None = Field(default=None, gt=0)  # data-constrained scaling; None = all unique

    @field_validator("unique_tokens", mode="before")
    @classmethod
    def _unique(cls, v):
        return None if v is None else parse_count(v, "unique tokens")


class Scenario(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=64)
    name: str = ""
    model: str | None = None
    params: float | None = None
    architecture: Architecture | None = None
    precision: str = "bf16"
    kv_precision: str | None = None  # None: 16-bit, or the weights' float precision if higher
    target: str = "h100-sxm"
    gpus: int = Field(default=1, ge=1, le=100_000)
    price_per_hour_usd: float | None = Field(default=None, ge=0)  # per device-hour; None: the target's
    inference: InferenceSettings = InferenceSettings()
    training: TrainingSettings = TrainingSettings()
    scaling: ScalingSettings = ScalingSettings()

    @field_validator("params", mode="before")
    @classmethod
    def _params(cls, v):
        return None if v is None else parse_count(v, "params")

    @model_validator(mode="after")
    def _one_model(self) -> Scenario:
        given = [k for k in ("model", "params", "architecture") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give the model exactly one way: `model` (a catalog id), `params` or "
                f"[scenario.architecture]; got {', '.join(given) or 'none'}"
            )
        return self

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
        data = self.model_dump(exclude_none=True)
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
        return Scenario.model_validate(data)
