"""get_target reads one [[target]] table at start-up; it must give what the full load gives."""

from pathlib import Path

import pytest

from paramtui.core.inputs import targets
from paramtui.core.errors import UserError
from paramtui.core.inputs.targets import default_targets, get_target, load_targets
from paramtui.core.validation import replace


@pytest.fixture
def user_targets(tmp_path, monkeypatch):
    """A fresh process's caches, with the user's targets dir at tmp_path/targets."""
    monkeypatch.setattr(targets, "user_dir", lambda name: tmp_path / name)
    targets._shipped_target.cache_clear()
    default_targets.cache_clear()
    yield tmp_path / "targets"
    targets._shipped_target.cache_clear()
    default_targets.cache_clear()


def test_each_shipped_target_read_alone_equals_the_full_load(user_targets):
    full = load_targets(user=Path("/nonexistent")).targets
    for target_id, target in full.items():
        assert targets._shipped_target(target_id) == target, target_id


def test_get_target_reads_one_table_until_the_full_load(user_targets):
    h100 = get_target("h100-sxm")
    assert h100.name == "NVIDIA H100 SXM5 80GB"
    assert default_targets.cache_info().currsize == 0  # nothing else was read
    assert get_target("h100-sxm") == default_targets().targets["h100-sxm"]


def test_a_user_target_file_turns_the_one_table_lookup_off(user_targets):
    # The user's file may replace a shipped target of the same id: only the full load knows.
    user_targets.mkdir()
    (user_targets / "mine.toml").write_text(
        '[[target]]\nid = "h100-sxm"\nname = "My H100"\nkind = "datacenter-gpu"\n'
        'memory_bytes = 80e9\nbandwidth_bytes_per_s = 3.35e12\nsource = "my own"\n'
        '[target.tflops]\nbf16 = 989.4\n', encoding="utf-8")
    assert targets._shipped_target("h100-sxm") is None
    assert get_target("h100-sxm").name == "My H100"


def test_an_unknown_id_still_names_the_closest(user_targets):
    with pytest.raises(UserError, match="h100-sxm"):
        get_target("h100-sxn")


def test_peak_rates_follow_the_target_object_not_its_id():
    from paramtui.core.inputs.targets import get_target, peak_flops_per_s

    h100 = get_target("h100-sxm")
    faster = replace(h100, tflops={**h100.tflops, "bf16": 2 * h100.tflops["bf16"]})
    assert peak_flops_per_s(h100, "bf16") == h100.tflops["bf16"] * 1e12
    assert peak_flops_per_s(faster, "bf16") == 2 * peak_flops_per_s(h100, "bf16")
    assert peak_flops_per_s(h100, "bf16") == h100.tflops["bf16"] * 1e12  # the first is not overwritten
