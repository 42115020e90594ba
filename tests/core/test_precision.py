"""Precisions: bits per weight from the formats' published layouts, exact weight bytes."""

import math
from fractions import Fraction
from types import SimpleNamespace

import pytest

from paramtui.core.errors import UserError
from paramtui.core.model.precision import (
    KV_PRECISION_IDS,
    PRECISION_IDS,
    get_kv_precision,
    get_precision,
    weights_bytes,
)

LLAMA_31_8B = 8030261248  # Llama 3.1 8B model card / transformers count


def test_llama_31_8b_bf16_weights_exact():
    assert weights_bytes(LLAMA_31_8B, "bf16") == 16060522496
    assert weights_bytes(LLAMA_31_8B, "fp32") == 4 * LLAMA_31_8B


def test_gguf_block_layouts():
    # ggml block layouts: Q8_0 = 32 weights in 34 bytes, Q4_0 = 32 in 18, Q6_K = 256 in 210.
    assert get_precision("Q8_0").bits_per_weight == 34 * 8 / 32 == 8.5
    assert get_precision("Q4_0").bits_per_weight == 18 * 8 / 32 == 4.5
    assert get_precision("Q6_K").bits_per_weight == 210 * 8 / 256 == 6.5625


def test_gguf_q4_k_m_matches_llama_cpp_published_size():
    # llama.cpp tools/quantize/README.md, Llama-3.1-8B: Q4_K_M 4.58 GiB, Q5_K_M 5.33 GiB,
    # Q2_K 2.95 GiB, Q8_0 7.95 GiB.
    for pid, gib in (("q4_k_m", 4.58), ("Q5_K_M", 5.33), ("q2_k", 2.95), ("q8_0", 7.95)):
        assert weights_bytes(LLAMA_31_8B, pid) / 2**30 == pytest.approx(gib, abs=0.006), pid


def test_ids_are_case_insensitive():
    assert get_precision("Q4_K_M") == get_precision("q4_k_m")
    assert get_precision(" BF16 ").id == "bf16"
    assert get_precision("GPTQ-INT4-G128").id == "gptq-int4-g128"


def test_nf4_double_quantisation():
    # QLoRA (Dettmers et al. 2023) section 3: 4 bits + 8/64 + 32/(64·256) = 4.127 bits.
    nf4 = get_precision("nf4")
    assert nf4.bits_per_weight == pytest.approx(4.127, abs=5e-4)
    assert set(nf4.high_precision_parts) >= {"embedding", "head"}


def test_grouped_int4_any_group_size():
    # fp16 scale + 4-bit zero per group: 4 + 20/g.
    assert get_precision("gptq-int4-g128").bits_per_weight == 4 + 20 / 128
    assert get_precision("awq-int4-g64").bits_per_weight == 4 + 20 / 64
    assert get_precision("gptq-int4-g32").bits_per_weight == 4.625
    assert get_precision("gptq-int8-g128").bits_per_weight == 8 + 24 / 128
    with pytest.raises(UserError):
        get_precision("awq-int3-g128")


def test_unknown_precision_lists_valid_ids():
    with pytest.raises(UserError) as err:
        get_precision("q5_9")
    assert "q5_9" in str(err.value) and "q4_k_m" in str(err.value) and "nf4" in str(err.value)


def test_precision_ids_highest_first():
    bits = [get_precision(p).bits_per_weight for p in PRECISION_IDS]
    assert bits == sorted(bits, reverse=True)
    assert PRECISION_IDS[0] == "fp32"
    for required in ("fp32", "bf16", "fp16", "fp8", "int8", "int4", "q8_0", "q6_k", "q5_k_m",
                     "q4_k_m", "q4_0", "q3_k_m", "q2_k", "nf4", "gptq-int4-g128",
                     "awq-int4-g128"):
        assert required in PRECISION_IDS


def test_bytes_per_param():
    assert get_precision("bf16").bytes_per_param == 2
    assert get_precision("q4_0").bytes_per_param == 0.5625


def test_high_precision_parts_kept_in_16_bit():
    # Llama 3.1 8B: 128256 × 4096 embedding and an untied head of the same size.
    emb = 128256 * 4096
    params = SimpleNamespace(total=LLAMA_31_8B, embedding=emb, head=emb, norm=266240)
    body = LLAMA_31_8B - 2 * emb - 266240
    expected = -(-(body * 4 + (2 * emb + 266240) * 16) // 8)
    assert weights_bytes(params, "int4") == expected
    # GGUF Q4_0: llama.cpp stores output.weight as Q6_K.
    q40_bits = Fraction(9, 2) * (LLAMA_31_8B - emb) + Fraction(105, 16) * emb
    assert weights_bytes(params, "q4_0") == math.ceil(q40_bits / 8)
    # A bare count puts everything in the body.
    assert weights_bytes(LLAMA_31_8B, "int4") == LLAMA_31_8B // 2


def test_weights_bytes_rejects_bad_counts():
    with pytest.raises(UserError):
        weights_bytes(-1, "bf16")
    with pytest.raises(UserError):
        weights_bytes(SimpleNamespace(total=10, embedding=20, head=0, norm=0), "bf16")


def test_kv_precisions_separate():
    assert KV_PRECISION_IDS == ("fp32", "bf16", "fp16", "fp8", "int8", "int4")
    assert get_kv_precision("FP8").bits_per_weight == 8
    assert get_kv_precision("int4").bytes_per_param == 0.5
    with pytest.raises(UserError):
        get_kv_precision("q4_k_m")


def test_bytes_for_bits_rounds_the_exact_sum_up():
    from paramtui.core.model.precision import bytes_for_bits

    assert bytes_for_bits((3, Fraction(4))) == 2  # 12 bits: 1.5 bytes, a whole second byte
    assert bytes_for_bits((16, Fraction(4))) == 8  # exactly 8 bytes: nothing added
    # 9/2 + 13/3 bits = 53/6 bits = 1.104 bytes: the sum is exact before the one rounding
    assert bytes_for_bits((1, Fraction(9, 2)), (1, Fraction(13, 3))) == 2
    assert bytes_for_bits((6, Fraction(9, 2)), (6, Fraction(13, 3))) == 7  # 53 bits = 6.625 bytes
    assert bytes_for_bits((1_000_000_007, Fraction("4.85"))) == math.ceil(Fraction(1_000_000_007) * Fraction("4.85") / 8)
