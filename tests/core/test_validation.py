"""Records: validated by pydantic where data comes in, built directly from what we ship.

The shipped catalog, the shipped targets and the demo session are built without pydantic
(start-up does not import it); these tests are what makes that safe: every shipped table,
validated by pydantic, gives exactly the record the direct build gives.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from paramtui.core.inputs import targets
from paramtui.core import validation
from paramtui.core.model.architecture import Architecture
from paramtui.core.model import catalog
from paramtui.core.model.catalog import CATALOG_FILE, CatalogEntry, get_model, load_catalog
from paramtui.core.model.hf_config import architecture_from_hf_config
from paramtui.core.io.resources import shipped_dir
from paramtui.core.inputs.scenario import InferenceSettings, Scenario
from paramtui.core.inputs.session import Session
from paramtui.core.inputs.targets import Target, get_target, load_targets
from paramtui.core.errors import UserError
from paramtui.core.validation import as_data, build, validate
from paramtui.tui.demo import demo_session

CATALOG_TABLES = tomllib.loads((Path(catalog.__file__).with_name(CATALOG_FILE)).read_text())["model"]
TARGET_TABLES = [table for path in sorted(shipped_dir("targets").glob("*.toml"))
                 for table in tomllib.loads(path.read_text())["target"]]


def same_record(a, b) -> bool:
    """Equal, and equal in repr too: 700 and 700.0 are ==, but not the same figure in JSON."""
    return a == b and repr(a) == repr(b) and type(a) is type(b)


@pytest.mark.parametrize("table", CATALOG_TABLES, ids=[t["id"] for t in CATALOG_TABLES])
def test_every_shipped_catalog_entry_built_directly_is_the_validated_one(table):
    direct, checked = build(CatalogEntry, table), validate(CatalogEntry, table)
    assert same_record(direct, checked)
    shipped = architecture_from_hf_config(table["config"], shipped=True)
    assert same_record(shipped, architecture_from_hf_config(table["config"]))
    assert same_record(shipped, validate(Architecture, as_data(shipped)))


@pytest.mark.parametrize("table", TARGET_TABLES, ids=[t["id"] for t in TARGET_TABLES])
def test_every_shipped_target_built_directly_is_the_validated_one(table):
    assert same_record(build(Target, table), validate(Target, table))


def test_the_lookup_at_start_up_gives_the_loaded_target():
    # Start-up reads one target's table alone (no pydantic); the full load validates them all.
    targets._shipped_target.cache_clear()
    alone = get_target("h100-sxm")
    assert same_record(alone, load_targets().targets["h100-sxm"])
    assert isinstance(alone.power_watts, float)  # written `700` in the file


def test_the_demo_session_is_valid():
    demo = demo_session()
    assert same_record(validate(Session, as_data(demo)), demo)


def test_catalog_entries_are_the_validated_ones_after_a_full_load():
    for entry in load_catalog().values():
        assert same_record(entry, validate(CatalogEntry, as_data(entry)))


def test_build_coerces_as_pydantic_does_for_shipped_types():
    target = build(Target, {"id": "x", "name": "X", "kind": "edge", "memory_bytes": 8, "bandwidth_bytes_per_s": 1,
                            "tflops": {"bf16": 1}, "interconnect": {"name": "L", "bytes_per_s": 5},
                            "source": "test"})
    assert target.memory_bytes == 8.0 and isinstance(target.memory_bytes, float)
    assert isinstance(target.tflops["bf16"], float) and target.interconnect.bytes_per_s == 5.0
    arch = architecture_from_hf_config({"model_type": "qwen3_moe", "vocab_size": 10, "hidden_size": 8,
                                        "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 2, "intermediate_size": 16,
                                        "num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 4,
                                        "mlp_only_layers": [0]}, shipped=True)
    assert arch.mlp_only_layers == (0,)
    hash(arch)  # a record is a value: usable as a cache key
    with pytest.raises(TypeError):
        build(Target, {"id": "x", "nmae": "typo"})  # a misspelt key in a shipped file fails loudly


def test_user_input_is_validated_with_the_place_of_each_mistake():
    with pytest.raises(UserError) as caught:
        validate(Scenario, {"id": "a", "model": "llama-3.1-8b", "inference": {"batch": 0}})
    assert caught.value.where == ("inference", "batch") and caught.value.reason == "must be at least 1"
    assert str(caught.value) == "inference.batch: must be at least 1"
    with pytest.raises(UserError) as caught:
        validate(Scenario, {"id": "a", "model": "llama-3.1-8b", "colour": "red"})
    assert caught.value.where == ("colour",) and caught.value.reason == "unknown key"
    with pytest.raises(UserError, match="exactly one way"):
        validate(Scenario, {"id": "a"})
    with pytest.raises(UserError, match="training.tokens: 'lots' is not a number"):
        validate(Scenario, {"id": "a", "params": "7B", "training": {"tokens": "lots"}})
    assert validate(Scenario, {"id": "a", "params": "7B"}).params == 7e9


def test_a_user_error_is_not_a_value_error():
    # A ValueError escaping the core is a bug in paramtui, never passed off as a user's mistake.
    assert not issubclass(UserError, ValueError)


def test_records_are_frozen_values():
    s = Scenario(id="a", model="llama-3.1-8b", inference=InferenceSettings(batch=2))
    with pytest.raises(AttributeError):
        s.gpus = 2
    assert s == Scenario(id="a", model="llama-3.1-8b", inference=InferenceSettings(batch=2))
    assert validation.replace(s, gpus=2).gpus == 2 and s.gpus == 1
    with pytest.raises(ValueError, match="exactly one way"):
        validation.replace(s, params=7e9)  # cross-field checks run on every copy


def test_the_core_and_the_demo_estimate_do_not_import_pydantic():
    code = ("import sys; from paramtui.tui.demo import demo_session; "
            "from paramtui.core.result.estimate import estimate; from paramtui.core.model.catalog import get_model; "
            "e = estimate(demo_session().scenarios[0]); print(e.params.total, get_model('llama-3.1-8b').param_count.total); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"})
    assert out.stdout.split("\n")[:2] == ["8030261248 8030261248", "[]"]


@pytest.mark.parametrize("flags", [{}, {"exclude_none": True}, {"exclude_defaults": True},
                                   {"exclude_none": True, "exclude_defaults": True}])
def test_plain_data_is_what_pydantic_dumps(flags):
    # Session files are written without pydantic (also from the hang-up handler); the data
    # must be what pydantic's own dump gives, nested records included.
    records = [*demo_session().scenarios, demo_session(), get_model("deepseek-v3").architecture,
               get_target("h100-sxm")]
    for record in records:
        assert as_data(record, **flags) == validation._adapter(type(record)).dump_python(record, **flags)
