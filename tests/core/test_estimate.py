"""The estimate of one scenario: the figures docs/ARCHITECTURE.md pins, and the JSON contract."""

import pytest

from paramtui.core.errors import UserError
from paramtui.core.result.estimate import estimate, routed_expert_params
from paramtui.core.result.figures import DEFAULT_COLUMNS, FIGURES, explain
from paramtui.core.model.params import count_parameters
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.validation import validate

DESIGN_KEYS = [
    "params.total", "params.active", "params.breakdown.embedding", "params.breakdown.attention",
    "params.breakdown.mlp", "params.breakdown.norm", "params.breakdown.head", "memory.weights_bytes",
    "memory.kv_cache_bytes", "memory.inference_total_bytes", "memory.training.weights_bytes",
    "memory.training.gradients_bytes", "memory.training.optimizer_bytes",
    "memory.training.activations_bytes", "memory.training.total_bytes", "compute.training_flops",
    "compute.gpu_hours", "compute.cost_usd", "speed.prefill_tokens_per_s", "speed.decode_tokens_per_s",
    "scaling.loss", "scaling.compute_optimal.params", "scaling.compute_optimal.tokens",
]


def _get(d, key):
    for part in key.split("."):
        d = d[part]
    return d


def test_issue_2_llama_31_8b_figures():
    # Issue 2, "Done means": params.total 8030261248, weights 16060522496, KV 1073741824.
    e = estimate(validate(Scenario, dict(id="a", model="llama-3.1-8b", precision="bf16", inference={"context": 8192})))
    j = e.to_json()
    assert j["params"]["total"] == 8030261248
    assert j["memory"]["weights_bytes"] == 16060522496
    assert j["memory"]["kv_cache_bytes"] == 1073741824


def test_every_design_key_present_with_numbers():
    j = estimate(validate(Scenario, dict(id="a", model="llama-3.1-8b", target="h100-sxm",
                          training={"tokens": 15e12}, inference={"context": 8192}))).to_json()
    for key in DESIGN_KEYS:
        assert isinstance(_get(j, key), (int, float)), key
    for key in ("params.total", "memory.weights_bytes", "memory.kv_cache_bytes", "memory.training.total_bytes"):
        assert isinstance(_get(j, key), int), key


def test_breakdown_adds_up_and_inference_total_adds_parts():
    e = estimate(validate(Scenario, dict(id="a", model="mixtral-8x7b", precision="q4_k_m")))
    v = e.values
    assert sum(v[f"params.breakdown.{p}"] for p in ("embedding", "attention", "mlp", "norm", "head")) == v["params.total"]
    assert v["memory.inference_total_bytes"] == (v["memory.weights_bytes"] + v["memory.kv_cache_bytes"]
                                                 + v["memory.activations_bytes"] + v["memory.overhead_bytes"])


def test_bare_count_is_exact_and_says_its_shape_is_assumed():
    e = estimate(validate(Scenario, dict(id="a", params="7B")))
    assert e.values["params.total"] == 7_000_000_000
    assert e.nominal_architecture
    assert "assumed" in e.explanations["params.total"].meaning
    # The assumed shape is within a few percent of the count, like Llama 2 7B (h 4096, 32 layers).
    assert e.architecture.hidden_size == 4096 and e.architecture.num_hidden_layers == 32


def test_default_context_respects_learned_position_limit():
    assert estimate(validate(Scenario, dict(id="a", model="gpt2"))).values["scenario.context"] == 1024
    assert estimate(validate(Scenario, dict(id="a", model="llama-3.1-8b"))).values["scenario.context"] == 4096
    with pytest.raises(UserError, match="at most 1,024 tokens"):
        estimate(validate(Scenario, dict(id="a", model="gpt2", inference={"context": 4096})))


def test_routed_expert_params_matches_the_architecture():
    e = estimate(validate(Scenario, dict(id="a", model="mixtral-8x7b")))
    a = e.architecture
    per_expert = 3 * a.hidden_size * a.intermediate_size  # w1, w2, w3 (SwiGLU), no bias
    assert routed_expert_params(e.params, a) == a.num_hidden_layers * a.num_local_experts * per_expert


