"""What every property test asks of paramtui's answer to an input."""

from __future__ import annotations

import math

from paramtui.core.errors import UserError

# A model file's size minus its counted weights: negative when the file holds fewer bytes
# than the count says (these tests give no model files, but the key is allowed to be).
SIGNED_FIGURES = {"checkpoint.difference"}


def assert_one_line(error: UserError) -> None:
    line = str(error)
    assert line and "\n" not in line and "Traceback" not in line, line


def numbers(node, key: str = ""):
    """(key, number) for every number in a JSON-like tree (booleans are not numbers)."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from numbers(value, f"{key}.{name}" if key else str(name))
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from numbers(value, f"{key}[{index}]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield key, node


def assert_figures_finite_and_not_negative(values: dict) -> None:
    for key, value in numbers(values):
        assert math.isfinite(value), f"{key} = {value}"
        assert value >= 0 or key in SIGNED_FIGURES, f"{key} = {value}"


def estimate_or_user_error(scenario):
    """The estimate of `scenario`, its figures checked; or the UserError line that refused it."""
    from paramtui.core.result.estimate import estimate

    try:
        est = estimate(scenario)
    except UserError as error:
        assert_one_line(error)
        return error
    assert_figures_finite_and_not_negative(est.values)
    return est
