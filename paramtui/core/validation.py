"""Records and their validation: frozen dataclasses that pydantic checks where data comes in.

The core's values (an architecture, a scenario, a session, a target, ...) are `record`s:
frozen, keyword-only standard-library dataclasses. Their annotations carry pydantic's own
constraints (`Annotated[int, pyd.Field(ge=1)]`, `pyd.BeforeValidator(...)`), a class's
`__pydantic_config__` its pydantic config (`extra="forbid"`), and `__post_init__` the checks
across fields. pydantic validates dataclasses natively (docs: "Dataclasses", "Standard library
dataclasses"), so whatever comes from outside — a session file, the command line, a
`config.json`, a field typed in the TUI — goes through `validate(cls, data)` and gets
pydantic's checks and messages, with the location of every mistake.

Why not `pydantic.BaseModel`: a BaseModel class cannot be defined without importing pydantic
and building its validator, which is about half of what the TUI adds to Textual's own
start-up, although its first screen validates nothing (the demo session and the shipped
catalog and targets are written by us and checked by the tests). Here pydantic is imported,
and a class's validator built, the first time something is validated (`prepare` does it
ahead of time, after the TUI's first screen is painted).

Records import this module as `pyd` (`from paramtui.core import validation as pyd`). Its
attributes that are pydantic's own names (`Field`, `BeforeValidator`, `ValidationError`)
resolve to pydantic's objects on first use (PEP 562 `__getattr__`); the records' annotations
are strings (`from __future__ import annotations`) that pydantic evaluates only when it
builds a validator, so writing `pyd.Field(gt=0)` in one costs nothing at import.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, TypeVar, Union

from paramtui.core.errors import UserError

T = TypeVar("T")

# Keyword-only: a record's fields are its file keys, always given by name.
record = dataclasses.dataclass(frozen=True, kw_only=True)

# The config every user-written record has: an unknown key is an error, never ignored, and
# no number is an infinity or a NaN (TOML writes them `inf`, `nan`): every figure computed
# from a record's numbers must be finite.
STRICT: dict[str, Any] = {"extra": "forbid", "allow_inf_nan": False}

# pydantic's names that records' annotations (Field, BeforeValidator) and `except` clauses
# (ValidationError: evaluated only once something raised) use, resolved on first use.
_PYDANTIC_NAMES = frozenset({"Field", "BeforeValidator", "ValidationError"})


def __getattr__(name: str):
    if name in _PYDANTIC_NAMES:
        import pydantic

        return getattr(pydantic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Validators by record class. Built under one lock: the TUI builds them in a thread after
# its first screen, and an edit made meanwhile must wait for that import of pydantic rather
# than run a second one beside it (two threads importing the same package can see each
# other's half-initialised modules).
_ADAPTERS: dict[type, Any] = {}
_BUILDING = threading.Lock()


def _adapter(cls: type):
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        with _BUILDING:
            adapter = _ADAPTERS.get(cls)
            if adapter is None:
                from pydantic import TypeAdapter

                adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def validate(cls: type[T], data: Any) -> T:
    """`data` (a mapping from a file, the command line, a form) checked and built into `cls`;
    a mistake raises a `UserError` saying where (its key path) and what is wrong. A record's
    own checks (`__post_init__`, a validator) raise ValueError for pydantic to locate."""
    adapter = _adapter(cls)
    from pydantic import ValidationError  # imported by now, with the adapter

    try:
        return adapter.validate_python(data)
    except ValidationError as error:
        raise user_error(error) from None


# pydantic's error types said in plain words; `ctx` fills the braces.
_PLAIN = {
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "literal_error": "must be one of {expected}",
    "extra_forbidden": "unknown key",
    "unexpected_keyword_argument": "unknown key",
    "missing": "is required",
    "missing_keyword_only_argument": "is required",
}


def user_error(error: Any) -> UserError:
    """pydantic's ValidationError as a UserError: its first mistake, where it is and what is
    wrong in plain words (every place that validates user input reports through this)."""
    from paramtui.core.units import format_plain

    first = error.errors()[0]
    context = {k: format_plain(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
               for k, v in (first.get("ctx") or {}).items()}
    template = _PLAIN.get(first["type"])
    try:
        reason = template.format(**context) if template else None
    except KeyError:
        reason = None
    if reason is None:
        reason = first["msg"].removeprefix("Value error, ")
    return UserError(reason, tuple(first.get("loc", ())))


def dump_json_data(value: Any, **options: Any) -> Any:
    """A record as JSON-ready data, as pydantic writes it (`dump_python(mode="json")`: no
    infinities, every value a JSON type), for `--json` output."""
    return _adapter(type(value)).dump_python(value, mode="json", **options)


def as_data(value: Any, *, exclude_none: bool = False, exclude_defaults: bool = False,
            exclude: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """A record as plain Python data (dicts for records, tuples, numbers, text), without
    pydantic: what a session file is written from, also in the hang-up handler, which must
    not wait for pydantic. The flags apply to nested records too, as pydantic's do."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        if f.name in exclude:
            continue
        item = getattr(value, f.name)
        if exclude_none and item is None:
            continue
        if exclude_defaults and f.default is not dataclasses.MISSING and item == f.default:
            continue
        out[f.name] = _plain(item, exclude_none, exclude_defaults)
    return out


