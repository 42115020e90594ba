"""Memory: exact KV-cache arithmetic, textbook training figures, and the H100 measurements
in tests/fixtures/measured_h100.json (copied from the reference figures; torch 2.11, transformers 5.17, sdpa)."""

import json
from pathlib import Path

import pytest

from paramtui.core.model.architecture import Architecture
from paramtui.core.model.hf_config import load_hf_config
from paramtui.core.errors import UserError
from paramtui.core.formulas.inference_memory import inference_memory, kv_cache_bytes, recurrent_state_bytes
from paramtui.core.formulas.layer_shapes import CUDA_CONTEXT_BYTES
from paramtui.core.formulas.training_memory import (
    TrainingSetup,
    korthikanti_layer_activation_bytes,
    layer_activation_bytes,
    lora_trainable_params,
    training_memory,
)
from paramtui.core.validation import replace, validate

# A copy of the reference measurements inside the repository (tests/fixtures/README.md).
MEASURED = Path(__file__).resolve().parents[1] / "fixtures" / "measured_h100.json"

LLAMA_31_8B = validate(Architecture, dict(
    vocab_size=128256, hidden_size=4096, num_hidden_layers=32, num_attention_heads=32,
    num_key_value_heads=8, intermediate_size=14336, max_position_embeddings=131072,
))

# Tolerances against the H100 measurements (stated in the README):
INFERENCE_TOLERANCE = 0.02  # weights + KV + prefill workspace vs torch max_memory_allocated
TRAINING_TOLERANCE = 0.10  # peak of one step vs torch max_memory_allocated


def _arch_from_measured(cfg: dict) -> Architecture:
    # Hand-translated from the reference configs (hf_config.py does this in the app).
    if cfg["model_type"] == "gpt2":
        return validate(Architecture, dict(
            model_type="gpt2", vocab_size=cfg["vocab_size"], hidden_size=cfg["n_embd"],
            num_hidden_layers=cfg["n_layer"], num_attention_heads=cfg["n_head"],
            intermediate_size=4 * cfg["n_embd"], gated_mlp=False, hidden_act="gelu_new",
            norm_type="layernorm", attention_bias=True, mlp_bias=True,
            tie_word_embeddings=True, position_embedding_type="learned",
            max_position_embeddings=cfg["n_positions"],
        ))
    return validate(Architecture, dict(**cfg))


def _measured(kind: str) -> list[dict]:
    return json.loads(MEASURED.read_text())[kind]


# --- KV cache ---------------------------------------------------------------------------


def test_kv_cache_llama_31_8b_exact():
    # 2 · 32 · 8 · 128 · 2 = 131072 bytes per token (reference README).
    assert kv_cache_bytes(LLAMA_31_8B, 1, 1, "bf16") == 131072
    assert kv_cache_bytes(LLAMA_31_8B, 8192, 1, "bf16") == 1073741824
    assert kv_cache_bytes(LLAMA_31_8B, 8192, 4, "fp8") == 2 * 1073741824
    assert kv_cache_bytes(LLAMA_31_8B, 8192, 1, "int4") == 1073741824 // 4


def test_kv_cache_mqa():
    # Falcon-7B: 71 heads of 64, one shared K/V head, 32 layers.
    falcon = validate(Architecture, dict(model_type="falcon", vocab_size=65024, hidden_size=4544,
                          num_hidden_layers=32, num_attention_heads=71, num_key_value_heads=1,
                          intermediate_size=18176, gated_mlp=False))
    assert kv_cache_bytes(falcon, 2048, 1, "bf16") == 2 * 32 * 1 * 64 * 2 * 2048


def test_kv_cache_mla_deepseek_v3():
    # DeepSeek-V3: 61 layers, kv_lora_rank 512 + qk_rope_head_dim 64 cached per token.
    ds = validate(Architecture, dict(model_type="deepseek_v3", vocab_size=129280, hidden_size=7168,
                      num_hidden_layers=61, num_attention_heads=128, intermediate_size=18432,
                      num_local_experts=256, num_experts_per_tok=8, moe_intermediate_size=2048,
                      n_shared_experts=1, first_k_dense_replace=3, q_lora_rank=1536,
                      kv_lora_rank=512, qk_rope_head_dim=64, qk_nope_head_dim=128,
                      v_head_dim=128))
    assert kv_cache_bytes(ds, 1, 1, "bf16") == 61 * 576 * 2 == 70272
    assert kv_cache_bytes(ds, 4096, 2, "bf16") == 70272 * 4096 * 2
    # Far below the decompressed per-head K/V transformers' eager code would keep.
    assert kv_cache_bytes(ds, 4096, 1) < 2 * 61 * 128 * 128 * 2 * 4096 / 50


