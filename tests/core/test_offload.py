"""Offload of a model larger than the device to host RAM: layer split and MoE experts on CPU."""

from __future__ import annotations

import pytest

from paramtui.core.formulas import speed
from paramtui.core.formulas.offload import expert_offload, layer_offload, routed_and_active_params
from paramtui.core.result.estimate import estimate
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import get_target
from paramtui.core.validation import validate


def scenario(model="llama-3.1-8b", precision="bf16", target="rtx-4090", batch=1, context=8192, gpus=1, **kw):
    return validate(Scenario, dict(id="s", model=model, precision=precision, target=target, gpus=gpus,
                    inference={"batch": batch, "context": context}, **kw))


def test_layer_split_sums_to_the_layers_and_respects_memory():
    target = get_target("gh200")  # 96 GB HBM + 480 GB LPDDR5X host memory
    est = estimate(scenario(model="llama-3.1-70b", target="gh200", context=8192))
    assert not est.fits
    split = layer_offload(est.serving, target, est.devices)
    assert split is not None and split.fits
    assert split.gpu_layers + split.cpu_layers == est.architecture.num_hidden_layers
    assert split.device_bytes <= target.usable_memory_bytes
    assert split.host_bytes <= target.host_memory_bytes
    inf = est.inference
    per_layer = (inf.weights_bytes - est.params.embedding * 2 - est.params.head * 2 + inf.kv_cache_bytes) / 80
    # One more layer on the device would not fit.
    assert split.device_bytes + per_layer > target.usable_memory_bytes
    # Device + host hold the whole model once.
    assert split.device_bytes + split.host_bytes == pytest.approx(inf.inference_total_bytes, abs=2)
    # Layers on the CPU cost speed against an imaginary device big enough for all.
    assert 0 < split.decode_tokens_per_s < estimate(scenario(model="llama-3.1-70b", target="gh200", gpus=2)).values[
        "speed.decode_tokens_per_s"]
    # Streaming the host part over NVLink-C2C instead is limited by the link and host memory.
    assert split.streamed_tokens_per_s is not None


def test_unified_memory_has_no_offload_tier():
    target = get_target("m3-max")
    est = estimate(scenario(model="llama-3.1-70b", target="m3-max"))
    assert layer_offload(est.serving, target, est.devices) is None
    assert expert_offload(est.serving, target, est.devices) is None


def test_moe_experts_on_cpu_reads_active_experts_only():
    target = get_target("rtx-4090")
    est = estimate(scenario(model="mixtral-8x7b", target="rtx-4090", context=4096))
    # Mixtral: 32 layers × 8 experts × 3·4096·14336 weights (config.json).
    routed, active = routed_and_active_params(est.params, est.architecture)
    assert routed == 32 * 8 * 3 * 4096 * 14336
    assert active == routed * 2 // 8
    host_bw = 89.6e9  # DDR5-5600, two channels: 2 · 8 B · 5.6e9
    split = expert_offload(est.serving, target, est.devices, host_memory_bytes=128e9, host_bandwidth_bytes_per_s=host_bw)
    assert split is not None and split.fits
    assert split.host_bytes == routed * 2  # memory holds ALL experts, bf16
    assert split.device_bytes <= target.usable_memory_bytes
    # Per token the CPU reads 2 of 8 experts per layer: a quarter of the expert bytes.
    host_seconds = 1 / split.decode_tokens_per_s
    active_read = routed * 2 * 2 / 8 / (host_bw * speed.DEFAULT_BANDWIDTH_EFFICIENCY)
    all_read = routed * 2 / (host_bw * speed.DEFAULT_BANDWIDTH_EFFICIENCY)
    assert active_read < host_seconds < active_read * 1.2
    assert host_seconds < all_read / 3


def test_dense_model_has_no_expert_split():
    est = estimate(scenario(model="llama-3.1-70b"))
    assert expert_offload(est.serving, get_target("rtx-4090"), est.devices, host_memory_bytes=256e9) is None


def test_host_share_scales_with_datacenter_gpus_not_with_desktop_cards():
    est = estimate(scenario(model="llama-3.1-405b", precision="bf16", target="h100-sxm", gpus=4))
    assert layer_offload(est.serving, get_target("h100-sxm"), est.devices).host_capacity_bytes == 4 * 250e9
    est = estimate(scenario(model="llama-3.1-70b", precision="bf16", target="rtx-4090", gpus=2))
    assert layer_offload(est.serving, get_target("rtx-4090"), est.devices).host_capacity_bytes == 64e9  # one desktop, two cards


# ----------------------------------------------------- one answer in the estimate (issue 13)

