"""Inputs as users and broken files give them: real keys with right, wrong, extreme and
oddly typed values, and text that is not quite TOML or JSON."""

from __future__ import annotations

from hypothesis import strategies as st

from paramtui.core.inputs.options import OPTIONS

# Numbers at and beyond every range's ends, and the values floats cannot hold.
EDGE_NUMBERS = [0, 1, -1, 2, 7, 0.5, 1e-300, 1e-4, 0.9999, 1.0, 4096, 1e6, 1e7, 1e12, 1e16, 1e18, 1e19,
                1e35, 1e36, 1e300, 1e308, float("inf"), float("-inf"), float("nan"), 10 ** 30, -(10 ** 30),
                2 ** 63 - 1]
EDGE_TEXT = ["", "7B", "1.5T", "7e9", "lots", "0", "-1", "nan", "inf", "1e400", "[/]", "weird [/] name",
             "ß", "🦙", "x" * 300]

scalars = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(EDGE_TEXT),
    st.text(max_size=12),
)
# Any TOML/JSON value, nested a little: a list or table where a number belongs, and so on.
odd_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                          max_leaves=6)


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """`good` about six times in seven: a file with one mistake, not a file of mistakes.
    (Not `one_of(good, ..., bad)`: hypothesis spreads its choices over the branches.)"""
    return st.floats(min_value=0, max_value=1).flatmap(lambda chance: good if chance < 0.86 else bad)


def option_values(key: str) -> st.SearchStrategy:
    """Values for one scenario input: its own choices, or numbers in its range and at its
    ends, most of the time; anything at all otherwise."""
    option = OPTIONS[key]
    low, high = getattr(option, "minimum", None), getattr(option, "maximum", None)
    if option.kind == "choice":
        good = st.sampled_from(list(option.values()))
    elif option.kind == "whole":
        good = st.integers(min_value=int(low if low is not None else 0), max_value=int(high or 10 ** 6))
    elif option.kind == "memory":
        good = st.sampled_from(["64 GB", "1 TB", 16e9, "512 GiB"])
    elif low is not None or high is not None:
        good = st.floats(min_value=low if low is not None else 1.0, max_value=high or 1e12)
    else:
        good = st.sampled_from([1e9, 2e12, "7B", "1.5T"])
    edges = [b for b in (low, high) if b is not None]
    ends = st.sampled_from([v for b in edges for v in (b, b * 2 + 1, b / 2)]) if edges else st.nothing()
    return mostly(st.one_of(good, good, ends), st.one_of(scalars, odd_values))


MODEL_IDS = ["llama-3.1-8b", "qwen3-0.6b", "gpt2", "deepseek-v3", "mixtral-8x7b", "no-such-model", "../etc/passwd"]


@st.composite
def scenario_tables(draw, index: int = 0) -> dict:
    """One `[[scenario]]` table: an id, a model given one way (or two, or none), and a few
    inputs, each in or out of its range or of the wrong type."""
    table: dict = {"id": draw(mostly(st.just(f"s{index}"), st.sampled_from(["", "UPPER", "a b", "x" * 80])))}
    model_way = draw(mostly(st.sampled_from(["model", "params"]), st.sampled_from(["both", "none"])))
    if model_way in ("model", "both"):
        table["model"] = draw(mostly(st.sampled_from(MODEL_IDS[:5]), st.one_of(st.sampled_from(MODEL_IDS), odd_values)))
    if model_way in ("params", "both"):
        table["params"] = draw(mostly(st.one_of(st.floats(min_value=1e3, max_value=1e16), st.sampled_from(["7B", "1.5T"])),
                                      st.one_of(st.sampled_from([1e17, 0, -5, "lots"]), scalars)))
    for key in draw(st.lists(st.sampled_from(sorted(OPTIONS)), max_size=5, unique=True)):
        if key == "name":
            table["name"] = draw(st.one_of(st.sampled_from(EDGE_TEXT), odd_values))
            continue
        section, _, name = key.rpartition(".")
        node = table.setdefault(section, {}) if section else table
        if isinstance(node, dict):
            node[name] = draw(option_values(key))
    if draw(st.floats(min_value=0, max_value=1)) < 0.1:
        table[draw(st.sampled_from(["unknown_key", "inference", "training", "budget"]))] = draw(odd_values)
    return table


@st.composite
def session_documents(draw) -> dict:
    count = draw(st.integers(min_value=0, max_value=3))
    doc: dict = {"version": draw(mostly(st.just(1), st.sampled_from([2, "1", 0, 1.0])))}
    if draw(st.booleans()):
        doc["title"] = draw(mostly(st.text(max_size=30), st.one_of(st.sampled_from(EDGE_TEXT), odd_values)))
    doc["scenario"] = [draw(scenario_tables(i)) for i in range(count)]
    if count and draw(st.booleans()):
        doc["baseline"] = draw(mostly(st.sampled_from([f"s{i}" for i in range(count)]), st.sampled_from(["nobody", ""])))
    if draw(st.booleans()):
        doc["view"] = {"columns": draw(mostly(st.just(["params.total"]), odd_values)),
                       "sort": draw(mostly(st.sampled_from(["params.total", "-params.total"]), odd_values))}
    return doc


def mutated(text: str) -> st.SearchStrategy[str]:
    """`text` with a few characters deleted, replaced or inserted (a file edited by mistake,
    or cut short)."""

    @st.composite
    def build(draw) -> str:
        out = text
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            where = draw(st.integers(min_value=0, max_value=max(0, len(out))))
            how = draw(st.sampled_from(["delete", "insert", "replace", "cut"]))
            piece = draw(st.sampled_from(['"', "[", "]", "=", "\n", "{", "}", ",", "#", "\\", "9" * 5000,
                                          "[" * 2000, "\x00", "é", "1e999"]))
            if how == "delete":
                out = out[:where] + out[where + 1:]
            elif how == "insert":
                out = out[:where] + piece + out[where:]
            elif how == "replace":
                out = out[:where] + piece + out[where + len(piece):]
            else:
                out = out[:where]
        return out

    return build()