def test_kv_cache_sliding_window():
    mistral = validate(Architecture, dict(vocab_size=32000, hidden_size=4096, num_hidden_layers=32,
                           num_attention_heads=32, num_key_value_heads=8,
                           intermediate_size=14336, sliding_window=4096))
    assert kv_cache_bytes(mistral, 32768) == kv_cache_bytes(mistral, 4096) == 2 * 32 * 8 * 128 * 2 * 4096
    assert kv_cache_bytes(mistral, 1000) == 2 * 32 * 8 * 128 * 2 * 1000
    # Gemma 2 style: alternate sliding and full layers.
    types = ["sliding_attention", "full_attention"] * 2
    alt = validate(Architecture, dict(vocab_size=1000, hidden_size=256, num_hidden_layers=4,
                       num_attention_heads=4, num_key_value_heads=2, head_dim=64,
                       intermediate_size=512, sliding_window=100, layer_types=types))
    per_tok_layer = 2 * 2 * 64 * 2
    assert kv_cache_bytes(alt, 1000) == per_tok_layer * (2 * 100 + 2 * 1000)


def test_kv_cache_encoder_only_and_encoder_decoder():
    bert = validate(Architecture, dict(model_type="bert", vocab_size=30522, hidden_size=768,
                        num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                        is_decoder=False, gated_mlp=False, norm_type="layernorm"))
    assert kv_cache_bytes(bert, 512) == 0
    t5 = validate(Architecture, dict(model_type="t5", vocab_size=32128, hidden_size=512, num_hidden_layers=6,
                      num_attention_heads=8, head_dim=64, intermediate_size=2048,
                      is_encoder_decoder=True, num_decoder_layers=6, gated_mlp=False))
    per_token_layer = 2 * 8 * 64 * 2
    # Decoder self-attention over 128 generated tokens + cross-attention over 512 inputs.
    assert kv_cache_bytes(t5, 128, 1, "bf16", encoder_tokens=512) == \
        per_token_layer * 6 * (128 + 512)


def test_kv_cache_rejects_bad_sizes():
    with pytest.raises(UserError):
        kv_cache_bytes(LLAMA_31_8B, 0)
    with pytest.raises(UserError):
        kv_cache_bytes(LLAMA_31_8B, 10, -1)


# --- inference ----------------------------------------------------------------------------


def test_inference_llama_31_8b_parts():
    mem = inference_memory(LLAMA_31_8B, 8030261248, "bf16", "bf16", batch=1, context=8192)
    assert mem.weights_bytes == 16060522496
    assert mem.kv_cache_bytes == 1073741824
    assert mem.inference_total_bytes == (mem.weights_bytes + mem.kv_cache_bytes + mem.activations_bytes
                               + mem.overhead_bytes)
    assert set(mem.explanations) == {"weights_bytes", "kv_cache_bytes", "recurrent_state_bytes",
                                     "activations_bytes", "overhead_bytes", "inference_total_bytes"}
    assert mem.recurrent_state_bytes == 0  # every layer is attention
    assert "1.00 GiB" in mem.explanations["kv_cache_bytes"].substituted
    # Chunked prefill (vLLM) shrinks the workspace, not the cache.
    chunked = inference_memory(LLAMA_31_8B, 8030261248, "bf16", "bf16", 1, 8192,
                               prefill_chunk=2048)
    assert chunked.kv_cache_bytes == mem.kv_cache_bytes
    assert chunked.activations_bytes < mem.activations_bytes / 3


