"""The shipped catalog of real models (docs/ARCHITECTURE.md, Core: Catalog).

Each entry of `catalog.toml` (shipped inside this package) holds the architecture keys of the
model's real Hugging Face `config.json`, verbatim, plus what its model card or paper
publishes: license, context length, training tokens, release month and the stated parameter
count. The architecture and exact parameter count are derived from the config by the same
code that imports a user's `config.json` (`hf_config`, `params`), so a catalog model and its
downloaded config always give the same figures.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, TYPE_CHECKING, Any, Literal

from paramtui.core.errors import UserError
from paramtui.core.inputs.options import LICENSE_CLASS_IDS, TASK_IDS
from paramtui.core import validation as pyd
from paramtui.core.validation import STRICT, record


# The license class of each license id the catalog uses. A license not listed here must say
# its class in its entry (`license_class`), so no model is classed by a guess.
LICENSE_CLASSES: dict[str, str] = {
    "apache-2.0": "permissive",
    "mit": "permissive",
    # Community licenses with use restrictions (acceptable-use policies, user caps).
    "llama2": "open-weights-restricted",
    "llama3.1": "open-weights-restricted",
    "llama3.2": "open-weights-restricted",
    "gemma": "open-weights-restricted",
    "qwen": "open-weights-restricted",
    "tongyi-qianwen": "open-weights-restricted",
    "deepseek": "open-weights-restricted",
    "qwen-research": "non-commercial",
    "proprietary": "proprietary",
}

if TYPE_CHECKING:
    from paramtui.core.model.architecture import Architecture
    from paramtui.core.model.params import ParamCount

CATALOG_FILE = "catalog.toml"
ID_PATTERN = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$"

# "8.03B", "124M", "1.5T", "671B": a card's stated count; the suffix scales the number.
_PUBLISHED_RE = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<unit>[KMBT])$")
_UNIT_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


@record
class TaskScore:
    """One published benchmark score of a model for a task, as its source states it.

    Scores are copied from their source, never estimated; a model without a published score
    for a task has none. Scores of different benchmarks, or of one benchmark run by different
    sources (shots, prompts, base or instruct model), are not comparable."""

    __pydantic_config__ = STRICT

    task: Literal[TASK_IDS]
    benchmark: str  # "HumanEval", "MMLU", "GSM8K"
    setting: str  # how it was run and on which checkpoint: "0-shot pass@1, Llama 3.1 8B Instruct"
    # Which checkpoint was scored: the pre-trained one or the instruction-tuned release. The
    # two score differently on the same benchmark, so they are never ranked against each other.
    variant: Literal["base", "instruct"]
    score: Annotated[float, pyd.Field(ge=0, le=100)]  # percent, as published
    source: str  # model card, paper or named leaderboard, with the table
    date: Annotated[str, pyd.Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]  # of the source

    @property
    def citation(self) -> str:
        """What a reason line quotes: 'HumanEval 72.6 (instruct), Llama 3.1 model card, 2024-07'."""
        return f"{self.benchmark} {self.score:g} ({self.variant}), {self.source.split(' (')[0]}, {self.date}"

    @property
    def scale(self) -> str:
        """What scores are ranked against each other by: one benchmark on one kind of checkpoint."""
        return f"{self.benchmark} ({self.variant})"


@record
class CatalogEntry:
    """One real model: its config.json architecture keys and what its card/paper publishes."""

    __pydantic_config__ = STRICT

    id: Annotated[str, pyd.Field(pattern=ID_PATTERN)]
    name: str
    org: str
    kind: Literal["decoder", "moe", "encoder", "encoder-decoder"]
    license: str
    context_length: Annotated[int, pyd.Field(gt=0)]
    training_tokens: Annotated[float, pyd.Field(gt=0)] | None = None
    training_tokens_source: str | None = None
    release: Annotated[str, pyd.Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    source: str  # the Hugging Face repo (or paper) the config keys come from
    published_params: Annotated[str, pyd.Field(pattern=_PUBLISHED_RE.pattern)] | None = None
    published_params_source: str | None = None
    # MoE only: what the card says is active per token ("37B" of DeepSeek-V3's 671B).
    published_active_params: Annotated[str, pyd.Field(pattern=_PUBLISHED_RE.pattern)] | None = None
    config: dict[str, Any]
    # What the model is for (its card's intended uses and the tasks it has scores for).
    tasks: tuple[Literal[TASK_IDS], ...] = ()
    # Only where `license` is not in LICENSE_CLASSES (e.g. OPT's own "other" license).
    license_class: Literal[LICENSE_CLASS_IDS] | None = None
    scores: tuple[TaskScore, ...] = ()

    @property
    def license_kind(self) -> str:
        """The license class: permissive, open-weights-restricted, non-commercial, proprietary."""
        return self.license_class or LICENSE_CLASSES.get(self.license, "unclassified")

    def task_scores(self, task: str) -> tuple[TaskScore, ...]:
        """This model's published scores for `task`, in catalog order (the preferred first)."""
        return tuple(s for s in self.scores if s.task == task)

    @cached_property
    def architecture(self) -> Architecture:
        """The config normalised with transformers' defaults for absent keys."""
        from paramtui.core.model.hf_config import architecture_from_hf_config

        return architecture_from_hf_config(self.config, origin=f"catalog model '{self.id}'", shipped=True)

    @cached_property
    def native_precision(self) -> str:
        """The precision id its weights are published in: the config's `quantization_config`
        (gpt-oss's MXFP4 experts, DeepSeek's block-scaled FP8) or else its dtype, bf16 when
        the entry names none. A scenario that picks this model starts at it."""
        from paramtui.core.model.quant_config import native_precision

        return native_precision(self.config)

    @cached_property
    def param_count(self) -> ParamCount:
        """Exact count, equal to transformers' sum of numel for the same config."""
        from paramtui.core.model.params import count_parameters

        return count_parameters(self.architecture)