def _plain(item: Any, exclude_none: bool, exclude_defaults: bool) -> Any:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return as_data(item, exclude_none=exclude_none, exclude_defaults=exclude_defaults)
    if type(item) is tuple:
        return tuple(_plain(x, exclude_none, exclude_defaults) for x in item)
    if isinstance(item, dict):
        return {k: _plain(x, exclude_none, exclude_defaults) for k, x in item.items()}
    return item


def prepare(*classes: type) -> None:
    """Build these classes' validators now (the TUI does it once its first screen is shown,
    so the first edit does not wait for pydantic)."""
    for cls in classes:
        _adapter(cls)


# ---------------------------------------------------------------- shipped data


class _Inert:
    """Stands for `pyd` (this module, as records import it) while `build` reads a record's
    annotations: pydantic's markers become no-ops, so reading the types imports no pydantic."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


@cache
def _field_types(cls: type) -> dict[str, Any]:
    module = sys.modules[cls.__module__]
    namespace = {**vars(module), "pyd": _Inert()}
    hints = typing.get_type_hints(cls, globalns=namespace, include_extras=False)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def build(cls: type[T], data: Mapping[str, Any]) -> T:
    """A record from data we ship (the catalog, the targets), without pydantic.

    Coerces as pydantic's lax mode does for the types those files use (an integer where a
    float is declared, a list where a tuple is, a table where a record is); it does not check
    constraints: the tests validate every shipped table with `validate` and require the
    same record from both. An unknown key is still an error (the dataclass's own)."""
    types_ = _field_types(cls)
    return cls(**{key: _coerce(types_.get(key, Any), value) for key, value in data.items()})


def _coerce(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin is Annotated:
        return _coerce(typing.get_args(kind)[0], value)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _coerce(options[0], value) if len(options) == 1 else value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if dataclasses.is_dataclass(kind) and isinstance(value, Mapping):
        return build(kind, value)
    if origin is tuple and isinstance(value, (list, tuple)):
        args = typing.get_args(kind)
        item = args[0] if len(args) == 2 and args[1] is Ellipsis else Any
        return tuple(_coerce(item, v) for v in value)
    if origin is dict and isinstance(value, Mapping):
        _key, item = typing.get_args(kind)
        return {k: _coerce(item, v) for k, v in value.items()}
    return value


def replace(value: T, **changes: Any) -> T:
    """A copy with fields changed, the record's cross-field checks run again (no pydantic
    checks: for values the code itself computes; use `validate` for what a user gave)."""
    return dataclasses.replace(value, **changes)
