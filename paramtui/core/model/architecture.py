"""The architecture of a transformer, in Hugging Face config key names (docs/ARCHITECTURE.md, Model spec).

`Architecture` is what `[scenario.architecture]` holds in a session file and what a
Hugging Face `config.json` is normalised into (see `hf_config`). Field names follow the
llama-style names transformers uses (`hidden_size`, `num_hidden_layers`, ...); concepts that
transformers expresses through the model class rather than a key (gated MLP, norm type,
learned positions) get explicit fields so one counting routine covers every family.
Unknown keys are errors, never silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from paramtui.core import validation as pyd
from paramtui.core.model import limits
from paramtui.core.validation import STRICT, record


@record
class Architecture:
    __pydantic_config__ = STRICT

    # Family: selects the few details only transformers' modeling code knows
    # (T5's relative attention bias, BERT's pooler, OPT's position offset, ...).
    model_type: str = "llama"

    vocab_size: Annotated[int, pyd.Field(gt=0, le=limits.VOCAB)]
    hidden_size: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)]
    num_hidden_layers: Annotated[int, pyd.Field(gt=0, le=limits.LAYERS)]
    num_attention_heads: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)]
    num_key_value_heads: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None  # None: = num_attention_heads (MHA)
    head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None  # None: hidden_size // num_attention_heads
    intermediate_size: Annotated[int, pyd.Field(gt=0, le=limits.FFN_WIDTH)]  # dense FFN width

    gated_mlp: bool = True  # SwiGLU/GeGLU (gate, up, down) vs plain (up, down)
    hidden_act: str = "silu"
    norm_type: Literal["rmsnorm", "layernorm"] = "rmsnorm"
    attention_bias: bool = False  # bias on q/k/v/o
    qkv_bias: bool = False  # bias on q/k/v only, none on o (Qwen2)
    attention_out_bias: bool = False  # bias on o whatever attention_bias says (Seed-OSS)
    attention_sinks: bool = False  # one learned sink logit per head and layer (gpt-oss)
    mlp_bias: bool = False
    tie_word_embeddings: bool = False
    lm_head_bias: bool = False  # a bias on the LM head (ERNIE 4.5 with use_bias), counted even when tied
    position_embedding_type: Literal["rope", "learned", "relative", "alibi", "none"] = "rope"
    max_position_embeddings: Annotated[int, pyd.Field(gt=0, le=limits.POSITIONS)] = 4096
    parallel_attn: bool = False  # attention and MLP read the same input (GPT-J, Falcon)

    # Norms. A LayerNorm has a weight and a bias, an RMSNorm only a weight.
    norms_per_layer: Annotated[int, pyd.Field(ge=1, le=limits.NORMS)] | None = None  # None: 2 (before attention, before MLP);
    # 1 for Falcon-7B's shared norm, 4 for Gemma 2's pre- and post-norms
    qk_norm: bool = False  # a norm over q and over k (Qwen3, OLMo 2)
    qk_norm_scope: Literal["head", "all_heads"] = "head"  # head_dim wide, shared by the heads
    # (Qwen3), or as wide as the whole projection (OLMo 2: heads·head_dim and kv_heads·head_dim)
    final_norm: bool = True  # the norm after the last layer (OPT-350m, post-LN, has none)

    # Embedding details (BERT, OPT).
    type_vocab_size: Annotated[int, pyd.Field(ge=0, le=limits.VOCAB)] = 0  # token-type (segment) embeddings, BERT
    embedding_norm: bool = False  # a norm right after the embeddings, BERT
    word_embed_proj_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None  # OPT: embeddings narrower than
    # hidden_size, with project_in / project_out between them
    position_embedding_offset: Annotated[int, pyd.Field(ge=0, le=limits.POSITIONS)] = 0  # extra learned position rows (OPT: 2)
    pooler: bool = False  # BERT's pooler: a dense layer with bias on the first token
    relative_attention_num_buckets: Annotated[int, pyd.Field(gt=0, le=limits.BUCKETS)] = 32  # T5 relative attention bias

    # Sliding-window attention: window size and which layers use it.
    sliding_window: Annotated[int, pyd.Field(gt=0, le=limits.POSITIONS)] | None = None
    layer_types: tuple[Literal["full_attention", "sliding_attention", "chunked_attention", "linear_attention",
                               "conv", "mamba", "mamba_attention", "mlp", "moe", "rwkv",
                               "compressed_sparse_attention", "heavily_compressed_attention"], ...] | None = None
    # ("mlp" and "moe": a layer with a feed-forward block and no token mixer, Nemotron-H;
    # "mamba_attention": Mamba 2 and attention side by side in one layer, Falcon-H1)
    # Chunked attention (Llama 4): a "chunked_attention" layer attends within fixed chunks.
    attention_chunk_size: Annotated[int, pyd.Field(gt=0, le=limits.POSITIONS)] | None = None
    attention_output_gate: bool = False  # q_proj also yields a sigmoid gate on the output (Qwen3-Next)
    # Gemma 4: full-attention layers with their own head size and KV heads (None: as the
    # others), values taken from the key projection there (no v_proj), and the last
    # `kv_shared_layers` layers reusing the K/V of the last earlier layer of their kind (no
    # k/v projections, nothing cached of their own).
    full_attention_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    full_attention_kv_heads: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None
    full_attention_values_from_keys: bool = False
    kv_shared_layers: Annotated[int, pyd.Field(ge=0, le=limits.LAYERS)] = 0
    kv_shared_mlp_factor: Annotated[int, pyd.Field(ge=1, le=2)] = 1  # MLP width × 2 on those (use_double_wide_mlp)
    # Per-layer embeddings (Gemma 3n/4): a second table of per_layer_input_size wide rows per
    # layer, a projection of the hidden state into them, and per layer a gate and projection.
    per_layer_input_size: Annotated[int, pyd.Field(ge=0, le=limits.WIDTH)] = 0
    per_layer_vocab_size: Annotated[int, pyd.Field(ge=0, le=limits.VOCAB)] = 0
    # DeepSeek-V4's attention (every layer): one shared K = V head over sliding_window, a grouped
    # output projection (o_groups × o_lora_rank), compressed entries every compress_rate_csa
    # tokens on "compressed_sparse_attention" layers (the indexer keeps index_topk of them) and
    # every compress_rate_hca on "heavily_compressed_attention" layers; hyper_connections
    # residual streams (mHC; 0: a plain residual).
    o_groups: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None
    o_lora_rank: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    compress_rate_csa: Annotated[int, pyd.Field(gt=0, le=limits.POSITIONS)] | None = None
    compress_rate_hca: Annotated[int, pyd.Field(gt=0, le=limits.POSITIONS)] | None = None
    hyper_connections: Annotated[int, pyd.Field(ge=0, le=limits.HEADS)] = 0

    # Linear attention (Gated DeltaNet, Qwen3-Next / Qwen3.5): the "linear_attention" layers.
    linear_num_key_heads: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None
    linear_num_value_heads: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None
    linear_key_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    linear_value_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    linear_conv_kernel_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    # Which linear attention: Gated DeltaNet (Qwen) or Kimi Delta Attention (Kimi Linear, with
    # per-channel decay; its heads are linear_num_value_heads of linear_value_head_dim).
    linear_attention_kind: Literal["gated_deltanet", "kimi_delta"] = "gated_deltanet"

    # Short gated convolution (LFM2): the "conv" layers.
    conv_kernel_size: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    conv_bias: bool = False

    # Selective state-space layers (Mamba, Mamba 2): the "mamba" layers. mamba_version 1 has a
    # per-channel state (x_proj, dt_proj); 2 has heads, groups and a gated norm.
    mamba_version: Literal[1, 2] | None = None
    mamba_intermediate_size: Annotated[int, pyd.Field(gt=0, le=limits.FFN_WIDTH)] | None = None  # expand·d
    ssm_state_size: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    mamba_conv_kernel: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    mamba_conv_bias: bool = True
    mamba_proj_bias: bool = False  # bias on in_proj and out_proj (use_bias)
    mamba_dt_rank: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None  # version 1
    mamba_inner_norms: bool = False  # version 1 with RMSNorms on dt, B and C (Jamba)
    mamba_out_proj_bias: bool | None = None  # None: as mamba_proj_bias (Falcon-H1 sets it apart)
    mamba_gated_norm: bool = True  # version 2's gated RMSNorm (Falcon-H1 may leave it out)
    mamba_num_heads: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None  # version 2
    mamba_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None  # version 2
    mamba_n_groups: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None  # version 2
    # RWKV (llama.cpp's rwkv6 / rwkv7 GGUF files): the "rwkv" layers, a time mix of heads
    # rwkv_head_size wide with low-rank widths rwkv_lora (6: time_mix_extra_dim,
    # time_decay_extra_dim; 7: the decay, in-context learning rate, value residual mix and
    # gate ranks) and a channel mix intermediate_size wide; rwkv_token_shift tokens of state.
    rwkv_version: Literal[6, 7] | None = None
    rwkv_head_size: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    rwkv_lora: tuple[Annotated[int, pyd.Field(ge=0, le=limits.WIDTH)], ...] = ()
    rwkv_token_shift: Annotated[int, pyd.Field(ge=0, le=4)] = 2
    # Layer kinds that have no feed-forward block (Mamba's layers: mixer only).
    no_mlp_layer_types: tuple[Literal["full_attention", "sliding_attention", "chunked_attention",
                                      "linear_attention", "conv", "mamba"], ...] = ()

    # Mixture of experts (Mixtral, Qwen-MoE, DeepSeek).
    num_local_experts: Annotated[int, pyd.Field(ge=0, le=limits.EXPERTS)] = 0  # routed experts per MoE layer; 0 = dense
    num_experts_per_tok: Annotated[int, pyd.Field(ge=0, le=limits.EXPERTS)] = 0
    moe_intermediate_size: Annotated[int, pyd.Field(gt=0, le=limits.FFN_WIDTH)] | None = None  # None: = intermediate_size
    n_shared_experts: Annotated[int, pyd.Field(ge=0, le=limits.EXPERTS)] = 0
    shared_expert_intermediate_size: Annotated[int, pyd.Field(gt=0, le=limits.FFN_WIDTH)] | None = None
    first_k_dense_replace: Annotated[int, pyd.Field(ge=0, le=limits.LAYERS)] = 0  # leading dense layers (DeepSeek)
    decoder_sparse_step: Annotated[int, pyd.Field(ge=1, le=limits.LAYERS)] = 1  # every k-th layer is MoE (Qwen-MoE)
    mlp_only_layers: tuple[int, ...] = ()  # layers kept dense (Qwen-MoE)
    shared_expert_gate: bool = False  # a sigmoid gate (hidden -> 1) on the shared expert (Qwen2-MoE)
    expert_bias: bool = False  # biases on every routed expert's projections (gpt-oss)
    # Gemma 4: the experts run beside the dense MLP (intermediate_size wide, always on), and the
    # router holds a scale per hidden channel and per expert.
    experts_beside_mlp: bool = False
    router_bias: bool = False  # one bias per expert on the router: gpt-oss's router bias, ERNIE 4.5's
    # e_score_correction_bias (a parameter there; DeepSeek-V3's and GLM-4.5's is a buffer, not counted)

    # Multi-head latent attention (DeepSeek-V2/V3).
    q_lora_rank: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    kv_lora_rank: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    qk_rope_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    qk_nope_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    v_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    # DeepSeek sparse attention's indexer (DeepSeek-V3.2): its own heads over q_lora and one
    # cached key per token of index_head_dim; None = no indexer.
    index_n_heads: Annotated[int, pyd.Field(gt=0, le=limits.HEADS)] | None = None
    index_head_dim: Annotated[int, pyd.Field(gt=0, le=limits.WIDTH)] | None = None
    # Tokens the indexer keeps per query: the main attention reads at most these many keys.
    index_topk: Annotated[int, pyd.Field(gt=0, le=limits.POSITIONS)] | None = None

    # A multimodal checkpoint's vision tower and projector, counted from its vision_config
    # (encoders.py); the network above is its language model.
    vision_encoder_params: Annotated[int, pyd.Field(ge=0, le=limits.VOCAB * limits.WIDTH)] = 0

    # Encoder-decoder (T5) and encoder-only (BERT).
    is_encoder_decoder: bool = False
    num_decoder_layers: Annotated[int, pyd.Field(gt=0, le=limits.LAYERS)] | None = None
    is_decoder: bool = True  # False for encoder-only (no KV cache when generating)

    def __post_init__(self) -> None:
        if self.num_attention_heads % self.kv_heads:
            raise ValueError(
                f"num_attention_heads ({self.num_attention_heads}) must be a multiple of "
                f"num_key_value_heads ({self.kv_heads})"
            )
        # (MLA sizes its heads from the rope/nope/v dims, so its width need not divide.)
        if self.head_dim is None and not self.uses_mla and self.hidden_size % self.num_attention_heads:
            raise ValueError(
                f"hidden_size ({self.hidden_size}) is not divisible by num_attention_heads "
                f"({self.num_attention_heads}); give head_dim"
            )
        if self.num_local_experts and not 0 < self.num_experts_per_tok <= self.num_local_experts:
            raise ValueError("num_experts_per_tok must be between 1 and num_local_experts")
        if self.layer_types is not None and len(self.layer_types) != self.num_hidden_layers:
            raise ValueError("layer_types must list one entry per hidden layer")
        if any(not 0 <= i < self.num_hidden_layers for i in self.mlp_only_layers):
            raise ValueError("mlp_only_layers must name layers between 0 and num_hidden_layers - 1")
        if self.layer_types and "linear_attention" in self.layer_types and None in (
                self.linear_num_key_heads, self.linear_num_value_heads, self.linear_key_head_dim,
                self.linear_value_head_dim, self.linear_conv_kernel_dim):
            raise ValueError("linear_attention layers need linear_num_key_heads, linear_num_value_heads, "
                             "linear_key_head_dim, linear_value_head_dim and linear_conv_kernel_dim")
        if self.layer_types and "conv" in self.layer_types and self.conv_kernel_size is None:
            raise ValueError("conv layers need conv_kernel_size")
        if self.layer_types and ("mamba" in self.layer_types or "mamba_attention" in self.layer_types):
            needs = ["mamba_intermediate_size", "ssm_state_size", "mamba_conv_kernel"] + (
                ["mamba_dt_rank"] if self.mamba_version == 1 else ["mamba_num_heads", "mamba_head_dim", "mamba_n_groups"])
            missing = [k for k in needs if getattr(self, k) is None]
            if self.mamba_version is None or missing:
                raise ValueError(f"mamba layers need mamba_version and {', '.join(missing or needs)}")
        if self.layer_types and "rwkv" in self.layer_types and (
                self.rwkv_version is None or self.rwkv_head_size is None
                or len(self.rwkv_lora) != (2 if self.rwkv_version == 6 else 4)):
            raise ValueError("rwkv layers need rwkv_version, rwkv_head_size and rwkv_lora (2 ranks for RWKV-6, "
                             "4 for RWKV-7)")
        if self.layer_types and {"compressed_sparse_attention", "heavily_compressed_attention"} & set(
                self.layer_types) and None in (self.o_groups, self.o_lora_rank, self.compress_rate_csa,
                                               self.compress_rate_hca, self.sliding_window, self.q_lora_rank):
            raise ValueError("compressed attention layers need o_groups, o_lora_rank, compress_rate_csa, "
                             "compress_rate_hca, sliding_window and q_lora_rank (DeepSeek-V4)")
        if self.o_groups is not None and self.layer_types and set(self.layer_types) - {
                "sliding_attention", "compressed_sparse_attention", "heavily_compressed_attention"}:
            raise ValueError("DeepSeek-V4's layers are sliding, compressed sparse (csa) or heavily compressed "
                             "(hca) attention")
        if self.o_groups is not None and (self.num_attention_heads * self.resolved_head_dim) % self.o_groups:
            raise ValueError("o_groups must divide num_attention_heads · head_dim")
        if self.kv_shared_layers >= self.num_hidden_layers:
            raise ValueError("kv_shared_layers must leave at least one layer computing its own keys and values")
        if self.full_attention_kv_heads and self.num_attention_heads % self.full_attention_kv_heads:
            raise ValueError(f"num_attention_heads ({self.num_attention_heads}) must be a multiple of the "
                             f"full-attention layers' KV heads ({self.full_attention_kv_heads})")
        if self.uses_mla and (self.qk_rope_head_dim is None or self.qk_nope_head_dim is None
                              or self.v_head_dim is None):
            raise ValueError("multi-head latent attention (kv_lora_rank) needs qk_rope_head_dim, "
                             "qk_nope_head_dim and v_head_dim")

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

    @property
    def embedding_dim(self) -> int:
        """Width of the token embedding (and of the LM head): hidden_size unless OPT narrows it."""
        return self.word_embed_proj_dim or self.hidden_size

    @property
    def resolved_norms_per_layer(self) -> int:
        return 2 if self.norms_per_layer is None else self.norms_per_layer

    @property
    def has_lm_head(self) -> bool:
        """Decoders and encoder-decoders predict tokens; an encoder-only model (BERT) does not."""
        return self.is_decoder or self.is_encoder_decoder

    def is_moe_layer(self, layer: int) -> bool:
        """Whether decoder layer `layer` (0-based) has routed experts rather than a dense MLP.

        The rule of transformers' Qwen2-MoE/Qwen3-MoE (`mlp_only_layers`, `decoder_sparse_step`)
        and DeepSeek-V3 (`first_k_dense_replace`) decoder layers.
        """
        return (
            self.is_moe
            and layer >= self.first_k_dense_replace
            and layer not in self.mlp_only_layers
            and (layer + 1) % self.decoder_sparse_step == 0
        )

    @property
    def num_moe_layers(self) -> int:
        """How many layers `is_moe_layer` (counted, not cached: a copy made with changed
        fields must not keep an old count)."""
        if not self.is_moe:
            return 0
        if self.decoder_sparse_step == 1 and not self.mlp_only_layers:  # every layer from the k-th on
            return max(0, self.num_hidden_layers - self.first_k_dense_replace)
        return sum(self.is_moe_layer(i) for i in range(self.num_hidden_layers))