def parse_published_count(text: str) -> tuple[float, float]:
    """A stated count and the resolution it was stated to: "8.03B" -> (8.03e9, 1e7).

    The resolution is one unit in the last significant digit. Trailing zeros of a whole
    number are not significant (the usual convention: "70B" is stated to the nearest ten
    billion, "405B" to the nearest billion), which is how model names like "Llama 2 70B"
    round a 68.98B model.
    """
    match = _PUBLISHED_RE.match(text)
    if match is None:
        raise ValueError(f"not a stated count like '8.03B': {text!r}")
    number, scale = match["number"], _UNIT_SCALE[match["unit"]]
    whole, _, decimals = number.partition(".")
    if decimals:
        resolution = 10.0 ** -len(decimals)
    else:
        resolution = 10.0 ** (len(whole) - len(whole.rstrip("0"))) if whole.strip("0") else 1.0
    return float(number) * scale, resolution * scale


# A `[[model]]` table of the catalog file, from its header line up to the next one, and the
# `id = "..."` line that names it (its first key, before any [model.config] subtable).
_MODEL_HEADER_RE = re.compile(r"^\[\[model\]\][ \t]*(?:#.*)?$", re.MULTILINE)
_MODEL_ID_RE = re.compile(r'[^\[]*?^id[ \t]*=[ \t]*"([^"\\]*)"', re.MULTILINE)

# Entries built so far, by id: `get_model` and `load_catalog` hand out the same objects, so
# an entry's architecture and exact count are derived once per process.
_entries: dict[str, CatalogEntry] = {}


@cache
def _catalog_text() -> str:
    # Beside this module, in a checkout and in every install (as resources.py finds shipped
    # data); importlib.resources would also import zipfile at start-up, for nothing.
    return Path(__file__).with_name(CATALOG_FILE).read_text(encoding="utf-8")


def _entry(raw: dict[str, Any], index: int) -> CatalogEntry:
    # The catalog is ours: the tests validate every entry with pydantic (test_validation) and
    # require the same entry as this direct build, which keeps pydantic out of start-up.
    try:
        entry = pyd.build(CatalogEntry, raw)
    except TypeError as error:
        label = raw.get("id", f"entry {index + 1}")
        raise ValueError(f"{CATALOG_FILE}: model '{label}' is invalid: {error}") from error
    return _entries.setdefault(entry.id, entry)


@cache
def _tables_by_id() -> dict[str, list[str]]:
    """The text of each `[[model]]` table of the file, by the id it names (a list: an id
    given twice is an error that `load_catalog` reports)."""
    text = _catalog_text()
    starts = [m.start() for m in _MODEL_HEADER_RE.finditer(text)]
    tables: dict[str, list[str]] = {}
    for start, end in zip(starts, [*starts[1:], len(text)]):
        table = text[start:end]
        match = _MODEL_ID_RE.match(table, _MODEL_HEADER_RE.match(table).end())
        tables.setdefault(match[1] if match else "", []).append(table)
    return tables


