"""Explanations: every figure paramtui shows can say what it means and how it was computed."""

from pydantic import BaseModel, ConfigDict


class Explanation(BaseModel):
    """What one figure means, its formula, the formula with this scenario's values, its source."""

    model_config = ConfigDict(frozen=True)

    title: str
    meaning: str  # plain language, one or two sentences
    formula: str  # symbolic, e.g. "2 · layers · kv_heads · head_dim · bytes · tokens"
    substituted: str = ""  # the same with numbers put in, e.g. "2 · 32 · 8 · 128 · 2 · 8192 = 1.07 GB"
    source: str = ""  # paper, datasheet or docs the formula comes from
