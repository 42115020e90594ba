"""Roofline speed against published measurements: estimate vs measured, per row.

Calibration sets (the defaults were derived from these, nothing else):
  bandwidth efficiency  <- H100 measured copy bandwidth (reference measured_h100.json)
  optimized overhead    <- llama.cpp LLaMA 2 7B F16 decode on 5 NVIDIA GPUs (XiongjieDai)
  compute efficiency    <- H100 prefill measurements (reference measured_h100.json)
  eager overhead        <- eager transformers decode, Llama 3.2 1B, batch 1 (reference)
Validation sets (not used to calibrate) are checked with their own stated tolerance.
"""

import json
from pathlib import Path

import pytest

from paramtui.core.errors import UserError
from paramtui.core.formulas.speed import (
    DEFAULT_BANDWIDTH_EFFICIENCY,
    DEFAULT_COMPUTE_EFFICIENCY,
    EAGER,
    OPTIMIZED,
    REFERENCE_H100_COPY_BANDWIDTH,
    MoeShape,
    decode_step_s,
    estimate_speed,
    expected_distinct_experts,
    speed_timing,
    speed_workload,
)
from paramtui.core.inputs.targets import get_target

# A copy of the reference measurements inside the repository (tests/fixtures/README.md).
REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "measured_h100.json"

# LLaMA / Llama 2 7B (6,738,415,616 params; vocab 32000, hidden 4096, 32 layers, MHA) and
# Llama 3 8B (8,030,261,248; vocab 128256, 8 KV heads). Weight bytes by format: F16 2 bytes;
# Q4_0 4.5 bits per weight (18 bytes per 32); Q4_K_M file size 4.58 GB (XiongjieDai README).
LLAMA2_7B = dict(active_params=6_738_415_616, num_layers=32, hidden_size=4096, attention_dim=4096,
                 kv_bytes_per_token=2 * 32 * 4096 * 2)
LLAMA3_8B = dict(active_params=8_030_261_248, num_layers=32, hidden_size=4096, attention_dim=4096,
                 kv_bytes_per_token=2 * 32 * 8 * 128 * 2)


def llama2_7b(bits):
    return dict(LLAMA2_7B, weight_bytes=6_738_415_616 * bits / 8, input_embedding_bytes=32000 * 4096 * bits / 8)


def llama3_8b(weight_bytes, bits):
    return dict(LLAMA3_8B, weight_bytes=weight_bytes, input_embedding_bytes=128256 * 4096 * bits / 8)


def report(rows, label):
    """Print estimate vs measured and return the worst relative error."""
    worst = 0.0
    print(f"\n{label}")
    for name, estimate, measured in rows:
        error = estimate / measured - 1
        worst = max(worst, abs(error))
        print(f"  {name:34s} estimate {estimate:9.1f}  measured {measured:9.1f}  error {error:+6.1%}")
    return worst


# XiongjieDai/GPU-Benchmarks-on-LLM-Inference README, "Overview" (llama.cpp, LLaMA 2, tg t/s)
LLAMA2_F16_TG = {"rtx-3090": 51.85, "rtx-4090": 60.78, "rtx-a6000": 44.01, "a100-80gb": 73.83, "h100-pcie": 83.32}
LLAMA2_Q4_0_TG = {"rtx-3090": 120.6, "rtx-4090": 149.37, "rtx-a6000": 111.57, "a100-80gb": 136.24, "h100-pcie": 133.77}
# Same README, LLaMA 3 8B, tg 512 (May 2024).
LLAMA3_F16_TG = {"rtx-3090": 47.40, "rtx-4090": 54.84, "m1-max": 18.75, "m2-ultra": 36.90, "m3-max": 22.04}
LLAMA3_Q4KM_TG = {"rtx-3090": 115.42, "rtx-4090": 130.58, "m1-max": 35.73, "m2-ultra": 78.81, "m3-max": 48.97}


def decode(target_id, model, context=128):
    return estimate_speed(get_target(target_id), context=context, **model).decode_tokens_per_s


def test_bandwidth_efficiency_is_the_measured_copy_bandwidth():
    measured = json.loads(REFERENCE.read_text())["environment"]["copy_bandwidth_bytes_per_s_measured"]
    assert measured == REFERENCE_H100_COPY_BANDWIDTH
    assert DEFAULT_BANDWIDTH_EFFICIENCY == pytest.approx(measured / get_target("h100-sxm").bandwidth_bytes_per_s, abs=0.005)


def test_calibration_set_llama2_7b_f16_decode():
    rows = [(t, decode(t, llama2_7b(16)), m) for t, m in LLAMA2_F16_TG.items()]
    assert report(rows, "llama.cpp LLaMA 2 7B F16 decode (calibration set)") <= 0.30


def test_validation_llama2_7b_q4_0_decode():
    rows = [(t, decode(t, llama2_7b(4.5)), m) for t, m in LLAMA2_Q4_0_TG.items()]
    # A100/H100 PCIe run llama.cpp's Q4_0 kernels well below their bandwidth: +35% there.
    assert report(rows, "llama.cpp LLaMA 2 7B Q4_0 decode (validation)") <= 0.40


