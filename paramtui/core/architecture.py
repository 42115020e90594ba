"""The architecture of a transformer, in Hugging Face config key names (DESIGN.md, Model spec).

`Architecture` is what `[scenario.architecture]` holds in a session file and what a
Hugging Face `config.json` is normalised into (see `hf_config`). Field names follow the
llama-style names transformers uses (`hidden_size`, `num_hidden_layers`, ...); concepts that
transformers expresses through the model class rather than a key (gated MLP, norm type,
learned positions) get explicit fields so one counting routine covers every family.
Unknown keys are errors, never silently ignored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Architecture(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Family: selects the few details only transformers' modeling code knows
    # (T5's relative attention bias, BERT's pooler, OPT's position offset, ...).
    model_type: str = "llama"

    vocab_size: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    num_hidden_layers: int = Field(gt=0)
    num_attention_heads: int = Field(gt=0)
    num_key_value_heads: int | None = Field(default=None, gt=0)  # None: = num_attention_heads (MHA)
    head_dim: int | None = Field(default=None, gt=0)  # None: hidden_size // num_attention_heads
    intermediate_size: int = Field(gt=0)  # dense FFN width

    gated_mlp: bool = True  # SwiGLU/GeGLU (gate, up, down) vs plain (up, down)
    hidden_act: str = "silu"
    norm_type: Literal["rmsnorm", "layernorm"] = "rmsnorm"
    attention_bias: bool = False  # bias on q/k/v/o
    mlp_bias: bool = False
    tie_word_embeddings: bool = False
    position_embedding_type: Literal["rope", "learned", "relative", "alibi", "none"] = "rope"
    max_position_embeddings: int = Field(default=4096, gt=0)
    parallel_attn: bool = False  # attention and MLP read the same input (GPT-J, Falcon)

    # Sliding-window attention: window size and which layers use it.
    sliding_window: int | None = Field(default=None, gt=0)
    layer_types: list[Literal["full_attention", "sliding_attention"]] | None = None

    # Mixture of experts (Mixtral, Qwen-MoE, DeepSeek).
    num_local_experts: int = Field(default=0, ge=0)  # routed experts per MoE layer; 0 = dense
    num_experts_per_tok: int = Field(default=0, ge=0)
    moe_intermediate_size: int | None = Field(default=None, gt=0)  # None: = intermediate_size
    n_shared_experts: int = Field(default=0, ge=0)
    shared_expert_intermediate_size: int | None = Field(default=None, gt=0)
    first_k_dense_replace: int = Field(default=0, ge=0)  # leading dense layers (DeepSeek)

    # Multi-head latent attention (DeepSeek-V2/V3).
    q_lora_rank: int | None = Field(default=None, gt=0)
    kv_lora_rank: int | None = Field(default=None, gt=0)
    qk_rope_head_dim: int | None = Field(default=None, gt=0)
    qk_nope_head_dim: int | None = Field(default=None, gt=0)
    v_head_dim: int | None = Field(default=None, gt=0)

    # Encoder-decoder (T5) and encoder-only (BERT).
    is_encoder_decoder: bool = False
    num_decoder_layers: int | None = Field(default=None, gt=0)
    is_decoder: bool = True  # False for encoder-only (no KV cache when generating)

    @model_validator(mode="after")
    def _check_shapes(self) -> Architecture:
        if self.num_attention_heads % self.kv_heads:
            raise ValueError(
                f"num_attention_heads ({self.num_attention_heads}) must be a multiple of "
                f"num_key_value_heads ({self.kv_heads})"
            )
        if self.head_dim is None and self.hidden_size % self.num_attention_heads:
            raise ValueError(
                f"hidden_size ({self.hidden_size}) is not divisible by num_attention_heads "
                f"({self.num_attention_heads}); give head_dim"
            )
        if self.num_local_experts and not 0 < self.num_experts_per_tok <= self.num_local_experts:
            raise ValueError("num_experts_per_tok must be between 1 and num_local_experts")
        if self.layer_types is not None and len(self.layer_types) != self.num_hidden_layers:
            raise ValueError("layer_types must list one entry per hidden layer")
        return self

    @property
    def kv_heads(self) -> int:
        return self.num_key_value_heads or self.num_attention_heads

    @property
    def resolved_head_dim(self) -> int:
        return self.head_dim or self.hidden_size // self.num_attention_heads

    @property
    def is_moe(self) -> bool:
        return self.num_local_experts > 0

    @property
    def uses_mla(self) -> bool:
        return self.kv_lora_rank is not None
