"""Deployment: fit, exact limits, best precision, offload splits, and agreement with the estimate."""

from __future__ import annotations

import pytest

from paramtui.core.formulas import inference_memory as memory
from paramtui.core.formulas import speed
from paramtui.core.views.deploy_detail import best_precision, deploy_detail, max_batch, max_context
from paramtui.core.views.deploy_matrix import deploy_cell, deploy_matrix
from paramtui.core.errors import UserError
from paramtui.core.result.estimate import estimate
from paramtui.core.model.precision import PRECISION_IDS, get_precision
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import default_targets, get_target
from paramtui.core.validation import replace, validate


def scenario(model="llama-3.1-8b", precision="bf16", target="rtx-4090", batch=1, context=8192, gpus=1):
    return validate(Scenario, dict(id="s", model=model, precision=precision, target=target, gpus=gpus,
                    inference={"batch": batch, "context": context}))


def total(est, **kw) -> int:
    s = est.scenario
    args = dict(precision=est.precision, kv_precision=est.kv_precision, batch=s.inference.batch,
                context=est.values["scenario.context"])
    args.update(kw)
    return memory.inference_memory(est.architecture, est.params, **args).inference_total_bytes


def test_max_context_is_exact_on_the_integer():
    est = estimate(scenario(target="rtx-4090"))
    usable = get_target("rtx-4090").usable_memory_bytes
    c = max_context(est, usable)
    assert total(est, context=c) <= usable < total(est, context=c + 1)
    # Llama 3.1 8B bf16 holds 2·32·8·128·2 = 131,072 KV bytes per token (reference README):
    # one more token of context adds exactly that to the KV cache.
    kv = memory.kv_cache_bytes(est.architecture, c + 1, 1, "bf16") - memory.kv_cache_bytes(est.architecture, c, 1, "bf16")
    assert kv == 131_072


def test_max_batch_is_exact_on_the_integer():
    est = estimate(scenario(target="h100-sxm", context=8192))
    usable = get_target("h100-sxm").usable_memory_bytes
    b = max_batch(est, usable)
    assert b > 1
    assert total(est, batch=b) <= usable < total(est, batch=b + 1)


def test_nothing_fits_gives_zero():
    est = estimate(scenario(model="llama-3.1-70b", target="rtx-4090"))
    usable = get_target("rtx-4090").usable_memory_bytes
    assert max_context(est, usable) == 0 and max_batch(est, usable) == 0


def test_best_precision_is_the_highest_that_fits():
    est = estimate(scenario(model="llama-3.1-70b", target="a100-80gb", context=4096))
    usable = get_target("a100-80gb").usable_memory_bytes
    best = best_precision(est, usable)
    assert best is not None and best != "bf16"
    i = PRECISION_IDS.index(best)
    assert total(est, precision=get_precision(best)) <= usable
    fits = [estimate(est.scenario.with_changes(precision=p, target="a100-80gb")).fits for p in PRECISION_IDS[: i + 1]]
    assert fits[-1] and not any(fits[:-1])


