"""LoRA adapter counts: what peft's target_modules="all-linear" adapts in each kind of layer.

Every figure below is what peft 0.21.2 adds to the model transformers 5.25 builds for the
config (scripts/verify_counts_with_transformers.py --lora checks every supported type); the
tests work them out from the shapes, without importing peft.
"""

from pathlib import Path

import pytest

from paramtui.core.formulas.training_memory import TrainingSetup, lora_trainable_params, training_memory
from paramtui.core.model.hf_config import load_hf_config

HF = Path(__file__).parent / "hf_configs"
R = 8


def lora(*shapes: tuple[int, int, int]) -> int:
    """Rank-8 adapters on (d_in, d_out, count) Linear modules: 8·(d_in + d_out) each."""
    return sum(R * (i + o) * n for i, o, n in shapes)


def adapters(name: str) -> int:
    return lora_trainable_params(load_hf_config(HF / f"{name}.json"), R)


def test_dense_model_adapts_attention_and_mlp():
    # Llama 3.1 8B: 32 layers of q, o (4096 × 4096), k, v (4096 × 1024), gate, up, down (4096 <-> 14336).
    assert adapters("llama-3.1-8b") == lora((4096, 4096, 64), (4096, 1024, 64), (4096, 14336, 64),
                                            (14336, 4096, 32)) == 20_971_520


def test_fused_projections_get_one_adapter_each():
    # Phi-3 mini: qkv_proj and gate_up_proj are one Linear each: 32 × (3072 -> 9216, 3072 -> 3072,
    # 3072 -> 16384, 8192 -> 3072).
    assert adapters("phi-3-mini-4k-instruct") == lora((3072, 9216, 32), (3072, 3072, 32), (3072, 16384, 32),
                                                      (8192, 3072, 32)) == 12_582_912


def test_moe_experts_are_adapted_only_where_peft_maps_them():
    # Mixtral 8x7B: peft maps all-linear onto transformers 5's stacked experts: per layer the
    # router (4096 -> 8), each expert's down (14336 -> 4096) at rank 8 and its fused gate_up at
    # rank 16 (16·(4096 + 2·14336)), plus q, k, v, o.
    attention = lora((4096, 4096, 2), (4096, 1024, 2))
    experts = 8 * (2 * R * (4096 + 2 * 14336) + R * (14336 + 4096))
    assert adapters("mixtral-8x7b") == 32 * (attention + experts + R * (4096 + 8)) == 179_832_832
    # gpt-oss-20b: its experts and router are stacked weights that peft leaves alone, so only
    # attention is adapted: 24 × (2880 -> 4096 q, 2880 -> 512 k and v, 4096 -> 2880 o).
    assert adapters("gpt-oss-20b") == lora((2880, 4096, 24), (2880, 512, 48), (4096, 2880, 24)) == 3_981_312


def test_latent_attention_adapts_its_low_rank_projections():
    # DeepSeek-V3: q_a, q_b, kv_a_proj_with_mqa, kv_b and o in all 61 layers; the 58 MoE layers'
    # 256 experts and router (the 3 dense layers' MLPs and the shared experts go unadapted:
    # peft takes their names for the experts').
    attention = lora((7168, 1536, 61), (1536, 128 * 192, 61), (7168, 512 + 64, 61), (512, 128 * 256, 61),
                     (128 * 128, 7168, 61))
    experts = 58 * (256 * (2 * R * (7168 + 2 * 2048) + R * (2048 + 7168)) + R * (7168 + 256))
    assert adapters("deepseek-v3") == attention + experts == 3_822_627_328


def test_qwen3_next_adapts_deltanet_projections_not_attention_it_lacks():
    # 12 full-attention layers: q with its output gate (2048 -> 2·16·256), k, v (2048 -> 512), o.
    attention = lora((2048, 8192, 12), (2048, 512, 24), (4096, 2048, 12))
    # 36 Gated DeltaNet layers: in_proj_qkvz (2048 -> 2·2048 + 2·4096), in_proj_ba (2048 -> 64),
    # out_proj (4096 -> 2048).
    deltanet = lora((2048, 12288, 36), (2048, 64, 36), (4096, 2048, 36))
    # 48 MoE layers: 512 experts (gate_up at rank 16, down), router and the shared expert's gate.
    moe = 48 * (512 * (2 * R * (2048 + 1024) + R * (512 + 2048)) + R * (2048 + 512) + R * (2048 + 1))
    assert adapters("default-qwen3-next") == attention + deltanet + moe == 1_721_616_768


def test_mamba2_adapts_in_proj_only():
    # 64 layers of in_proj 4096 -> 8192 (z) + 10240 (x, B, C) + 128 (dt); peft refuses out_proj
    # on Mamba models, and the convolution is no Linear.
    assert adapters("default-mamba2") == lora((4096, 18560, 64)) == 11_599_872


def test_jamba_adapts_each_layer_kind():
    # 4 attention layers (q, o 4096 × 4096, k, v 4096 -> 1024); 28 Mamba layers: in_proj
    # (4096 -> 16384), x_proj (8192 -> 256 + 2·16), dt_proj (256 -> 8192), out_proj (8192 -> 4096);
    # 16 dense MLPs (gate, up, down 4096 <-> 14336); the 16 MoE layers' experts and router are
    # stacked weights peft leaves alone.
    attention = lora((4096, 4096, 8), (4096, 1024, 8))
    mamba = lora((4096, 16384, 28), (8192, 288, 28), (256, 8192, 28), (8192, 4096, 28))
    mlp = lora((4096, 14336, 32), (14336, 4096, 16))
    assert adapters("default-jamba") == attention + mamba + mlp == 19_061_760


def test_lfm2_adapts_convolution_projections():
    arch = load_hf_config(HF / "synthetic-lfm2-2.json")
    kinds = arch.layer_types
    conv, full = kinds.count("conv"), kinds.count("full_attention")
    h, kv = arch.hidden_size, arch.kv_heads * arch.resolved_head_dim
    # conv layers: in_proj (h -> 3h) and out_proj (h -> h); attention layers q, k, v, out_proj;
    # every layer w1, w3 (h -> ff) and w2 (ff -> h).
    ff = arch.intermediate_size
    expected = lora((h, 3 * h, conv), (h, h, conv), (h, h, 2 * full), (h, kv, 2 * full),
                    (h, ff, 2 * len(kinds)), (ff, h, len(kinds)))
    assert lora_trainable_params(arch, R) == expected
    assert adapters("default-lfm2") == 12_517_376


def test_t5_decoder_adapts_its_cross_attention():
    # t5-small: 6 encoder layers (q, k, v, o 512 × 512; wi 512 -> 2048, wo) and 6 decoder layers
    # with the same plus cross-attention q, k, v, o.
    assert adapters("t5-small") == lora((512, 512, 4 * 6 + 8 * 6), (512, 2048, 12), (2048, 512, 12)) == 1_081_344


def test_adapters_set_the_lora_memory():
    arch = load_hf_config(HF / "default-mamba2.json")
    mem = training_memory(arch, 10**9, TrainingSetup(method="lora", lora_rank=R))
    assert mem.trainable_params == 11_599_872
    assert mem.gradients_bytes == 4 * 11_599_872


@pytest.mark.parametrize("rank", [1, 16, 64])
def test_adapters_scale_with_rank(rank):
    arch = load_hf_config(HF / "default-jamba.json")
    assert lora_trainable_params(arch, rank) * R == lora_trainable_params(arch, R) * rank
