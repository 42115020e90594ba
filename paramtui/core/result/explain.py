"""Explanations: every figure paramtui shows can say what it means and how it was computed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from paramtui.core.validation import record


@record
class Explanation:
    """What one figure means, its formula, the formula with this scenario's values, its source."""


    title: str
    meaning: str  # plain language, one or two sentences
    formula: str  # symbolic, e.g. "2 · layers · kv_heads · head_dim · bytes · tokens"
    substituted: str = ""  # the same with numbers put in, e.g. "2 · 32 · 8 · 128 · 2 · 8192 = 1.07 GB"
    source: str = ""  # paper, datasheet or docs the formula comes from


Build = Callable[[], Mapping[str, Explanation]]


class Explanations(Mapping[str, Explanation]):
    """A result's explanations by figure, written the first time one is read.

    A result knows its numbers at once; the text about them (formulas with the values put
    in, formatted sizes) is only needed when somebody presses `e` or exports explanations,
    and writing it costs more than the arithmetic. So a result holds the function that
    writes them, and this mapping calls it once, on first use. A plain dict works too.
    """

    __slots__ = ("_build", "_items")

    def __init__(self, build: Build | Mapping[str, Explanation] | None = None) -> None:
        if build is None or isinstance(build, Mapping):
            self._build, self._items = None, dict(build or {})
        else:
            self._build, self._items = build, None

    def _written(self) -> dict[str, Explanation]:
        if self._items is None:
            self._items = dict(self._build())
            self._build = None  # let the captured locals go
        return self._items

    def __getitem__(self, key: str) -> Explanation:
        return self._written()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._written())

    def __len__(self) -> int:
        return len(self._written())

    def __contains__(self, key: object) -> bool:
        return key in self._written()

    def __repr__(self) -> str:
        return "Explanations(not written yet)" if self._items is None else f"Explanations({self._items!r})"
