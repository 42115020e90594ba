#!/usr/bin/env python3
"""Dev check: paramtui's parameter counts against Hugging Face transformers itself.

Not a test and not a dependency: it needs torch and transformers, which paramtui never does.
Run it from a separate environment that also has paramtui importable, e.g.

    python3 -m venv /work/devvenv
    /work/devvenv/bin/pip install torch==2.13.0 transformers     # CPU torch
    /work/devvenv/bin/pip install -e .                           # or PYTHONPATH=.
    /work/devvenv/bin/python scripts/verify_counts_with_transformers.py [CONFIG.json ...]

For each config (default: every tests/core/hf_configs/*.json) it builds the model transformers
would build for it on the meta device (no memory, no download), counts
`sum(p.numel() for p in model.parameters())` (shared tensors once), and compares with
`count_parameters(architecture_from_hf_config(cfg))`, in total and by part (each
parameter name mapped to embedding / attention / mlp / norm / head). With --defaults it also checks each
config stripped to paramtui's required keys, so that every default paramtui assumes is
transformers' default too. Prints one line per config; exits 1 on any mismatch.

With --lora (and --types) it instead compares LoRA adapter counts: what peft's
`get_peft_model(model, LoraConfig(r=8, target_modules="all-linear"))` adds to the model's
language part (its vision and audio encoders left out) against `lora_trainable_params(arch, 8)`.
peft (with accelerate and psutil) is a development reference only, like transformers.

Models are built with `with torch.device("meta")`, not accelerate's `init_empty_weights()`,
which un-ties the embedding and LM head in transformers 5 and so over-counts.

T5 v1.1 / Flan-T5: transformers ≥ 5 always ties T5's lm_head to the shared embedding when it
builds a model from a config, but when it loads such a checkpoint (separate `lm_head.weight`
in the file) `tie_weights` leaves them apart. paramtui counts what transformers builds from the
config (tied), as docs/ARCHITECTURE.md defines the count.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

warnings.filterwarnings("ignore")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import (  # noqa: E402
    AutoConfig,
    AutoModel,
    AutoModelForCausalLM,
    AutoModelForImageTextToText,
    T5ForConditionalGeneration,
)

from paramtui.core.errors import UserError  # noqa: E402
from paramtui.core.model.hf_config import _REQUIRED, SUPPORTED_MODEL_TYPES, architecture_from_hf_config  # noqa: E402
from paramtui.core.model.params import PARTS, count_parameters  # noqa: E402

transformers.logging.set_verbosity_error()

# Keys that only describe the file or the weights' storage; transformers' config classes
# reject or ignore them when building from a dict.
_NOT_CONFIG = {"model_type", "auto_map", "quantization_config", "architectures"}


def _part(name: str) -> str:
    """paramtui's part (ParamCount field) for a transformers parameter name."""
    if re.search(r"vision_tower|audio_tower|embed_vision|embed_audio|multi_modal_projector|model\.visual\.|"
                 r"^vision_model\.", name):
        return "encoders"
    if "q_a_layernorm" in name or "kv_a_layernorm" in name:
        return "attention"  # MLA's norms sit inside its attention
    if re.search(r"(^|\.)hc_head\.", name):
        return "norm"  # DeepSeek-V4's final collapse of its residual streams, before the final norm
    if ".ffn_hc." in name:
        return "mlp"  # the hyper-connection around DeepSeek-V4's MoE block (attn_hc: attention)
    if re.search(r"norm|LayerNorm|(^|\.)ln_", name):
        return "norm"
    if re.search(r"lm_head|embed_out|pooler", name):
        return "head"
    if re.search(r"embed|wte|wpe|shared\.|project_in|project_out|per_layer_", name):
        return "embedding"
    if re.search(r"\.mixer\.(up_proj|down_proj|experts|gate\.|shared_experts)", name):
        return "mlp"  # Nemotron-H names its MLP and MoE blocks "mixer" too
    if re.search(r"attn|attention|Attention|query_key_value|\.conv\.|\.mixer\.|\.mamba\.", name):
        return "attention"
    if re.search(r"mlp|experts|\.router\.|feed_forward|block_sparse_moe|DenseReluDense|fc1|fc2|intermediate|output\.dense", name):
        return "mlp"
    raise ValueError(f"no part for parameter {name}")


