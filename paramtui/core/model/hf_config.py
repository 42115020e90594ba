"""Import a Hugging Face `config.json` as an `Architecture` (docs/ARCHITECTURE.md, Core: Model spec).

Each family spells the same things differently (`n_embd`, `d_model`, `hidden_size`; `n_layer`,
`num_layers`; `ffn_dim`, `d_ff`, `n_inner`, ...). This module reads the keys that change the
model's shape for each supported `model_type` and ignores the rest (dropout, token ids, rope
scaling, dtype, ...). A key that is absent takes the default of that model_type's config class
in transformers (configuration_<type>.py, read at transformers 5.23), exactly as
`AutoConfig.for_model(model_type, **cfg)` would, with one exception: the keys that set a
model's scale (vocabulary, width, depth, heads and, where the default is a fixed number, the
FFN width) are required. transformers would silently fill them with its example model's
values (LlamaConfig's are Llama 7B's), which for a user's file is certainly a mistake.

T5 always has its LM head tied to the shared embedding, as transformers 5 builds it from any
T5 config (T5Config sets `tie_word_embeddings = True` whatever the file says; checked with
transformers 5.23 on the meta device). docs/ARCHITECTURE.md defines the count as what transformers
counts for the same config. The released v1.1 / Flan-T5 checkpoints store a separate
`lm_head` (one vocab × d_model matrix more, e.g. 2.85B rather than 2.78B for Flan-T5-XL);
the explanation of the count says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from paramtui.core.model import limits
from paramtui.core.model.architecture import Architecture
from paramtui.core.model.encoders import (
    MISTRAL3_DEFAULT_VISION,
    gemma3_projector_params,
    gemma4_audio_params,
    gemma4_vision_params,
    llama4_projector_params,
    llama4_vision_params,
    mistral3_projector_params,
    pixtral_vision_params,
    qwen3_5_vision_params,
    siglip_vision_params,
)
from paramtui.core.errors import UserError
from paramtui.core.io.bounded_parse import loads_json
from paramtui.core import validation as pyd

SUPPORTED_MODEL_TYPES: tuple[str, ...] = (
    "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2",
    "phi3", "gpt2", "gpt_neox", "falcon", "opt", "deepseek_v3", "bert", "t5",
    # 2025 families (transformers 5.25): dense, then mixture of experts.
    "olmo2", "olmo3", "smollm3", "glm4", "exaone4", "seed_oss", "apertus", "ministral3",
    "olmoe", "ernie4_5_moe", "glm4_moe", "gpt_oss", "minimax_m2", "deepseek_v2",
    # hybrid attention: sliding + full, linear + full
    "gemma3_text", "qwen3_next",
    # latent attention: GLM-4.7-Flash, DeepSeek-V3.2 (with the sparse-attention indexer)
    "glm4_moe_lite", "deepseek_v32",
    # chunked attention and interleaved experts
    "llama4_text", "qwen3_5_text", "qwen3_5_moe_text",
    # per-layer embeddings, KV shared across layers, experts beside the MLP
    "gemma4_text",
    # compressed sparse / heavily compressed attention, hyper-connections
    "deepseek_v4",
    # convolution and state-space hybrids
    "lfm2", "mamba", "mamba2", "nemotron_h", "granitemoehybrid", "jamba", "kimi_linear", "falcon_h1",
    # multimodal: a text_config counted as its own type, a vision_config as the encoders line
    "gemma3", "mistral3", "qwen3_5", "qwen3_5_moe", "llama4", "gemma4",
)

# Defaults of the keys we read, from each config class in transformers 5.23
# (src/transformers/models/<type>/configuration_<type>.py). None means "derived" as noted.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "llama": dict(num_key_value_heads=None, head_dim=None, hidden_act="silu", max_position_embeddings=2048,
                  tie_word_embeddings=False, attention_bias=False, mlp_bias=False),
    "mistral": dict(num_key_value_heads=8, head_dim=None, hidden_act="silu",
                    max_position_embeddings=4096 * 32, tie_word_embeddings=False, sliding_window=4096),
    "mixtral": dict(num_key_value_heads=8, head_dim=None, hidden_act="silu",
                    max_position_embeddings=4096 * 32, tie_word_embeddings=False, sliding_window=None,
                    num_experts_per_tok=2, num_local_experts=8),
    "qwen2": dict(num_key_value_heads=32, head_dim=None, hidden_act="silu", max_position_embeddings=32768,
                  tie_word_embeddings=False, use_sliding_window=False, sliding_window=4096,
                  max_window_layers=28),
    "qwen2_moe": dict(num_key_value_heads=16, head_dim=None, hidden_act="silu",
                      max_position_embeddings=32768, tie_word_embeddings=False, use_sliding_window=False,
                      sliding_window=4096, decoder_sparse_step=1, moe_intermediate_size=1408,
                      shared_expert_intermediate_size=5632, num_experts_per_tok=4, num_experts=60,
                      mlp_only_layers=None, qkv_bias=True, intermediate_size=5632),
    "qwen3": dict(num_key_value_heads=32, head_dim=128, hidden_act="silu", max_position_embeddings=32768,
                  tie_word_embeddings=False, attention_bias=False, use_sliding_window=False,
                  sliding_window=4096, max_window_layers=28),
    "qwen3_moe": dict(num_key_value_heads=4, head_dim=None, hidden_act="silu", max_position_embeddings=32768,
                      tie_word_embeddings=False, attention_bias=False, use_sliding_window=False,
                      sliding_window=4096, decoder_sparse_step=1, moe_intermediate_size=768,
                      num_experts_per_tok=8, num_experts=128, mlp_only_layers=None, intermediate_size=6144),
    "gemma": dict(num_key_value_heads=16, head_dim=256, hidden_act="gelu_pytorch_tanh",
                  max_position_embeddings=8192, tie_word_embeddings=True, attention_bias=False),
    "gemma2": dict(num_key_value_heads=4, head_dim=256, hidden_activation="gelu_pytorch_tanh",
                   max_position_embeddings=8192, tie_word_embeddings=True, attention_bias=False,
                   sliding_window=4096, layer_types=None),
    "phi3": dict(num_key_value_heads=None, head_dim=None, hidden_act="silu", max_position_embeddings=4096,
                 tie_word_embeddings=False, sliding_window=None),
    "gpt2": dict(n_positions=1024, n_inner=None, activation_function="gelu_new", tie_word_embeddings=True,
                 add_cross_attention=False),
    "gpt_neox": dict(hidden_act="gelu", max_position_embeddings=2048, tie_word_embeddings=False,
                     attention_bias=True, use_parallel_residual=True),
    "falcon": dict(num_kv_heads=None, alibi=False, new_decoder_architecture=False, multi_query=True,
                   parallel_attn=True, bias=False, max_position_embeddings=2048, ffn_hidden_size=None,
                   activation="gelu", tie_word_embeddings=True, num_ln_in_parallel_attn=None),
    "opt": dict(max_position_embeddings=2048, do_layer_norm_before=True, _remove_final_layer_norm=False,
                word_embed_proj_dim=None, activation_function="relu", enable_bias=True,
                layer_norm_elementwise_affine=True, tie_word_embeddings=True),
    "deepseek_v3": dict(num_key_value_heads=128, head_dim=None, moe_intermediate_size=2048, n_shared_experts=1,
                        n_routed_experts=256, kv_lora_rank=512, q_lora_rank=1536, qk_rope_head_dim=64,
                        v_head_dim=128, qk_nope_head_dim=128, num_experts_per_tok=8,
                        first_k_dense_replace=3, hidden_act="silu", max_position_embeddings=4096,
                        tie_word_embeddings=False, attention_bias=False),
    "bert": dict(hidden_act="gelu", max_position_embeddings=512, type_vocab_size=2,
                 position_embedding_type="absolute", add_cross_attention=False, is_decoder=False),
    "t5": dict(d_kv=64, num_decoder_layers=None, relative_attention_num_buckets=32,
               feed_forward_proj="relu", tie_word_embeddings=True),
    # transformers 5.25's config classes (configuration_<type>.py).
    "olmo2": dict(num_key_value_heads=None, head_dim=None, hidden_act="silu", max_position_embeddings=2048,
                  tie_word_embeddings=False, attention_bias=False),
    "olmo3": dict(num_key_value_heads=None, head_dim=None, hidden_act="silu", max_position_embeddings=2048,
                  tie_word_embeddings=False, attention_bias=False, sliding_window=4096, layer_types=None),
    "smollm3": dict(num_key_value_heads=4, head_dim=None, hidden_act="silu", max_position_embeddings=32768,
                    tie_word_embeddings=True, attention_bias=False, mlp_bias=False, use_sliding_window=False,
                    sliding_window=None, layer_types=None, no_rope_layers=None, no_rope_layer_interval=4),
    "glm4": dict(num_key_value_heads=2, head_dim=128, hidden_act="silu", max_position_embeddings=131072,
                 tie_word_embeddings=False, attention_bias=True),
    "exaone4": dict(num_key_value_heads=32, head_dim=None, hidden_act="silu", max_position_embeddings=2048,
                    tie_word_embeddings=False, sliding_window=4096, sliding_window_pattern=4, layer_types=None),
    "seed_oss": dict(num_key_value_heads=8, head_dim=128, hidden_act="silu", max_position_embeddings=524288,
                     tie_word_embeddings=False, attention_bias=True, attention_out_bias=False, mlp_bias=False),
    "apertus": dict(num_key_value_heads=None, head_dim=None, hidden_act="xielu", max_position_embeddings=65536,
                    tie_word_embeddings=False, attention_bias=False),
    "ministral3": dict(num_key_value_heads=8, head_dim=128, hidden_act="silu", max_position_embeddings=262144,
                       tie_word_embeddings=False, sliding_window=None),
    "olmoe": dict(num_key_value_heads=None, head_dim=None, hidden_act="silu", max_position_embeddings=4096,
                  tie_word_embeddings=False, attention_bias=False, intermediate_size=2048, num_experts=64,
                  num_experts_per_tok=8),
    "ernie4_5_moe": dict(num_key_value_heads=4, head_dim=None, hidden_act="silu", max_position_embeddings=131072,
                         tie_word_embeddings=True, use_bias=False, intermediate_size=12288,
                         moe_intermediate_size=1536, moe_num_experts=64, moe_k=6, moe_layer_start_index=1,
                         moe_layer_end_index=-1, moe_layer_interval=1, moe_num_shared_experts=2),
    "glm4_moe": dict(num_key_value_heads=8, head_dim=None, hidden_act="silu", max_position_embeddings=131072,
                     tie_word_embeddings=False, attention_bias=False, intermediate_size=10944,
                     moe_intermediate_size=1408, n_shared_experts=1, n_routed_experts=128, num_experts_per_tok=8,
                     first_k_dense_replace=1, use_qk_norm=False),
    "gpt_oss": dict(num_key_value_heads=8, head_dim=64, hidden_act="silu", max_position_embeddings=131072,
                    tie_word_embeddings=False, attention_bias=True, sliding_window=128, layer_types=None,
                    intermediate_size=2880, num_local_experts=128, num_experts_per_tok=4),
    "minimax_m2": dict(num_key_value_heads=8, head_dim=128, hidden_act="silu", max_position_embeddings=196608,
                       tie_word_embeddings=False, intermediate_size=1536, num_local_experts=256,
                       num_experts_per_tok=8),
    "deepseek_v2": dict(num_key_value_heads=None, head_dim=None, hidden_act="silu", max_position_embeddings=2048,
                        tie_word_embeddings=False, attention_bias=False, mlp_bias=False, intermediate_size=11008,
                        moe_intermediate_size=1407, n_shared_experts=2, n_routed_experts=64,
                        num_experts_per_tok=None, first_k_dense_replace=0, q_lora_rank=1536, kv_lora_rank=512,
                        qk_rope_head_dim=64, qk_nope_head_dim=128, v_head_dim=128),
    "gemma3_text": dict(num_key_value_heads=4, head_dim=256, hidden_activation="gelu_pytorch_tanh",
                        max_position_embeddings=131072, tie_word_embeddings=True, attention_bias=False,
                        sliding_window=4096, layer_types=None, sliding_window_pattern=6,
                        use_bidirectional_attention=False),
    "qwen3_next": dict(num_key_value_heads=2, head_dim=256, hidden_act="silu", max_position_embeddings=32768,
                       tie_word_embeddings=False, attention_bias=False, intermediate_size=5632,
                       linear_conv_kernel_dim=4, linear_key_head_dim=128, linear_value_head_dim=128,
                       linear_num_key_heads=16, linear_num_value_heads=32, decoder_sparse_step=1,
                       moe_intermediate_size=512, shared_expert_intermediate_size=512, num_experts_per_tok=10,
                       num_experts=512, mlp_only_layers=None, layer_types=None, full_attention_interval=4),
    "glm4_moe_lite": dict(num_key_value_heads=20, head_dim=None, hidden_act="silu", max_position_embeddings=202752,
                          tie_word_embeddings=False, attention_bias=False, intermediate_size=10240,
                          moe_intermediate_size=1536, n_shared_experts=1, n_routed_experts=64,
                          num_experts_per_tok=4, kv_lora_rank=512, q_lora_rank=768, qk_rope_head_dim=64,
                          v_head_dim=256, qk_nope_head_dim=192, mlp_layer_types=None, first_k_dense_replace=1),
    "deepseek_v32": dict(num_key_value_heads=128, head_dim=None, hidden_act="silu", max_position_embeddings=163840,
                         tie_word_embeddings=False, attention_bias=False, intermediate_size=18432,
                         moe_intermediate_size=2048, n_shared_experts=1, n_routed_experts=256,
                         num_experts_per_tok=8, kv_lora_rank=512, q_lora_rank=1536, qk_rope_head_dim=64,
                         v_head_dim=128, qk_nope_head_dim=128, mlp_layer_types=None, first_k_dense_replace=3,
                         index_n_heads=64, index_head_dim=128, index_topk=2048, mlp_bias=False),
    "llama4_text": dict(num_key_value_heads=8, head_dim=128, hidden_act="silu", max_position_embeddings=4096 * 32,
                        tie_word_embeddings=False, attention_bias=False, intermediate_size_mlp=16384,
                        num_experts_per_tok=1, num_local_experts=16, moe_layers=None, interleave_moe_layer_step=1,
                        no_rope_layers=None, no_rope_layer_interval=4, attention_chunk_size=8192, layer_types=None),
    "qwen3_5_text": dict(num_key_value_heads=4, head_dim=256, hidden_act="silu", max_position_embeddings=32768,
                         tie_word_embeddings=False, attention_bias=False, linear_conv_kernel_dim=4,
                         linear_key_head_dim=128, linear_value_head_dim=128, linear_num_key_heads=16,
                         linear_num_value_heads=32, layer_types=None, full_attention_interval=4),
    "qwen3_5_moe_text": dict(num_key_value_heads=2, head_dim=256, hidden_act="silu", max_position_embeddings=32768,
                             tie_word_embeddings=False, attention_bias=False, linear_conv_kernel_dim=4,
                             linear_key_head_dim=128, linear_value_head_dim=128, linear_num_key_heads=16,
                             linear_num_value_heads=32, layer_types=None, full_attention_interval=4,
                             moe_intermediate_size=512, shared_expert_intermediate_size=512,
                             num_experts_per_tok=8, num_experts=256),
    "gemma4_text": dict(num_key_value_heads=4, head_dim=256, hidden_activation="gelu_pytorch_tanh",
                        max_position_embeddings=131_072, tie_word_embeddings=True, attention_bias=False,
                        sliding_window=512, layer_types=None, use_bidirectional_attention=None,
                        vocab_size_per_layer_input=262_144, hidden_size_per_layer_input=256, attention_k_eq_v=False,
                        num_kv_shared_layers=0, enable_moe_block=False, use_double_wide_mlp=False, num_experts=None,
                        top_k_experts=None, moe_intermediate_size=None, global_head_dim=512,
                        num_global_key_value_heads=None, per_layer_config=None),
    "deepseek_v4": dict(head_dim=512, q_lora_rank=1024, num_experts_per_tok=6, n_routed_experts=256,
                        max_position_embeddings=1_048_576, layer_types=None, compress_rates=None,
                        compress_ratios=None, compress_rate_csa=None, compress_rate_hca=None, hc_mult=4,
                        mlp_layer_types=None, num_hash_layers=None, sliding_window=128, o_groups=8,
                        o_lora_rank=1024, index_n_heads=64, index_head_dim=128, index_topk=512,
                        tie_word_embeddings=False, mlp_bias=False, hidden_act="silu"),
    "lfm2": dict(num_key_value_heads=8, head_dim=None, max_position_embeddings=128_000, tie_word_embeddings=True,
                 conv_bias=False, conv_L_cache=3, block_multiple_of=256, block_ffn_dim_multiplier=1.0,
                 block_auto_adjust_ff_dim=True, full_attn_idxs=None, layer_types=None),
    "mamba": dict(state_size=16, expand=2, conv_kernel=4, use_bias=False, use_conv_bias=True,
                  time_step_rank="auto", tie_word_embeddings=True),
    "mamba2": dict(num_heads=128, head_dim=64, state_size=128, expand=2, conv_kernel=4, n_groups=8, use_bias=False,
                   use_conv_bias=True, tie_word_embeddings=False),
    "nemotron_h": dict(layers_block_type=None, tie_word_embeddings=False, num_key_value_heads=8, head_dim=128,
                       max_position_embeddings=4096, attention_bias=False, intermediate_size=21504,
                       mlp_hidden_act="relu2", mlp_bias=False, ssm_state_size=128, mamba_num_heads=128,
                       mamba_head_dim=64, n_groups=8, conv_kernel=4, use_conv_bias=True, n_routed_experts=8,
                       moe_intermediate_size=7688, moe_shared_expert_intermediate_size=7688, moe_latent_size=None,
                       num_experts_per_tok=2, use_bias=False),
    "granitemoehybrid": dict(num_key_value_heads=None, head_dim=None, hidden_act="silu", max_position_embeddings=2048,
                             tie_word_embeddings=False, attention_bias=False, num_local_experts=8,
                             num_experts_per_tok=2, shared_intermediate_size=1024, layer_types=None,
                             mamba_n_heads=128, mamba_n_groups=1, mamba_d_state=256, mamba_d_head="auto",
                             mamba_d_conv=4, mamba_expand=2, mamba_conv_bias=True, mamba_proj_bias=False),
    "jamba": dict(num_key_value_heads=8, head_dim=None, hidden_act="silu", max_position_embeddings=262144,
                  tie_word_embeddings=False, num_experts_per_tok=2, num_experts=16, expert_layer_period=2,
                  expert_layer_offset=1, attn_layer_period=8, attn_layer_offset=4, mamba_d_state=16, mamba_d_conv=4,
                  mamba_expand=2, mamba_dt_rank="auto", mamba_conv_bias=True, mamba_proj_bias=False),
    "kimi_linear": dict(num_key_value_heads=32, head_dim=None, hidden_act="silu", max_position_embeddings=1048576,
                        tie_word_embeddings=False, attention_bias=False, intermediate_size=9216,
                        moe_intermediate_size=1024, n_shared_experts=1, kv_lora_rank=512, q_lora_rank=None,
                        qk_rope_head_dim=64, v_head_dim=128, qk_nope_head_dim=128, num_experts_per_tok=8,
                        num_local_experts=256, n_routed_experts=256, mlp_layer_types=None, layer_types=None,
                        linear_head_dim=128,
                        linear_num_heads=32, linear_conv_kernel_dim=4, first_k_dense_replace=1),
    "falcon_h1": dict(num_key_value_heads=8, head_dim=None, hidden_act="silu", max_position_embeddings=8192,
                      tie_word_embeddings=False, mamba_d_ssm=1024, mamba_n_heads=128, mamba_d_head="auto",
                      mamba_n_groups=1, mamba_d_state=256, mamba_d_conv=4, mamba_expand=2, mamba_conv_bias=True,
                      mamba_proj_bias=False, mamba_rms_norm=False, projectors_bias=False, attention_bias=False,
                      mlp_bias=False),
}

# Other names a config may use for a key (transformers' `attribute_map` of each config class).
_ALIASES: dict[str, dict[str, str]] = {
    "gpt2": {"hidden_size": "n_embd", "max_position_embeddings": "n_positions",
             "num_attention_heads": "n_head", "num_hidden_layers": "n_layer"},
    "t5": {"hidden_size": "d_model", "num_attention_heads": "num_heads", "num_hidden_layers": "num_layers",
           "head_dim": "d_kv"},
    "mixtral": {"num_experts": "num_local_experts"},
    "qwen3_moe": {"num_local_experts": "num_experts"},
    "qwen2_moe": {"num_local_experts": "num_experts"},
    "deepseek_v3": {"num_local_experts": "n_routed_experts"},
    "falcon": {"n_embed": "hidden_size"},
    "olmoe": {"num_local_experts": "num_experts"},
    "ernie4_5_moe": {"num_experts": "moe_num_experts", "num_experts_per_tok": "moe_k"},
    "glm4_moe": {"num_local_experts": "n_routed_experts"},
    "gpt_oss": {"num_experts": "num_local_experts"},
    "minimax_m2": {"num_experts": "num_local_experts"},
    "deepseek_v2": {"num_experts": "n_routed_experts"},
    "qwen3_next": {"num_local_experts": "num_experts"},
    "glm4_moe_lite": {"num_local_experts": "n_routed_experts"},
    "deepseek_v32": {"num_local_experts": "n_routed_experts"},
    "qwen3_5_moe_text": {"num_local_experts": "num_experts"},
    "deepseek_v4": {"num_local_experts": "n_routed_experts"},
    "lfm2": {"block_ff_dim": "intermediate_size", "tie_embedding": "tie_word_embeddings"},
    "granitemoehybrid": {"layers_block_type": "layer_types"},
    "kimi_linear": {"n_routed_experts": "num_local_experts"},
}

_SCALE = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads")
# Keys without which we refuse to guess (see the module docstring).
_REQUIRED: dict[str, tuple[str, ...]] = {
    "llama": _SCALE + ("intermediate_size",),
    "mistral": _SCALE + ("intermediate_size",),
    "mixtral": _SCALE + ("intermediate_size",),
    "qwen2": _SCALE + ("intermediate_size",),
    "qwen2_moe": _SCALE,
    "qwen3": _SCALE + ("intermediate_size",),
    "qwen3_moe": _SCALE,
    "gemma": _SCALE + ("intermediate_size",),
    "gemma2": _SCALE + ("intermediate_size",),
    "phi3": _SCALE + ("intermediate_size",),
    "gpt2": ("vocab_size", "n_embd", "n_layer", "n_head"),
    "gpt_neox": _SCALE + ("intermediate_size",),
    "falcon": _SCALE,
    "opt": _SCALE + ("ffn_dim",),
    "deepseek_v3": _SCALE + ("intermediate_size",),
    "bert": _SCALE + ("intermediate_size",),
    "t5": ("vocab_size", "d_model", "num_layers", "num_heads", "d_ff"),
    **{t: _SCALE + ("intermediate_size",) for t in (
        "olmo2", "olmo3", "smollm3", "glm4", "exaone4", "seed_oss", "apertus", "ministral3")},
    # Mixture-of-experts families whose expert width is intermediate_size or moe_intermediate_size
    # with a fixed default: the file must give the one that sets the experts' size.
    "olmoe": _SCALE + ("intermediate_size",),
    "ernie4_5_moe": _SCALE + ("intermediate_size", "moe_intermediate_size"),
    "glm4_moe": _SCALE + ("intermediate_size", "moe_intermediate_size"),
    "deepseek_v2": _SCALE + ("intermediate_size", "moe_intermediate_size"),
    "gemma3_text": _SCALE + ("intermediate_size",),
    "qwen3_next": _SCALE + ("intermediate_size", "moe_intermediate_size"),
    "glm4_moe_lite": _SCALE + ("intermediate_size", "moe_intermediate_size"),
    "deepseek_v32": _SCALE + ("intermediate_size", "moe_intermediate_size"),
    "llama4_text": _SCALE + ("intermediate_size",),
    "qwen3_5_text": _SCALE + ("intermediate_size",),
    "qwen3_5_moe_text": _SCALE + ("moe_intermediate_size", "shared_expert_intermediate_size"),
    "lfm2": _SCALE + ("intermediate_size",),
    "gemma4_text": _SCALE + ("intermediate_size",),
    "deepseek_v4": _SCALE + ("moe_intermediate_size",),
    "mamba": ("vocab_size", "hidden_size", "num_hidden_layers"),
    "mamba2": ("vocab_size", "hidden_size", "num_hidden_layers", "num_heads"),
    # the layer list (layers_block_type or hybrid_override_pattern) sets the depth
    "nemotron_h": ("vocab_size", "hidden_size", "num_attention_heads"),
    "granitemoehybrid": _SCALE + ("intermediate_size", "shared_intermediate_size"),
    "jamba": _SCALE + ("intermediate_size",),
    "kimi_linear": _SCALE + ("intermediate_size", "moe_intermediate_size"),
    "falcon_h1": _SCALE + ("intermediate_size",),
    "gpt_oss": _SCALE + ("intermediate_size",),
    "minimax_m2": _SCALE + ("intermediate_size",),
}


# Keys the builders below divide by (heads, layer intervals, rounding steps): 0 or less is
# refused as it is read, naming the key, not as a ZeroDivisionError.
_DIVIDES = frozenset({"num_attention_heads", "mamba_n_heads", "no_rope_layer_interval", "full_attention_interval",
                      "block_multiple_of", "sliding_window_pattern", "moe_layer_interval", "decoder_sparse_step"})


class _Config:
    """A config dict read the way transformers' config class reads it: aliases, then defaults."""

    def __init__(self, cfg: dict, model_type: str, origin: str):
        self.cfg, self.model_type, self.origin = cfg, model_type, origin
        self.aliases = _ALIASES.get(model_type, {})
        self.defaults = _DEFAULTS[model_type]

    def has(self, key: str) -> bool:
        return key in self.cfg or (key in self.aliases and self.aliases[key] in self.cfg) or any(
            alias in self.cfg for alias, canonical in self.aliases.items() if canonical == key)

    def get(self, key: str) -> Any:
        if key in self.cfg:
            return self.cfg[key]
        for alias, canonical in self.aliases.items():
            if canonical == key and alias in self.cfg:
                return self.cfg[alias]
        if key in self.aliases and self.aliases[key] in self.cfg:
            return self.cfg[self.aliases[key]]
        if key in self.defaults:
            return self.defaults[key]
        raise UserError(f"{self.origin}: missing required key {key!r} for model_type {self.model_type!r}")

    def int(self, key: str, *, nullable: bool = False) -> int | None:
        value = self.get(key)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{self.origin}: {key} must be a whole number, not {_shown(value)}")
        # Lists are built per layer below (layer types): refuse a depth out of range first.
        if key == "num_hidden_layers" and not 0 < value <= limits.LAYERS:
            raise UserError(f"{self.origin}: {key} must be between 1 and {limits.LAYERS:,}, not {_shown(value)}")
        if key in _DIVIDES and value < 1:  # divided by below, before the architecture's ranges are checked
            raise UserError(f"{self.origin}: {key} must be at least 1, not {_shown(value)}")
        return value

    def int_list(self, key: str) -> list[int]:
        """A list of whole numbers (layer indices); null or absent is an empty list."""
        value = self.get(key) if self.has(key) or key in self.defaults else None
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            raise UserError(f"{self.origin}: {key} must be a list of layer numbers, not {_shown(value)}")
        return value

    def str_list(self, key: str) -> list[str] | None:
        """A list of strings (layer types); null or absent is None."""
        value = self.get(key) if self.has(key) or key in self.defaults else None
        if value is None:
            return None
        if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
            raise UserError(f"{self.origin}: {key} must be a list of strings, not {_shown(value)}")
        return value

    def bool(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise UserError(f"{self.origin}: {key} must be true or false, not {_shown(value)}")
        return value

    def str(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise UserError(f"{self.origin}: {key} must be a string, not {_shown(value)}")
        return value


def _shown(value: Any) -> str:
    """A value from the user's file in a message, cut to one short line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _common(c: _Config) -> dict[str, Any]:
    """The llama-style keys every decoder family below shares."""
    heads = c.int("num_attention_heads")
    return dict(
        vocab_size=c.int("vocab_size"),
        hidden_size=c.int("hidden_size"),
        num_hidden_layers=c.int("num_hidden_layers"),
        num_attention_heads=heads,
        # An explicit null means "same as heads" in every config class that allows it.
        num_key_value_heads=c.int("num_key_value_heads", nullable=True) or heads,
        # The modeling code reads config.head_dim when present, else hidden_size // heads.
        head_dim=c.int("head_dim", nullable=True),
        intermediate_size=c.int("intermediate_size"),
        tie_word_embeddings=c.bool("tie_word_embeddings"),
        max_position_embeddings=c.int("max_position_embeddings"),
    )


def _common_without_ffn(c: _Config) -> dict[str, Any]:
    """`_common` for a family without a dense MLP width (every layer has experts)."""
    return _common(_Config({**c.cfg, "intermediate_size": 1}, c.model_type, c.origin))


def _sliding(c: _Config, layers: int) -> dict[str, Any]:
    """Qwen2/Qwen3: a window only with use_sliding_window, on layers from max_window_layers on."""
    if not c.bool("use_sliding_window"):
        return {}
    window = c.int("sliding_window", nullable=True)
    if window is None:
        return {}
    start = c.int("max_window_layers")
    return dict(sliding_window=window, layer_types=[
        "sliding_attention" if i >= start else "full_attention" for i in range(layers)])


def _llama(c: _Config) -> dict[str, Any]:
    return dict(_common(c), hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                mlp_bias=c.bool("mlp_bias"))


def _mistral(c: _Config) -> dict[str, Any]:
    return dict(_common(c), hidden_act=c.str("hidden_act"),
                sliding_window=c.int("sliding_window", nullable=True))


def _mixtral(c: _Config) -> dict[str, Any]:
    return dict(_mistral(c), num_local_experts=c.int("num_local_experts"),
                num_experts_per_tok=c.int("num_experts_per_tok"))


def _qwen2(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    # Qwen2Attention: bias on q, k and v always, none on o (modeling_qwen2.py).
    return dict(kw, hidden_act=c.str("hidden_act"), qkv_bias=True, **_sliding(c, kw["num_hidden_layers"]))


def _qwen_moe_common(c: _Config) -> dict[str, Any]:
    mlp_only = c.int_list("mlp_only_layers")
    return dict(num_local_experts=c.int("num_experts"), num_experts_per_tok=c.int("num_experts_per_tok"),
                moe_intermediate_size=c.int("moe_intermediate_size"),
                decoder_sparse_step=c.int("decoder_sparse_step"), mlp_only_layers=tuple(mlp_only))


def _qwen2_moe(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    shared = c.int("shared_expert_intermediate_size")
    return dict(kw, hidden_act=c.str("hidden_act"), qkv_bias=c.bool("qkv_bias"),
                n_shared_experts=1 if shared else 0, shared_expert_intermediate_size=shared or None,
                shared_expert_gate=bool(shared), **_qwen_moe_common(c))


def _qwen3(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"), qk_norm=True,
                **_sliding(c, kw["num_hidden_layers"]))


def _qwen3_moe(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"), qk_norm=True,
                **_qwen_moe_common(c))


def _gemma(c: _Config) -> dict[str, Any]:
    return dict(_common(c), hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"))


def _gemma2(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    # Gemma 2 alternates local (sliding) and global layers, starting local (configuration_gemma2.py).
    types = c.str_list("layer_types") or [
        "sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(layers)]
    act = c.cfg.get("hidden_activation") or c.cfg.get("hidden_act") or c.defaults["hidden_activation"]
    # Gemma2DecoderLayer: input, post-attention, pre-feedforward and post-feedforward norms.
    return dict(kw, hidden_act=act, attention_bias=c.bool("attention_bias"), norms_per_layer=4,
                sliding_window=c.int("sliding_window", nullable=True), layer_types=list(types))


def _phi3(c: _Config) -> dict[str, Any]:
    # Phi-3 fuses q/k/v into qkv_proj and gate/up into gate_up_proj: same sizes as separate ones.
    return dict(_common(c), hidden_act=c.str("hidden_act"),
                sliding_window=c.int("sliding_window", nullable=True))


def _gpt2(c: _Config) -> dict[str, Any]:
    if c.bool("add_cross_attention"):
        raise UserError(f"{c.origin}: add_cross_attention=true (GPT-2 as a decoder of an "
                        "encoder-decoder) is not supported")
    d = c.int("n_embd")
    return dict(vocab_size=c.int("vocab_size"), hidden_size=d, num_hidden_layers=c.int("n_layer"),
                num_attention_heads=c.int("n_head"),
                intermediate_size=c.int("n_inner", nullable=True) or 4 * d,  # GPT2MLP: n_inner or 4·d
                gated_mlp=False, hidden_act=c.str("activation_function"), norm_type="layernorm",
                attention_bias=True, mlp_bias=True, tie_word_embeddings=c.bool("tie_word_embeddings"),
                position_embedding_type="learned", max_position_embeddings=c.int("n_positions"))


def _gpt_neox(c: _Config) -> dict[str, Any]:
    heads = c.int("num_attention_heads")
    # GPTNeoXMLP always has biases; attention biases follow attention_bias (modeling_gpt_neox.py).
    return dict(vocab_size=c.int("vocab_size"), hidden_size=c.int("hidden_size"),
                num_hidden_layers=c.int("num_hidden_layers"), num_attention_heads=heads,
                intermediate_size=c.int("intermediate_size"), gated_mlp=False, hidden_act=c.str("hidden_act"),
                norm_type="layernorm", attention_bias=c.bool("attention_bias"), mlp_bias=True,
                tie_word_embeddings=c.bool("tie_word_embeddings"),
                max_position_embeddings=c.int("max_position_embeddings"),
                parallel_attn=c.bool("use_parallel_residual"))


def _falcon(c: _Config) -> dict[str, Any]:
    d, heads = c.int("hidden_size"), c.int("num_attention_heads")
    new_arch, parallel = c.bool("new_decoder_architecture"), c.bool("parallel_attn")
    # FalconAttention's fused query_key_value: (heads + 2·num_kv_heads)·head_dim in the new
    # (40B/180B) layout, d + 2·head_dim with multi_query (7B), else 3·d.
    if new_arch:
        kv = c.int("num_kv_heads", nullable=True) or heads
    elif c.bool("multi_query"):
        kv = 1
    else:
        kv = heads
    # FalconDecoderLayer: two norms unless parallel; in parallel, ln_attn + ln_mlp when
    # num_ln_in_parallel_attn is 2 (the default for the new layout), else one shared norm.
    n_ln = c.int("num_ln_in_parallel_attn", nullable=True) or (2 if new_arch else 1)
    norms = 2 if not parallel else (2 if n_ln == 2 else 1)
    bias = c.bool("bias")
    return dict(vocab_size=c.int("vocab_size"), hidden_size=d, num_hidden_layers=c.int("num_hidden_layers"),
                num_attention_heads=heads, num_key_value_heads=kv,
                intermediate_size=c.int("ffn_hidden_size", nullable=True) or 4 * d,
                gated_mlp=False, hidden_act=c.str("activation"), norm_type="layernorm",
                attention_bias=bias, mlp_bias=bias, tie_word_embeddings=c.bool("tie_word_embeddings"),
                position_embedding_type="alibi" if c.bool("alibi") else "rope",
                max_position_embeddings=c.int("max_position_embeddings"), parallel_attn=parallel,
                norms_per_layer=norms)


def _opt(c: _Config) -> dict[str, Any]:
    if not c.bool("layer_norm_elementwise_affine"):
        raise UserError(f"{c.origin}: layer_norm_elementwise_affine=false (norms without weights) "
                        "is not supported")
    d = c.int("hidden_size")
    proj = c.int("word_embed_proj_dim", nullable=True) or d
    bias = c.bool("enable_bias")
    # OPTDecoder keeps a final norm only for pre-LN models (do_layer_norm_before, as all but
    # OPT-350m) that do not set _remove_final_layer_norm; positions get 2 extra rows.
    final = c.bool("do_layer_norm_before") and not c.bool("_remove_final_layer_norm")
    return dict(vocab_size=c.int("vocab_size"), hidden_size=d, num_hidden_layers=c.int("num_hidden_layers"),
                num_attention_heads=c.int("num_attention_heads"), intermediate_size=c.int("ffn_dim"),
                gated_mlp=False, hidden_act=c.str("activation_function"), norm_type="layernorm",
                attention_bias=bias, mlp_bias=bias, tie_word_embeddings=c.bool("tie_word_embeddings"),
                position_embedding_type="learned", max_position_embeddings=c.int("max_position_embeddings"),
                position_embedding_offset=2, word_embed_proj_dim=proj if proj != d else None,
                final_norm=final)


def _deepseek_v3(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    kw.pop("head_dim")  # MLA: head sizes come from the rope/nope/v dims
    # MLA has no separate K/V heads to size anything; transformers' default of 128 would only
    # clash with a config of fewer query heads, so an absent value means "as many as heads".
    if "num_key_value_heads" not in c.cfg:
        kw["num_key_value_heads"] = kw["num_attention_heads"]
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                num_local_experts=c.int("n_routed_experts"), num_experts_per_tok=c.int("num_experts_per_tok"),
                moe_intermediate_size=c.int("moe_intermediate_size"),
                n_shared_experts=c.int("n_shared_experts", nullable=True) or 0,
                first_k_dense_replace=c.int("first_k_dense_replace", nullable=True) or 0,
                q_lora_rank=c.int("q_lora_rank", nullable=True), kv_lora_rank=c.int("kv_lora_rank"),
                qk_rope_head_dim=c.int("qk_rope_head_dim"), qk_nope_head_dim=c.int("qk_nope_head_dim"),
                v_head_dim=c.int("v_head_dim"))


def _bert(c: _Config) -> dict[str, Any]:
    if c.str("position_embedding_type") != "absolute":
        raise UserError(f"{c.origin}: BERT position_embedding_type "
                        f"{c.get('position_embedding_type')!r} is not supported (only 'absolute')")
    if c.bool("add_cross_attention") or c.bool("is_decoder"):
        raise UserError(f"{c.origin}: BERT as a decoder (is_decoder / add_cross_attention) is not supported")
    return dict(vocab_size=c.int("vocab_size"), hidden_size=c.int("hidden_size"),
                num_hidden_layers=c.int("num_hidden_layers"), num_attention_heads=c.int("num_attention_heads"),
                intermediate_size=c.int("intermediate_size"), gated_mlp=False, hidden_act=c.str("hidden_act"),
                norm_type="layernorm", attention_bias=True, mlp_bias=True, tie_word_embeddings=False,
                position_embedding_type="learned", max_position_embeddings=c.int("max_position_embeddings"),
                type_vocab_size=c.int("type_vocab_size"), embedding_norm=True, pooler=True, is_decoder=False,
                final_norm=False)  # post-LN: the last layer's own norm is the last one


def _t5(c: _Config) -> dict[str, Any]:
    proj = c.str("feed_forward_proj")
    # T5Config: "gated-gelu" (v1.1, Flan) -> wi_0, wi_1, wo; "relu" (original T5) -> wi, wo.
    gated = proj.startswith("gated-")
    act = proj.split("-")[-1]
    layers = c.int("num_layers")
    return dict(vocab_size=c.int("vocab_size"), hidden_size=c.int("d_model"), num_hidden_layers=layers,
                num_attention_heads=c.int("num_heads"), head_dim=c.int("d_kv"), intermediate_size=c.int("d_ff"),
                gated_mlp=gated, hidden_act="gelu_new" if proj == "gated-gelu" else act,
                norm_type="rmsnorm",  # T5LayerNorm has a weight and no bias or mean
                tie_word_embeddings=True,  # T5Config in transformers 5 ties regardless (module docstring)
                position_embedding_type="relative",
                relative_attention_num_buckets=c.int("relative_attention_num_buckets"),
                max_position_embeddings=c.int("n_positions") if "n_positions" in c.cfg else 512,
                is_encoder_decoder=True,
                num_decoder_layers=c.int("num_decoder_layers", nullable=True) or layers)


# ---------------------------------------------------------------- 2025 families

def _layer_types(c: _Config, layers: int, default: list[str],
                 kinds: tuple[str, ...] = ("full_attention", "sliding_attention")) -> dict[str, Any]:
    """`layer_types` as the file gives it, else the family's default pattern; only the attention
    kinds paramtui models are accepted (one line naming the key otherwise)."""
    types = c.get("layer_types")
    if types is None:
        types = default
    if not isinstance(types, list) or len(types) != layers or not all(isinstance(t, str) for t in types):
        raise UserError(f"{c.origin}: layer_types must list one layer type (a string) per layer ({layers})")
    unknown = sorted({t for t in types if t not in kinds})
    if unknown:
        raise UserError(f"{c.origin}: layer_types: {unknown[0]!r} layers are not supported for "
                        f"model_type {c.model_type!r}")
    return dict(layer_types=list(types))


def _every_kth_full(layers: int, k: int) -> list[str]:
    """Sliding layers with every k-th one full (OLMo 3, EXAONE 4, Gemma 3: k = 4, 4, 6)."""
    return ["sliding_attention" if (i + 1) % k else "full_attention" for i in range(layers)]


def _olmo2(c: _Config) -> dict[str, Any]:
    # Olmo2DecoderLayer: norms after attention and after the MLP only (2); q_norm and k_norm
    # over the whole projections (heads·head_dim, kv_heads·head_dim).
    return dict(_common(c), hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                qk_norm=True, qk_norm_scope="all_heads")


def _olmo3(c: _Config) -> dict[str, Any]:
    kw = _olmo2(c)
    layers = kw["num_hidden_layers"]
    return dict(kw, sliding_window=c.int("sliding_window", nullable=True),
                **_layer_types(c, layers, _every_kth_full(layers, 4)))


def _smollm3(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    # SmolLM3Config: a layer slides only with use_sliding_window, a window, and no RoPE there.
    window = c.int("sliding_window", nullable=True)
    no_rope = c.get("no_rope_layers")
    if no_rope is None:
        interval = c.int("no_rope_layer_interval")
        no_rope = [int((i + 1) % interval != 0) for i in range(layers)]
    slides = c.bool("use_sliding_window") and window is not None
    default = ["sliding_attention" if slides and not no_rope[i] else "full_attention" for i in range(layers)]
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                mlp_bias=c.bool("mlp_bias"), sliding_window=window, **_layer_types(c, layers, default))


def _glm4(c: _Config) -> dict[str, Any]:
    # Glm4Attention: bias on q/k/v (attention_bias), none on o; Glm4DecoderLayer: four norms
    # (input, post-attention, post-self-attention, post-MLP); gate_up_proj fused, same size.
    return dict(_common(c), hidden_act=c.str("hidden_act"), qkv_bias=c.bool("attention_bias"), norms_per_layer=4)


def _exaone4(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    window = c.int("sliding_window", nullable=True)
    pattern = c.get("sliding_window_pattern")
    if "layer_types" not in c.cfg and window is not None and (isinstance(pattern, bool) or not isinstance(pattern, int)):
        raise UserError(f"{c.origin}: sliding_window_pattern {pattern!r} is not supported (a whole number, "
                        "or give layer_types)")
    default = _every_kth_full(layers, pattern) if window is not None and pattern else ["full_attention"] * layers
    # Exaone4DecoderLayer: post-attention and post-feedforward norms; q/k norms per head.
    return dict(kw, hidden_act=c.str("hidden_act"), qk_norm=True, sliding_window=window,
                **_layer_types(c, layers, default))


def _seed_oss(c: _Config) -> dict[str, Any]:
    # SeedOssAttention: q/k/v bias from attention_bias, o bias from attention_out_bias.
    return dict(_common(c), hidden_act=c.str("hidden_act"), qkv_bias=c.bool("attention_bias"),
                attention_out_bias=c.bool("attention_out_bias"), mlp_bias=c.bool("mlp_bias"))


def _apertus(c: _Config) -> dict[str, Any]:
    # ApertusMLP: up and down only (no gate); xIELU has two learned scalars per MLP;
    # q/k norms per head.
    return dict(_common(c), hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                gated_mlp=False, qk_norm=True)


def _ministral3(c: _Config) -> dict[str, Any]:
    return dict(_common(c), hidden_act=c.str("hidden_act"), sliding_window=c.int("sliding_window", nullable=True))


def _olmoe(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    heads = kw["num_attention_heads"]
    if kw["head_dim"] not in (None, kw["hidden_size"] // heads):
        # OlmoeAttention sizes q_norm by hidden_size whatever head_dim says: no working model.
        raise UserError(f"{c.origin}: head_dim {kw['head_dim']} other than hidden_size / "
                        f"num_attention_heads is not supported for model_type 'olmoe'")
    # Every layer is MoE, experts as wide as intermediate_size; q_norm (hidden) and k_norm
    # (kv_heads·head_dim) over the whole projections.
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"), qk_norm=True,
                qk_norm_scope="all_heads", num_local_experts=c.int("num_experts"),
                num_experts_per_tok=c.int("num_experts_per_tok"))


def _ernie4_5_moe(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    start, interval = c.int("moe_layer_start_index"), c.int("moe_layer_interval")
    end = c.int("moe_layer_end_index")
    end = layers - 1 if end == -1 else end
    bias = c.bool("use_bias")
    shared = c.int("moe_num_shared_experts")
    # Ernie4_5_MoeDecoderLayer: experts where (i+1) % interval == 0 and start <= i <= end; the
    # router keeps a per-expert e_score_correction_bias parameter; use_bias puts biases on
    # attention, dense and shared MLPs and the LM head (never on the fused routed experts).
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=bias, mlp_bias=bias, lm_head_bias=bias,
                num_local_experts=c.int("moe_num_experts"), num_experts_per_tok=c.int("moe_k"),
                moe_intermediate_size=c.int("moe_intermediate_size"), n_shared_experts=shared,
                first_k_dense_replace=min(start, layers), decoder_sparse_step=interval,
                mlp_only_layers=tuple(range(max(end + 1, 0), layers)), router_bias=True)


def _glm4_moe(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    # Glm4MoeAttention: head_dim = config.head_dim or hidden_size // heads, rounded down
    # (the class default, 4096 wide with 96 heads, gives 42).
    kw["head_dim"] = kw["head_dim"] or kw["hidden_size"] // kw["num_attention_heads"]
    # Glm4MoeAttention: q/k/v bias from attention_bias, none on o; per-head q/k norms with
    # use_qk_norm. Shared experts: n_shared · moe_intermediate_size wide; the router's
    # correction bias is a buffer.
    return dict(kw, hidden_act=c.str("hidden_act"), qkv_bias=c.bool("attention_bias"),
                qk_norm=c.bool("use_qk_norm"), num_local_experts=c.int("n_routed_experts"),
                num_experts_per_tok=c.int("num_experts_per_tok"),
                moe_intermediate_size=c.int("moe_intermediate_size"),
                n_shared_experts=c.int("n_shared_experts"),
                first_k_dense_replace=c.int("first_k_dense_replace"))


def _gpt_oss(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    # GptOssAttention: biases on q/k/v/o and one sink logit per head; GptOssMLP: a router with
    # bias and experts (intermediate_size wide) with biases, every layer.
    default = ["sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(layers)]
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                attention_sinks=True, sliding_window=c.int("sliding_window", nullable=True),
                num_local_experts=c.int("num_local_experts"), num_experts_per_tok=c.int("num_experts_per_tok"),
                expert_bias=True, router_bias=True, **_layer_types(c, layers, default))


def _minimax_m2(c: _Config) -> dict[str, Any]:
    # MiniMaxM2Attention: q_norm and k_norm over the whole projections; every layer MoE with
    # experts intermediate_size wide; the correction bias is a buffer.
    return dict(_common(c), hidden_act=c.str("hidden_act"), qk_norm=True, qk_norm_scope="all_heads",
                num_local_experts=c.int("num_local_experts"), num_experts_per_tok=c.int("num_experts_per_tok"))


def _deepseek_v2(c: _Config) -> dict[str, Any]:
    kw = _deepseek_v3(c)
    kw["mlp_bias"] = c.bool("mlp_bias")
    return kw


def _gemma3_text(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    if kw["hidden_size"] % kw["num_attention_heads"]:
        # Gemma3TextConfig.validate_architecture refuses it, whatever head_dim says.
        raise UserError(f"{c.origin}: hidden_size must be a multiple of num_attention_heads for model_type "
                        "'gemma3_text'")
    if c.bool("use_bidirectional_attention"):
        raise UserError(f"{c.origin}: use_bidirectional_attention=true (an encoder) is not supported")
    pattern = c.int("sliding_window_pattern")
    act = c.cfg.get("hidden_activation") or c.cfg.get("hidden_act") or c.defaults["hidden_activation"]
    # Gemma3DecoderLayer: Gemma 2's four norms plus per-head q/k norms; every 6th layer full.
    return dict(kw, hidden_act=act, attention_bias=c.bool("attention_bias"), norms_per_layer=4, qk_norm=True,
                sliding_window=c.int("sliding_window", nullable=True),
                **_layer_types(c, layers, _every_kth_full(layers, pattern)))


def _gated_deltanet_hybrid(c: _Config) -> dict[str, Any]:
    """Qwen3-Next / Qwen3.5: Gated DeltaNet layers with every full_attention_interval-th
    layer full attention (q_proj twice as wide for the output gate, per-head q/k norms,
    biases on q/k/v/o with attention_bias)."""
    kw = _common(c) if "intermediate_size" in c.cfg or "intermediate_size" in c.defaults else \
        _common_without_ffn(c)
    layers = kw["num_hidden_layers"]
    interval = c.int("full_attention_interval")
    default = ["linear_attention" if (i + 1) % interval else "full_attention" for i in range(layers)]
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"), qk_norm=True,
                attention_output_gate=True, linear_num_key_heads=c.int("linear_num_key_heads"),
                linear_num_value_heads=c.int("linear_num_value_heads"),
                linear_key_head_dim=c.int("linear_key_head_dim"), linear_value_head_dim=c.int("linear_value_head_dim"),
                linear_conv_kernel_dim=c.int("linear_conv_kernel_dim"),
                **_layer_types(c, layers, default, kinds=("full_attention", "linear_attention")))


def _shared_gated_experts(c: _Config) -> dict[str, Any]:
    """Qwen3-Next / Qwen3.5-MoE's sparse block: routed experts plus one shared expert with a
    sigmoid gate."""
    return dict(num_local_experts=c.int("num_experts"), num_experts_per_tok=c.int("num_experts_per_tok"),
                moe_intermediate_size=c.int("moe_intermediate_size"), n_shared_experts=1,
                shared_expert_intermediate_size=c.int("shared_expert_intermediate_size"), shared_expert_gate=True)


def _qwen3_next(c: _Config) -> dict[str, Any]:
    # Experts where (i+1) % decoder_sparse_step == 0 outside mlp_only_layers, if num_experts > 0.
    moe = dict(_shared_gated_experts(c), decoder_sparse_step=c.int("decoder_sparse_step"),
               mlp_only_layers=tuple(c.int_list("mlp_only_layers"))) if c.int("num_experts") else {}
    return dict(_gated_deltanet_hybrid(c), **moe)


def _qwen3_5_text(c: _Config) -> dict[str, Any]:
    return _gated_deltanet_hybrid(c)  # a dense MLP in every layer


def _qwen3_5_moe_text(c: _Config) -> dict[str, Any]:
    kw = _gated_deltanet_hybrid(c)
    # Every layer is sparse; there is no dense MLP, so intermediate_size is unused.
    return dict(kw, intermediate_size=c.int("moe_intermediate_size"), **_shared_gated_experts(c))


def _mlp_layer_types(c: _Config, layers: int, dense_first: int) -> dict[str, Any]:
    """GLM-4.7-Flash / DeepSeek-V3.2's `mlp_layer_types` ("dense" / "sparse" per layer; by
    default the first `dense_first` dense), as paramtui's dense-layer list."""
    types = c.get("mlp_layer_types")
    if types is None:
        types = ["dense"] * min(dense_first, layers) + ["sparse"] * max(layers - dense_first, 0)
    if not isinstance(types, list) or len(types) != layers or any(t not in ("dense", "sparse") for t in types):
        raise UserError(f"{c.origin}: mlp_layer_types must list 'dense' or 'sparse' for each of the {layers} layers")
    return dict(first_k_dense_replace=0, mlp_only_layers=tuple(i for i, t in enumerate(types) if t == "dense"))


def _latent_moe(c: _Config, dense_first: int) -> dict[str, Any]:
    """The MLA + DeepSeek-style MoE keys GLM-4.7-Flash and DeepSeek-V3.2 share."""
    kw = _common(c)
    kw.pop("head_dim")
    if "num_key_value_heads" not in c.cfg:
        kw["num_key_value_heads"] = kw["num_attention_heads"]
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                num_local_experts=c.int("n_routed_experts"), num_experts_per_tok=c.int("num_experts_per_tok"),
                moe_intermediate_size=c.int("moe_intermediate_size"), n_shared_experts=c.int("n_shared_experts"),
                q_lora_rank=c.int("q_lora_rank", nullable=True), kv_lora_rank=c.int("kv_lora_rank"),
                qk_rope_head_dim=c.int("qk_rope_head_dim"), qk_nope_head_dim=c.int("qk_nope_head_dim"),
                v_head_dim=c.int("v_head_dim"), **_mlp_layer_types(c, kw["num_hidden_layers"], dense_first))


