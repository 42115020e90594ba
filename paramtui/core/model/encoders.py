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


def _vision_dict(vision: Any, origin: str) -> dict:
    if not isinstance(vision, dict):
        raise UserError(f"{origin}: vision_config must be a JSON object")
    return vision


# Qwen3_5VisionConfig's defaults (configuration_qwen3_5.py; Qwen3_5MoeVisionConfig is the same).
_QWEN3_5_VISION_DEFAULTS: dict[str, Any] = dict(depth=27, hidden_size=1152, intermediate_size=4304, in_channels=3,
                                                patch_size=16, temporal_patch_size=2, spatial_merge_size=2,
                                                out_hidden_size=3584, num_position_embeddings=2304)


def qwen3_5_vision_params(vision: dict, origin: str) -> int:
    """Qwen3_5VisionModel (the same in Qwen3.5-MoE): a Conv3d patch embedding with bias
    (temporal × patch × patch), learned positions (num_position_embeddings), blocks of two
    LayerNorms, a fused qkv and proj with biases and a two-layer MLP with biases, and the
    patch merger: a LayerNorm over the vision width, fc1 (width · merge² square) and fc2 into
    out_hidden_size, with biases. Its rotary embedding has no weights."""
    vision = _vision_dict(vision, origin)
    # num_hidden_layers is the config's other name for depth (attribute_map).
    if "num_hidden_layers" in vision and "depth" not in vision:
        vision = {**vision, "depth": vision["num_hidden_layers"]}
    get = lambda key: _whole(vision, key, _QWEN3_5_VISION_DEFAULTS, origin)  # noqa: E731
    h, ffn, depth = get("hidden_size"), get("intermediate_size"), get("depth")
    patch, temporal, channels = get("patch_size"), get("temporal_patch_size"), get("in_channels")
    merged, out = h * get("spatial_merge_size") ** 2, get("out_hidden_size")
    embeddings = channels * temporal * patch * patch * h + h + get("num_position_embeddings") * h
    block = 2 * (2 * h) + (3 * h * h + 3 * h) + (h * h + h) + (h * ffn + ffn) + (ffn * h + h)
    merger = 2 * h + (merged * merged + merged) + (merged * out + out)
    return embeddings + depth * block + merger


# Llama4VisionConfig's defaults (configuration_llama4.py).
_LLAMA4_VISION_DEFAULTS: dict[str, Any] = dict(hidden_size=768, num_hidden_layers=34, num_attention_heads=16,
                                               num_channels=3, intermediate_size=5632, vision_output_dim=7680,
                                               image_size=448, patch_size=14, projector_input_dim=4096,
                                               projector_output_dim=4096)


def llama4_vision_params(vision: dict, origin: str) -> int:
    """Llama4VisionModel: an unfolded patch projection without bias, a class embedding and
    learned positions ((image / patch)² + 1 rows), LayerNorms before and after the encoder,
    encoder layers of two LayerNorms, q/k/v/o with biases and a two-layer MLP with biases,
    and the pixel-shuffle adapter's two bias-free layers (intermediate -> projector input ->
    projector output)."""
    vision = _vision_dict(vision, origin)
    get = lambda key: _whole(vision, key, _LLAMA4_VISION_DEFAULTS, origin)  # noqa: E731
    h, ffn, layers = get("hidden_size"), get("intermediate_size"), get("num_hidden_layers")
    patch, image, channels = get("patch_size"), get("image_size"), get("num_channels")
    positions = (image // patch) ** 2 + 1
    embeddings = channels * patch * patch * h + h + positions * h + 2 * (2 * h)
    layer = 2 * (2 * h) + 4 * (h * h + h) + (h * ffn + ffn) + (ffn * h + h)
    adapter = ffn * get("projector_input_dim") + get("projector_output_dim") ** 2
    return embeddings + layers * layer + adapter


def llama4_projector_params(vision: dict, text_hidden: int, origin: str) -> int:
    """Llama4MultiModalProjector: linear_1 (vision_output_dim -> text width), no bias."""
    return _whole(_vision_dict(vision, origin), "vision_output_dim", _LLAMA4_VISION_DEFAULTS, origin) * text_hidden


# Gemma4VisionConfig's and Gemma4AudioConfig's defaults (configuration_gemma4.py).
_GEMMA4_VISION_DEFAULTS: dict[str, Any] = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=16,
                                               num_attention_heads=12, num_key_value_heads=12, head_dim=64,
                                               patch_size=16, position_embedding_size=10 * 1024)