def transformers_count(cfg_dict: dict) -> tuple[int, str, dict[str, int]]:
    """Parameters of the model transformers builds for `cfg_dict`, its class name and the split."""
    model_type = cfg_dict["model_type"]
    config = AutoConfig.for_model(model_type, **{k: v for k, v in cfg_dict.items() if k not in _NOT_CONFIG})
    with torch.device("meta"):
        if model_type in IMAGE_TEXT:  # the multimodal class, not the *ForCausalLM of its text
            model = AutoModelForImageTextToText.from_config(config)
        elif model_type == "bert":
            model = AutoModel.from_config(config)
        elif model_type == "t5":
            model = T5ForConditionalGeneration(config)
        else:
            model = AutoModelForCausalLM.from_config(config)
    parts = dict.fromkeys(PARTS + ("encoders",), 0)
    for name, p in model.named_parameters():  # shared tensors once, under their first name
        parts[_part(name)] += p.numel()
    return sum(p.numel() for p in model.parameters()), type(model).__name__, parts


def build_model(cfg_dict: dict):
    model_type = cfg_dict["model_type"]
    config = AutoConfig.for_model(model_type, **{k: v for k, v in cfg_dict.items() if k not in _NOT_CONFIG})
    with torch.device("meta"):
        if model_type in IMAGE_TEXT:
            return AutoModelForImageTextToText.from_config(config)
        if model_type == "t5":
            return T5ForConditionalGeneration(config)
        return AutoModelForCausalLM.from_config(config)


_ENCODERS = r"vision_tower|audio_tower|embed_vision|embed_audio|multi_modal_projector|model\.visual\.|^vision_model\."


def peft_lora_count(cfg_dict: dict, rank: int = 8) -> tuple[int, str]:
    """Parameters peft's LoRA with target_modules="all-linear" adds outside the encoders, and
    the adapted layers' leaf names (for a failure report)."""
    from peft import LoraConfig, get_peft_model

    try:
        peft_model = get_peft_model(build_model(cfg_dict), LoraConfig(r=rank, target_modules="all-linear"))
    except ValueError as e:
        # peft refuses out_proj of its Mamba model types (falcon_h1, mamba, mamba2, nemotron_h):
        # the fused Mamba kernel bypasses it, so all-linear is used with it excluded.
        if "incompatible with Mamba-based models" not in str(e):
            raise
        peft_model = get_peft_model(build_model(cfg_dict), LoraConfig(r=rank, target_modules="all-linear",
                                                                      exclude_modules=["out_proj"]))
    added, names = 0, set()
    for name, p in peft_model.named_parameters():
        if "lora_" not in name:
            continue
        inner = name.split("base_model.model.", 1)[-1]
        if re.search(_ENCODERS, inner):
            continue
        added += p.numel()
        names.add(re.sub(r"^.*?(layers|h|layer|block)\.\d+\.", "", re.sub(r"(\.base_layer)*\.lora_[AB]\..*", "", inner)))
    return added, ", ".join(sorted(names))


def check_lora(types: list[str], rank: int = 8) -> int:
    """LoRA adapters of each model type at its default config and perturbed shapes against peft."""
    from paramtui.core.formulas.training_memory import lora_trainable_params

    failures = 0
    for model_type in types:
        variants = config_variants(model_type)
        for label, cfg in variants:
            try:
                ours = lora_trainable_params(architecture_from_hf_config(cfg, origin=f"{model_type} {label}"), rank)
            except UserError as e:
                print(f"refused {model_type} {label}: {e}")
                continue
            theirs, names = peft_lora_count(cfg, rank)
            ok = ours == theirs
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {model_type} {label}: peft {theirs:,}, paramtui {ours:,}"
                  + ("" if ok else f" (off by {ours - theirs:+,}; peft adapts {names})"))
    return failures


def check_lora_files(paths: list[str], rank: int = 8) -> int:
    """LoRA adapters of each config.json against peft."""
    from paramtui.core.formulas.training_memory import lora_trainable_params

    failures = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
        ours = lora_trainable_params(architecture_from_hf_config(cfg, origin=path), rank)
        theirs, names = peft_lora_count(cfg, rank)
        failures += ours != theirs
        print(f"{'ok  ' if ours == theirs else 'FAIL'} {os.path.basename(path)}: peft {theirs:,}, paramtui {ours:,}"
              + ("" if ours == theirs else f" (off by {ours - theirs:+,}; peft adapts {names})"))
    return failures


