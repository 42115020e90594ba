"""Precisions of today's checkpoints (MXFP4, NVFP4, block-scaled FP8) and the default precision a
config.json's quantization_config sets."""

from fractions import Fraction
from pathlib import Path

import pytest

from paramtui.core.errors import UserError
from paramtui.core.inputs.options import OPTIONS
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.model.catalog import get_model
from paramtui.core.model.hf_config import load_hf_config
from paramtui.core.model.params import count_parameters
from paramtui.core.model.precision import PRECISION_IDS, get_precision, weights_bytes
from paramtui.core.model.quant_config import native_precision
from paramtui.core.result.estimate import estimate

CONFIGS = Path(__file__).parent / "hf_configs"
GIB = 2**30


def test_scale_bytes_are_in_the_bits():
    # OCP MX v1.0: 32 E2M1 elements share one E8M0 scale -> 4 + 8/32.
    assert get_precision("mxfp4").exact_bits == Fraction(17, 4)
    # NVFP4: 16 E2M1 elements share one FP8 E4M3 scale -> 4 + 8/16.
    assert get_precision("nvfp4").exact_bits == Fraction(9, 2)
    # DeepSeek-V3 FP8: one fp32 weight_scale_inv per 128x128 block -> 8 + 32/16384.
    assert get_precision("fp8-block128").exact_bits == 8 + Fraction(32, 128 * 128)


@pytest.mark.parametrize(("model", "published_gib"), [("gpt-oss-120b", 60.8), ("gpt-oss-20b", 12.8)])
def test_gpt_oss_at_its_native_precision_matches_the_model_card(model, published_gib):
    # OpenAI 2025, gpt-oss model card (arXiv 2508.10925), Table 1: checkpoint size 60.8 GiB
    # (120b) and 12.8 GiB (20b); the experts in MXFP4, everything else BF16.
    params = get_model(model).param_count
    assert round(weights_bytes(params, "mxfp4-moe") / GIB, 1) == published_gib
    # Quantising every linear layer would be smaller: the format choice is visible.
    assert weights_bytes(params, "mxfp4") < weights_bytes(params, "mxfp4-moe")


def test_experts_only_format_counts_expert_matrices_and_the_rest_in_16_bit():
    params = get_model("gpt-oss-20b").param_count
    # 24 layers x 32 experts x (2880 x 5760 gate_up + 2880 x 2880 down), biases not included.
    assert params.expert_weights == 24 * 32 * (2880 * 5760 + 2880 * 2880)
    expected = params.expert_weights * 17 // 32 + (params.total - params.expert_weights) * 2
    assert weights_bytes(params, "mxfp4-moe") == expected
    # A dense model has no experts: nothing is quantised.
    dense = get_model("llama-3.1-8b").param_count
    assert weights_bytes(dense, "mxfp4-moe") == weights_bytes(dense, "bf16")


def test_deepseek_v3_fp8_weights():
    params = count_parameters(load_hf_config(CONFIGS / "deepseek-v3.json"))
    # The router (58 MoE layers x 256 experts x 7168) stays BF16: DeepseekV3TopkRouter is a
    # plain parameter, not an nn.Linear the FP8 quantizer replaces.
    assert params.router == 58 * 256 * 7168
    kept = params.embedding + params.head + params.norm + params.router
    body = params.total - kept
    expected = -(-(body * (8 * 512 + 1)) // (8 * 512)) + kept * 2
    assert weights_bytes(params, "fp8-block128") == expected
    # DeepSeek-V3 README (github.com/deepseek-ai/DeepSeek-V3): "685B, which includes 671B of the
    # Main Model weights and 14B of the Multi-Token Prediction (MTP) Module weights"; the main
    # model (what transformers builds, MTP not included) at about one byte a weight.
    assert 671e9 < expected < 675e9


@pytest.mark.parametrize(("config", "precision"), [
    ({"quantization_config": {"quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]}}, "fp8-block128"),
    ({"quantization_config": {"quant_method": "fp8"}}, "fp8"),
    ({"quantization_config": {"quant_method": "mxfp4", "modules_to_not_convert": [
        "model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"]}}, "mxfp4-moe"),
    ({"quantization_config": {"quant_method": "gptq", "bits": 4, "group_size": 128}}, "gptq-int4-g128"),
    ({"quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 64,
                              "modules_to_not_convert": ["gate"]}}, "awq-int4-g64"),
    ({"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": True,
                              "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": True}}, "nf4"),
    ({"quantization_config": {"quant_method": "modelopt", "quant_algo": "NVFP4"}}, "nvfp4"),
    ({"torch_dtype": "float16"}, "fp16"),
    ({}, "bf16"),
])
def test_quantization_config_names_the_native_precision(config, precision):
    assert native_precision(config) == precision


@pytest.mark.parametrize(("quant", "key"), [
    ({"quant_method": "fp8", "weight_block_size": [64, 64]}, "weight_block_size"),
    ({"quant_method": "gptq", "bits": 4, "group_size": -1}, "group_size"),
    ({"quant_method": "gptq", "bits": 4, "group_size": 128, "modules_to_not_convert": ["model.layers.0.mlp"]},
     "modules_to_not_convert"),
    ({"quant_method": "mxfp4", "modules_to_not_convert": ["model.layers.*.mlp.experts"]}, "modules_to_not_convert"),
    ({"quant_method": "bitsandbytes", "load_in_4bit": True, "bnb_4bit_quant_type": "fp4"}, "bnb_4bit_quant_type"),
    ({"quant_method": "hqq"}, "quant_method"),
])
def test_a_combination_that_cannot_be_modelled_is_refused_naming_the_key(quant, key):
    with pytest.raises(UserError, match=f"quantization_config.{key}") as e:
        native_precision({"quantization_config": quant})
    assert "\n" not in str(e.value)


def test_a_config_json_model_defaults_to_what_its_checkpoint_stores(tmp_path):
    path = tmp_path / "config.json"
    path.write_text((CONFIGS / "gpt-oss-20b.json").read_text())
    est = estimate(Scenario(id="a", model=str(path), precision="file"))
    assert est.precision.id == "mxfp4-moe"
    params = count_parameters(load_hf_config(path))
    assert est.inference.weights_bytes == weights_bytes(params, "mxfp4-moe")


def test_new_precisions_are_offered_wherever_precisions_are_listed():
    choices = {c.value for c in OPTIONS["precision"].choices()}
    for precision in ("mxfp4", "mxfp4-moe", "nvfp4", "fp8-block128"):
        assert precision in PRECISION_IDS and precision in choices
    # Highest precision first: the experts-only variant keeps more in 16-bit than plain MXFP4.
    assert PRECISION_IDS.index("mxfp4-moe") < PRECISION_IDS.index("mxfp4")


def test_moe_routers_stay_16_bit_in_linear_layer_formats():
    params = get_model("mixtral-8x7b").param_count
    assert params.router == 32 * 4096 * 8  # 32 layers, hidden 4096 -> 8 experts
    without_router = params._replace(router=0)
    # The router's weights cost 2 bytes each at fp8-block128, not one and a bit.
    gap = weights_bytes(params, "fp8-block128") - weights_bytes(without_router, "fp8-block128")
    assert gap == params.router * 2 - (params.router * (8 * 512 + 1)) // (8 * 512)
