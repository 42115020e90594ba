"""Training activations summed over the layer kinds (issue 14, item 4): a state-space or
linear-attention layer keeps its own tensors and no attention scores."""

from pathlib import Path

from paramtui.core.formulas.training_memory import TrainingSetup, layer_activation_bytes, training_memory
from paramtui.core.model.hf_config import load_hf_config
from paramtui.core.model.params import count_parameters
from paramtui.core.validation import replace

HF = Path(__file__).parent / "hf_configs"


def test_a_mamba2_layer_keeps_its_projections_conv_and_scan_output():
    arch = load_hf_config(HF / "default-mamba2.json")  # d 4096, inner 8192, 8 groups × 128 state, 128 heads
    setup = TrainingSetup(regime="bf16", micro_batch=1, seq_len=1)
    in_proj = 8192 + (8192 + 2 * 8 * 128) + 128  # x and z, B and C, dt per head
    conv = 8192 + 2 * 8 * 128
    # RMSNorm keeps its fp32 input and bf16 output (8 bytes an element); 2 bytes per element of
    # the projections, the conv output, and the inner width three times (scan, gated norm, out_proj).
    assert layer_activation_bytes(arch, setup, 0) == 8 * 4096 + 2 * (in_proj + conv + 3 * 8192)


def test_a_recurrent_layer_keeps_no_scores_even_with_eager_attention():
    arch = load_hf_config(HF / "default-mamba2.json")
    eager = TrainingSetup(regime="bf16", micro_batch=1, seq_len=8192, flash_attention=False, recompute="none")
    one = replace(eager, seq_len=1)
    assert layer_activation_bytes(arch, eager, 0) == 8192 * layer_activation_bytes(arch, one, 0)


def test_a_hybrid_sums_its_kinds_not_attention_everywhere():
    # Qwen3-Next's default shape: 36 Gated DeltaNet layers and 12 attention layers. Turning the
    # 36 into attention changes the total by exactly 36 × (attention layer − DeltaNet layer).
    arch = load_hf_config(HF / "default-qwen3-next.json")
    setup = TrainingSetup(regime="bf16", micro_batch=1, seq_len=4096)
    linear, full = layer_activation_bytes(arch, setup, 0), layer_activation_bytes(arch, setup, 3)
    assert linear != full
    hybrid = training_memory(arch, count_parameters(arch), setup).activations_bytes
    all_attention = replace(arch, layer_types=("full_attention",) * 48)
    uniform = training_memory(all_attention, count_parameters(all_attention), setup).activations_bytes
    assert uniform - hybrid == 36 * (full - linear)


def test_a_fused_gate_up_keeps_one_autocast_copy_of_the_mlp_input(monkeypatch):
    # Glm4MLP computes gate and up with one Linear (gate_up_proj): under autocast (mixed
    # precision) the MLP input is cast to bf16 for one matmul, not once per projection as for
    # Llama's separate gate_proj and up_proj, so whole bf16 copies of it (2 bytes × hidden per
    # token each) are not kept.
    from paramtui.core.formulas import training_memory as tm
    arch = load_hf_config(HF / "default-glm4.json")
    setup = TrainingSetup(regime="mixed", micro_batch=1, seq_len=1)
    fused = layer_activation_bytes(arch, setup, 0)
    monkeypatch.setattr(tm, "FUSED_GATE_UP", tm.FUSED_GATE_UP - {"glm4"})
    unfused = layer_activation_bytes(arch, setup, 0)
    assert unfused > fused and (unfused - fused) % (2 * arch.hidden_size) == 0