def minimal(cfg_dict: dict) -> dict:
    """The config reduced to model_type and the keys paramtui requires."""
    model_type = cfg_dict["model_type"]
    if model_type not in _REQUIRED:  # a multimodal wrapper: its text_config is checked as it is
        return cfg_dict
    keep = set(_REQUIRED[model_type]) | {"model_type"}
    return {k: v for k, v in cfg_dict.items() if k in keep}


MULTIMODAL_TEXT = {"gemma3": "gemma3_text", "mistral3": "mistral", "qwen3_5": "qwen3_5_text",
                   "qwen3_5_moe": "qwen3_5_moe_text", "llama4": "llama4_text", "gemma4": "gemma4_text"}
# Types whose *ForConditionalGeneration AutoModelForCausalLM does not build (it builds the text
# model alone, or has no entry).
IMAGE_TEXT = {"mistral3", "qwen3_5", "qwen3_5_moe", "llama4", "gemma4"}
_TEXT = dict(vocab_size=1000, hidden_size=256, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
             head_dim=64, intermediate_size=512)
_VISION = dict(hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4, image_size=64,
               patch_size=16)

# Shapes other than each config class's defaults: a smaller model with another vocabulary,
# width and depth, and a second with the family's options turned (tying, biases, patterns).
_SMALL = dict(vocab_size=1000, pad_token_id=0, hidden_size=256, num_hidden_layers=6, num_attention_heads=8,
              num_key_value_heads=2, intermediate_size=512)