def test_70b_q4_k_m_on_a_4090_with_64gb_ram_has_one_answer():
    """"Can I run Llama 3.1 70B on my RTX 4090 with 64 GB RAM, and how fast?": the estimate
    carries the layer split Deploy's detail shows, and no speed of a card that cannot hold it."""
    from paramtui.core.views.deploy_detail import deploy_detail

    s = scenario(model="llama-3.1-70b", precision="q4_k_m", context=4096, host_ram_bytes="64GB")
    est = estimate(s)
    v = est.values
    assert not v["memory.fits"] and v["offload.needed"]
    # By hand: usable 24 GiB (the card's real bytes); activations + overhead stay on the card; each layer is its
    # weights plus its KV cache, and g = floor(room / per layer).
    inf = est.inference
    body = inf.weights_bytes - est.params.embedding * 4.5 / 8 - est.params.head * 6.5625 / 8
    per_layer = body / 80 + inf.kv_cache_bytes / 80
    room = 24 * 2**30 - inf.activations_bytes - inf.overhead_bytes
    assert v["offload.mode"] == "layers" and v["offload.fits"] is True
    # room / per_layer is 45.01 by this hand arithmetic: the estimate's exact block-scale
    # sizes put the 45th layer just over the 24 GiB.
    assert v["offload.gpu_layers"] == 44 and 44 <= room / per_layer < 45.1
    assert v["offload.cpu_layers"] == 36
    assert v["offload.host_capacity_bytes"] == 64 * 2**30  # RAM is sold in binary sizes
    assert 2.5 < v["offload.decode_tokens_per_s"] < 4.5  # issue 13: "about 3 tok/s"
    # The estimate's speed is the offload's; nothing is timed as if the card held the model.
    assert v["speed.decode_tokens_per_s"] == v["offload.decode_tokens_per_s"]
    assert v["speed.prefill_tokens_per_s"] is None and v["speed.time_to_first_token_s"] is None
    d = deploy_detail(s, get_target("rtx-4090"))
    assert d.layer_offload.gpu_layers == v["offload.gpu_layers"]
    assert d.layer_offload.host_bytes == v["offload.host_bytes"]
    assert d.cell.offload_tokens_per_s == v["offload.decode_tokens_per_s"] == d.layer_offload.decode_tokens_per_s


def test_too_big_even_with_offload_has_no_speed():
    est = estimate(scenario(model="llama-3.1-405b", precision="bf16", host_ram_bytes="64GB"))
    v = est.values
    assert v["offload.needed"] and v["offload.fits"] is False
    assert v["speed.decode_tokens_per_s"] is None and v["speed.aggregate_tokens_per_s"] is None
    assert "does not fit even with offload" in est.explanations["offload.mode"].substituted
    # nor a 'Decode with offload' rate under 'Runs with offload: NO' (Kimi K2 showed 0.385 tok/s)
    assert v["offload.decode_tokens_per_s"] is None
    assert "has no speed" in est.explanations["offload.decode_tokens_per_s"].meaning


def test_a_model_that_fits_needs_no_offload():
    v = estimate(scenario(model="llama-3.1-8b", precision="q4_k_m", host_ram_bytes="64GB")).values
    assert v["memory.fits"] and not v["offload.needed"] and v["offload.mode"] == "none"
    assert v["offload.gpu_layers"] is None and v["speed.decode_tokens_per_s"] > 20


def test_unified_memory_says_it_cannot_offload():
    from paramtui.core.result.figures import group_applies
    from paramtui.core.result.warnings import estimate_warnings

    est = estimate(scenario(model="llama-3.1-405b", precision="bf16", target="m3-max"))
    assert est.values["offload.mode"] == "none: unified memory" and est.values["offload.fits"] is None
    assert "no separate host RAM" in est.explanations["offload.mode"].meaning
    assert not group_applies(est, "offload")  # no "offload to host RAM" section: there is no host
    assert "does not fit the device's memory (unified memory: no offload tier)" in estimate_warnings(est)


def test_the_comparison_export_has_method_training_fit_and_offload_columns():
    """Issue 13: "QLoRA or full fine-tune of Llama 3.1 8B, side by side, exported to Markdown"."""
    from paramtui.core.inputs.session import Session
    from paramtui.core.io.export import comparison_table, table_markdown

    session = validate(Session, dict(title="8B fine-tunes", scenario=(
        dict(id="full", name="8B full", model="llama-3.1-8b", target="h100-sxm", purpose="finetune"),
        dict(id="qlora", name="8B QLoRA", model="llama-3.1-8b", target="h100-sxm", training={"method": "qlora"}),
        dict(id="big", name="70B on a 4090", model="llama-3.1-70b", precision="q4_k_m", target="rtx-4090",
             host_ram_bytes="64GB"),
    )))
    text = table_markdown(comparison_table(session))
    header = text.splitlines()[[i for i, line in enumerate(text.splitlines()) if "Scenario" in line][0]]
    assert "Method" in header and "Fits for training" in header and "Offload" in header
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| 8B") or
            line.startswith("| 70B")}
    assert "qlora" in rows["8B QLoRA"] and "full" in rows["8B full"]
    assert "layers" in rows["70B on a 4090"]
