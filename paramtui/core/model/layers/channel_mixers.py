"""Channel mixers: the part of a layer that transforms each position on its own.

A dense MLP (gated: gate, up, down; plain: up, down), a mixture of experts, or none. Each
has `params()`; a mixture of experts also `active_params()`, what one token passes through.
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

    def active_params(self) -> int:
        return self.params()


@dataclass(frozen=True)
class NoChannelMixer:
    """A layer without a feed-forward block (Mamba's layers, Jamba's mixer-only ones)."""

    kind = "none"
    label = "no MLP"

    def params(self) -> int:
        return 0

    def active_params(self) -> int:
        return 0


ChannelMixer = DenseMLP | MixtureOfExperts | NoChannelMixer | RWKVChannelMix