def _lookup(key: str) -> CatalogEntry | None:
    """One entry without reading the whole catalog: only its own table is parsed (the
    whole file is ~20 ms of TOML, a table ~0.3 ms; start-up needs one model). None when
    the id is not found this way, and `load_catalog` decides (unknown or broken)."""
    if key in _entries:
        return _entries[key]
    tables = _tables_by_id().get(key, [])
    if len(tables) != 1:
        return None
    models = tomllib.loads(tables[0]).get("model", [])
    if len(models) != 1 or models[0].get("id") != key:
        return None
    return _entry(models[0], 0)


@cache
def load_catalog() -> dict[str, CatalogEntry]:
    """Every shipped model by id, in file order. Read once; a broken file is a packaging bug."""
    data = tomllib.loads(_catalog_text())
    catalog: dict[str, CatalogEntry] = {}
    for index, raw in enumerate(data.get("model", [])):
        known = _entries.get(raw.get("id")) if isinstance(raw, dict) else None
        entry = known if known is not None and known.id not in catalog else _entry(raw, index)
        if entry.id in catalog:
            raise ValueError(f"{CATALOG_FILE}: model id '{entry.id}' appears twice")
        catalog[entry.id] = entry
    return catalog


def get_model(model_id: str) -> CatalogEntry:
    """The catalog entry for `model_id` (case-insensitive); a UserError names the closest ids."""
    key = model_id.strip().lower()
    found = _lookup(key)
    if found is not None:
        return found
    catalog = load_catalog()
    if key in catalog:
        return catalog[key]
    close = difflib.get_close_matches(key, list(catalog), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UserError(
        f"unknown model id '{model_id}'{hint} (`paramtui models` lists all {len(catalog)})"
    )


def _compact(text: str) -> str:
    """Lowercase with punctuation and spaces dropped, so "Llama3.1 8B" meets "llama-3.1-8b"."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


@cache
def _search_keys() -> tuple[tuple[CatalogEntry, str, str, str, str], ...]:
    """Per catalog entry, what `search_models` compares a query with: the id, name and org
    as one lowercase text, that text compacted, and the compacted id and name (worked out
    once, not on every key typed in the picker)."""
    keys = []
    for entry in load_catalog().values():
        haystack = " ".join((entry.id, entry.name, entry.org)).lower()
        keys.append((entry, haystack, _compact(haystack), _compact(entry.id), _compact(entry.name)))
    return tuple(keys)


def search_models(text: str) -> list[CatalogEntry]:
    """Entries matching typed `text`, best first, for a type-to-filter picker.

    Ranks: exact id; id prefix; every word found in id/name/org (case and punctuation
    ignored); otherwise a close spelling of the id or name (difflib). Ties keep catalog order.
    An empty query lists everything.
    """
    catalog = load_catalog()
    query = text.strip().lower()
    if not query:
        return list(catalog.values())
    words = [w for w in (_compact(word) for word in query.split()) if w]
    compact_query = _compact(query)
    ranked: list[tuple[int, float, int, CatalogEntry]] = []
    close = difflib.SequenceMatcher(None, compact_query, "")
    for order, (entry, haystack, compact_haystack, compact_id, compact_name) in enumerate(_search_keys()):
        if entry.id == query or compact_id == compact_query:
            rank = 0
        elif entry.id.startswith(query) or compact_id.startswith(compact_query):
            rank = 1
        elif query in haystack or (words and all(w in compact_haystack for w in words)):
            rank = 2
        else:
            similarity = 0.0
            for candidate in (compact_id, compact_name):
                close.set_seq2(candidate)
                # The quick ratios are upper bounds of `ratio()`: a candidate they rule out
                # could not reach 0.75 (each key typed in the picker runs this per entry).
                if close.real_quick_ratio() >= 0.75 and close.quick_ratio() >= 0.75:
                    similarity = max(similarity, close.ratio())
            if similarity < 0.75:
                continue
            ranked.append((3, -similarity, order, entry))
            continue
        ranked.append((rank, 0.0, order, entry))
    ranked.sort(key=lambda item: item[:3])
    return [entry for *_, entry in ranked]