def test_matrix_agrees_with_the_estimate_for_the_same_target():
    scenarios = [scenario(model="llama-3.1-8b", precision="bf16"),
                 validate(Scenario, dict(id="q", model="qwen3-30b-a3b", precision="q4_k_m", target="h100-sxm",
                          inference={"batch": 4, "context": 16384})),
                 validate(Scenario, dict(id="p", params="7B", precision="int8", target="m1", gpus=2)),
                 # tensor parallel 2 on one device is an error, on a node of 8 it is not
                 validate(Scenario, dict(id="t", model="qwen3-0.6b", training={"tensor_parallel": 2})),
                 # fp32 weights, and fp32 training, on TPUs (no fp32 units listed), fitting or not
                 validate(Scenario, dict(id="f", model="llama-3.1-8b", precision="fp32", inference={"context": 2048})),
                 validate(Scenario, dict(id="r", model="qwen3-0.6b", training={"regime": "fp32"})),
                 # three cards (24 devices on a node), a hybrid MoE with an fp8 cache, int4 at batch 16
                 validate(Scenario, dict(id="g", model="llama-3.1-70b", precision="q8_0", gpus=3,
                          inference={"batch": 2, "context": 32768})),
                 validate(Scenario, dict(id="h", model="qwen3-next-80b-a3b", precision="fp8", kv_precision="fp8",
                          inference={"batch": 8, "context": 65536})),
                 validate(Scenario, dict(id="i", model="gemma-3-27b", precision="int4",
                          inference={"batch": 16, "context": 8192}))]
    targets = list(default_targets().targets.values())
    matrix = deploy_matrix(scenarios, targets)
    assert len(matrix) == len(scenarios) * len(targets)
    assert set(matrix) == {(s.id, t.id) for s in scenarios for t in targets}
    assert all(list(matrix.row(s.id)) == [matrix[(s.id, t.id)] for t in targets] for s in scenarios)
    assert any(not isinstance(c, UserError) and c.fits and c.devices == 24 for c in matrix.values())
    for s in scenarios:
        for t in targets:
            cell = matrix[(s.id, t.id)]
            try:
                values = estimate(s.with_changes(target=t.id)).values
            except UserError as error:
                assert isinstance(cell, UserError) and str(cell) == str(error)
                continue
            assert cell.memory_use_fraction == values["memory.use_fraction"]
            assert cell.fits == values["memory.fits"]
            assert cell.required_bytes == values["memory.inference_total_bytes"]
            if cell.fits:
                assert cell.decode_tokens_per_s == values["speed.decode_tokens_per_s"]
            else:
                assert cell.decode_tokens_per_s is None


def test_cell_text_reads_without_colour():
    fits = deploy_cell(scenario(model="qwen3-0.6b"), get_target("rtx-4090"))
    assert fits.short.startswith("✓ ") and "%" in fits.short and "t/s" in fits.short
    too_big = deploy_cell(scenario(model="llama-3.1-70b"), get_target("rtx-4090"))
    assert too_big.short.startswith("✗ ") and "t/s" not in too_big.short
    offload = deploy_cell(scenario(model="llama-3.1-70b", target="gh200"), get_target("gh200"))
    assert offload.status == "offload" and offload.short.startswith("⇄ ")


def test_detail_reports_limits_and_best_precision():
    d = deploy_detail(scenario(model="llama-3.1-70b", target="rtx-4090"), get_target("a100-80gb"))
    assert d.cell.target_id == "a100-80gb" and not d.cell.fits
    assert d.best_precision in PRECISION_IDS
    # Llama 3.1 70B bf16 (146 GB) on an A100 80GB: its share of a DGX A100's 2 TB host holds the rest.
    assert d.cell.status == "offload"
    assert d.layer_offload is not None and d.layer_offload.fits
    assert d.layer_offload.host_capacity_bytes == 250e9
    # With the user's own, smaller host RAM the same split cannot be promised.
    small = deploy_detail(scenario(model="llama-3.1-70b", target="rtx-4090"), get_target("a100-80gb"),
                          host_memory_bytes=32e9)
    assert not small.layer_offload.fits and small.layer_offload.host_capacity_bytes == 32e9
    for key in ("max_context", "max_batch", "best_precision"):
        assert d.explanations[key].substituted


def test_llama_70b_q4_runs_on_a_desktop_4090_at_host_bandwidth():
    """Llama 3.1 70B Q4_K_M (~42 GB) on an RTX 4090 (24 GB) in the typical desktop of
    targets/nvidia-consumer.toml (64 GB DDR5-5600 dual channel = 89.6 GB/s): llama.cpp -ngl
    puts about half the layers on the card, and the CPU half, read from host RAM, sets the speed."""
    target = get_target("rtx-4090")
    assert target.host_memory_bytes == 64e9 and target.host_bandwidth_bytes_per_s == 2 * 8 * 5.6e9
    s = scenario(model="llama-3.1-70b", precision="q4_k_m", target="rtx-4090", context=8192)
    cell = deploy_cell(s, target)
    assert cell.status == "offload" and cell.short.startswith("⇄ ") and "t/s" in cell.short
    d = deploy_detail(s, target)
    split = d.layer_offload
    assert split.fits and 0 < split.gpu_layers < 80 and split.host_bytes <= 64e9
    assert cell.offload_tokens_per_s == split.decode_tokens_per_s  # the cell's numbers are the detail's
    eff = speed.DEFAULT_BANDWIDTH_EFFICIENCY
    step = 1 / split.decode_tokens_per_s
    host_time = split.host_bytes / (89.6e9 * eff)  # host bytes include the (unread) embedding: an upper bound
    device_time = split.device_bytes / (1008e9 * eff) + 80 * 22 * 4.9e-6  # weights + KV + launches, an upper bound
    assert 0.9 * host_time < step < host_time + device_time
    assert host_time > 0.75 * step  # host-bandwidth bound
    # Far below the roofline of the same model if it all sat in the card's 1 TB/s memory.
    in_vram = speed.speed_timing(target, d.estimate.speed.workload).decode_tokens_per_s
    assert split.decode_tokens_per_s < in_vram / 4