def _glm4_moe_lite(c: _Config) -> dict[str, Any]:
    # Glm4MoeLiteDecoderLayer: DeepSeek-V3's MLA and MoE (shared experts n_shared ·
    # moe_intermediate_size wide; the router's correction bias is a buffer).
    return _latent_moe(c, 1)


def _deepseek_v32(c: _Config) -> dict[str, Any]:
    kw = _latent_moe(c, c.int("first_k_dense_replace"))
    if kw["q_lora_rank"] is None:
        raise UserError(f"{c.origin}: q_lora_rank null is not supported for model_type 'deepseek_v32' "
                        "(its indexer reads the q_lora projection)")
    # DeepseekV32Attention: MLA plus a DeepseekV32Indexer on every layer.
    return dict(kw, mlp_bias=c.bool("mlp_bias"), index_n_heads=c.int("index_n_heads"),
                index_head_dim=c.int("index_head_dim"), index_topk=c.int("index_topk"))


def _llama4_text(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    step = c.int("interleave_moe_layer_step")
    moe_layers = c.get("moe_layers")
    if moe_layers is None:
        moe_layers = list(range(step - 1, layers, step))
    if not isinstance(moe_layers, list) or any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < layers
                                              for i in moe_layers):
        raise UserError(f"{c.origin}: moe_layers must list layer numbers between 0 and {layers - 1}")
    dense = [i for i in range(layers) if i not in set(moe_layers)]
    if dense and "intermediate_size_mlp" not in c.cfg:
        raise UserError(f"{c.origin}: missing required key 'intermediate_size_mlp' for model_type 'llama4_text' "
                        "(the width of its dense layers)")
    interval = c.int("no_rope_layer_interval")
    no_rope = c.get("no_rope_layers") or [int((i + 1) % interval != 0) for i in range(layers)]
    chunk = c.int("attention_chunk_size", nullable=True)
    default = ["chunked_attention" if uses_rope and chunk is not None else "full_attention" for uses_rope in no_rope]
    expert_width = kw["intermediate_size"]
    # Llama4TextDecoderLayer: experts (intermediate_size wide) plus one shared expert as wide,
    # on the moe_layers; the others a dense MLP intermediate_size_mlp wide. Its q/k norm has
    # no weight; RoPE layers attend in chunks of attention_chunk_size.
    return dict(kw, intermediate_size=c.int("intermediate_size_mlp"), hidden_act=c.str("hidden_act"),
                attention_bias=c.bool("attention_bias"), num_local_experts=c.int("num_local_experts"),
                num_experts_per_tok=c.int("num_experts_per_tok"), moe_intermediate_size=expert_width,
                n_shared_experts=1, shared_expert_intermediate_size=expert_width, mlp_only_layers=tuple(dense),
                attention_chunk_size=chunk,
                **_layer_types(c, layers, default, kinds=("full_attention", "chunked_attention")))


