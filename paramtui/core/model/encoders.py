"""Parameter counts of the encoders a multimodal checkpoint carries beside its language model.

A multimodal `config.json` (`text_config` plus `vision_config`) is counted as transformers
builds it (`Gemma3ForConditionalGeneration`, ...): the language model exactly as its text
model type, and the vision tower and the projector into the language model's width as one
more breakdown line, "encoders". Each function reads its config keys with the defaults of
transformers' config class (5.25) and follows its modeling code.
"""

from __future__ import annotations

from typing import Any

from paramtui.core.errors import UserError

# SiglipVisionConfig's defaults (configuration_siglip.py).
_SIGLIP_DEFAULTS: dict[str, Any] = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                        num_attention_heads=12, num_channels=3, image_size=224, patch_size=16,
                                        vision_use_head=True)


def _whole(cfg: dict, key: str, defaults: dict, origin: str) -> int:
    value = cfg.get(key, defaults[key])
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise UserError(f"{origin}: vision_config.{key} must be a positive whole number, not {value!r}")
    return value


def siglip_vision_params(vision: dict, origin: str) -> int:
    """SiglipVisionModel: a patch Conv2d with bias and learned positions, encoder layers of two
    LayerNorms, q/k/v/out projections with biases and a two-layer MLP with biases, a final
    LayerNorm, and with vision_use_head a pooling head (probe, nn.MultiheadAttention,
    LayerNorm, MLP)."""
    if not isinstance(vision, dict):
        raise UserError(f"{origin}: vision_config must be a JSON object")
    get = lambda key: _whole(vision, key, _SIGLIP_DEFAULTS, origin)  # noqa: E731
    h, ffn, layers = get("hidden_size"), get("intermediate_size"), get("num_hidden_layers")
    channels, image, patch = get("num_channels"), get("image_size"), get("patch_size")
    use_head = vision.get("vision_use_head", _SIGLIP_DEFAULTS["vision_use_head"])
    if not isinstance(use_head, bool):
        raise UserError(f"{origin}: vision_config.vision_use_head must be true or false, not {use_head!r}")
    mlp = (h * ffn + ffn) + (ffn * h + h)
    embeddings = channels * patch * patch * h + h + (image // patch) ** 2 * h
    layer = 2 * (2 * h) + 4 * (h * h + h) + mlp
    head = (h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + mlp) if use_head else 0
    return embeddings + layers * layer + 2 * h + head


def gemma3_projector_params(vision: dict, text_hidden: int, origin: str) -> int:
    """Gemma3MultiModalProjector: mm_input_projection_weight (vision × text width) and an
    RMSNorm over the vision width (its average pooling has no weights)."""
    h = _whole(vision, "hidden_size", _SIGLIP_DEFAULTS, origin)
    return h * text_hidden + h


# PixtralVisionConfig's class defaults, and the vision_config Mistral3Config builds when a file
# gives none (configuration_mistral3.py, init_kwargs).
_PIXTRAL_DEFAULTS: dict[str, Any] = dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24,
                                         num_channels=3, patch_size=16)
MISTRAL3_DEFAULT_VISION: dict[str, Any] = dict(intermediate_size=4096, hidden_size=1024, patch_size=14,
                                               image_size=1540, num_hidden_layers=24, num_attention_heads=16,
                                               head_dim=64)


def pixtral_vision_params(vision: dict, origin: str) -> int:
    """PixtralVisionModel: a patch Conv2d without bias, an RMSNorm (ln_pre), and layers of
    two RMSNorms, q/k/v/o without biases and a gated MLP (gate, up, down) without biases."""
    if not isinstance(vision, dict):
        raise UserError(f"{origin}: vision_config must be a JSON object")
    get = lambda key: _whole(vision, key, _PIXTRAL_DEFAULTS, origin)  # noqa: E731
    h, ffn, layers = get("hidden_size"), get("intermediate_size"), get("num_hidden_layers")
    channels, patch = get("num_channels"), get("patch_size")
    return channels * patch * patch * h + h + layers * (2 * h + 4 * h * h + 3 * h * ffn)


def mistral3_projector_params(cfg: dict, vision: dict, text_hidden: int, origin: str) -> int:
    """Mistral3MultiModalProjector: an RMSNorm over the vision width, the patch merger (vision ·
    merge² -> vision, no bias), linear_1 (vision · feature layers -> text) and linear_2 (text ->
    text), with biases when multimodal_projector_bias."""
    h = _whole(vision, "hidden_size", _PIXTRAL_DEFAULTS, origin)
    merge = cfg.get("spatial_merge_size", 2)
    layers = cfg.get("vision_feature_layer", -1)
    bias = cfg.get("multimodal_projector_bias", False)
    if isinstance(merge, bool) or not isinstance(merge, int) or merge <= 0:
        raise UserError(f"{origin}: spatial_merge_size must be a positive whole number, not {merge!r}")
    if not isinstance(bias, bool):
        raise UserError(f"{origin}: multimodal_projector_bias must be true or false, not {bias!r}")
    features = 1 if isinstance(layers, int) and not isinstance(layers, bool) else (
        len(layers) if isinstance(layers, list) and layers else 0)
    if not features:
        raise UserError(f"{origin}: vision_feature_layer must be a layer number or a list of them")
    t = text_hidden
    return h + h * merge * merge * h + (h * features * t + (t if bias else 0)) + (t * t + (t if bias else 0))
