"""A value worked out once per object of an immutable kind (an architecture's network, its
layer profile): the Deploy matrix asks for them for every scenario of a model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Obj = TypeVar("Obj")
Value = TypeVar("Value")


class PerObject(Generic[Obj, Value]):
    """`compute(obj)`, remembered by the object's identity. The object is kept beside its value
    so that its id cannot be reused by another object while cached; past `limit` objects the
    memory starts over (a session holds a few dozen models)."""

    def __init__(self, compute: Callable[[Obj], Value], limit: int = 1024) -> None:
        self._compute = compute
        self._limit = limit
        self._known: dict[int, tuple[Obj, Value]] = {}

    def __call__(self, obj: Obj) -> Value:
        known = self._known.get(id(obj))
        if known is not None and known[0] is obj:
            return known[1]
        if len(self._known) >= self._limit:
            self._known.clear()
        value = self._compute(obj)
        self._known[id(obj)] = (obj, value)
        return value
