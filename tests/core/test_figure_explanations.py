"""`e` on any figure explains it: an input says what it means, a computed figure how it was
worked out, and one with no value says it does not apply."""

import pytest

from paramtui.core.inputs.scenario import Scenario
from paramtui.core.result.estimate import estimate
from paramtui.core.result.figures import FIGURES, INPUT_MEANINGS, explain

FITS = Scenario(id="fits", model="llama-3.1-8b")
OFFLOADED = Scenario(id="offloaded", model="llama-3.1-70b", target="rtx-4090")


def test_every_input_column_has_its_own_sentence():
    inputs = [key for key in FIGURES if key.startswith("scenario.")]
    assert sorted(INPUT_MEANINGS) == sorted(inputs)
    est = estimate(FITS)
    meanings = [explain(est, key).meaning for key in inputs if key not in est.explanations]
    assert len(set(meanings)) == len(meanings)  # no template shared by two inputs
    for meaning in meanings:
        assert "of this scenario, as set in its inputs" not in meaning
        assert meaning.endswith(".") and len(meaning.split()) >= 8


@pytest.mark.parametrize("scenario", [FITS, OFFLOADED], ids=lambda s: s.id)
def test_a_figure_with_a_value_is_never_explained_as_not_applying(scenario):
    est = estimate(scenario)
    for key in FIGURES:
        meaning = explain(est, key).meaning
        if est.values.get(key) is None:
            continue
        assert "does not apply" not in meaning, key


def test_offload_split_figures_share_the_split_explanation():
    est = estimate(OFFLOADED)
    assert explain(est, "offload.cpu_layers") == explain(est, "offload.gpu_layers")
    assert explain(est, "offload.device_bytes") == explain(est, "offload.mode")
    assert "fits the devices' memory" in explain(estimate(FITS), "offload.mode").meaning