_GEMMA4_AUDIO_DEFAULTS: dict[str, Any] = dict(hidden_size=1024, num_hidden_layers=12, num_attention_heads=8,
                                              conv_kernel_size=5, output_proj_dims=1536)
_GEMMA4_AUDIO_SUBSAMPLING = (128, 32)


def gemma4_vision_params(vision: Any, text_hidden: int, origin: str) -> int:
    """Gemma4VisionModel and its embedder into the language model (0 without a vision_config):
    a bias-free patch projection (3·patch² -> width), a 2 × position_embedding_size table of
    positions; layers of q/k/v/o without biases (heads and KV heads × head_dim), q and k
    norms over head_dim (v_norm has no weight), a gated MLP without biases and four RMSNorms;
    the pooler has no weights; embed_vision projects the width to the text width (no bias;
    its norm has no weight)."""
    if vision is None:
        return 0
    vision = _vision_dict(vision, origin)
    get = lambda key: _whole(vision, key, _GEMMA4_VISION_DEFAULTS, origin)  # noqa: E731
    h, ffn, layers = get("hidden_size"), get("intermediate_size"), get("num_hidden_layers")
    heads, kv, hd = get("num_attention_heads"), get("num_key_value_heads"), get("head_dim")
    embeddings = 3 * get("patch_size") ** 2 * h + 2 * get("position_embedding_size") * h
    layer = h * heads * hd + 2 * h * kv * hd + heads * hd * h + 2 * hd + 3 * h * ffn + 4 * h
    return embeddings + layers * layer + h * text_hidden


def gemma4_audio_params(audio: Any, text_hidden: int, origin: str) -> int:
    """Gemma4AudioModel (a Universal Speech Model conformer) and its embedder (0 without an
    audio_config): two bias-free 3×3 subsampling convolutions with bias-free LayerNorms and
    an input projection; layers of two feed-forward blocks (width -> 4·width -> width, two
    norms each), attention with q/k/v/post, a relative-position key projection and a
    per-dim scale, a light convolution block (linear_start 2·width, a depthwise kernel,
    linear_end, two norms) and three more norms; output_proj with bias; embed_audio
    projects output_proj_dims to the text width (no bias)."""
    if audio is None:
        return 0
    if not isinstance(audio, dict):
        raise UserError(f"{origin}: audio_config must be a JSON object")
    get = lambda key: _whole(audio, key, _GEMMA4_AUDIO_DEFAULTS, origin)  # noqa: E731
    h, layers, heads, kernel, out = (get("hidden_size"), get("num_hidden_layers"), get("num_attention_heads"),
                                     get("conv_kernel_size"), get("output_proj_dims"))
    channels = audio.get("subsampling_conv_channels", _GEMMA4_AUDIO_SUBSAMPLING)
    if not isinstance(channels, (list, tuple)) or len(channels) != 2 or any(
            isinstance(n, bool) or not isinstance(n, int) or n <= 0 for n in channels):
        raise UserError(f"{origin}: audio_config.subsampling_conv_channels must be two positive whole numbers")
    c0, c1 = channels
    attention_width = heads * (h // heads)
    subsampling = 9 * c0 + c0 + 9 * c0 * c1 + c1 + (c0 // 4) * c1 * h
    feed_forward = 2 * (4 * h * h) + 2 * h
    attention = 3 * h * attention_width + h * h + h * attention_width + h // heads
    light_conv = 2 * h * h + h * h + h * kernel + 2 * h
    layer = 2 * feed_forward + attention + light_conv + 3 * h
    return subsampling + layers * layer + (h * out + out) + out * text_hidden
