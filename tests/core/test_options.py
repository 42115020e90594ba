"""The scenario inputs are said once: the record, the command line and the screens agree."""

import json

import pytest

from paramtui.cli import main
from paramtui.core import validation
from paramtui.core.errors import UserError
from paramtui.core.formulas.scaling import LAWS
from paramtui.core.inputs.options import OPTIONS, ordered_targets
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import default_targets


def scenario(**data):
    return validation.validate(Scenario, {"id": "s", "model": "llama-3.1-8b", **data})


def test_every_scaling_law_is_a_choice():
    assert set(OPTIONS["scaling.law"].values()) == set(LAWS)


@pytest.mark.parametrize("key, section", [("inference.batch", "inference"), ("gpus", None),
                                          ("training.zero", "training"), ("inference.context", "inference")])
def test_record_accepts_the_options_bounds_and_nothing_past_them(key, section):
    option = OPTIONS[key]
    name = option.name

    def with_value(v):
        return scenario(**({section: {name: v}} if section else {name: v}))

    with_value(int(option.maximum))
    with pytest.raises(UserError):
        with_value(int(option.maximum) + 1)
    with pytest.raises(UserError):
        with_value(int(option.minimum) - 1)


def test_record_accepts_each_choice_and_rejects_others():
    for value in OPTIONS["training.optimizer"].values():
        assert scenario(training={"optimizer": value}).training.optimizer == value
    with pytest.raises(UserError):
        scenario(training={"optimizer": "adam-ish"})


def test_reading_typed_text():
    batch, mfu, tokens = OPTIONS["inference.batch"], OPTIONS["training.mfu"], OPTIONS["training.tokens"]
    assert batch.read("2k") == 2000 and batch.read(" 8 ") == 8
    assert mfu.read("40%") == pytest.approx(0.4) and mfu.read("auto") is None
    assert tokens.read("1.5T") == 1.5e12 and tokens.read("") is None
    with pytest.raises(UserError, match="at least 1"):
        batch.read("0")
    with pytest.raises(UserError, match="whole number"):
        batch.read("2.5")
    with pytest.raises(UserError, match="between 0 and 1"):
        mfu.read("150%")
    with pytest.raises(UserError, match="not a number"):
        batch.read("lots")


def test_targets_are_ordered_small_to_big():
    targets = ordered_targets(default_targets().targets.values())
    kinds = [t.kind for t in targets]
    assert kinds.index("phone") < kinds.index("laptop") < kinds.index("datacenter-gpu") < kinds.index("node")
    gpus = ordered_targets(targets, ("datacenter-gpu",))
    memory = [t.memory_bytes for t in gpus]
    assert memory == sorted(memory) and {t.kind for t in gpus} == {"datacenter-gpu"}


@pytest.mark.parametrize("law", OPTIONS["scaling.law"].values())
def test_command_line_offers_every_law(capsys, law):
    assert main(["estimate", "llama-3.1-8b", "--law", law, "--json"]) == 0
    assert f'"{law}"' in capsys.readouterr().out


def run_json(capsys, *argv):
    assert main(["estimate", "llama-3.1-8b", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_command_line_reads_options_as_the_form_does(capsys):
    est = run_json(capsys, "--batch", "2k", "--gpus", "8")
    assert est["scenario"]["batch"] == 2000
    plain = run_json(capsys, "--gpus", "8")["memory"]["training"]["optimizer_bytes"]
    sharded = run_json(capsys, "--gpus", "8", "--zero", "3")["memory"]["training"]["optimizer_bytes"]
    assert sharded < plain  # ZeRO 3 shards the optimizer state over the 8 devices
    assert main(["estimate", "llama-3.1-8b", "--zero", "4"]) == 2
    assert "--zero: must be at most 3" in capsys.readouterr().err