PERTURBED: dict[str, list[dict]] = {
    "olmo2": [_SMALL, dict(_SMALL, head_dim=48, attention_bias=True, tie_word_embeddings=True)],
    "olmo3": [_SMALL, dict(_SMALL, sliding_window=64, layer_types=["full_attention"] * 2 + ["sliding_attention"] * 4,
                           attention_bias=True)],
    "smollm3": [_SMALL, dict(_SMALL, use_sliding_window=True, sliding_window=128, tie_word_embeddings=False,
                             mlp_bias=True, attention_bias=True, no_rope_layer_interval=3)],
    "glm4": [_SMALL, dict(_SMALL, head_dim=64, attention_bias=False, tie_word_embeddings=True)],
    "exaone4": [_SMALL, dict(_SMALL, sliding_window_pattern=3, head_dim=40, tie_word_embeddings=True),
                dict(_SMALL, sliding_window=None, layer_types=["full_attention"] * 6)],
    "seed_oss": [_SMALL, dict(_SMALL, head_dim=24, attention_bias=False, attention_out_bias=True, mlp_bias=True)],
    "apertus": [_SMALL, dict(_SMALL, hidden_act="silu", attention_bias=True, tie_word_embeddings=True)],
    "ministral3": [_SMALL, dict(_SMALL, head_dim=40, sliding_window=512, tie_word_embeddings=True)],
    "olmoe": [dict(_SMALL, num_experts=8, num_experts_per_tok=2),
              dict(_SMALL, num_experts=6, num_experts_per_tok=3, attention_bias=True, tie_word_embeddings=True)],
    "ernie4_5_moe": [dict(_SMALL, moe_intermediate_size=96, moe_num_experts=8, moe_k=2),
                     dict(_SMALL, moe_intermediate_size=96, moe_num_experts=8, moe_k=2, use_bias=True,
                          moe_layer_start_index=2, moe_layer_end_index=4, moe_layer_interval=2,
                          moe_num_shared_experts=0, tie_word_embeddings=False)],
    "glm4_moe": [dict(_SMALL, moe_intermediate_size=96, n_routed_experts=8, num_experts_per_tok=2, n_group=1,
                      topk_group=1),
                 dict(_SMALL, moe_intermediate_size=96, n_routed_experts=8, num_experts_per_tok=2, n_group=1,
                      topk_group=1, attention_bias=True, use_qk_norm=True, first_k_dense_replace=3,
                      n_shared_experts=2, head_dim=48)],
    "gpt_oss": [dict(_SMALL, num_local_experts=8, num_experts_per_tok=2, head_dim=32),
                dict(_SMALL, num_local_experts=4, num_experts_per_tok=1, attention_bias=False,
                     tie_word_embeddings=True, layer_types=["full_attention"] * 6)],
    "minimax_m2": [dict(_SMALL, num_local_experts=8, num_experts_per_tok=2, head_dim=32),
                   dict(_SMALL, num_local_experts=4, num_experts_per_tok=4, head_dim=64, tie_word_embeddings=True)],
    "deepseek_v2": [dict(_SMALL, num_experts_per_tok=2, n_routed_experts=8, moe_intermediate_size=96,
                         kv_lora_rank=64, q_lora_rank=None, qk_rope_head_dim=16, qk_nope_head_dim=32,
                         v_head_dim=32, num_key_value_heads=8),
                    dict(_SMALL, num_experts_per_tok=2, n_routed_experts=8, moe_intermediate_size=96,
                         kv_lora_rank=64, q_lora_rank=48, qk_rope_head_dim=16, qk_nope_head_dim=32, v_head_dim=24,
                         num_key_value_heads=8, first_k_dense_replace=2, n_shared_experts=1, mlp_bias=True,
                         attention_bias=True)],
    "gemma3_text": [dict(_SMALL, head_dim=48, sliding_window=64),
                    dict(_SMALL, sliding_window_pattern=3, attention_bias=True, tie_word_embeddings=False,
                         query_pre_attn_scalar=32)],
    "qwen3_next": [dict(_SMALL, moe_intermediate_size=96, shared_expert_intermediate_size=128, num_experts=8,
                        num_experts_per_tok=2, head_dim=32, linear_num_key_heads=2, linear_num_value_heads=4,
                        linear_key_head_dim=32, linear_value_head_dim=48, linear_conv_kernel_dim=3),
                   dict(_SMALL, moe_intermediate_size=96, shared_expert_intermediate_size=64, num_experts=8,
                        num_experts_per_tok=2, head_dim=64, linear_num_key_heads=4, linear_num_value_heads=4,
                        linear_key_head_dim=16, linear_value_head_dim=16, full_attention_interval=3,
                        decoder_sparse_step=2, mlp_only_layers=[3], attention_bias=True, tie_word_embeddings=True),
                   dict(_SMALL, num_experts=0, moe_intermediate_size=96, head_dim=32, linear_num_key_heads=2, linear_num_value_heads=2,
                        linear_key_head_dim=32, linear_value_head_dim=32,
                        layer_types=["linear_attention", "full_attention"] * 3)],
    "glm4_moe_lite": [dict(_SMALL, n_routed_experts=8, num_experts_per_tok=2, moe_intermediate_size=96,
                           kv_lora_rank=64, q_lora_rank=48, qk_rope_head_dim=16, qk_nope_head_dim=32,
                           v_head_dim=40, num_key_value_heads=8),
                      dict(_SMALL, n_routed_experts=8, num_experts_per_tok=2, moe_intermediate_size=96,
                           kv_lora_rank=64, q_lora_rank=None, qk_rope_head_dim=16, qk_nope_head_dim=32,
                           v_head_dim=24, num_key_value_heads=8, n_shared_experts=2, attention_bias=True,
                           mlp_layer_types=["dense", "sparse", "dense", "sparse", "sparse", "dense"])],
    "deepseek_v32": [dict(_SMALL, n_routed_experts=8, num_experts_per_tok=2, moe_intermediate_size=96,
                          kv_lora_rank=64, q_lora_rank=48, qk_rope_head_dim=16, qk_nope_head_dim=32,
                          v_head_dim=40, num_key_value_heads=8, index_n_heads=4, index_head_dim=32,
                          n_group=1, topk_group=1),
                     dict(_SMALL, n_routed_experts=8, num_experts_per_tok=2, moe_intermediate_size=96,
                          kv_lora_rank=64, q_lora_rank=40, qk_rope_head_dim=16, qk_nope_head_dim=16,
                          v_head_dim=24, num_key_value_heads=8, index_n_heads=2, index_head_dim=16,
                          first_k_dense_replace=1, n_shared_experts=2, attention_bias=True, n_group=1,
                          topk_group=1, tie_word_embeddings=True)],
    "llama4_text": [dict(_SMALL, intermediate_size_mlp=384, num_local_experts=4, num_experts_per_tok=1,
                         head_dim=32, attention_chunk_size=64),
                    dict(_SMALL, intermediate_size_mlp=384, num_local_experts=4, num_experts_per_tok=2,
                         interleave_moe_layer_step=2, attention_bias=True, use_qk_norm=False,
                         tie_word_embeddings=True, attention_chunk_size=None)],
    "qwen3_5_text": [dict(_SMALL, head_dim=32, linear_num_key_heads=2, linear_num_value_heads=4,
                          linear_key_head_dim=32, linear_value_head_dim=48, linear_conv_kernel_dim=3),
                     dict(_SMALL, head_dim=64, linear_num_key_heads=4, linear_num_value_heads=4,
                          linear_key_head_dim=16, linear_value_head_dim=16, attention_bias=True,
                          tie_word_embeddings=True, layer_types=["full_attention", "linear_attention"] * 3)],
    "qwen3_5_moe_text": [dict(_SMALL, moe_intermediate_size=96, shared_expert_intermediate_size=128,
                              num_experts=8, num_experts_per_tok=2, head_dim=32, linear_num_key_heads=2,
                              linear_num_value_heads=4, linear_key_head_dim=32, linear_value_head_dim=48),
                         dict(_SMALL, moe_intermediate_size=64, shared_expert_intermediate_size=32,
                              num_experts=4, num_experts_per_tok=4, head_dim=16, linear_num_key_heads=1,
                              linear_num_value_heads=2, linear_key_head_dim=8, linear_value_head_dim=8,
                              full_attention_interval=2, attention_bias=True, tie_word_embeddings=True)],
    "lfm2": [dict(_SMALL, full_attn_idxs=[2, 5]),
             dict(_SMALL, block_ff_dim=1000, block_auto_adjust_ff_dim=True, block_ffn_dim_multiplier=1.5,
                  block_multiple_of=64, conv_bias=True, conv_L_cache=4, tie_embedding=False,
                  layer_types=["conv", "full_attention", "conv", "conv", "full_attention", "conv"]),
             dict(_SMALL, block_auto_adjust_ff_dim=False, full_attn_idxs=[0])],
    "mamba": [dict(vocab_size=1000, pad_token_id=0, hidden_size=256, num_hidden_layers=4, state_size=8),
              dict(vocab_size=1000, pad_token_id=0, hidden_size=200, num_hidden_layers=3, expand=3, conv_kernel=3,
                   use_bias=True, use_conv_bias=False, time_step_rank=20, tie_word_embeddings=False)],
    "mamba2": [dict(vocab_size=1000, pad_token_id=0, hidden_size=256, num_hidden_layers=4, num_heads=8, head_dim=64,
                    state_size=16, n_groups=2),
               dict(vocab_size=1000, pad_token_id=0, hidden_size=192, num_hidden_layers=3, num_heads=6, head_dim=96,
                    expand=3, state_size=8, n_groups=3, conv_kernel=3, use_bias=True, use_conv_bias=False,
                    tie_word_embeddings=True)],
    "nemotron_h": [dict(vocab_size=1000, pad_token_id=0, hidden_size=256, num_attention_heads=8,
                        num_key_value_heads=2, head_dim=32, intermediate_size=512, mamba_num_heads=8,
                        mamba_head_dim=32, ssm_state_size=16, n_groups=2, n_routed_experts=4,
                        num_experts_per_tok=2, moe_intermediate_size=96, moe_shared_expert_intermediate_size=64,
                        hybrid_override_pattern="M-M*ME-"),
                   dict(vocab_size=1000, pad_token_id=0, hidden_size=192, num_attention_heads=6,
                        num_key_value_heads=6, head_dim=24, intermediate_size=384, mamba_num_heads=4,
                        mamba_head_dim=48, ssm_state_size=8, n_groups=1, conv_kernel=3, use_bias=True,
                        use_conv_bias=False, mlp_bias=True, tie_word_embeddings=True,
                        layers_block_type=["linear_attention", "full_attention", "mlp", "linear_attention"])],
    "granitemoehybrid": [dict(_SMALL, shared_intermediate_size=128, num_local_experts=4, num_experts_per_tok=2,
                              mamba_n_heads=8, mamba_d_state=16, mamba_n_groups=2,
                              layer_types=["mamba", "mamba", "attention", "mamba", "mamba", "attention"]),
                         dict(_SMALL, shared_intermediate_size=384, num_local_experts=0, mamba_n_heads=4,
                              mamba_d_head=128, mamba_d_state=8, mamba_expand=2, mamba_d_conv=3,
                              mamba_conv_bias=False, mamba_proj_bias=True, attention_bias=True,
                              tie_word_embeddings=True)],
    "gemma3": [dict(text_config=_TEXT, vision_config=dict(_VISION, vision_use_head=False), mm_tokens_per_image=4),
               dict(text_config=dict(_TEXT, sliding_window=32), vision_config=dict(_VISION, num_channels=4),
                    tie_word_embeddings=False, mm_tokens_per_image=4)],
    "qwen3_5": [dict(text_config=dict(_TEXT, linear_num_key_heads=2, linear_num_value_heads=2, linear_key_head_dim=32,
                                      linear_value_head_dim=32, layer_types=["linear_attention", "full_attention"]),
                     vision_config=dict(depth=2, hidden_size=128, intermediate_size=256, num_heads=4, patch_size=8,
                                        out_hidden_size=256, num_position_embeddings=64)),
                dict(text_config=dict(_TEXT, vocab_size=1200, linear_num_key_heads=2, linear_num_value_heads=4,
                                      linear_key_head_dim=16, linear_value_head_dim=16, full_attention_interval=2),
                     vision_config=dict(depth=3, hidden_size=96, intermediate_size=200, num_heads=2, patch_size=4,
                                        temporal_patch_size=1, spatial_merge_size=3, in_channels=4,
                                        out_hidden_size=128, num_position_embeddings=100),
                     tie_word_embeddings=True)],
    "qwen3_5_moe": [dict(text_config=dict(_TEXT, moe_intermediate_size=96, shared_expert_intermediate_size=128,
                                          num_experts=4, num_experts_per_tok=2, linear_num_key_heads=2,
                                          linear_num_value_heads=2, linear_key_head_dim=32, linear_value_head_dim=32,
                                          layer_types=["linear_attention", "full_attention"]),
                         vision_config=dict(depth=2, hidden_size=128, intermediate_size=256, num_heads=4,
                                            patch_size=8, out_hidden_size=256, num_position_embeddings=64)),
                    dict(text_config=dict(_TEXT, moe_intermediate_size=64, shared_expert_intermediate_size=32,
                                          num_experts=3, num_experts_per_tok=1, linear_num_key_heads=1,
                                          linear_num_value_heads=2, linear_key_head_dim=16, linear_value_head_dim=16),
                         vision_config=dict(depth=1, hidden_size=64, intermediate_size=100, num_heads=2, patch_size=4,
                                            spatial_merge_size=1, out_hidden_size=96, num_position_embeddings=16),
                         tie_word_embeddings=True)],
    "llama4": [dict(text_config=dict(_TEXT, intermediate_size_mlp=384, num_local_experts=2),
                    vision_config=dict(_VISION, vision_output_dim=192, projector_input_dim=160,
                                       projector_output_dim=192)),
               dict(text_config=dict(_TEXT, vocab_size=1200, intermediate_size_mlp=320, num_local_experts=3,
                                     interleave_moe_layer_step=2, tie_word_embeddings=True),
                    vision_config=dict(_VISION, num_hidden_layers=3, num_channels=4, patch_size=8,
                                       vision_output_dim=96, projector_input_dim=64, projector_output_dim=96))],
    "gemma4_text": [dict(_SMALL, head_dim=32, global_head_dim=64, sliding_window=64, hidden_size_per_layer_input=0),
                    dict(_SMALL, vocab_size_per_layer_input=500, hidden_size_per_layer_input=16, num_kv_shared_layers=2,
                         use_double_wide_mlp=True, attention_k_eq_v=True, num_global_key_value_heads=1,
                         tie_word_embeddings=False, layer_types=["sliding_attention", "full_attention"] * 3),
                    dict(_SMALL, head_dim=16, global_head_dim=48, enable_moe_block=True, num_experts=4,
                         top_k_experts=2, moe_intermediate_size=96, attention_bias=True, attention_k_eq_v=True,
                         hidden_size_per_layer_input=8, num_kv_shared_layers=3,
                         layer_types=["sliding_attention", "sliding_attention", "full_attention"] * 2),
                    # as transformers saves it: per_layer_config spelled out, keyed by "01"-style strings
                    dict(_SMALL, head_dim=32, hidden_size_per_layer_input=0, layer_types=["sliding_attention",
                         "full_attention"] * 3, per_layer_config={
                             k: {"head_dim": 96, "num_key_value_heads": 1} for k in ("01", "03", "05")})],
    "gemma4": [dict(text_config=dict(_TEXT, hidden_size_per_layer_input=0, global_head_dim=32),
                    vision_config=dict(hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                                       num_attention_heads=4, num_key_value_heads=2, head_dim=32, patch_size=8,
                                       position_embedding_size=64)),
               dict(text_config=dict(_TEXT, vocab_size=1200, hidden_size_per_layer_input=8, num_kv_shared_layers=1,
                                     num_hidden_layers=3,
                                     layer_types=["full_attention", "sliding_attention", "full_attention"]),
                    vision_config=dict(hidden_size=96, intermediate_size=160, num_hidden_layers=1,
                                       num_attention_heads=2, num_key_value_heads=2, head_dim=48),
                    audio_config=dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
                                      subsampling_conv_channels=[16, 8], conv_kernel_size=3, output_proj_dims=96),
                    tie_word_embeddings=False),
               dict(text_config=dict(_TEXT, hidden_size_per_layer_input=0),
                    audio_config=dict(hidden_size=48, num_hidden_layers=1, num_attention_heads=2)),
               # the towers at their config classes' defaults
               dict(text_config=dict(_TEXT, hidden_size_per_layer_input=0), vision_config={}, audio_config={})],
    "deepseek_v4": [dict(vocab_size=1000, hidden_size=256, num_hidden_layers=4, num_attention_heads=8, head_dim=64,
                         q_lora_rank=96, moe_intermediate_size=96, n_routed_experts=8, num_experts_per_tok=2,
                         o_groups=4, o_lora_rank=48, index_n_heads=4, index_head_dim=32, index_topk=16,
                         sliding_window=32, hc_mult=2),
                    dict(vocab_size=1200, hidden_size=192, num_hidden_layers=5, num_attention_heads=4, head_dim=96,
                         q_lora_rank=64, moe_intermediate_size=80, n_routed_experts=6, num_experts_per_tok=3,
                         o_groups=2, o_lora_rank=40, index_n_heads=2, index_head_dim=16, index_topk=8,
                         sliding_window=16, hc_mult=3, mlp_bias=True, tie_word_embeddings=True,
                         compress_ratios=[0, 4, 128, 4, 0],
                         compress_rates={"compressed_sparse_attention": 8, "heavily_compressed_attention": 32}),
                    dict(vocab_size=1000, hidden_size=128, num_hidden_layers=3, num_attention_heads=4, head_dim=64,
                         q_lora_rank=32, moe_intermediate_size=64, n_routed_experts=4, num_experts_per_tok=1,
                         o_groups=1, o_lora_rank=32, index_n_heads=2, index_head_dim=16, sliding_window=8, hc_mult=1,
                         layer_types=["compressed_sparse_attention", "sliding_attention",
                                      "heavily_compressed_attention"], num_hash_layers=1, compress_rate_csa=2)],
    "kimi_linear": [dict(_SMALL, num_local_experts=8, num_experts_per_tok=2, moe_intermediate_size=96,
                         kv_lora_rank=64, qk_rope_head_dim=16, qk_nope_head_dim=32, v_head_dim=40,
                         num_key_value_heads=8, linear_num_heads=4, linear_head_dim=32),
                    dict(_SMALL, num_local_experts=8, num_experts_per_tok=2, moe_intermediate_size=96,
                         kv_lora_rank=64, q_lora_rank=48, qk_rope_head_dim=16, qk_nope_head_dim=32, v_head_dim=24,
                         num_key_value_heads=8, n_shared_experts=2, first_k_dense_replace=2,
                         linear_attn_config=dict(head_dim=16, num_heads=8, short_conv_kernel_size=3,
                                                 full_attn_layers=[2, 6], kda_layers=[1, 3, 4, 5]))],
    "falcon_h1": [dict(_SMALL, mamba_d_ssm=None, mamba_n_heads=8, mamba_d_state=16, mamba_n_groups=2),
                  dict(_SMALL, mamba_d_ssm=384, mamba_n_heads=4, mamba_d_state=8, mamba_d_conv=3, mamba_rms_norm=True,
                       mamba_proj_bias=True, projectors_bias=True, attention_bias=True, mlp_bias=True,
                       mamba_conv_bias=False, tie_word_embeddings=True)],
    "mistral3": [dict(text_config=dict(_TEXT, model_type="mistral"), vision_config=dict(_VISION, head_dim=32)),
                 dict(text_config=dict(_TEXT, model_type="ministral3"), vision_config=dict(_VISION, head_dim=32),
                      vision_feature_layer=[-1, -2], multimodal_projector_bias=True, spatial_merge_size=3,
                      tie_word_embeddings=False)],
    "jamba": [dict(_SMALL, num_hidden_layers=8, num_experts=4, num_experts_per_tok=2, mamba_d_state=8),
              dict(_SMALL, num_hidden_layers=6, num_experts=1, attn_layer_period=3, attn_layer_offset=0,
                   mamba_expand=3, mamba_d_conv=3, mamba_dt_rank=12, mamba_conv_bias=False, mamba_proj_bias=True,
                   tie_word_embeddings=True),
              dict(_SMALL, num_hidden_layers=6, num_experts=3, num_experts_per_tok=1, expert_layer_period=3,
                   expert_layer_offset=2, attn_layer_period=2, attn_layer_offset=1)],
}


