"""Explanations are written when first read, once, and read the same as a plain dict."""

from paramtui.core.result.estimate import estimate
from paramtui.core.result.explain import Explanation, Explanations
from paramtui.core.formulas.inference_memory import InferenceMemory
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.validation import validate


def _one(title: str) -> Explanation:
    return Explanation(title=title, meaning="m", formula="f")


def test_written_once_on_first_read_only():
    calls = []

    def build():
        calls.append(1)
        return {"a": _one("A")}

    lazy = Explanations(build)
    assert calls == []
    assert lazy["a"].title == "A" and "a" in lazy and list(lazy) == ["a"] and len(lazy) == 1
    assert lazy == {"a": _one("A")}
    assert calls == [1]


def test_a_plain_dict_reads_the_same():
    written = Explanations({"total_bytes": _one("Total")})
    memory = InferenceMemory(weights_bytes=1, kv_cache_bytes=2, activations_bytes=3, overhead_bytes=4,
                             inference_total_bytes=10, explanations=written)
    assert memory.explanations["total_bytes"].title == "Total" and dict(memory.explanations) == dict(written)
    assert Explanations() == {} and len(Explanations()) == 0


def test_an_estimate_explains_every_shown_figure_with_its_own_numbers():
    est = estimate(validate(Scenario, dict(id="a", model="llama-3.1-8b", inference={"batch": 4, "context": 8192})))
    kv = est.explanations["memory.kv_cache_bytes"]
    # 2 · 32 layers · 8 KV heads · 128 · 2 bytes · 8192 tokens · 4 sequences = 4 GiB exactly
    assert est.values["memory.kv_cache_bytes"] == 2 * 32 * 8 * 128 * 2 * 8192 * 4
    assert "2 · 32 · 8 · 128 · 2 · 8192 · 4" in kv.substituted
    assert est.explanations["speed.decode_tokens_per_s"].substituted.endswith("tokens/s")
