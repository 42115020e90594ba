"""FLOPs by layer kind: attention follows each layer's span, recurrent layers cost a constant.

Hand-worked numbers from the models' configs (issue 14, item 4)."""

from pathlib import Path

import pytest

from paramtui.core.formulas import mixer_flops
from paramtui.core.formulas.compute import AttentionShape, training_flops_per_token
from paramtui.core.formulas.speed import speed_workload
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.model.hf_config import load_hf_config
from paramtui.core.result.estimate import estimate
from paramtui.core.validation import validate

HF = Path(__file__).parent / "hf_configs"


def _costs(name: str):
    return mixer_flops.mixer_costs(load_hf_config(HF / f"{name}.json"))


def test_qwen3_next_trains_12_attention_layers_and_36_fixed_states():
    # 12 full-attention layers × 4 · 16 heads · 256 dims per key; 36 Gated DeltaNet layers each
    # update and read a 32 heads × 128 × 128 state with the delta rule (6 FLOPs per element).
    per_token = mixer_flops.training_flops_per_token(_costs("default-qwen3-next"), 4096)
    assert per_token == 3 * (12 * 4 * 16 * 256 * 4096 + 36 * 6 * 32 * 128 * 128)


def test_a_recurrent_model_costs_the_same_per_token_at_any_context():
    costs = _costs("default-mamba2")
    assert mixer_flops.decode_flops_per_token(costs, 1_000) == mixer_flops.decode_flops_per_token(costs, 100_000)
    # 64 Mamba 2 layers, 128 heads × 64 dims × 128 state, 4 FLOPs per element.
    assert mixer_flops.decode_flops_per_token(costs, 1_000) == 64 * 4 * 128 * 64 * 128


def test_sliding_layers_stop_growing_past_their_window():
    full, sliding = _costs("default-gemma3-text")  # 4 full, 22 sliding (window 4096) layers
    assert (full.layers, sliding.layers, sliding.span) == (4, 22, 4096)
    # Prefill of 10,000 tokens: a sliding layer's queries see i keys up to the window, then 4096.
    assert sliding.causal_keys(10_000) == 4096**2 / 2 + 4096 * (10_000 - 4096)
    assert full.causal_keys(10_000) == 10_000**2 / 2
    assert sliding.keys(100_000) == 4096 and full.keys(100_000) == 100_000


def test_chunked_layers_restart_every_chunk():
    full, chunked = _costs("default-llama4-text")  # Llama 4: 36 chunked layers (8192) + 12 full
    assert chunked.chunked and chunked.span == 8192 and chunked.layers == 36
    # 20,000 tokens = two whole chunks and 3,616 more, each attending causally within itself.
    assert chunked.causal_keys(20_000) == (2 * 8192**2 + 3616**2) / 2


def test_a_dense_model_keeps_the_palm_term():
    arch = load_hf_config(HF / "llama-3.1-8b.json")
    costs = mixer_flops.mixer_costs(arch)
    palm = AttentionShape(num_layers=32, attention_dim=32 * 128, seq_len=8192)
    by_kind = AttentionShape(num_layers=32, attention_dim=32 * 128, seq_len=8192,
                             per_token=mixer_flops.training_flops_per_token(costs, 8192))
    assert training_flops_per_token(8e9, by_kind) == training_flops_per_token(8e9, palm)
    work = speed_workload(active_params=8e9, weight_bytes=16e9, kv_bytes_per_token=131072, num_layers=32,
                          hidden_size=4096, attention_dim=4096, context=8192, mixers=costs)
    plain = speed_workload(active_params=8e9, weight_bytes=16e9, kv_bytes_per_token=131072, num_layers=32,
                           hidden_size=4096, attention_dim=4096, context=8192)
    assert work.prefill_flops == pytest.approx(plain.prefill_flops)
    assert work.step_flops == pytest.approx(plain.step_flops)


def test_training_compute_and_prefill_of_a_sliding_window_model_count_the_window():
    # gemma-2-9b: 21 sliding-window (4096) and 21 full-attention layers, 16 heads × 256 dims.
    # At 32,768 tokens the sliding layers see 4,096 keys, not 32,768.
    e = estimate(validate(Scenario, dict(id="a", model="gemma-2-9b", inference={"context": 8192},
                                         training={"seq_len": 32768})))
    tokens, active = e.compute.tokens, e.params.active
    attention = 3 * (21 * 4 * 16 * 256 * 32768 + 21 * 4 * 16 * 256 * 4096)
    assert e.compute.model_flops == pytest.approx((6 * active + attention) * tokens)
    assert "21·16,384·4,096" in e.compute.explanations["model_flops"].substituted
    # Prefill of the 8,192-token prompt: the sliding layers' causal sum stops at the window.
    prefill_attention = 21 * 16384 * 8192**2 / 2 + 21 * 16384 * (4096**2 / 2 + 4096 * 4096)
    assert e.speed.workload.prefill_flops == pytest.approx(2 * active * 8192 + prefill_attention)


