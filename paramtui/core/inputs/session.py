"""The session file: scenarios plus view settings, read and written as TOML (docs/ARCHITECTURE.md).

Loading reports the first problem as one line naming the file, the line and the field.
How the file itself is read and written (atomic, symlinks followed, read-only files and
changes on disk respected, comments kept) is `paramtui.core.io.session_file`.
"""

from __future__ import annotations

import os
import re
from typing import Annotated, Literal

import tomli_w

from paramtui.core.errors import UserError
from paramtui.core.io.bounded_parse import loads_toml
from paramtui.core.inputs.scenario import Scenario
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record


@record
class ViewSettings:
    __pydantic_config__ = STRICT

    columns: tuple[str, ...] | None = None  # Compare screen columns, in order; None = the defaults
    sort: str | None = None  # Compare screen sort column; "-name" sorts descending


@record
class Session:
    # The file's `[[scenario]]` tables are `scenarios` here.
    __pydantic_config__ = {**STRICT, "populate_by_name": True}

    version: Literal[1] = 1
    title: str = "Untitled session"
    baseline: str | None = None
    scenarios: Annotated[tuple[Scenario, ...], pyd.Field(alias="scenario")] = ()
    view: ViewSettings = ViewSettings()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for s in self.scenarios:
            if s.id in seen:
                raise ValueError(f"scenario id {s.id!r} is used twice; ids must be unique")
            seen.add(s.id)
        if self.baseline is not None and self.baseline not in seen:
            raise ValueError(f"baseline {self.baseline!r} is not the id of any scenario")

    def scenario(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise UserError(f"no scenario with id {scenario_id!r}")

    def index_of(self, scenario_id: str) -> int:
        return [s.id for s in self.scenarios].index(scenario_id)

    def replace_scenario(self, scenario: Scenario) -> Session:
        """A new session with the scenario of the same id replaced."""
        items = tuple(scenario if s.id == scenario.id else s for s in self.scenarios)
        return pyd.replace(self, scenarios=items)

    def with_scenarios(self, scenarios, **changes) -> Session:
        """A validated new session with these scenarios (and other top-level changes)."""
        data = {"version": 1, "title": self.title, "baseline": self.baseline,
                "scenario": list(scenarios), "view": self.view}
        data.update(changes)
        if data["baseline"] is not None and data["baseline"] not in {s.id for s in data["scenario"]}:
            data["baseline"] = None
        return pyd.validate(Session, data)

    def unique_id(self, stem: str) -> str:
        """`stem`, or `stem-2`, `stem-3`, ... whichever is free; cleaned to [a-z0-9_-]."""
        base = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-")[:56] or "scenario"
        taken = {s.id for s in self.scenarios}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate


# ---------------------------------------------------------------- reading


def parse_session(text: str, origin: str = "session", *, base_dir: str | os.PathLike | None = None) -> Session:
    """Parse TOML text into a Session; the error names `origin`, the line and the field.

    base_dir: the folder of the session file the text came from; a relative model path in
      it names a file beside the session file, whatever the working directory.
    """
    data = loads_toml(text, origin)
    _models_default_to_their_own_precision(data)
    if base_dir is not None:
        _anchor_model_paths(data, base_dir)
    try:
        session = pyd.validate(Session, data)
    except UserError as e:
        where = _describe_loc(data, e.where)
        line = _line_of(text, e.where) if e.where else None
        at = f", line {line}" if line else ""
        reason = "unknown key (not a paramtui session key)" if e.reason == "unknown key" else e.reason
        raise UserError(f"{origin}{at}: {where}: {reason}") from None
    check_references(session, origin, text)
    return session


def _models_default_to_their_own_precision(data: dict) -> None:
    """A scenario that names no precision starts where `estimate ID` and the screens' pickers
    do: a model file at its own types (`precision = "file"`: a checkpoint's quantization is
    its default), a catalog model at the precision its weights are published in (gpt-oss:
    mxfp4-moe, DeepSeek-V3: fp8-block128). A precision the file names always wins; an
    unknown id is left for `check_references` to report with its line."""
    from paramtui.core.model.catalog import get_model
    from paramtui.core.model.model_file import STORED, is_model_path

    scenarios = data.get("scenario")
    for s in scenarios if isinstance(scenarios, list) else ():
        if not (isinstance(s, dict) and isinstance(s.get("model"), str) and "precision" not in s):
            continue
        if is_model_path(s["model"]):
            s["precision"] = STORED
            continue
        try:
            s["precision"] = get_model(s["model"]).native_precision
        except UserError:
            pass


def _anchor_model_paths(data: dict, base_dir: str | os.PathLike) -> None:
    """Relative model paths as paths from `base_dir` (see `model_file.anchored_model_path`)."""
    from paramtui.core.model.model_file import anchored_model_path, is_model_path

    scenarios = data.get("scenario")
    for s in scenarios if isinstance(scenarios, list) else ():
        if isinstance(s, dict) and isinstance(s.get("model"), str) and is_model_path(s["model"]):
            s["model"] = anchored_model_path(s["model"], base_dir)


def load_session(path: str | os.PathLike) -> Session:
    """Read a session file (a regular file only: a FIFO or a device is refused, never read)."""
    from paramtui.core.io.user_files import read_user_file

    text, _stamp = read_user_file(path, "TOML session")
    return parse_session(text, str(path), base_dir=os.path.dirname(os.path.abspath(path)))


def check_references(session: Session, origin: str = "session", text: str = "") -> None:
    """Every catalog id, precision and target a scenario names must exist."""
    from paramtui.core.model.model_spec import check_model
    from paramtui.core.model.precision import get_kv_precision, get_precision
    from paramtui.core.inputs.targets import get_target

    for i, s in enumerate(session.scenarios):
        checks = [("model", s.model, check_model), ("precision", s.precision, get_precision),
                  ("kv_precision", s.kv_precision, get_kv_precision), ("target", s.target, get_target)]
        for key, value, lookup in checks:
            if value is None:
                continue
            try:
                lookup(value)
            except UserError as e:
                line = _line_of(text, ("scenario", i, key)) if text else None
                at = f", line {line}" if line else ""
                raise UserError(f"{origin}{at}: scenario {s.id!r}: {e}") from None


def _key_text(part) -> str:
    """A key as the file spells it; quoted when it holds a line break or another unprintable
    character, which would break the message's one line."""
    text = str(part)
    return text if text.isprintable() else repr(text)


def _describe_loc(data: dict, loc: tuple) -> str:
    if loc and loc[0] == "scenario" and len(loc) > 1 and isinstance(loc[1], int):
        items = data.get("scenario") or []
        sid = items[loc[1]].get("id") if loc[1] < len(items) and isinstance(items[loc[1]], dict) else None
        rest = ".".join(_key_text(p) for p in loc[2:])
        who = f"scenario {sid!r}" if sid else f"scenario #{loc[1] + 1}"
        return f"{who} {rest}".strip()
    return ".".join(_key_text(p) for p in loc) or "session"


def _line_of(text: str, loc: tuple) -> int | None:
    """The 1-based line where the field at `loc` is written, found by scanning the TOML text."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    keys = list(loc)
    table_path: list[str] = []
    if keys and keys[0] == "scenario" and len(keys) > 1 and isinstance(keys[1], int):
        headers = [i for i, ln in enumerate(lines) if re.match(r"^\s*\[\[\s*scenario\s*\]\]", ln)]
        if keys[1] >= len(headers):
            return None
        start = headers[keys[1]]
        end = headers[keys[1] + 1] if keys[1] + 1 < len(headers) else len(lines)
        table_path, keys = ["scenario"], keys[2:]
    keys = [k for k in keys if isinstance(k, str)]
    if not keys:
        return start + 1 if table_path else None
    # A nested key lives under its own [scenario.section] header within the block.
    if len(keys) > 1:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, table_path + keys[:-1])) + r"\s*\]")
        for i in range(start, end):
            if header.match(lines[i]):
                start = i
                break
    key = re.compile(r"^\s*" + re.escape(keys[-1]) + r"\s*=")
    for i in range(start, end):
        if key.match(lines[i]):
            return i + 1
    return start + 1 if table_path else None


# ---------------------------------------------------------------- writing


def session_to_dict(session: Session) -> dict:
    """The TOML document: top-level scenario keys always written, nested tables only where changed."""
    doc: dict = {"version": 1, "title": session.title}
    if session.baseline:
        doc["baseline"] = session.baseline
    scenarios = []
    for s in session.scenarios:
        item = pyd.as_data(s, exclude_none=True, exclude={"inference", "training", "scaling", "architecture"})
        if s.params is not None:
            item["params"] = s.params
        for section in ("inference", "training", "scaling"):
            changed = pyd.as_data(getattr(s, section), exclude_defaults=True, exclude_none=True)
            if changed:
                item[section] = changed
        if s.architecture is not None:
            item["architecture"] = pyd.as_data(s.architecture, exclude_defaults=True, exclude_none=True) | {
                "model_type": s.architecture.model_type}
        scenarios.append(item)
    doc["scenario"] = scenarios
    view = pyd.as_data(session.view, exclude_none=True)
    if view:
        doc["view"] = view
    return doc


def session_to_toml(session: Session) -> str:
    return tomli_w.dumps(session_to_dict(session))


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` safely and atomically (`paramtui.core.io.user_files`)."""
    from paramtui.core.io.user_files import write_user_file

    write_user_file(path, text)


def save_session(session: Session, path: str | os.PathLike) -> None:
    """Write `session` as a new document; `io.session_file` keeps an opened file's formatting."""
    atomic_write_text(path, session_to_toml(session))
