"""A model's config.json (issue 18 item 7): real configs with keys changed to any value,
removed or added, and damaged text. Reading one gives an architecture whose scenario has
finite, non-negative figures (or its own one-line error), or one `UserError` line; never
another exception, and the file is left as it was."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from paramtui.core.errors import UserError
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.model.hf_config import load_hf_config

from .checks import assert_one_line, estimate_or_user_error
from .strategies import EDGE_NUMBERS, mostly, mutated, odd_values

CONFIGS = sorted((Path(__file__).parents[1] / "core" / "hf_configs").glob("*.json"))
REAL = {path.name: json.loads(path.read_text()) for path in CONFIGS}

# Values a config's sizes can take: plausible ones, the ends of every range, and others.
sizes = mostly(st.one_of(st.integers(min_value=0, max_value=300_000), st.sampled_from(EDGE_NUMBERS)), odd_values)


@st.composite
def changed_configs(draw) -> dict:
    config = dict(REAL[draw(st.sampled_from(sorted(REAL)))])
    keys = sorted(config)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        how = draw(st.sampled_from(["set", "set", "delete", "add"]))
        if how == "delete" and keys:
            config.pop(draw(st.sampled_from(keys)), None)
        elif how == "add":
            config[draw(st.sampled_from(["layer_types", "mlp_only_layers", "num_experts", "sliding_window",
                                         "tie_word_embeddings", "head_dim", "rope_scaling", "unknown"]))] = draw(sizes)
        elif keys:
            key = draw(st.sampled_from(keys))
            config[key] = draw(sizes if key != "model_type" else st.one_of(st.sampled_from(sorted(
                {c.get("model_type") for c in REAL.values() if isinstance(c.get("model_type"), str)})), odd_values))
    return config


def read(text: str):
    folder = Path(tempfile.mkdtemp(prefix="paramtui-prop-"))
    path = folder / "config.json"
    path.write_text(text, encoding="utf-8")
    try:
        architecture = load_hf_config(path)
    except UserError as error:
        assert_one_line(error)
        architecture = None
    assert path.read_text(encoding="utf-8") == text and [p.name for p in folder.iterdir()] == ["config.json"]
    if architecture is not None:
        for precision in ("bf16", "q4_k_m"):
            estimate_or_user_error(Scenario(id="prop", architecture=architecture, precision=precision))


@given(changed_configs())
def test_a_changed_real_config_reads_or_is_one_line(config):
    read(json.dumps(config))  # json.dumps writes nan and inf as NaN and Infinity, as some tools do


@given(st.sampled_from(sorted(REAL)).flatmap(lambda name: mutated(json.dumps(REAL[name], indent=2))))
def test_a_damaged_config_file_reads_or_is_one_line(text):
    read(text)
