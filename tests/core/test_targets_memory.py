"""Device memory as the device has it: bytes as the runtime sees them, and fits decided on them.

Each figure is the one named in the target's `memory_source`: binary sizes where the vendor's
"GB" is GiB, nvidia-smi's total where the driver or ECC keeps part back.
"""

from __future__ import annotations

import pytest

from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import default_targets, get_target
from paramtui.core.result.estimate import estimate
from paramtui.core.validation import validate

GiB, MiB = 2**30, 2**20

# target id -> bytes one device has for a model (nvidia-smi MiB, or GiB as sold)
REAL_BYTES = {
    "rtx-3090": 24 * GiB,
    "rtx-4090": 25_769_803_776,  # 24 GiB
    "rtx-a6000": 48 * GiB,  # ECC off, the default
    "h100-sxm": 81_559 * MiB,  # nvidia-smi, H100 80GB HBM3
    "h100-pcie": 81_559 * MiB,
    "h200": 143_771 * MiB,
    "b200": 183_359 * MiB,
    "a100-40gb": 40_960 * MiB,
    "a100-80gb": 81_920 * MiB,
    "l4": 23_034 * MiB,  # ECC on
    "a10g": 23_028 * MiB,  # ECC on
    "l40s": 46_068 * MiB,  # ECC on
    "v100": 32 * GiB,
    "gh200": 96 * GiB,
    "mi300x": 192 * GiB,
    "tpu-v5e": 16 * GiB,
    "tpu-v5p": 95 * GiB,
    "m2-ultra": 192 * GiB,
    "8xh100": 81_559 * MiB,  # per GPU
    "8xh200": 143_771 * MiB,
}


@pytest.mark.parametrize("target_id, expected", sorted(REAL_BYTES.items()))
def test_memory_is_the_runtime_byte_count(target_id, expected):
    assert get_target(target_id).memory_bytes == expected


def test_every_target_says_where_its_memory_figure_comes_from():
    for target in default_targets().targets.values():
        assert len(target.memory_source) > 20, target.id


def test_no_reservation_is_taken_off_twice():
    """Discrete GPUs' figures already leave out what the driver keeps: no fraction on top."""
    for target in default_targets().targets.values():
        if not target.unified_memory:
            assert target.usable_memory_fraction == 1.0, target.id


def _llama_8b(batch: int, target_id: str) -> Scenario:
    return validate(Scenario, {"id": "s", "model": "llama-3.1-8b", "precision": "bf16",
                               "target": target_id, "inference": {"batch": batch, "context": 8192}})


def _largest_batch_that_fits(target_id: str) -> int:
    low, high = 1, 4096
    while low < high:
        middle = (low + high + 1) // 2
        if estimate(_llama_8b(middle, target_id)).values["memory.fits"]:
            low = middle
        else:
            high = middle - 1
    return low


@pytest.mark.parametrize("target_id", ["rtx-4090", "h100-sxm", "h200", "b200", "l40s", "a100-80gb"])
def test_fits_at_the_boundary_use_the_card_real_bytes(target_id):
    """Llama 3.1 8B bf16 at 8k context: the largest batch that fits is the one whose memory is
    at most the card's real byte count, and one more sequence crosses it."""
    real = REAL_BYTES[target_id]
    batch = _largest_batch_that_fits(target_id)
    at, over = estimate(_llama_8b(batch, target_id)), estimate(_llama_8b(batch + 1, target_id))
    assert at.values["memory.usable_bytes"] == real
    assert at.values["memory.inference_total_bytes"] <= real < over.values["memory.inference_total_bytes"]
    assert not over.values["memory.fits"]


def test_a_4090_fits_what_a_decimal_24_gb_would_have_refused():
    """At 25 GB a model is over 24e9 bytes, but within the card's 24 GiB."""
    fitting = [b for b in range(1, 16)
               if 24e9 < estimate(_llama_8b(b, "rtx-4090")).values["memory.inference_total_bytes"] <= 24 * GiB]
    assert fitting, "no batch lands between 24e9 and 24 GiB"
    assert all(estimate(_llama_8b(b, "rtx-4090")).values["memory.fits"] for b in fitting)
