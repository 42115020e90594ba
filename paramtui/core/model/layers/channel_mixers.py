"""Channel mixers: the part of a layer that transforms each position on its own.

A dense MLP (gated: gate, up, down; plain: up, down), a mixture of experts, or none. Each
has `params()`; a mixture of experts also `active_params()`, what one token passes through.
`linear_shapes()` lists the torch.nn.Linear modules as (d_in, d_out), what LoRA adapts.
"""

from __future__ import annotations

from dataclasses import dataclass

from paramtui.core.model.layers.token_mixers import linear


@dataclass(frozen=True)
class DenseMLP:
    hidden: int
    width: int
    gated: bool = True
    bias: bool = False
    activation_params: int = 0  # learned activation parameters (xIELU: alpha_p, alpha_n)

    kind = "mlp"
    label = "MLP"

    def params(self) -> int:
        ins = 2 if self.gated else 1
        return ins * linear(self.hidden, self.width, self.bias) + linear(self.width, self.hidden, self.bias) \
            + self.activation_params

    def active_params(self) -> int:
        return self.params()

    def linear_shapes(self, fused_gate_up: bool = False) -> tuple[tuple[int, int], ...]:
        """gate and up (one gate_up module in Phi-3), or up alone, then down."""
        d, w = self.hidden, self.width
        ups = ((d, 2 * w),) if self.gated and fused_gate_up else ((d, w),) * (2 if self.gated else 1)
        return ups + ((w, d),)


@dataclass(frozen=True)
class MixtureOfExperts:
    """Routed experts, a router (hidden -> experts), optional shared experts and their gate."""

    hidden: int
    experts: int
    top_k: int
    expert: DenseMLP
    shared: DenseMLP | None = None  # all shared experts as one MLP (DeepSeek builds it that wide)
    shared_gate: bool = False  # sigmoid gate hidden -> 1 on the shared expert (Qwen2-MoE)
    router_bias: bool = False
    router_scales: bool = False  # a scale per hidden channel and per expert on the router (Gemma 4)
    hyper_connection: int = 0  # parameters of the hyper-connection around the block (DeepSeek-V4)

    kind = "moe"
    label = "mixture of experts"

    def routed_params(self) -> int:
        return self.experts * self.expert.params()

    def other_params(self) -> int:
        """Router, shared experts and shared gate: everything a token always passes through."""
        router = linear(self.hidden, self.experts, self.router_bias) + (
            self.hidden + self.experts if self.router_scales else 0)
        shared = self.shared.params() if self.shared else 0
        gate = self.hidden if self.shared_gate and self.shared else 0
        return router + shared + gate + self.hyper_connection

    def params(self) -> int:
        return self.routed_params() + self.other_params()

    def active_params(self) -> int:
        return self.top_k * self.expert.params() + self.other_params()

    def linear_shapes(self, router: bool = False, fused_gate_up: bool = False) -> tuple[tuple[int, int], ...]:
        """The shared experts and their gate, and the router where it is a Linear module (Llama
        4, Gemma 4; most families keep it as a bare weight). transformers 5 stores the routed
        experts as stacked 3-d weights, not Linear modules: `expert_shapes` lists them."""
        shared = self.shared.linear_shapes(fused_gate_up) if self.shared else ()
        gate = ((self.hidden, 1),) if self.shared_gate and self.shared else ()
        return shared + gate + (((self.hidden, self.experts),) if router else ())

    def expert_shapes(self) -> tuple[tuple[int, int, int], ...]:
        """(d_in, d_out, count) of the routed experts' weight matrices, one per expert."""
        return tuple((i, o, self.experts) for i, o in self.expert.linear_shapes())


@dataclass(frozen=True)
class RWKVChannelMix:
    """RWKV's channel mixing (llama.cpp): token-shift lerps (k, and r in RWKV-6), key d ->
    width, value width -> d, and in RWKV-6 a receptance d -> d."""

    hidden: int
    width: int
    receptance: bool = True  # RWKV-6; RWKV-7 has none

    kind = "mlp"
    label = "RWKV channel mix"

    def params(self) -> int:
        d = self.hidden
        lerps = 2 if self.receptance else 1
        return lerps * d + 2 * d * self.width + (d * d if self.receptance else 0)

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        d = self.hidden
        return ((d, self.width), (self.width, d)) + (((d, d),) if self.receptance else ())

    def active_params(self) -> int:
        return self.params()


@dataclass(frozen=True)
class NoChannelMixer:
    """A layer without a feed-forward block (Mamba's layers, Jamba's mixer-only ones)."""

    kind = "none"
    label = "no MLP"

    def params(self) -> int:
        return 0

    def linear_shapes(self) -> tuple[tuple[int, int], ...]:
        return ()

    def active_params(self) -> int:
        return 0


ChannelMixer = DenseMLP | MixtureOfExperts | NoChannelMixer | RWKVChannelMix