def test_inference_against_h100_measurements():
    # Like with like: torch.cuda.max_memory_allocated excludes the CUDA context, so compare
    # it with our total minus the context allowance (weights + cuBLAS workspace + KV + prefill
    # workspace).
    rows, worst = [], 0.0
    for e in _measured("inference"):
        arch = _arch_from_measured(e["config"])
        mem = inference_memory(arch, 1235814400, "bf16", "bf16", e["batch"], e["seq"])
        assert mem.kv_cache_bytes == e["kv_cache_bytes"]
        est = mem.inference_total_bytes - CUDA_CONTEXT_BYTES
        meas = e["weights_allocated"] + e["peak_prefill_extra_bytes"]
        err = est / meas - 1
        worst = max(worst, abs(err))
        rows.append(f"b={e['batch']:>3} s={e['seq']:>6} est {est/1e9:7.3f} GB "
                    f"measured {meas/1e9:7.3f} GB {100*err:+6.2f}%")
    assert worst <= INFERENCE_TOLERANCE, "\n" + "\n".join(rows)


def test_eager_attention_adds_score_matrix():
    flash = inference_memory(LLAMA_31_8B, 8030261248, "bf16", "bf16", 1, 4096)
    eager = inference_memory(LLAMA_31_8B, 8030261248, "bf16", "bf16", 1, 4096,
                             flash_attention=False)
    assert eager.activations_bytes - flash.activations_bytes == 32 * 4096 * 4096 * (2 + 4)


# --- training -----------------------------------------------------------------------------


def test_mixed_adamw_16_bytes_per_param_before_activations():
    # Rajbhandari et al. 2020 (ZeRO) section 3.1: 2 + 2 + 12 bytes; PyTorch autocast:
    # 4 + 4 + 8 bytes. Both are 16 bytes per parameter.
    n = 8030261248
    for setup in (TrainingSetup(), TrainingSetup(zero=1, data_parallel=1)):
        mem = training_memory(LLAMA_31_8B, n, setup)
        assert mem.weights_bytes + mem.gradients_bytes + mem.optimizer_bytes == 16 * n
    assert training_memory(LLAMA_31_8B, n, TrainingSetup(zero=1)).weights_bytes == 2 * n


def test_zero_paper_figure_1():
    # ZeRO paper Figure 1: 7.5B parameters, K = 12, N_d = 64: baseline 120 GB, P_os 31.4 GB,
    # P_os+g 16.6 GB, P_os+g+p 1.9 GB of model states per device.
    n = 7_500_000_000
    expected = {0: 120e9, 1: 31.4e9, 2: 16.6e9, 3: 1.9e9}
    for stage, gb in expected.items():
        setup = TrainingSetup(zero=stage, data_parallel=64) if stage else \
            TrainingSetup(zero=1, data_parallel=1)
        mem = training_memory(LLAMA_31_8B, n, setup)
        states = mem.weights_bytes + mem.gradients_bytes + mem.optimizer_bytes
        assert states == pytest.approx(gb, rel=0.02), stage