def test_moe_decodes_faster_than_a_dense_model_of_the_same_total_size():
    moe = estimate(validate(Scenario, dict(id="a", model="mixtral-8x7b", target="h100-sxm", gpus=2)))
    dense = estimate(validate(Scenario, dict(id="b", params=moe.values["params.total"], target="h100-sxm", gpus=2)))
    assert moe.values["speed.decode_tokens_per_s"] > 2 * dense.values["speed.decode_tokens_per_s"]


def test_gpus_on_a_node_target_count_nodes():
    e = estimate(validate(Scenario, dict(id="a", model="llama-3.1-70b", target="8xh100", gpus=2)))
    assert e.devices == 16


def test_training_tokens_default_to_published_then_twenty_per_parameter():
    assert estimate(validate(Scenario, dict(id="a", model="llama-2-7b"))).values["compute.training_tokens"] == 2.0e12
    assert estimate(validate(Scenario, dict(id="a", params=1e9))).values["compute.training_tokens"] == 20e9


def test_tensor_parallel_must_divide_devices():
    with pytest.raises(UserError, match="cannot be split"):
        estimate(validate(Scenario, dict(id="a", model="gpt2", gpus=3, training={"tensor_parallel": 2})))


def test_every_figure_has_a_label_and_explanation():
    e = estimate(validate(Scenario, dict(id="a", model="deepseek-v3", target="8xh200", precision="fp8")))
    for key, fig in FIGURES.items():
        ex = explain(e, key)
        assert ex.title and ex.formula, key
        assert isinstance(fig.format(e), str)
    for key in DEFAULT_COLUMNS:
        assert key in FIGURES


def test_estimate_is_cached_by_value():
    a = estimate(validate(Scenario, dict(id="a", model="gpt2")))
    assert estimate(validate(Scenario, dict(id="a", model="gpt2"))) is a


def test_architecture_scenario_counts_like_the_core():
    arch = {"vocab_size": 32000, "hidden_size": 2048, "num_hidden_layers": 16, "num_attention_heads": 16,
            "num_key_value_heads": 4, "intermediate_size": 5632}
    s = validate(Scenario, {"id": "a", "architecture": arch})
    assert estimate(s).values["params.total"] == count_parameters(s.architecture).total


def test_serving_half_is_shared_only_by_scenarios_it_fits():
    """`estimate.serving` is cached by what it reads; each input it reads must change it."""
    from paramtui.core.result.estimate import serving

    base = validate(Scenario, dict(id="a", model="llama-3.1-8b", inference={"batch": 4, "context": 8192}))
    same = base.with_changes(target="rtx-4090", gpus=2, training__optimizer="sgd", scaling__law="kaplan")
    assert serving(same) is serving(base)  # target, devices, training and scaling do not enter it
    kv8 = base.with_changes(kv_precision="fp8")
    assert serving(kv8).inference.kv_cache_bytes * 2 == serving(base).inference.kv_cache_bytes
    eager = base.with_changes(inference__runtime="eager")
    assert serving(eager).workload.runtime.name == "eager" != serving(base).workload.runtime.name
    assert estimate(eager).values["speed.decode_tokens_per_s"] < estimate(base).values["speed.decode_tokens_per_s"]
    arch = {"vocab_size": 32000, "hidden_size": 2048, "num_hidden_layers": 16, "num_attention_heads": 16,
            "intermediate_size": 5632}
    mine = validate(Scenario, {"id": "b", "name": "mine", "architecture": arch})
    theirs = mine.with_changes(name="theirs")
    assert estimate(mine).model_name == "mine" and estimate(theirs).model_name == "theirs"


def test_a_tied_output_head_reads_as_tied_not_a_bare_zero():
    head = FIGURES["params.breakdown.head"]
    tied = estimate(Scenario(id="g", model="granite-4.0-h-tiny"))
    assert tied.values["params.breakdown.head"] == 0 and head.format(tied) == "0 (tied)"
    assert head.format(estimate(Scenario(id="l", model="llama-3.1-8b"))) == "525M"
