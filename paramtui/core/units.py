"""Human-readable units: one place for how paramtui prints bytes, counts, FLOPs, time and money.

Bytes use binary prefixes (1 GiB = 2**30 bytes), the unit the memory is made and sold in: a
"24 GB" RTX 4090 has 24 GiB and a 64 GB PC 64 GiB, and nvidia-smi, llama.cpp and the OS count
in MiB/GiB. In decimal GB the same 4090 would read "25.8 GB" and a fit would be compared with a
number the user does not recognise. JSON keeps raw bytes.
"""

from __future__ import annotations

import math
import re

from paramtui.core.errors import UserError

_SI = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
_BINARY = [(2**50, "Pi"), (2**40, "Ti"), (2**30, "Gi"), (2**20, "Mi"), (2**10, "Ki")]
_COUNT = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]


def _scaled(value: float, table, unit: str, digits: int) -> str:
    if not _shown(value):
        return "–"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for factor, prefix in table:
        if v >= factor:
            return f"{sign}{_sig(v / factor, digits)} {prefix}{unit}".rstrip()
    return f"{sign}{_sig(v, digits)} {unit}".rstrip()


def _shown(value) -> bool:
    """Whether a value is a number to print. The core never hands a formatter an infinity or
    a NaN (its inputs' ranges keep every figure finite); should one slip through, a cell shows
    "–" rather than "∞" or "nan", which would read as an answer."""
    return value is not None and math.isfinite(value)


def _sig(v: float, digits: int) -> str:
    """`digits` significant figures, without scientific notation for the usual range (from a
    million of the largest unit on: 3.2e9 years, not a ten-digit number)."""
    if v == 0:
        return "0"
    if not math.isfinite(v):
        return "–"
    if abs(v) >= 1e6:
        return f"{v:.{digits}g}".replace("e+", "e")
    decimals = max(0, digits - 1 - int(math.floor(math.log10(v))))
    return f"{v:.{decimals}f}"


def format_si(value: float, unit: str = "", digits: int = 3) -> str:
    """Any quantity with an SI prefix: (9.894e14, "FLOP/s") -> '989 TFLOP/s'."""
    if not _shown(value):
        return "–"
    if value is not None and abs(value) >= 1e18:
        return f"{value:.{digits}g} {unit}".replace("e+", "e").strip()
    if value is not None and 0 < abs(value) < 1:
        return f"{value:.{digits}g} {unit}".strip()
    return _scaled(value, _SI, unit, digits)


def format_bytes(n: float, digits: int = 3) -> str:
    """1073741824 -> '1.00 GiB'; 25769803776 (an RTX 4090) -> '24.0 GiB'."""
    return _scaled(n, _BINARY, "B", digits)


def format_count(n: float, digits: int = 3) -> str:
    """8030261248 -> '8.03B' (the way model cards write parameter counts)."""
    return _scaled(n, _COUNT, "", digits).replace(" ", "")


def format_flops(n: float) -> str:
    """3.14e23 -> '3.14e23 FLOP'."""
    if not _shown(n):
        return "–"
    return f"{n:.3g} FLOP".replace("e+", "e")


def format_rate(n: float, unit: str = "tok/s") -> str:
    if not _shown(n):
        return "–"
    if n >= 1e5:
        return _scaled(n, _SI, "", 3).replace(" ", "") + f" {unit}"
    return f"{_sig(n, 3) if n < 100 else f'{n:,.0f}'} {unit}"


def format_duration(seconds: float) -> str:
    """Seconds to the largest unit that keeps the number readable: '3.2 days', '41 ms'."""
    if not _shown(seconds):
        return "–"
    for limit, div, unit in (
        (1e-3, 1e-6, "µs"),
        (1, 1e-3, "ms"),
        (120, 1, "s"),
        (7200, 60, "min"),
        (3 * 86400, 3600, "h"),
        (365 * 86400, 86400, "days"),
    ):
        if seconds < limit:
            return f"{_sig(seconds / div, 3)} {unit}"
    return f"{_sig(seconds / (365.25 * 86400), 3)} years"


def format_hours(hours: float) -> str:
    """GPU-hours: '184k GPU-h'."""
    if not _shown(hours):
        return "–"
    return _scaled(hours, [(1e9, "G"), (1e6, "M"), (1e3, "k")], "", 3).replace(" ", "") + " GPU-h"


def format_money(usd: float) -> str:
    if not _shown(usd):
        return "–"
    if usd >= 1e3:
        return "$" + _scaled(usd, [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")], "", 3).replace(" ", "")
    return f"${usd:,.2f}"


def format_percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%" if _shown(fraction) else "–"


_SUFFIX = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12}
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([kKmMbBgGtT]?)\s*$")


def parse_count(text: str | float | int, what: str = "value", maximum: float | None = None) -> float:
    """'7B', '7e9', '1.3 M', 7000000000 -> a float count; anything else is a UserError, and so
    is a count above `maximum` (the message names the range)."""
    if isinstance(text, bool):
        raise UserError(f"{what} must be a number, not {text!r}")
    if isinstance(text, (int, float)):
        try:
            value = float(text)
        except OverflowError:  # an int beyond float's range
            value = math.inf
    else:
        m = _NUMBER.match(str(text)) if len(str(text)) <= 100 else None
        if not m:
            shown = str(text) if len(str(text)) <= 40 else str(text)[:40] + "…"
            raise UserError(_named(what, f"{shown!r} is not a number (examples: 7e9, 7B, 1.3M)"))
        value = float(m.group(1)) * _SUFFIX[m.group(2).upper()]
    if math.isnan(value) or value <= 0:
        raise UserError(_named(what, f"must be a positive number, not {_short(text)}"))
    if maximum is not None and not value <= maximum:
        raise UserError(_named(what, f"{_short(text)} is out of range: at most {format_plain(maximum)}"))
    if math.isinf(value):
        raise UserError(_named(what, f"{_short(text)} is too large to compute with"))
    return value


def _named(what: str, problem: str) -> str:
    """The problem, after `what` when given: a validator whose error pydantic locates passes
    no `what`, so the line names the key once ("params: 1e+308 is out of range ...")."""
    return f"{what} {problem}" if what else problem


def _short(value) -> str:
    text = repr(value) if isinstance(value, str) else (f"{value:g}" if isinstance(value, float) else str(value))
    return text if len(text) <= 40 else text[:40] + "…"


def format_plain(value: float) -> str:
    """A range's bound as a user types it: 1000000 -> '1e6', 100000 -> '100,000', 0.0001 -> '0.0001'."""
    if value >= 1e7 and float(value).is_integer():
        return f"{value:.0e}".replace("e+0", "e").replace("e+", "e")
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"