def test_validation_llama3_8b_decode_f16():
    rows = [(t, decode(t, llama3_8b(8_030_261_248 * 2, 16), context=512), m) for t, m in LLAMA3_F16_TG.items()]
    assert report(rows, "llama.cpp Llama 3 8B F16 tg512, NVIDIA and Apple (validation)") <= 0.25


def test_validation_llama3_8b_decode_q4_k_m():
    rows = [(t, decode(t, llama3_8b(4.58e9, 4.5), context=512), m) for t, m in LLAMA3_Q4KM_TG.items()]
    worst = report(rows, "llama.cpp Llama 3 8B Q4_K_M tg512 (validation)")
    # Apple's Metal Q4_K kernels are compute-heavy (dequantization) and reach ~55% of the
    # bandwidth the roofline assumes: the M1 Max row is over-estimated by ~80%. Stated, not tuned.
    assert worst <= 0.90


def _h100_llama_1b():
    reference = json.loads(REFERENCE.read_text())
    model = dict(active_params=1_235_814_400, weight_bytes=2_471_628_800, kv_bytes_per_token=16 * 2 * 8 * 64 * 2,
                 num_layers=16, hidden_size=2048, attention_dim=2048)
    return reference, model


def test_prefill_on_h100_measured():
    reference, model = _h100_llama_1b()
    rows = []
    for row in reference["inference"]:
        estimate = estimate_speed(get_target("h100-sxm"), batch=row["batch"], context=row["seq"], **model)
        rows.append((f"b{row['batch']} s{row['seq']}", estimate.prefill_tokens_per_s, row["prefill_tokens_per_s"]))
        assert estimate.prefill_bound == "compute"
    assert report(rows, "H100 prefill, transformers sdpa (calibration set)") <= 0.10


def test_prefill_validation_llama_cpp():
    # llama.cpp pp512, LLaMA 2 7B F16 (XiongjieDai "Overview"): consumer and Apple GPUs.
    measured = {"rtx-4090": 7348.69, "rtx-3090": 3075.37, "m2-ultra": 1379.54, "m3-max": 761.4}
    rows = [(t, estimate_speed(get_target(t), context=512, **llama2_7b(16)).prefill_tokens_per_s, m)
            for t, m in measured.items()]
    # All under-estimated by 20-34%: llama.cpp's matmuls reach more than the 48% of peak
    # calibrated on transformers (and the M3 Max peak is itself an estimate, see apple.toml).
    assert report(rows, "llama.cpp LLaMA 2 7B F16 pp512 (validation)") <= 0.40


def test_eager_runtime_is_launch_bound():
    reference, model = _h100_llama_1b()
    rows = []
    for row in reference["decode"]:
        if not row["mode"].startswith("eager"):
            continue
        estimate = estimate_speed(get_target("h100-sxm"), batch=row["batch"], context=row["context"],
                                  runtime="eager", **model)
        assert estimate.bound == "overhead"
        rows.append((f"eager b{row['batch']}", estimate.decode_tokens_per_s, row["tokens_per_s_per_seq"]))
    # Calibrated on the batch-1 row; the batch-16 row measured slower (12.3 tok/s) than 1 and 64.
    assert report(rows, "H100 eager transformers decode, Llama 3.2 1B") <= 0.55
    optimized = estimate_speed(get_target("h100-sxm"), context=512, **model)
    assert optimized.decode_tokens_per_s > 10 * rows[0][1]


def test_decode_memory_bound_then_compute_bound():
    model = llama2_7b(16)
    small = estimate_speed(get_target("h100-sxm"), batch=1, context=1024, **model)
    large = estimate_speed(get_target("h100-sxm"), batch=1024, context=16, **model)
    assert small.bound in ("memory", "overhead") and large.bound == "compute"
    assert large.aggregate_tokens_per_s > 50 * small.aggregate_tokens_per_s


def test_kv_cache_slows_long_contexts():
    model = llama2_7b(16)
    short = estimate_speed(get_target("a100-80gb"), batch=8, context=512, **model)
    long = estimate_speed(get_target("a100-80gb"), batch=8, context=32768, **model)
    # 8 x 32768 tokens x 512 KiB = 137 GB of KV read per step vs 13 GB of weights.
    assert long.decode_bytes_per_step == pytest.approx(short.decode_bytes_per_step + 8 * (32768 - 512) * 524288)
    assert long.decode_tokens_per_s < short.decode_tokens_per_s / 5


def test_expected_distinct_experts():
    assert expected_distinct_experts(8, 2, 1) == pytest.approx(2)
    # Mixtral 8 experts, top-2, batch 2: 8·(1 − (6/8)²) = 3.5.
    assert expected_distinct_experts(8, 2, 2) == pytest.approx(3.5)
    assert expected_distinct_experts(256, 8, 10_000) == pytest.approx(256)