def _gemma4_full_layer_shape(c: _Config, types: list[str], head_dim: int, kv_heads: int) -> tuple[int, int | None]:
    """Gemma 4's full-attention layers' (head_dim, KV heads or None for the global count).

    Gemma4TextConfig builds per_layer_config from global_head_dim (and, with attention_k_eq_v,
    num_global_key_value_heads) for its full-attention layers; a saved config spells it out
    per layer. paramtui models one shape for every full-attention layer and the global one for
    the sliding layers, so a per_layer_config that differs from that is refused."""
    per_layer = c.get("per_layer_config")
    if per_layer is None:
        kv = c.int("num_global_key_value_heads", nullable=True) if c.bool("attention_k_eq_v") else None
        return c.int("global_head_dim"), kv
    if not isinstance(per_layer, dict):
        raise UserError(f"{c.origin}: per_layer_config must be a JSON object of layer numbers")
    shapes: dict[int, tuple[int, int]] = {}
    for key, overrides in per_layer.items():
        layer = int(key) if isinstance(key, str) and key.isdigit() else key
        if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < len(types):
            raise UserError(f"{c.origin}: per_layer_config: {key!r} is not a layer number below {len(types)}")
        if not isinstance(overrides, dict) or set(overrides) - {"head_dim", "num_key_value_heads"}:
            raise UserError(f"{c.origin}: per_layer_config[{key!r}]: only head_dim and num_key_value_heads "
                            "overrides are supported")
        values = [overrides.get(k, default) for k, default in (("head_dim", head_dim), ("num_key_value_heads", kv_heads))]
        if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
            raise UserError(f"{c.origin}: per_layer_config[{key!r}]: head_dim and num_key_value_heads must be "
                            "whole numbers")
        shapes[layer] = (values[0], values[1])
    full = {shapes.get(i, (head_dim, kv_heads)) for i, t in enumerate(types) if t == "full_attention"}
    sliding = {shapes.get(i, (head_dim, kv_heads)) for i, t in enumerate(types) if t != "full_attention"}
    if len(full) > 1 or sliding - {(head_dim, kv_heads)}:
        raise UserError(f"{c.origin}: per_layer_config: only one head_dim / num_key_value_heads for all "
                        "full-attention layers (and none for the sliding ones) is supported")
    full_head_dim, full_kv = full.pop() if full else (head_dim, kv_heads)
    return full_head_dim, full_kv


