"""A budget typed as one line ("$50k", "10k GPU-h", "30 days", "1e23 FLOPs"), for the
Scaling screen's `b`: the unit says which of the scenario's budget fields it sets."""

from __future__ import annotations

import re

from paramtui.core.errors import UserError
from paramtui.core.inputs.options import option

# Unit words after the number, and the budget field each one sets.
_UNITS = {
    "usd": ("usd", "$", "dollar", "dollars"),
    "gpu_hours": ("h", "hours", "gpu-h", "gpu-hours", "gpuh", "device-hours"),
    "days": ("d", "day", "days"),
    "flops": ("flop", "flops"),
}
_FIELD_OF_UNIT = {word: field for field, words in _UNITS.items() for word in words}


def parse_budget(text: str) -> dict[str, float] | None:
    """{field: value} for the scenario's `budget`, or None for "" / "none" (no budget)."""
    line = text.strip().lower().replace(",", "")
    if line in ("", "none", "no", "off"):
        return None
    field = "usd" if line.startswith("$") else None
    line = line.lstrip("$").strip()
    match = re.match(r"^([0-9.]+(?:e[+-]?[0-9]+)?\s*[kmbt]?)\s*([a-z$-]*)$", line)
    if not match:
        raise UserError(f"{text!r} is not a budget (examples: $50k, 10k GPU-h, 30 days, 1e23 FLOPs)")
    number, unit = match.group(1).replace(" ", ""), match.group(2)
    if unit:
        if unit not in _FIELD_OF_UNIT:
            raise UserError(f"unknown budget unit {unit!r}: use $, GPU-h, days or FLOPs")
        field = _FIELD_OF_UNIT[unit]
    if field is None:
        raise UserError(f"say what {text!r} counts: $50k, 10k GPU-h, 30 days or 1e23 FLOPs")
    key = f"budget.{field}"
    return {field: option(key).read(number if field != "usd" else f"${number}")}