def test_moe_batch_one_reads_only_active_experts():
    # Mixtral 8x7B: 46.7B total, 12.9B active; routed experts 32 layers x 8 x 3 x 4096 x 14336.
    expert_params = 32 * 8 * 3 * 4096 * 14336
    moe = MoeShape(num_experts=8, experts_per_token=2, routed_expert_bytes=expert_params * 2)
    model = dict(active_params=12.9e9, weight_bytes=46_702_792_704 * 2, kv_bytes_per_token=2 * 32 * 8 * 128 * 2,
                 num_layers=32, hidden_size=4096, attention_dim=4096)
    one = estimate_speed(get_target("h100-sxm"), batch=1, context=1, moe=moe, **model)
    expected = 46_702_792_704 * 2 - expert_params * 2 * 6 / 8 + 2 * 32 * 8 * 128 * 2
    assert one.decode_bytes_per_step == pytest.approx(expected)
    many = estimate_speed(get_target("h100-sxm"), batch=64, context=1, moe=moe, **model)
    assert many.decode_bytes_per_step > 0.99 * 46_702_792_704 * 2


def test_tensor_parallel_splits_and_adds_all_reduce():
    model = dict(llama2_7b(16), weight_bytes=140e9, active_params=70e9, num_layers=80, hidden_size=8192,
                 attention_dim=8192)
    node = get_target("8xh100")
    eight = estimate_speed(node, batch=1, context=1024, **model)
    assert eight.devices == 8
    four = estimate_speed(node, devices=4, batch=1, context=1024, **model)
    assert eight.aggregate_tokens_per_s > four.aggregate_tokens_per_s
    # The memory term halves but launches and all-reduce do not: less than 2x.
    assert eight.aggregate_tokens_per_s < 2 * four.aggregate_tokens_per_s
    with pytest.raises(UserError):
        estimate_speed(get_target("m1"), devices=2, **llama2_7b(4.5))


def test_cost_per_million_tokens():
    result = estimate_speed(get_target("l4"), batch=16, context=1024, **llama2_7b(16))
    expected = 0.8048 / 3600 / result.aggregate_tokens_per_s * 1e6
    assert result.cost_per_million_tokens_usd == pytest.approx(expected)
    assert estimate_speed(get_target("m1-max"), **llama2_7b(4.5)).cost_per_million_tokens_usd is None
    assert "decode_tokens_per_s" in result.explanations


def test_profiles_and_bad_inputs():
    assert OPTIMIZED.compute_efficiency == DEFAULT_COMPUTE_EFFICIENCY and EAGER.per_kernel_overhead_s > OPTIMIZED.per_kernel_overhead_s
    with pytest.raises(UserError):
        estimate_speed(get_target("h100-sxm"), runtime="turbo", **llama2_7b(16))
    with pytest.raises(UserError):
        estimate_speed(get_target("h100-sxm"), batch=0, **llama2_7b(16))
    with pytest.raises(UserError):
        estimate_speed(get_target("h100-sxm"), bandwidth_efficiency=1.5, **llama2_7b(16))


def test_timing_is_the_numbers_the_estimate_explains():
    """One formula, two speeds: estimate_speed explains exactly speed_timing's numbers, and a
    workload timed on another target equals a fresh estimate there (the Deploy matrix's path)."""
    h100, a100 = get_target("h100-sxm"), get_target("a100-80gb")
    work = speed_workload(context=512, **llama2_7b(16))
    timing = speed_timing(h100, work)
    result = estimate_speed(h100, context=512, **llama2_7b(16))
    assert result.timing == timing and result.workload == work
    assert result.decode_tokens_per_s == timing.decode_tokens_per_s
    assert result.prefill_tokens_per_s == timing.prefill_tokens_per_s
    assert f"= {timing.decode_tokens_per_s:.1f} tokens/s" in (
        result.explanations["decode_tokens_per_s"].substituted)
    assert speed_timing(a100, work).step_s == estimate_speed(a100, context=512, **llama2_7b(16)).decode_step_s
    assert decode_step_s(a100, work) == speed_timing(a100, work).step_s  # a Deploy cell's path


def test_a_deploy_row_times_each_target_as_the_estimate_does():
    """The Deploy matrix times one workload on every target with `decode_step_timer`: the
    same step time, to the last bit, as `speed_timing` (the Calculator's), on one device and
    split over several, eager or optimized, dense or MoE."""
    from paramtui.core.formulas.speed import decode_step_timer
    from paramtui.core.inputs.targets import default_targets, peak_flops_per_s

    moe = MoeShape(num_experts=8, experts_per_token=2, routed_expert_bytes=80e9)
    workloads = [speed_workload(**LLAMA3_8B, weight_bytes=16e9, batch=3, context=8192, runtime=EAGER),
                 speed_workload(**LLAMA2_7B, weight_bytes=4.58e9, compute_dtype="fp8", moe=moe)]
    checked = 0
    for work in workloads:
        step_s = decode_step_timer(work)
        for target in default_targets().targets.values():
            try:
                peak = peak_flops_per_s(target, work.compute_dtype)
            except UserError:
                continue  # no units for this math: the matrix shows the estimate's error
            for devices in (1, 2, 8):
                try:
                    expected = speed_timing(target, work, devices).step_s
                except UserError:
                    continue  # cannot be joined: the matrix shows the estimate's error
                assert step_s(target, devices, peak) == expected, (target.id, devices)
                checked += 1
    assert checked > 100