def test_matrix_offload_cells_agree_with_the_detail():
    scenarios = [scenario(model="llama-3.1-70b", precision="bf16"),
                 validate(Scenario, dict(id="m", model="mixtral-8x7b", precision="bf16", target="rtx-4090",
                          inference={"batch": 1, "context": 4096})),
                 # layers of different sizes (attention and linear-attention, experts), on two cards
                 validate(Scenario, dict(id="n", model="qwen3-next-80b-a3b", precision="bf16", gpus=2,
                          inference={"batch": 4, "context": 32768})),
                 # a larger mixture at batch 8: experts on the CPU touch more of each layer's experts
                 validate(Scenario, dict(id="o", model="mixtral-8x22b", precision="q4_k_m",
                          inference={"batch": 8, "context": 8192}))]
    targets = list(default_targets().targets.values())
    matrix = deploy_matrix(scenarios, targets)
    offloads = 0
    for s in scenarios:
        for t in targets:
            cell = matrix[(s.id, t.id)]
            if isinstance(cell, UserError) or cell.fits:
                continue
            d = deploy_detail(s, t)
            splits = [x for x in (d.layer_offload, d.expert_offload) if x is not None and x.fits]
            assert (cell.status == "offload") == bool(splits), (s.id, t.id)
            if splits:
                offloads += 1
                assert cell.offload_tokens_per_s == max(x.decode_tokens_per_s for x in splits)
    assert offloads >= 30


def test_a_users_host_ram_sizes_a_listed_host_tier_but_creates_none():
    """With the scenario's host RAM set, a GPU's offload uses that RAM, while a TPU (no host tier
    listed: the offload runtimes paramtui models are GPU runtimes) offers no split in the
    matrix, the detail or the estimate alike."""
    big = validate(Scenario, dict(id="h", model="llama-3.1-405b", precision="bf16", host_ram_bytes=2e12,
                                  inference={"batch": 1, "context": 4096}))
    tpu, gpu = get_target("tpu-v5p"), get_target("rtx-4090")
    matrix = deploy_matrix([big], [tpu, gpu])
    assert matrix[("h", "tpu-v5p")].status == "no"
    detail = deploy_detail(big, tpu)
    assert detail.layer_offload is None and detail.expert_offload is None
    assert estimate(big.with_changes(target="tpu-v5p")).values["offload.mode"] == "none: no host RAM listed"
    # the RTX 4090's PC lists 64 GiB: 810 GB of weights offload only into the user's 2 TB
    assert matrix[("h", "rtx-4090")].status == "offload"
    assert deploy_detail(big, gpu).layer_offload.host_capacity_bytes == 2e12


def test_repainted_matrix_follows_changed_targets_and_training_splits():
    """Rows are reused between repaints; a target redefined under the same id, or a scenario
    whose tensor × pipeline split changed, must not be served a stale cell."""
    h100 = get_target("h100-sxm")
    s = scenario(model="llama-3.1-8b", target="h100-sxm")
    first = deploy_matrix([s], [h100])[("s", "h100-sxm")]
    assert first.fits
    smaller = replace(h100, memory_bytes=8e9)  # a user's edited target, same id
    again = deploy_matrix([s], [smaller])[("s", "h100-sxm")]
    assert not again.fits and again.usable_bytes == pytest.approx(8e9 * h100.usable_memory_fraction)
    split = s.with_changes(training__tensor_parallel=2)
    assert isinstance(deploy_matrix([split], [smaller])[("s", "h100-sxm")], UserError)
    assert deploy_matrix([s], [h100])[("s", "h100-sxm")] == first