def config_variants(model_type: str) -> list[tuple[str, dict]]:
    """(label, config.json): the model type's transformers default, then its perturbed shapes."""
    return [("default", default_config(model_type))] + [
        (f"perturbed {i + 1}", {"model_type": model_type, **p})
        for i, p in enumerate(PERTURBED.get(model_type, []))]


def default_config(model_type: str) -> dict:
    """The config class's defaults, with the keys paramtui requires filled from them."""
    if model_type in MULTIMODAL_TEXT:  # the text model's required keys; the vision tower's defaults
        text = default_config(MULTIMODAL_TEXT[model_type])
        return {"model_type": model_type, "text_config": {k: v for k, v in text.items() if k != "model_type"}}
    defaults = AutoConfig.for_model(model_type).to_dict()
    return {"model_type": model_type, **{k: defaults[k] for k in _REQUIRED[model_type]}}


def check_types(types: list[str]) -> int:
    """Each model type at its default config and at its perturbed shapes; returns the mismatches."""
    failures = 0
    for model_type in types:
        variants = config_variants(model_type)
        for label, cfg in variants:
            try:
                counted = count_parameters(architecture_from_hf_config(cfg, origin=f"{model_type} {label}"))
            except UserError as e:
                print(f"refused {model_type} {label}: {e}")
                continue
            expected, cls, expected_parts = transformers_count(cfg)
            wrong_parts = [f"{k} {getattr(counted, k):,} vs {v:,}" for k, v in expected_parts.items()
                           if getattr(counted, k) != v]
            ok = counted.total == expected and not wrong_parts
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {model_type} {label}: transformers {cls} {expected:,}, "
                  f"paramtui {counted.total:,}" + ("; parts differ: " + "; ".join(wrong_parts) if wrong_parts else ""))
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", help="config.json files (default: tests/core/hf_configs/*.json)")
    parser.add_argument("--defaults", action="store_true", help="also check each config reduced to its required keys")
    parser.add_argument("--types", nargs="*", metavar="MODEL_TYPE",
                        help="check these model types (all supported ones when none is named) at their "
                        "transformers default config and at perturbed shapes, instead of config files")
    parser.add_argument("--lora", action="store_true",
                        help="compare LoRA r=8 all-linear adapter counts with peft's (for the configs, or "
                        "with --types for the model types)")
    args = parser.parse_args()
    if args.lora:
        import peft
        print(f"transformers {transformers.__version__}, peft {peft.__version__}, meta device")
        if args.types is not None:
            failures = check_lora(args.types or list(SUPPORTED_MODEL_TYPES))
        else:
            failures = check_lora_files(args.configs or sorted(glob.glob(os.path.join(ROOT, "tests", "core",
                                                                                  "hf_configs", "*.json"))))
        print(f"{failures} mismatches")
        return 1 if failures else 0
    if args.types is not None:
        print(f"transformers {transformers.__version__}, torch {torch.__version__}, meta device")
        failures = check_types(args.types or list(SUPPORTED_MODEL_TYPES))
        print(f"{failures} mismatches")
        return 1 if failures else 0
    paths = args.configs or sorted(glob.glob(os.path.join(ROOT, "tests", "core", "hf_configs", "*.json")))
    print(f"transformers {transformers.__version__}, torch {torch.__version__}, meta device")
    failures = 0
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
        variants = [("", cfg)] + ([(" (required keys only)", minimal(cfg))] if args.defaults else [])
        for label, variant in variants:
            expected, cls, expected_parts = transformers_count(variant)
            try:
                counted = count_parameters(architecture_from_hf_config(variant, origin=path))
            except UserError as e:
                if not label:
                    raise
                # e.g. 8 heads with the default 16 KV heads: transformers builds it, but it
                # is no working model, and paramtui refuses it.
                print(f"skip {name}{label}: {e}")
                continue
            got = counted.total
            wrong_parts = [f"{k} {getattr(counted, k):,} vs {v:,}" for k, v in expected_parts.items()
                           if getattr(counted, k) != v]
            ok = got == expected and not wrong_parts
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}{label}: transformers {cls} {expected:,}, "
                  f"paramtui {got:,}" + ("" if got == expected else f" (off by {got - expected:+,})")
                  + ("; parts differ: " + "; ".join(wrong_parts) if wrong_parts else ""))
    print(f"{len(paths)} configs, {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