def test_deepseek_v32_main_attention_reads_the_top_2048_keys_and_the_indexer_all():
    # DeepSeek-V3.2 (config.json: 128 heads, nope 128 + rope 64, v 128; indexer 64 heads × 128,
    # index_topk 2048; 61 layers). Main MLA per (query, key): 2·128·(192 + 128) = 81,920 FLOPs;
    # the indexer's q·k over 64 heads × 128 and its weighted sum over heads: 2·64·128 + 2·64 = 16,512.
    costs = _costs("default-deepseek-v32")
    main = [c for c in costs if c.span == 2048]
    indexer = [c for c in costs if c.span is None]
    assert {c.per_key for c in main} == {81_920} and {c.per_key for c in indexer} == {16_512}
    assert sum(c.layers for c in main) == sum(c.layers for c in indexer) == 61
    # Training at 32,768 tokens: the main attention sees 2,048 keys, the indexer all 32,768.
    assert mixer_flops.training_flops_per_token(costs, 32_768) == 3 * 61 * (81_920 * 2048 + 16_512 * 32_768)
    # Up to 2,048 tokens it is dense attention plus the indexer.
    assert mixer_flops.decode_flops_per_token(costs, 1_000) == 61 * (81_920 + 16_512) * 1_000
    # Prefill of 8,192 tokens: query t reads min(t, 2048) keys; the indexer scores t keys.
    prefill = 61 * (81_920 * (2048**2 / 2 + 2048 * (8192 - 2048)) + 16_512 * 8192**2 / 2)
    assert mixer_flops.prefill_flops_per_sequence(costs, 8192) == prefill


def test_deepseek_v32_explanations_say_what_sparse_attention_assumes():
    e = estimate(validate(Scenario, dict(id="a", model=str(HF / "default-deepseek-v32.json"),
                                         inference={"context": 65536}, training={"seq_len": 65536})))
    assert "top 2,048" in e.compute.explanations["model_flops"].meaning
    # 3 dense and 58 MoE layers, each with the main attention over 2,048 keys and the indexer over all.
    assert "3·81,920·2,048 + 3·16,512·65,536" in e.compute.explanations["model_flops"].substituted
    assert "indexer" in e.speed.explanations["prefill_tokens_per_s"].source
    kv = e.inference.explanations["kv_cache_bytes"]
    assert "(512 + 64 + 128)" in kv.substituted and "FP8" in kv.meaning and "(BF16)" in kv.meaning


def test_gemma4_layers_that_share_kv_still_attend_at_their_own_head_size():
    # 3 full layers (2 own K/V, 1 shared) attend with 8 heads × 512 over the whole context;
    # 3 sliding ones with 8 × 256 over at most 512 keys.
    costs = _costs("synthetic-gemma4-text-2")
    assert mixer_flops.decode_flops_per_token(costs, 4096) == 3 * 4 * 8 * 512 * 4096 + 3 * 4 * 8 * 256 * 512


def test_deepseek_v4_attends_to_its_window_and_compressed_entries():
    # 64 heads × 512 over one K = V head: 4·64·512 = 131,072 FLOPs per key. At 131,072 tokens every
    # layer reads its 128-token window, the 23 HCA layers all 1,024 entries, the 20 CSA layers the
    # top 512 of 32,768 entries, which their indexer (64 × 128) scores: 2·64·128 + 2·64 each. The
    # 4-stream hyper-connections: 2·(2·16·4096 + 4·4·4096) per layer.
    costs = _costs("default-deepseek-v4")
    per_key, mixing = 4 * 64 * 512, 2 * (2 * 16 * 4096 + 4 * 4 * 4096)
    expected = 43 * (per_key * 128 + mixing) + 23 * per_key * 1024 + 20 * per_key * 512 + 20 * 16_512 * 32768
    assert mixer_flops.decode_flops_per_token(costs, 131072) == expected
    # Prefill of 4,096 tokens: query t sees t/128 HCA entries, min(t/4, 512) CSA ones.
    hca = [c for c in costs if c.stride == 128][0]
    csa = [c for c in costs if c.stride == 4 and c.span == 512][0]
    assert hca.causal_keys(4096) == 4096**2 / 2 / 128
    assert csa.causal_keys(4096) == (2048**2 / 2 + 2048 * 2048) / 4