def test_korthikanti_gpt3_layer():
    # Korthikanti et al. 2022 eq. 1 for a GPT-3 175B layer (h 12288, a 96, s 2048, b 1).
    assert korthikanti_layer_activation_bytes(2048, 1, 12288, 96) == \
        2048 * 12288 * (34 + 5 * 96 * 2048 // 12288)
    assert korthikanti_layer_activation_bytes(2048, 1, 12288, 96, True) == 34 * 2048 * 12288
    gpt3 = validate(Architecture, dict(model_type="gpt3", vocab_size=50257, hidden_size=12288,
                        num_hidden_layers=96, num_attention_heads=96, intermediate_size=49152,
                        gated_mlp=False, hidden_act="gelu", norm_type="layernorm",
                        attention_bias=True, mlp_bias=True, position_embedding_type="learned"))
    # Our shape-derived term for an MHA, 4h plain-MLP 16-bit layer reproduces the 34·sbh
    # (we count no dropout masks but the out-projection's input copy; per-head log-sum-exp).
    ours = layer_activation_bytes(gpt3, TrainingSetup(regime="bf16", seq_len=2048))
    assert ours == pytest.approx(34 * 2048 * 12288, rel=0.01)
    # Without flash attention the scores come back (fp32 softmax + 16-bit copy: 6·a·s vs 5).
    eager = layer_activation_bytes(
        gpt3, TrainingSetup(regime="bf16", seq_len=2048, flash_attention=False))
    assert eager == pytest.approx(korthikanti_layer_activation_bytes(2048, 1, 12288, 96),
                                  rel=0.15)
    # Gated MLP and GQA change the term: Llama 3.1 8B differs from 34·sbh.
    llama = layer_activation_bytes(LLAMA_31_8B, TrainingSetup(regime="bf16", seq_len=2048))
    assert llama != pytest.approx(34 * 2048 * 4096, rel=0.1)


def test_training_against_h100_measurements():
    rows, worst = [], 0.0
    for e in _measured("training"):
        arch = _arch_from_measured(e["config"])
        regime = "mixed" if e["regime"].startswith("amp") else "bf16"
        setup = TrainingSetup(regime=regime, optimizer="adamw",
                              recompute="full" if e["grad_ckpt"] else "none",
                              micro_batch=e["batch"], seq_len=e["seq"])
        mem = training_memory(arch, e["params"], setup)
        err = mem.total_bytes / e["peak_bytes"] - 1
        worst = max(worst, abs(err))
        rows.append(f"{e['model']:<13} {regime:<5} ckpt={e['grad_ckpt']!s:<5} "
                    f"b={e['batch']:>2} s={e['seq']:>4} est {mem.total_bytes/1e9:6.2f} GB "
                    f"measured {e['peak_bytes']/1e9:6.2f} GB {100*err:+5.1f}%")
    assert worst <= TRAINING_TOLERANCE, "\n" + "\n".join(rows)


def test_pure_bf16_adamw_six_bytes_between_steps():
    # measured_h100.json: pure bf16 AdamW keeps 6 bytes/param between steps (2 + 2 + 2).
    mem = training_memory(LLAMA_31_8B, 1000, TrainingSetup(regime="bf16"))
    assert mem.weights_bytes + mem.optimizer_bytes == 6000
    assert mem.gradients_bytes == 2000


def test_recompute_cuts_activations():
    base = dict(micro_batch=1, seq_len=4096)
    none = training_memory(LLAMA_31_8B, 8030261248, TrainingSetup(**base))
    full = training_memory(LLAMA_31_8B, 8030261248, TrainingSetup(recompute="full", **base))
    assert full.activations_bytes < none.activations_bytes / 3
    eager = training_memory(LLAMA_31_8B, 8030261248,
                            TrainingSetup(flash_attention=False, **base))
    selective = training_memory(LLAMA_31_8B, 8030261248,
                                TrainingSetup(flash_attention=False, recompute="selective",
                                              **base))
    assert selective.activations_bytes == none.activations_bytes < eager.activations_bytes


def test_optimizers():
    n = 8030261248
    states = {opt: training_memory(LLAMA_31_8B, n, TrainingSetup(optimizer=opt)).optimizer_bytes
              for opt in ("adamw", "adamw-8bit", "sgd", "lion", "adafactor")}
    assert states["adamw"] == 8 * n
    assert states["adamw-8bit"] == 2 * n  # Dettmers et al. 2022
    assert states["sgd"] == states["lion"] == 4 * n
    assert states["adafactor"] < 0.1 * n  # factored second moment: rows + cols


def test_parallelism_splits_states_and_activations():
    n = 70_000_000_000
    one = training_memory(LLAMA_31_8B, n, TrainingSetup())
    tp8 = training_memory(LLAMA_31_8B, n, TrainingSetup(tensor_parallel=8))
    assert tp8.weights_bytes == one.weights_bytes // 8
    assert tp8.activations_bytes == pytest.approx(one.activations_bytes / 8, rel=1e-6)
    pp4 = training_memory(LLAMA_31_8B, n, TrainingSetup(pipeline_parallel=4))
    assert pp4.optimizer_bytes == one.optimizer_bytes // 4


def test_lora_and_qlora():
    n = 8030261248
    # Llama 3.1 8B, r=16, all linear layers: per layer q,o 16·(4096+4096), k,v 16·(4096+1024),
    # gate/up/down 16·(4096+14336): 32 layers.
    per_layer = 16 * (2 * 8192 + 2 * 5120 + 3 * (4096 + 14336))
    assert lora_trainable_params(LLAMA_31_8B, 16) == 32 * per_layer == 41_943_040
    lora = training_memory(LLAMA_31_8B, n, TrainingSetup(method="lora"))
    assert lora.trainable_params == 41_943_040
    assert lora.gradients_bytes == 4 * 41_943_040
    assert lora.optimizer_bytes == 8 * 41_943_040
    assert lora.weights_bytes == 2 * n + 4 * 41_943_040
    qlora = training_memory(LLAMA_31_8B, n, TrainingSetup(method="qlora"))
    assert qlora.weights_bytes < lora.weights_bytes / 3


def test_training_explanations_and_peak():
    mem = training_memory(LLAMA_31_8B, 8030261248, TrainingSetup())
    assert set(mem.explanations) == {"weights_bytes", "gradients_bytes", "optimizer_bytes",
                                     "activations_bytes", "total_bytes"}
    assert mem.total_bytes <= (mem.weights_bytes + mem.gradients_bytes + mem.optimizer_bytes
                               + mem.activations_bytes + mem.optimizer_bytes)
    assert mem.total_bytes >= mem.weights_bytes + mem.gradients_bytes + mem.optimizer_bytes


def test_training_setup_validates():
    with pytest.raises(UserError):
        validate(TrainingSetup, {"zero": 4})
    with pytest.raises(UserError):
        validate(TrainingSetup, {"optimizer": "adam"})
    assert validate(TrainingSetup, {"zero": 3}).zero == 3


def test_layers_listed_as_mlp_only_are_dense_everywhere():
    """Qwen-MoE `mlp_only_layers` (transformers Qwen3MoeDecoderLayer) have a dense MLP: the
    count, the prefill workspace, training activations and LoRA adapters all see the same layers."""
    from paramtui.core.model.hf_config import load_hf_config

    mixed = load_hf_config(Path(__file__).parent / "hf_configs" / "synthetic-qwen3-moe-mlp-only.json")
    all_moe = replace(mixed, mlp_only_layers=())
    assert [mixed.is_moe_layer(i) for i in range(4)] == [False, True, False, True] and mixed.num_moe_layers == 2
    assert all_moe.num_moe_layers == 4
    # LoRA r=16 "all-linear" as peft maps it onto Qwen3-MoE: q/k/v/o (h 128, 4×48 queries,
    # 2×48 keys/values) in 4 layers; on the 2 MoE layers the router (128 -> 8) and 8 experts'
    # down (64 -> 128) at rank 16 and fused gate_up (128 -> 128) at rank 32; the 2 dense
    # layers' MLPs go unadapted (peft takes their names for the experts').
    r = 16
    attention = r * ((128 + 192) + 2 * (128 + 96) + (192 + 128))
    experts = 8 * (2 * r * (128 + 128) + r * (64 + 128)) + r * (128 + 8)
    assert lora_trainable_params(mixed, r) == 4 * attention + 2 * experts
    # The dense MLP (3 × 384 wide) is the widest tensor of the prefill workspace; all-MoE has none.
    assert inference_memory(mixed, 10**6, batch=1, context=64).activations_bytes > \
        inference_memory(all_moe, 10**6, batch=1, context=64).activations_bytes
    setup = TrainingSetup(micro_batch=1, seq_len=64)
    assert layer_activation_bytes(mixed, setup, layer=0) != layer_activation_bytes(mixed, setup, layer=1)
    assert layer_activation_bytes(mixed, setup, layer=0) == layer_activation_bytes(mixed, setup, layer=2)


# --- KV cache and recurrent state by layer kind (issue 14) ----------------------------------

HF = Path(__file__).parent / "hf_configs"


def test_qwen3_next_caches_kv_only_in_its_12_full_attention_layers():
    # Qwen3-Next-80B-A3B (its transformers default shape): 12 full-attention layers ×
    # 2 (K, V) × 2 KV heads × 256 head_dim × 2 bytes = 24,576 bytes per token of context.
    arch = load_hf_config(HF / "default-qwen3-next.json")
    assert kv_cache_bytes(arch, 1, 1, "bf16") == 12 * 2 * 2 * 256 * 2 == 24_576
    assert kv_cache_bytes(arch, 32768, 2, "bf16") == 24_576 * 32768 * 2
    # Its 36 Gated DeltaNet layers hold a fixed state per sequence: 32 value heads × 128 × 128
    # recurrent state plus the conv1d's last 3 inputs over 2·16·128 + 32·128 channels.
    per_layer = 32 * 128 * 128 + (2 * 16 * 128 + 32 * 128) * 3
    assert recurrent_state_bytes(arch, 1, "bf16") == 36 * per_layer * 2 == 39_518_208
    short = inference_memory(arch, 79_674_391_296, "bf16", "bf16", batch=1, context=1024)
    long = inference_memory(arch, 79_674_391_296, "bf16", "bf16", batch=1, context=65536)
    assert short.recurrent_state_bytes == long.recurrent_state_bytes == 39_518_208
    assert long.inference_total_bytes - short.inference_total_bytes - (long.activations_bytes - short.activations_bytes) \
        == 24_576 * (65536 - 1024)
    assert "36 keep a fixed recurrent state" in long.explanations["kv_cache_bytes"].meaning


def test_gemma3_sliding_layers_keep_the_window_unless_the_runtime_reserves_full_pages():
    # Gemma 3 (1B-class default shape): 26 layers, every 6th full (4 full, 22 sliding),
    # window 4096, 4 KV heads × 256: 4096 bytes per token per layer at bf16.
    arch = load_hf_config(HF / "default-gemma3-text.json")
    per = 2 * 4 * 256 * 2
    assert kv_cache_bytes(arch, 32768) == 4 * 32768 * per + 22 * 4096 * per == 905_969_664
    assert kv_cache_bytes(arch, 32768, sliding_policy="full") == 26 * 32768 * per
    assert kv_cache_bytes(arch, 2000) == 26 * 2000 * per  # shorter than the window: no saving
    mem = inference_memory(arch, 2_628_658_432, context=32768, sliding_policy="full")
    assert "allocation policy: full" in mem.explanations["kv_cache_bytes"].meaning
    assert "keep the window" in inference_memory(arch, 2_628_658_432, context=32768) \
        .explanations["kv_cache_bytes"].meaning
    with pytest.raises(UserError, match="allocation policy"):
        kv_cache_bytes(arch, 10, sliding_policy="paged")


def test_deepseek_v32_caches_the_latent_rope_key_and_the_indexer_key():
    # DeepSeek-V3.2: 61 layers × (512 latent + 64 rotary key + 128 indexer key) elements per token.
    arch = load_hf_config(HF / "default-deepseek-v32.json")
    assert kv_cache_bytes(arch, 1, 1, "bf16") == 61 * (512 + 64 + 128) * 2


def test_llama4_chunked_layers_keep_at_most_one_chunk():
    # Llama 4 Scout's shape: 48 layers, 36 chunked (8192-token chunks) and 12 full; 8 KV heads × 128.
    arch = load_hf_config(HF / "default-llama4-text.json")
    per = 2 * 8 * 128 * 2
    assert kv_cache_bytes(arch, 131072) == (12 * 131072 + 36 * 8192) * per
    assert kv_cache_bytes(arch, 131072, sliding_policy="full") == 48 * 131072 * per
    mem = inference_memory(arch, 107_769_861_120, context=131072)
    assert "chunks of 8192 tokens and keep at most one chunk" in mem.explanations["kv_cache_bytes"].meaning


def test_state_space_and_short_conv_layers_hold_a_fixed_state_and_no_kv():
    # Mamba (130M-class default): 32 layers × (inner 1536 × state 16 + 1536 × (kernel 4 − 1)).
    mamba = load_hf_config(HF / "default-mamba.json")
    assert kv_cache_bytes(mamba, 65536) == 0
    assert recurrent_state_bytes(mamba, 2, "bf16") == 32 * (1536 * 16 + 1536 * 3) * 2 * 2
    # Mamba 2: heads × head_dim × state, conv over inner + 2·groups·state channels.
    m2 = load_hf_config(HF / "default-mamba2.json")
    assert recurrent_state_bytes(m2, 1, "bf16") == 64 * (128 * 64 * 128 + (8192 + 2 * 8 * 128) * 3) * 2
    # LFM2's short convolutions keep kernel − 1 = 3 inputs per channel; its attention layers a KV cache.
    lfm2 = load_hf_config(HF / "synthetic-lfm2-2.json")
    assert recurrent_state_bytes(lfm2, 1, "bf16") == 4 * 256 * 3 * 2
    assert kv_cache_bytes(lfm2, 100) == 2 * 2 * 2 * 32 * 2 * 100


def test_nemotron_h_caches_kv_in_its_attention_layer_only():
    n = load_hf_config(HF / "synthetic-nemotron-h-1.json")  # 1 attention layer: 2 KV heads × 32
    assert kv_cache_bytes(n, 1000) == 1 * 2 * 2 * 32 * 2 * 1000
    # 3 Mamba 2 layers: 8 heads × 32 × 16 state + (256 + 2·2·16) channels × 3.
    assert recurrent_state_bytes(n, 1) == 3 * (8 * 32 * 16 + (256 + 2 * 2 * 16) * 3) * 2


def test_kimi_linear_caches_latent_kv_in_its_mla_layers_and_a_state_in_its_kda_layers():
    # Kimi-Linear-48B-A3B's shape: 27 layers, MLA on layers 4, 8, ..., 24 (6), KDA on the other 21.
    arch = load_hf_config(HF / "default-kimi-linear.json")
    assert kv_cache_bytes(arch, 1) == 6 * (512 + 64) * 2 == 6912
    assert recurrent_state_bytes(arch, 1) == 21 * (32 * 128 * 128 + 3 * 32 * 128 * 3) * 2


def test_falcon_h1_layers_hold_both_a_kv_cache_and_a_fixed_state():
    arch = load_hf_config(HF / "synthetic-falcon-h1-1.json")  # 6 layers, 2 KV heads × 32; Mamba 2 of 8 heads × 64
    assert kv_cache_bytes(arch, 100) == 6 * 2 * 2 * 32 * 2 * 100
    assert recurrent_state_bytes(arch, 1) == 6 * (8 * 64 * 16 + (512 + 2 * 2 * 16) * 3) * 2


def test_a_qlora_recomputes_activations_unless_told_otherwise():
    """Issue 13: an 8B QLoRA at context 4096 needed 37.3 GiB, 31.5 of it activations, because
    recomputation defaulted to none; QLoRA recipes turn gradient checkpointing on."""
    from paramtui.core.inputs.options import auto_recompute_label
    from paramtui.core.inputs.scenario import Scenario
    from paramtui.core.result.estimate import estimate
    from paramtui.core.validation import validate

    def run(**training):
        s = validate(Scenario, dict(id="q", model="llama-3.1-8b", target="h100-sxm", inference={"context": 4096},
                                    training=training))
        return estimate(s)

    auto = run(method="qlora")
    assert auto.values["scenario.recompute"] == "full"
    assert auto.values["memory.training.total_bytes"] < 16 * 2**30  # fits a 16 GiB card, as recipes show
    assert "Dettmers" in auto.explanations["scenario.recompute"].source
    told = run(method="qlora", recompute="none")  # an explicit choice is kept
    assert told.values["scenario.recompute"] == "none"
    assert told.values["memory.training.activations_bytes"] > 30 * 2**30
    assert run().values["scenario.recompute"] == "none"  # full training keeps every activation
    assert run(method="lora").values["scenario.recompute"] == "full"
    assert auto_recompute_label("qlora") == "auto (full, as QLoRA recipes do)"


def test_gemma4_full_layers_cache_their_own_head_size_and_shared_layers_cache_nothing():
    # Gemma 4 defaults: 5 full layers × 4 KV heads × 512 (global_head_dim), 25 sliding layers
    # × 4 × 256 holding at most their 512-token window.
    arch = load_hf_config(HF / "default-gemma4-text.json")
    assert kv_cache_bytes(arch, 32768) == (5 * 2 * 4 * 512 * 32768 + 25 * 2 * 4 * 256 * 512) * 2
    # 6 layers, the last 2 reusing earlier K/V: 2 full (1 KV head × 512) and 2 sliding (2 × 256).
    shared = load_hf_config(HF / "synthetic-gemma4-text-2.json")
    assert kv_cache_bytes(shared, 4096) == (2 * 2 * 1 * 512 * 4096 + 2 * 2 * 2 * 256 * 512) * 2
    mem = inference_memory(shared, 14_014_864, context=4096)
    assert "2 layers reuse the keys and values" in mem.explanations["kv_cache_bytes"].meaning


def test_gemma4_lora_adapts_the_linear_layers_each_layer_has():
    from paramtui.core.formulas.training_memory import lora_trainable_params
    # synthetic-gemma4-text-2 (width 256, 8 heads): 2 sliding layers with q, k, v, o (256 × 2048,
    # 256 × 512); 2 full layers with q, k (no v: values from keys) and o at 8 × 512 and 1 KV head;
    # 2 shared-KV layers with q and o only; MLPs 512 wide (1024 on the shared layers); every
    # layer a per-layer-input gate and projection 256 <-> 16. LoRA rank 8: 8·(in + out) each.
    arch = load_hf_config(HF / "synthetic-gemma4-text-2.json")
    linear = [(256, 2048, 2), (2048, 256, 2), (256, 512, 4),  # sliding q, o, k+v
              (256, 4096, 2), (4096, 256, 2), (256, 512, 2),  # full q, o, k
              (256, 2048, 1), (2048, 256, 1), (256, 4096, 1), (4096, 256, 1),  # shared q, o
              (256, 512, 8), (512, 256, 4), (256, 1024, 4), (1024, 256, 2),  # MLPs
              (256, 16, 6), (16, 256, 6),  # per-layer-input gate and projection
              (256, 6 * 16, 1)]  # the model's per_layer_model_projection
    assert lora_trainable_params(arch, 8) == sum(8 * (i + o) * n for i, o, n in linear)


def test_gemma4_double_wide_mlp_counts_in_training_activations():
    # synthetic-gemma4-text-2: layers 2 and 4 are both sliding-window attention, but layer 4
    # reuses earlier K/V and its gated MLP is 1024 wide, not 512. Per extra channel a token keeps
    # gate, up, the activation's output and down's input, 2 bytes each (bf16 under autocast).
    arch = load_hf_config(HF / "synthetic-gemma4-text-2.json")
    setup = TrainingSetup(micro_batch=1, seq_len=512)
    extra = 4 * 2 * 512 * 512
    assert layer_activation_bytes(arch, setup, 4) - layer_activation_bytes(arch, setup, 2) == extra
    assert layer_activation_bytes(arch, setup, 5) - layer_activation_bytes(arch, setup, 3) == extra
    # The two shared-KV layers add exactly that to the step's activations.
    single = replace(arch, kv_shared_mlp_factor=1)
    assert training_memory(arch, 14_014_864, setup).activations_bytes \
        - training_memory(single, 14_014_864, setup).activations_bytes == 2 * extra


def test_deepseek_v4_caches_a_window_and_compressed_entries():
    # DeepSeek-V4 defaults: 43 layers, 20 compressed sparse (an entry per 4 tokens with the
    # indexer's 128-wide key) and 23 heavily compressed (per 128 tokens), all with a 128-token
    # window of one 512-wide K = V vector.
    arch = load_hf_config(HF / "default-deepseek-v4.json")
    window = 43 * 512 * 128
    assert kv_cache_bytes(arch, 131072) == (window + 20 * 640 * 32768 + 23 * 512 * 1024) * 2
    assert kv_cache_bytes(arch, 100) == (43 * 512 * 100 + 20 * 640 * 25) * 2  # no whole 128-token window yet
    # The compressors' partial windows: CSA 3 tokens of kv and gate (2·512 + 2·128 wide) plus the
    # overlap, HCA 127 tokens of kv and gate 512 wide.
    assert recurrent_state_bytes(arch, 1, "bf16") == (20 * (3 * 2 * 1280 + 2 * 640) + 23 * 127 * 2 * 512) * 2


def test_the_weights_worked_example_adds_up_by_hand_with_the_parts_kept_in_16_bit():
    """Kimi K2 in FP8: '1.026T params at 8.00195 bits' alone gives 956 GiB, not the 958 GiB shown;
    the worked example names the 2.5B weights the runtime keeps in 16-bit."""
    import re

    from paramtui.core.inputs.scenario import Scenario
    from paramtui.core.result.estimate import estimate

    est = estimate(Scenario(id="k", model="kimi-k2", precision="fp8-block128"))
    worked = est.explanations["memory.weights_bytes"].substituted
    terms = re.findall(r"([\d,]+) (?:params |\([a-z, ]+\) )?at ([\d.]+) bits", worked)
    assert len(terms) == 2 and "(embedding, head, norm, router) at 16 bits" in worked
    by_hand = sum(int(n.replace(",", "")) * float(bits) / 8 for n, bits in terms)
    # to the 6 digits of the bits shown (8.00195 for 8 + 32/16384); without the 16-bit parts: -0.2%
    assert by_hand == pytest.approx(est.values["memory.weights_bytes"], rel=1e-6)