def _gemma4_text(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    if c.get("use_bidirectional_attention") == "all":
        raise UserError(f"{c.origin}: use_bidirectional_attention='all' (an encoder) is not supported")
    types = c.get("layer_types")
    if types is None:
        types = _every_kth_full(layers, 6)
    if isinstance(types, list) and types:
        types = types[:-1] + ["full_attention"]  # Gemma4TextConfig forces the last layer full
    types = _layer_types(_Config({**c.cfg, "layer_types": types}, c.model_type, c.origin), layers, types)["layer_types"]
    shared = c.int("num_kv_shared_layers")
    if not 0 <= shared < layers:
        raise UserError(f"{c.origin}: num_kv_shared_layers must be between 0 and num_hidden_layers − 1, "
                        f"not {shared}")
    if shared and set(types[:layers - shared]) != set(types):
        # Gemma4TextConfig.kv_sharing_modes: each kind a shared layer reads needs an earlier layer.
        raise UserError(f"{c.origin}: num_kv_shared_layers: a shared layer's kind has no earlier layer "
                        "computing its keys and values")
    full_head_dim, full_kv = _gemma4_full_layer_shape(c, types, kw["head_dim"], kw["num_key_value_heads"])
    ple = c.int("hidden_size_per_layer_input", nullable=True) or 0
    moe = {}
    if c.bool("enable_moe_block"):
        for key in ("num_experts", "top_k_experts", "moe_intermediate_size"):
            if c.get(key) is None:
                raise UserError(f"{c.origin}: enable_moe_block needs {key}")
        moe = dict(num_local_experts=c.int("num_experts"), num_experts_per_tok=c.int("top_k_experts"),
                   moe_intermediate_size=c.int("moe_intermediate_size"), experts_beside_mlp=True)
    act = c.cfg.get("hidden_activation") or c.cfg.get("hidden_act") or c.defaults["hidden_activation"]
    # Gemma4TextDecoderLayer: Gemma 3's four norms, one more after the per-layer input and three
    # more around the experts; per-head q/k norms (v_norm has no weight); full-attention layers
    # per full_head_dim/full_kv; the last num_kv_shared_layers reuse earlier K/V and, with
    # use_double_wide_mlp, have an MLP twice as wide.
    return dict(kw, hidden_act=act, attention_bias=c.bool("attention_bias"),
                norms_per_layer=4 + (1 if ple else 0) + (3 if moe else 0), qk_norm=True,
                sliding_window=c.int("sliding_window"), layer_types=types,
                full_attention_head_dim=full_head_dim, full_attention_kv_heads=full_kv,
                full_attention_values_from_keys=c.bool("attention_k_eq_v"), kv_shared_layers=shared,
                kv_shared_mlp_factor=2 if c.bool("use_double_wide_mlp") else 1, per_layer_input_size=ple,
                per_layer_vocab_size=c.int("vocab_size_per_layer_input") if ple else 0, **moe)


_V4_RATIO_TYPES = {0: "sliding_attention", 4: "compressed_sparse_attention", 128: "heavily_compressed_attention"}


def _deepseek_v4(c: _Config) -> dict[str, Any]:
    layers, heads = c.int("num_hidden_layers"), c.int("num_attention_heads")
    # DeepseekV4Config.__post_init__: compress_rates (legacy compress_rate_csa / _hca fold in);
    # layer_types, else legacy compress_ratios (0 / 4 / 128 per layer), else 2 HCA layers then
    # CSA and HCA alternating; mlp_layer_types, else num_hash_layers (3) hash-routed layers
    # then top-k routed ones (both route num_experts_per_tok experts through a d × experts router).
    rates = c.get("compress_rates") or {}
    if not isinstance(rates, dict):
        raise UserError(f"{c.origin}: compress_rates must be a JSON object")
    csa = rates.get("compressed_sparse_attention", c.get("compress_rate_csa") or 4)
    hca = rates.get("heavily_compressed_attention", c.get("compress_rate_hca") or 128)
    for key, value in (("compressed_sparse_attention", csa), ("heavily_compressed_attention", hca)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UserError(f"{c.origin}: compress_rates.{key} must be a whole number of tokens, not {_shown(value)}")
    types = c.get("layer_types")
    ratios = c.get("compress_ratios")
    if types is None and ratios is not None:
        if not isinstance(ratios, list) or any(r not in _V4_RATIO_TYPES for r in ratios):
            raise UserError(f"{c.origin}: compress_ratios must list 0, 4 or 128 per layer")
        types = [_V4_RATIO_TYPES[r] for r in ratios]
    if types is None:
        types = ["heavily_compressed_attention"] * min(layers, 2) + [
            "compressed_sparse_attention" if i % 2 else "heavily_compressed_attention" for i in range(max(layers - 2, 0))]
    if isinstance(types, list):
        types = types[:layers]
    types = _layer_types(_Config({**c.cfg, "layer_types": types}, c.model_type, c.origin), layers, types,
                         kinds=("sliding_attention", "compressed_sparse_attention",
                                "heavily_compressed_attention"))["layer_types"]
    mlp_types = c.get("mlp_layer_types")
    if mlp_types is None:
        hashed = c.get("num_hash_layers")
        hashed = 3 if hashed is None else hashed
        mlp_types = ["hash_moe"] * min(layers, hashed) + ["moe"] * max(0, layers - hashed)
    if not isinstance(mlp_types, list) or any(t not in ("hash_moe", "moe") for t in mlp_types[:layers]) \
            or len(mlp_types) < layers:
        raise UserError(f"{c.origin}: mlp_layer_types must list 'hash_moe' or 'moe' for each of the {layers} layers")
    if c.int("hc_mult") < 1:
        raise UserError(f"{c.origin}: hc_mult must be at least 1")
    width = c.int("moe_intermediate_size")
    # DeepseekV4DecoderLayer: attention and a sparse MoE block (experts plus one shared MLP
    # moe_intermediate_size wide, whatever n_shared_experts says), each inside a hyper-connection;
    # input and post-attention norms. Its one KV head (K = V) is head_dim wide.
    return dict(vocab_size=c.int("vocab_size"), hidden_size=c.int("hidden_size"), num_hidden_layers=layers,
                num_attention_heads=heads, num_key_value_heads=1, head_dim=c.int("head_dim"),
                intermediate_size=width, hidden_act=c.str("hidden_act"),
                tie_word_embeddings=c.bool("tie_word_embeddings"),
                max_position_embeddings=c.int("max_position_embeddings"), mlp_bias=c.bool("mlp_bias"),
                num_local_experts=c.int("n_routed_experts"), num_experts_per_tok=c.int("num_experts_per_tok"),
                moe_intermediate_size=width, n_shared_experts=1, shared_expert_intermediate_size=width,
                q_lora_rank=c.int("q_lora_rank"), sliding_window=c.int("sliding_window"), layer_types=types,
                o_groups=c.int("o_groups"), o_lora_rank=c.int("o_lora_rank"), compress_rate_csa=csa,
                compress_rate_hca=hca, index_n_heads=c.int("index_n_heads"),
                index_head_dim=c.int("index_head_dim"), index_topk=c.int("index_topk"),
                hyper_connections=c.int("hc_mult"))


def _lfm2(c: _Config) -> dict[str, Any]:
    # Lfm2Config reads tie_embedding over tie_word_embeddings and block_ff_dim over
    # intermediate_size when a file gives them.
    cfg = dict(c.cfg)
    if "tie_embedding" in cfg:
        cfg["tie_word_embeddings"] = cfg["tie_embedding"]
    if "block_ff_dim" in cfg:
        cfg["intermediate_size"] = cfg["block_ff_dim"]
    c = _Config(cfg, c.model_type, c.origin)
    kw = _common(c)
    layers = kw["num_hidden_layers"]
    # Lfm2MLP: with block_auto_adjust_ff_dim the width is int(2/3 of it), times the multiplier
    # rounded up to block_multiple_of when a multiplier is set.
    width = kw["intermediate_size"]
    if c.bool("block_auto_adjust_ff_dim"):
        width = int(2 * width / 3)
        multiplier = c.get("block_ffn_dim_multiplier")
        if multiplier is not None:
            if isinstance(multiplier, bool) or not isinstance(multiplier, (int, float)):
                raise UserError(f"{c.origin}: block_ffn_dim_multiplier must be a number, not {multiplier!r}")
            of = c.int("block_multiple_of")
            width = of * ((int(multiplier * width) + of - 1) // of)
    full = set(range(layers)) if c.get("full_attn_idxs") is None else set(c.int_list("full_attn_idxs"))
    default = ["full_attention" if i in full else "conv" for i in range(layers)]
    # Lfm2DecoderLayer: operator_norm and ffn_norm; per-head q/k norms; the model's one
    # embedding_norm is applied after the last layer (a final norm).
    return dict(kw, intermediate_size=width, hidden_act="silu", qk_norm=True,
                conv_kernel_size=c.int("conv_L_cache"), conv_bias=c.bool("conv_bias"),
                **_layer_types(c, layers, default, kinds=("full_attention", "conv")))


def _time_step_rank(c: _Config, hidden: int) -> int:
    rank = c.get("time_step_rank")
    if rank == "auto":
        return -(-hidden // 16)  # math.ceil(hidden_size / 16), as MambaConfig does
    return c.int("time_step_rank")


def _state_space_only(c: _Config, mixer: dict[str, Any]) -> dict[str, Any]:
    """A model of Mamba layers only: each layer a norm and a mixer, no MLP, no attention;
    the embedding is `backbone.embeddings` and norm_f the final norm."""
    d, layers = c.int("hidden_size"), c.int("num_hidden_layers")
    return dict(vocab_size=c.int("vocab_size"), hidden_size=d, num_hidden_layers=layers,
                num_attention_heads=1, head_dim=d, intermediate_size=mixer["mamba_intermediate_size"],
                hidden_act="silu", tie_word_embeddings=c.bool("tie_word_embeddings"), norms_per_layer=1,
                position_embedding_type="none", max_position_embeddings=limits.POSITIONS,
                layer_types=["mamba"] * layers, no_mlp_layer_types=("mamba",), **mixer)


def _mamba(c: _Config) -> dict[str, Any]:
    d = c.int("hidden_size")
    expand = c.get("expand")
    if isinstance(expand, bool) or not isinstance(expand, (int, float)):
        raise UserError(f"{c.origin}: expand must be a number, not {expand!r}")
    return _state_space_only(c, dict(
        mamba_version=1, mamba_intermediate_size=int(expand * d), ssm_state_size=c.int("state_size"),
        mamba_conv_kernel=c.int("conv_kernel"), mamba_conv_bias=c.bool("use_conv_bias"),
        mamba_proj_bias=c.bool("use_bias"), mamba_dt_rank=_time_step_rank(c, d)))


def _mamba2(c: _Config) -> dict[str, Any]:
    d = c.int("hidden_size")
    expand = c.get("expand")
    if isinstance(expand, bool) or not isinstance(expand, (int, float)):
        raise UserError(f"{c.origin}: expand must be a number, not {expand!r}")
    heads, head_dim = c.int("num_heads"), c.int("head_dim")
    inner = int(expand * d)
    if inner != heads * head_dim:
        # Mamba2Config.validate_architecture refuses it.
        raise UserError(f"{c.origin}: hidden_size · expand ({inner}) must equal num_heads · head_dim "
                        f"({heads * head_dim})")
    return _state_space_only(c, dict(
        mamba_version=2, mamba_intermediate_size=inner, ssm_state_size=c.int("state_size"),
        mamba_conv_kernel=c.int("conv_kernel"), mamba_conv_bias=c.bool("use_conv_bias"),
        mamba_proj_bias=c.bool("use_bias"), mamba_num_heads=heads, mamba_head_dim=head_dim,
        mamba_n_groups=c.int("n_groups")))


_NEMOTRON_BLOCKS = {"M": "linear_attention", "E": "moe", "*": "full_attention", "-": "mlp"}
# NemotronH's block names and paramtui's layer kinds ("linear_attention" is its Mamba 2 mixer).
_NEMOTRON_KINDS = {"linear_attention": "mamba", "full_attention": "full_attention", "mlp": "mlp", "moe": "moe",
                   # transformers' legacy names (configuration_utils._LEGACY_LAYER_TYPE_REMAP)
                   "mamba": "mamba", "attention": "full_attention"}


def _nemotron_h(c: _Config) -> dict[str, Any]:
    blocks = c.cfg.get("layers_block_type", c.cfg.get("layer_types"))
    if blocks is None and "hybrid_override_pattern" in c.cfg:
        pattern = c.str("hybrid_override_pattern")
        if any(ch not in _NEMOTRON_BLOCKS for ch in pattern):
            raise UserError(f"{c.origin}: hybrid_override_pattern may hold only M, E, * and - (got {pattern!r})")
        blocks = [_NEMOTRON_BLOCKS[ch] for ch in pattern]
    if blocks is None:
        blocks = ["linear_attention", "moe", "full_attention", "mlp"]  # NemotronHConfig's default
    if not isinstance(blocks, list) or not blocks or any(not isinstance(b, str) or b not in _NEMOTRON_KINDS
                                                         for b in blocks):
        raise UserError(f"{c.origin}: layers_block_type must list linear_attention, full_attention, mlp or moe "
                        "for each layer")
    if c.get("moe_latent_size") is not None:
        raise UserError(f"{c.origin}: moe_latent_size (latent expert projections) is not supported")
    kinds = [_NEMOTRON_KINDS[b] for b in blocks]
    layers = len(kinds)
    heads = c.int("num_attention_heads")
    mamba_heads, mamba_head_dim = c.int("mamba_num_heads"), c.int("mamba_head_dim")
    moe = {}
    if "moe" in kinds:
        shared = c.int("moe_shared_expert_intermediate_size")
        moe = dict(num_local_experts=c.int("n_routed_experts"), num_experts_per_tok=c.int("num_experts_per_tok"),
                   moe_intermediate_size=c.int("moe_intermediate_size"), n_shared_experts=1,
                   shared_expert_intermediate_size=shared,
                   mlp_only_layers=tuple(i for i, k in enumerate(kinds) if k != "moe"))
    # NemotronHBlock: one norm and one mixer per layer: Mamba 2 (inner = mamba heads · head dim),
    # attention (no biases), a plain MLP (up, down; relu2), or experts (plain, no biases) with a
    # shared expert always present; the router's correction bias is a buffer.
    return dict(vocab_size=c.int("vocab_size"), hidden_size=c.int("hidden_size"), num_hidden_layers=layers,
                num_attention_heads=heads,
                num_key_value_heads=c.int("num_key_value_heads", nullable=True) or heads,
                head_dim=c.int("head_dim", nullable=True), intermediate_size=c.int("intermediate_size"),
                gated_mlp=False, hidden_act=c.str("mlp_hidden_act"), mlp_bias=c.bool("mlp_bias"),
                # NemotronHForCausalLM declares no tied weights: its head is its own whatever
                # tie_word_embeddings says (checked with transformers 5.25).
                attention_bias=c.bool("attention_bias"), tie_word_embeddings=False,
                max_position_embeddings=c.int("max_position_embeddings"), norms_per_layer=1,
                layer_types=kinds, no_mlp_layer_types=("mamba", "full_attention"),
                mamba_version=2, mamba_intermediate_size=mamba_heads * mamba_head_dim,
                ssm_state_size=c.int("ssm_state_size"), mamba_conv_kernel=c.int("conv_kernel"),
                mamba_conv_bias=c.bool("use_conv_bias"), mamba_proj_bias=c.bool("use_bias"),
                mamba_num_heads=mamba_heads, mamba_head_dim=mamba_head_dim, mamba_n_groups=c.int("n_groups"), **moe)


def _granitemoehybrid(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers, d = kw["num_hidden_layers"], kw["hidden_size"]
    blocks = c.get("layer_types")
    if blocks is None:
        blocks = ["linear_attention"] * layers
    kinds = {"linear_attention": "mamba", "mamba": "mamba", "full_attention": "full_attention",
             "attention": "full_attention"}
    if not isinstance(blocks, list) or len(blocks) != layers or any(not isinstance(b, str) or b not in kinds
                                                                    for b in blocks):
        raise UserError(f"{c.origin}: layer_types must list mamba (linear_attention) or attention "
                        f"(full_attention) for each of the {layers} layers")
    expand, heads = c.int("mamba_expand"), c.int("mamba_n_heads")
    inner = expand * d
    head_dim = c.get("mamba_d_head")
    head_dim = inner // heads if head_dim == "auto" else c.int("mamba_d_head")
    if inner % heads or head_dim * heads != inner:
        # GraniteMoeHybridConfig.validate_architecture refuses it.
        raise UserError(f"{c.origin}: mamba_n_heads · mamba_d_head must equal mamba_expand · hidden_size ({inner})")
    shared = c.int("shared_intermediate_size")
    experts = c.int("num_local_experts", nullable=True) or 0
    # GraniteMoeHybridDecoderLayer: Mamba 2 or attention, then experts (intermediate_size wide,
    # router without bias) beside a gated shared MLP shared_intermediate_size wide; only the
    # shared MLP when there are no experts.
    channel = dict(num_local_experts=experts, num_experts_per_tok=c.int("num_experts_per_tok"),
                   moe_intermediate_size=kw["intermediate_size"], n_shared_experts=1,
                   shared_expert_intermediate_size=shared) if experts else dict(intermediate_size=shared)
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                layer_types=[kinds[b] for b in blocks], mamba_version=2, mamba_intermediate_size=inner,
                ssm_state_size=c.int("mamba_d_state"), mamba_conv_kernel=c.int("mamba_d_conv"),
                mamba_conv_bias=c.bool("mamba_conv_bias"), mamba_proj_bias=c.bool("mamba_proj_bias"),
                mamba_num_heads=heads, mamba_head_dim=head_dim, mamba_n_groups=c.int("mamba_n_groups"), **channel)


def _jamba(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    layers, d = kw["num_hidden_layers"], kw["hidden_size"]
    attn_period, attn_offset = c.int("attn_layer_period"), c.int("attn_layer_offset")
    exp_period, exp_offset = c.int("expert_layer_period"), c.int("expert_layer_offset")
    if attn_offset >= attn_period or exp_offset >= exp_period:
        # JambaConfig.validate_architecture refuses it.
        raise UserError(f"{c.origin}: attn_layer_offset / expert_layer_offset must be below their period")
    experts = c.int("num_experts")
    rank = c.get("mamba_dt_rank")
    rank = -(-d // 16) if rank == "auto" else c.int("mamba_dt_rank")
    moe = dict(num_local_experts=experts, num_experts_per_tok=c.int("num_experts_per_tok"),
               mlp_only_layers=tuple(i for i in range(layers) if i % exp_period != exp_offset)) if experts > 1 else {}
    # JambaDecoderLayers: attention where i % attn_layer_period == attn_layer_offset, else Mamba
    # (version 1 with RMSNorms on dt, B and C); experts where i % expert_layer_period ==
    # expert_layer_offset (router without bias), else a gated MLP; two norms per layer.
    return dict(kw, hidden_act=c.str("hidden_act"),
                layer_types=["full_attention" if i % attn_period == attn_offset else "mamba" for i in range(layers)],
                mamba_version=1, mamba_intermediate_size=c.int("mamba_expand") * d, ssm_state_size=c.int("mamba_d_state"),
                mamba_conv_kernel=c.int("mamba_d_conv"), mamba_conv_bias=c.bool("mamba_conv_bias"),
                mamba_proj_bias=c.bool("mamba_proj_bias"), mamba_dt_rank=rank, mamba_inner_norms=True, **moe)


def _kimi_linear(c: _Config) -> dict[str, Any]:
    layers = c.int("num_hidden_layers")
    # KimiLinearConfig: a checkpoint keeps the linear-attention keys in linear_attn_config
    # (head_dim, num_heads, short_conv_kernel_size, 1-based full_attn_layers / kda_layers).
    sub = c.cfg.get("linear_attn_config") or {}
    if not isinstance(sub, dict):
        raise UserError(f"{c.origin}: linear_attn_config must be a JSON object")
    cfg = dict(c.cfg)
    for key, name in (("head_dim", "linear_head_dim"), ("num_heads", "linear_num_heads"),
                      ("short_conv_kernel_size", "linear_conv_kernel_dim")):
        if key in sub:
            cfg[name] = sub[key]
    c = _Config(cfg, c.model_type, c.origin)
    default = ["full_attention" if i and i % 4 == 0 else "linear_attention" for i in range(layers)]
    if c.get("layer_types") is None and "full_attn_layers" in sub and "kda_layers" in sub:
        types: list[Any] = [None] * layers
        try:
            for i in sub["full_attn_layers"]:
                types[i - 1] = "full_attention"
            for i in sub["kda_layers"]:
                types[i - 1] = "linear_attention"
        except (TypeError, IndexError):
            raise UserError(f"{c.origin}: linear_attn_config full_attn_layers / kda_layers must number "
                            f"layers 1 to {layers}") from None
        default = types
    kw = _latent_moe(c, c.int("first_k_dense_replace"))
    kw.pop("mlp_only_layers"), kw.pop("first_k_dense_replace")
    heads, head_dim = c.int("linear_num_heads"), c.int("linear_head_dim")
    # KimiLinearDecoderLayer: MLA on the full-attention layers, Kimi Delta Attention on the
    # others; DeepSeek-V3-style experts per mlp_layer_types (the first first_k_dense_replace
    # layers dense by default), shared experts n_shared · moe_intermediate_size wide.
    return dict(kw, **_mlp_layer_types(c, layers, c.int("first_k_dense_replace")),
                linear_attention_kind="kimi_delta", linear_num_key_heads=heads, linear_num_value_heads=heads,
                linear_key_head_dim=head_dim, linear_value_head_dim=head_dim,
                linear_conv_kernel_dim=c.int("linear_conv_kernel_dim"),
                **_layer_types(c, layers, default, kinds=("full_attention", "linear_attention")))




def _falcon_h1(c: _Config) -> dict[str, Any]:
    kw = _common(c)
    d, layers = kw["hidden_size"], kw["num_hidden_layers"]
    ssm = c.get("mamba_d_ssm")
    inner = c.int("mamba_expand") * d if ssm is None else c.int("mamba_d_ssm")
    heads = c.int("mamba_n_heads")
    head_dim = c.get("mamba_d_head")
    head_dim = inner // heads if head_dim == "auto" else c.int("mamba_d_head")
    if head_dim * heads != inner:
        raise UserError(f"{c.origin}: mamba_n_heads · mamba_d_head must equal the Mamba width ({inner})")
    # FalconH1DecoderLayer: Mamba 2 (in_proj bias mamba_proj_bias, out_proj bias
    # projectors_bias, a gated RMSNorm only with mamba_rms_norm) and attention side by side,
    # then a gated MLP; input and pre-feed-forward norms. Its µP multipliers are not weights.
    return dict(kw, hidden_act=c.str("hidden_act"), attention_bias=c.bool("attention_bias"),
                mlp_bias=c.bool("mlp_bias"), layer_types=["mamba_attention"] * layers, mamba_version=2,
                mamba_intermediate_size=inner, ssm_state_size=c.int("mamba_d_state"),
                mamba_conv_kernel=c.int("mamba_d_conv"), mamba_conv_bias=c.bool("mamba_conv_bias"),
                mamba_proj_bias=c.bool("mamba_proj_bias"), mamba_out_proj_bias=c.bool("projectors_bias"),
                mamba_gated_norm=c.bool("mamba_rms_norm"), mamba_num_heads=heads, mamba_head_dim=head_dim,
                mamba_n_groups=c.int("mamba_n_groups"))


_BUILDERS = {
    "llama": _llama, "mistral": _mistral, "mixtral": _mixtral, "qwen2": _qwen2, "qwen2_moe": _qwen2_moe,
    "qwen3": _qwen3, "qwen3_moe": _qwen3_moe, "gemma": _gemma, "gemma2": _gemma2, "phi3": _phi3,
    "gpt2": _gpt2, "gpt_neox": _gpt_neox, "falcon": _falcon, "opt": _opt, "deepseek_v3": _deepseek_v3,
    "bert": _bert, "t5": _t5,
    "olmo2": _olmo2, "olmo3": _olmo3, "smollm3": _smollm3, "glm4": _glm4, "exaone4": _exaone4,
    "seed_oss": _seed_oss, "apertus": _apertus, "ministral3": _ministral3, "olmoe": _olmoe,
    "ernie4_5_moe": _ernie4_5_moe, "glm4_moe": _glm4_moe, "gpt_oss": _gpt_oss, "minimax_m2": _minimax_m2,
    "deepseek_v2": _deepseek_v2, "gemma3_text": _gemma3_text, "qwen3_next": _qwen3_next,
    "glm4_moe_lite": _glm4_moe_lite, "deepseek_v32": _deepseek_v32, "llama4_text": _llama4_text,
    "qwen3_5_text": _qwen3_5_text, "qwen3_5_moe_text": _qwen3_5_moe_text, "lfm2": _lfm2, "gemma4_text": _gemma4_text,
    "deepseek_v4": _deepseek_v4,
    "mamba": _mamba, "mamba2": _mamba2, "nemotron_h": _nemotron_h, "granitemoehybrid": _granitemoehybrid,
    "jamba": _jamba, "kimi_linear": _kimi_linear, "falcon_h1": _falcon_h1,
}


# Multimodal wrappers: the language model's model_type, its config class's default for the
# top-level tie_word_embeddings (which governs the head there; None where the text_config's
# own key does, as in Llama 4, whose head is the text model's), and the encoders' count.
_MULTIMODAL: dict[str, tuple[tuple[str, ...], bool | None, dict, Callable[[dict, dict, int, str], int]]] = {
    # Gemma3ForConditionalGeneration: SigLIP vision tower + Gemma3MultiModalProjector.
    "gemma3": (("gemma3_text",), True, {}, lambda cfg, vision, text_hidden, origin:
               siglip_vision_params(vision, origin) + gemma3_projector_params(vision, text_hidden, origin)),
    # Mistral3ForConditionalGeneration (Mistral Small 3.1/3.2, Ministral 3): Pixtral tower +
    # Mistral3MultiModalProjector; its text model is mistral or ministral3.
    "mistral3": (("mistral", "ministral3"), True, MISTRAL3_DEFAULT_VISION, lambda cfg, vision, text_hidden, origin:
                 pixtral_vision_params(vision, origin) + mistral3_projector_params(cfg, vision, text_hidden, origin)),
    # Qwen3_5(Moe)ForConditionalGeneration: the vision model with its patch merger (the
    # projector into out_hidden_size) under model.visual.
    "qwen3_5": (("qwen3_5_text",), False, {}, lambda cfg, vision, text_hidden, origin:
                qwen3_5_vision_params(vision, origin)),
    "qwen3_5_moe": (("qwen3_5_moe_text",), False, {}, lambda cfg, vision, text_hidden, origin:
                    qwen3_5_vision_params(vision, origin)),
    # Llama4ForConditionalGeneration: the vision model with its pixel-shuffle adapter, and
    # Llama4MultiModalProjector; the language model is a Llama4ForCausalLM of the text_config.
    "llama4": (("llama4_text",), None, {}, lambda cfg, vision, text_hidden, origin:
               llama4_vision_params(vision, origin) + llama4_projector_params(vision, text_hidden, origin)),
    # Gemma4ForConditionalGeneration: a vision tower and an audio tower, each only where the
    # file gives its config, each with its embedder into the text width.
    "gemma4": (("gemma4_text",), True, {}, lambda cfg, vision, text_hidden, origin:
               gemma4_vision_params(cfg.get("vision_config"), text_hidden, origin)
               + gemma4_audio_params(cfg.get("audio_config"), text_hidden, origin)),
}


# Types transformers builds whose layers paramtui does not model yet, with what is missing: a
# one-line refusal says so rather than listing every supported type.
_NOT_MODELLED: dict[str, str] = {}


def _multimodal(cfg: dict, origin: str) -> tuple[dict, int]:
    """The language model's config (the top level's head tying applied) and the encoders' count."""
    text_types, tie_default, default_vision, encoders = _MULTIMODAL[cfg["model_type"]]
    text_type = text_types[0]
    text, vision = cfg.get("text_config"), cfg.get("vision_config")
    vision = default_vision if vision is None else vision
    if not isinstance(text, dict):
        raise UserError(f"{origin}: missing required key 'text_config' (an object) for model_type "
                        f"{cfg['model_type']!r}")
    text_type = text.get("model_type", text_type)
    if text_type not in text_types:
        raise UserError(f"{origin}: text_config.model_type {text_type!r} is not supported under "
                        f"{cfg['model_type']!r} (expected {' or '.join(map(repr, text_types))})")
    text = {**text, "model_type": text_type}
    if tie_default is not None:
        text["tie_word_embeddings"] = cfg.get("tie_word_embeddings", tie_default)
    arch_text = architecture_from_hf_config(text, origin=f"{origin}: text_config", shipped=True)
    return text, encoders(cfg, vision, arch_text.hidden_size, origin)


def architecture_from_hf_config(cfg: dict, *, origin: str = "config", shipped: bool = False) -> Architecture:
    """The `Architecture` of a Hugging Face config dict; `origin` names it in error messages.

    `shipped`: one of the catalog's own configs, built without pydantic's checks (the tests
    validate every one and require the same architecture); a user's config is validated."""
    if not isinstance(cfg, dict):
        raise UserError(f"{origin}: a config.json must hold a JSON object, not {type(cfg).__name__}")
    model_type = cfg.get("model_type")
    if model_type is None:
        raise UserError(f"{origin}: missing required key 'model_type' "
                        f"(supported: {', '.join(SUPPORTED_MODEL_TYPES)})")
    if not isinstance(model_type, str):  # a list or an object is not hashable: check before looking up
        raise UserError(f"{origin}: model_type must be a string, not {_shown(model_type)} "
                        f"(supported: {', '.join(SUPPORTED_MODEL_TYPES)})")
    if model_type in _MULTIMODAL:
        text, encoders = _multimodal(cfg, origin)
        arch = architecture_from_hf_config(text, origin=f"{origin}: text_config", shipped=shipped)
        return pyd.replace(arch, vision_encoder_params=encoders)
    if model_type in _NOT_MODELLED:
        raise UserError(f"{origin}: model_type {model_type!r} is not supported yet: {_NOT_MODELLED[model_type]}")
    if model_type not in _BUILDERS:
        raise UserError(f"{origin}: unsupported model_type {model_type!r}; "
                        f"supported: {', '.join(SUPPORTED_MODEL_TYPES)}")
    c = _Config(cfg, model_type, origin)
    for key in _REQUIRED[model_type]:
        if not c.has(key) or c.get(key) is None:
            raise UserError(f"{origin}: missing required key {key!r} for model_type {model_type!r}")
    kwargs = _BUILDERS[model_type](c)
    if shipped:
        return pyd.build(Architecture, {"model_type": model_type, **kwargs})
    try:
        return pyd.validate(Architecture, {"model_type": model_type, **kwargs})
    except UserError as e:
        raise UserError(f"{origin}: {e if e.where else f'config: {e}'}") from None


def load_hf_config(path: str | Path) -> Architecture:
    """Read a local Hugging Face config.json into an `Architecture`."""
    from paramtui.core.io.user_files import read_user_file

    p = Path(path)
    text, _stamp = read_user_file(p, "config.json")  # a FIFO or device: one line
    cfg = loads_json(text, str(p))
    return architecture_from_hf_config(cfg, origin=str(p))
