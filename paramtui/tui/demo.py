"""The built-in demo session `paramtui` opens with no file: a few instructive scenarios.

Each one answers a question people actually ask: does an 8B model fit one H100 in bf16?
on a gaming card in 4-bit? what does a mixture of experts cost in memory versus per token?
can a 70B model be fine-tuned on one GPU with QLoRA? what does a bare "7B" mean on a laptop?
"""

from __future__ import annotations

from paramtui.core.inputs.scenario import InferenceSettings, Scenario, TrainingSettings
from paramtui.core.inputs.session import Session
from paramtui.core.units import parse_count


def demo_session() -> Session:
    scenarios = [
        Scenario(id="llama8-bf16-h100", name="Llama 3.1 8B, bf16 on H100", model="llama-3.1-8b",
                 precision="bf16", target="h100-sxm", gpus=1,
                 purpose="inference", inference=InferenceSettings(batch=8, context=8192)),
        Scenario(id="llama8-q4-4090", name="Llama 3.1 8B, Q4_K_M on RTX 4090", model="llama-3.1-8b",
                 precision="q4_k_m", target="rtx-4090", gpus=1,
                 purpose="inference", inference=InferenceSettings(batch=1, context=8192)),
        Scenario(id="mixtral-int4-a100", name="Mixtral 8x7B, int4 on A100 80GB", model="mixtral-8x7b",
                 precision="int4", target="a100-80gb", gpus=1,
                 purpose="inference", inference=InferenceSettings(batch=4, context=4096)),
        Scenario(id="llama70-qlora", name="Llama 3.1 70B, QLoRA fine-tune on H100", model="llama-3.1-70b",
                 precision="nf4", target="h100-sxm", gpus=1,
                 inference=InferenceSettings(batch=1, context=2048),
                 training=TrainingSettings(tokens=2e7, method="qlora", recompute="full", optimizer="adamw-8bit")),
        Scenario(id="bare-7b-m3max", name="A bare \"7B\" on an M3 Max laptop", params=parse_count("7B", "params"),
                 precision="q4_k_m", target="m3-max", gpus=1,
                 purpose="inference", inference=InferenceSettings(batch=1, context=4096)),
    ]
    # Built directly, not validated: it is ours, and test_validation validates it.
    return Session(title="paramtui demo", scenarios=tuple(scenarios))
