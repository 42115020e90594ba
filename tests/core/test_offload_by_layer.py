"""Deploy's layer offload uses each layer's own size (issue 14, item 7): llama.cpp puts the
last layers on the device, and a MoE model's last layers are its big expert layers."""

import pytest

from paramtui.core.formulas import offload
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.targets import get_target
from paramtui.core.model.layers.network import decoder_layer_groups
from paramtui.core.result.estimate import serving
from paramtui.core.validation import validate


def _placement(model: str, target: str, **inference):
    s = validate(Scenario, dict(id="a", model=model, precision="bf16", target=target, inference=inference))
    serve = serving(s)
    shape = offload.offload_shape(serve)
    t = get_target(target)
    return serve, shape, offload.layer_placement(shape, t, 1, offload.host_memory_for(t, 1))


def test_the_device_holds_the_last_layers_at_their_own_size():
    # DeepSeek-V3: 3 dense layers, then 58 MoE layers of 256 experts. On one H100 only the last
    # few MoE layers fit, each far bigger than the average layer.
    serve, shape, p = _placement("deepseek-v3", "h100-sxm", context=16384, batch=1)
    last = decoder_layer_groups(serve.architecture)[-1]
    moe_layer = 2 * (last.mixer_params() + last.channel.params() + last.norm_params(serve.architecture.hidden_size))
    kv_layer = serve.inference.kv_cache_bytes / 61  # MLA: every layer caches the same latent
    assert p.gpu_layers == 3
    # (bf16 weights; the few parts kept at another dtype are spread by parameter count)
    assert p.device_bytes == pytest.approx(3 * (moe_layer + kv_layer) + shape.fixed, rel=1e-6)
    assert 3 * shape.layer_weights < 3 * moe_layer  # the average would have put less on the device
    assert p.device_bytes <= p.capacity < p.device_bytes + moe_layer + kv_layer


def test_a_hybrids_kv_cache_sits_on_its_attention_layers():
    # Qwen3-Next: every 4th layer is full attention and holds all of the KV cache.
    serve, shape, _p = _placement("qwen3-next-80b-a3b", "rtx-4090", context=32768, batch=1)
    per_layer_kv = [shape.last_kv[i + 1] - shape.last_kv[i] for i in range(8)]  # from the last layer back
    kv = serve.inference.kv_cache_bytes
    assert per_layer_kv == pytest.approx([kv / 12, 0, 0, 0] * 2)
    assert shape.host_kv(4) == pytest.approx(kv * 11 / 12)


def test_a_model_of_alike_layers_keeps_the_exact_average_split():
    _serve, shape, p = _placement("llama-3.1-70b", "rtx-4090", context=8192, batch=1)
    assert shape.last_bytes is None
    assert p.gpu_layers == int((p.capacity - shape.fixed) // (shape.layer_weights + shape.layer_kv))
