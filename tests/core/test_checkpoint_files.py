"""Model files read from their headers: exact weights, exact counts, one line for a bad file."""

from __future__ import annotations

import json
import struct
from fractions import Fraction

import pytest

from paramtui.core.errors import UserError
from paramtui.core.io.checkpoint import describe_difference
from paramtui.core.io.model_folder import read_checkpoint
from tests.core.checkpoint_fixtures import (LLAMA_GGUF_META, gguf_bytes, llama_gguf_tensors, write_gguf,
                                            write_index, write_safetensors)


@pytest.fixture
def llama_gguf(tmp_path):
    path = tmp_path / "tiny-Q4_K_M.gguf"
    write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    return path


def test_gguf_weights_are_the_exact_sum_of_its_tensors(llama_gguf):
    tensors = llama_gguf_tensors()
    ckpt = read_checkpoint(llama_gguf)
    expected_bytes = sum(gguf_bytes(t, ne) for t, ne in tensors.values())
    expected_elements = sum(__import__("math").prod(ne) for _, ne in tensors.values())
    assert ckpt.weights_bytes == expected_bytes
    assert ckpt.elements == expected_elements
    assert ckpt.bits_per_weight == Fraction(8 * expected_bytes, expected_elements)
    assert ckpt.file_bytes == llama_gguf.stat().st_size
    assert [t.type for t in ckpt.types] == ["Q4_K", "Q6_K", "Q8_0", "F32"]
    q6 = next(t for t in ckpt.types if t.type == "Q6_K")
    # Q6_K: 210 bytes per 256 weights
    assert q6.bytes * 256 == q6.elements * 210 and q6.tensors == 5
    assert ckpt.type_mix().startswith("Q4_K 60.7%, Q6_K 32.1%")
    assert ckpt.metadata["llama.attention.head_count_kv"] == 2


def test_split_gguf_set_reads_every_part_from_the_first(tmp_path):
    tensors = list(llama_gguf_tensors().items())
    first = tmp_path / "m-00001-of-00002.gguf"
    write_gguf(first, "llama", {**LLAMA_GGUF_META, "split.count": 2}, dict(tensors[:10]))
    write_gguf(tmp_path / "m-00002-of-00002.gguf", "llama", {"split.count": 2}, dict(tensors[10:]))
    ckpt = read_checkpoint(first)
    assert len(ckpt.files) == 2
    assert ckpt.weights_bytes == sum(gguf_bytes(t, ne) for t, ne in dict(tensors).values())
    (tmp_path / "m-00002-of-00002.gguf").unlink()
    with pytest.raises(UserError, match="m-00002-of-00002.gguf of this 2-part GGUF set is missing"):
        read_checkpoint(first)


def test_truncated_gguf_is_one_line(llama_gguf):
    data = llama_gguf.read_bytes()
    llama_gguf.write_bytes(data[: len(data) - 1000])
    with pytest.raises(UserError, match="truncated"):
        read_checkpoint(llama_gguf)
    llama_gguf.write_bytes(data[:200])  # cut inside the metadata
    with pytest.raises(UserError, match="truncated"):
        read_checkpoint(llama_gguf)


def test_not_a_gguf_and_unknown_tensor_type(tmp_path, llama_gguf):
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello, not a model")
    with pytest.raises(UserError, match="not a GGUF file"):
        read_checkpoint(bad)
    data = bytearray(llama_gguf.read_bytes())
    name = b"output_norm.weight"
    at = data.index(name) + len(name)  # then: n_dims (u32), dims (u64 each), type (u32)
    (n_dims,) = struct.unpack_from("<I", data, at)
    struct.pack_into("<I", data, at + 4 + 8 * n_dims, 250)
    llama_gguf.write_bytes(bytes(data))
    with pytest.raises(UserError, match="unknown GGUF tensor type 250"):
        read_checkpoint(llama_gguf)


def _fp16_folder(folder, layers=2, hidden=64, vocab=128):
    folder.mkdir()
    shards = {"model.embed_tokens.weight": ("F16", (vocab, hidden)), "lm_head.weight": ("F16", (vocab, hidden))}
    second = {}
    for i in range(layers):
        (shards if i == 0 else second)[f"model.layers.{i}.mlp.up_proj.weight"] = ("BF16", (4 * hidden, hidden))
        (shards if i == 0 else second)[f"model.layers.{i}.input_layernorm.weight"] = ("F32", (hidden,))
    write_safetensors(folder / "model-00001-of-00002.safetensors", shards)
    write_safetensors(folder / "model-00002-of-00002.safetensors", second)
    write_index(folder, {n: "model-00001-of-00002.safetensors" for n in shards}
                | {n: "model-00002-of-00002.safetensors" for n in second})
    return shards | second


def test_sharded_safetensors_folder_counts_elements_and_bytes_per_dtype(tmp_path):
    tensors = _fp16_folder(tmp_path / "m")
    ckpt = read_checkpoint(tmp_path / "m")
    assert ckpt.format == "safetensors" and len(ckpt.files) == 2
    by_type = {t.type: (t.elements, t.bytes) for t in ckpt.types}
    assert by_type == {"F16": (2 * 128 * 64, 2 * 2 * 128 * 64), "BF16": (2 * 256 * 64, 2 * 2 * 256 * 64),
                       "F32": (2 * 64, 2 * 4 * 64)}
    assert ckpt.elements == sum(__import__("math").prod(s) for _, s in tensors.values())
    assert ckpt.bits_per_weight == Fraction(8 * ckpt.weights_bytes, ckpt.elements) > 16  # F32 norms raise it
    assert ckpt.quantization is None


def test_missing_shard_and_lying_header(tmp_path):
    _fp16_folder(tmp_path / "m")
    shard = tmp_path / "m" / "model-00002-of-00002.safetensors"
    data = shard.read_bytes()
    shard.write_bytes(data[:-10])
    with pytest.raises(UserError, match="truncated or lying header: tensor"):
        read_checkpoint(tmp_path / "m")
    shard.unlink()
    with pytest.raises(UserError, match="shard model-00002-of-00002.safetensors .* is missing"):
        read_checkpoint(tmp_path / "m")


@pytest.mark.parametrize("content, message", [
    (b"\x05", "shorter than its 8-byte header length"),
    (struct.pack("<Q", 10**12), "over the format's"),
    (struct.pack("<Q", 500) + b"{}", "truncated: its header says 500 bytes"),
    (struct.pack("<Q", 4) + b"\xff\xfe\x00\x01", "not UTF-8"),
    (struct.pack("<Q", 2) + b"[]", "not a JSON object"),
])
def test_bad_safetensors_files_are_one_line(tmp_path, content, message):
    path = tmp_path / "x.safetensors"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        read_checkpoint(path)


def test_unknown_dtype_and_wrong_size_in_header(tmp_path):
    path = tmp_path / "x.safetensors"
    header = json.dumps({"w": {"dtype": "Q9", "shape": [2], "data_offsets": [0, 2]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0\0")
    with pytest.raises(UserError, match="unknown type 'Q9'"):
        read_checkpoint(path)
    header = json.dumps({"w": {"dtype": ["F16"], "shape": [2], "data_offsets": [0, 4]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    with pytest.raises(UserError, match=r"unknown type \['F16'\]"):
        read_checkpoint(path)
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    with pytest.raises(UserError, match="header gives it 4"):
        read_checkpoint(path)


def test_fp8_checkpoint_with_block_scales(tmp_path):
    folder = tmp_path / "fp8"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"quantization_config": {
        "quant_method": "fp8", "fmt": "e4m3", "weight_block_size": [128, 128]}}))
    write_safetensors(folder / "model.safetensors", {
        "model.layers.0.mlp.up_proj.weight": ("F8_E4M3", (512, 256)),
        "model.layers.0.mlp.up_proj.weight_scale_inv": ("F32", (4, 2)),
        "model.norm.weight": ("BF16", (256,)),
    })
    ckpt = read_checkpoint(folder)
    assert ckpt.elements == 512 * 256 + 256  # scales are not parameters
    assert ckpt.weights_bytes == 512 * 256 + 4 * 2 * 4 + 2 * 256  # but they take bytes
    assert ckpt.quantization == "FP8 (E4M3, block-scaled 128×128)"


def test_gptq_packed_weights_count_unpacked(tmp_path):
    folder = tmp_path / "gptq"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"quantization_config": {
        "quant_method": "gptq", "bits": 4, "group_size": 128}}))
    k, n = 1024, 512
    write_safetensors(folder / "model.safetensors", {
        "model.layers.0.mlp.up_proj.qweight": ("I32", (k // 8, n)),
        "model.layers.0.mlp.up_proj.qzeros": ("I32", (k // 128, n // 8)),
        "model.layers.0.mlp.up_proj.scales": ("F16", (k // 128, n)),
        "model.layers.0.mlp.up_proj.g_idx": ("I32", (k,)),
        "model.embed_tokens.weight": ("F16", (100, n)),
    })
    ckpt = read_checkpoint(folder)
    assert ckpt.elements == k * n + 100 * n
    assert ckpt.quantization == "GPTQ 4-bit, group 128"
    int4 = next(t for t in ckpt.types if t.type.startswith("int4"))
    assert int4.elements == k * n and int4.bytes == k * n // 2


def test_mxfp4_and_bitsandbytes_4bit(tmp_path):
    path = tmp_path / "mx" / "model.safetensors"
    path.parent.mkdir()
    write_safetensors(path, {"model.layers.0.mlp.experts.down_proj_blocks": ("U8", (4, 64, 2, 16)),
                             "model.layers.0.mlp.experts.down_proj_scales": ("U8", (4, 64, 2))})
    ckpt = read_checkpoint(path)
    assert ckpt.elements == 4 * 64 * 2 * 32 and ckpt.quantization.startswith("MXFP4")
    path = tmp_path / "bnb.safetensors"
    write_safetensors(path, {"l.weight": ("U8", (2048, 1)), "l.weight.absmax": ("F32", (64,)),
                             "l.weight.quant_map": ("F32", (16,)),
                             "l.weight.quant_state.bitsandbytes__nf4": ("U8", (90,))})
    ckpt = read_checkpoint(path)
    assert ckpt.elements == 4096 and ckpt.quantization.startswith("bitsandbytes 4-bit")


def test_difference_from_config_is_named(tmp_path):
    folder = tmp_path / "vlm"
    folder.mkdir()
    write_safetensors(folder / "model.safetensors", {
        "model.layers.0.mlp.up_proj.weight": ("BF16", (1000, 1000)),
        "model.visual.blocks.0.attn.qkv.weight": ("BF16", (300, 1000)),
        "model.layers.1.mlp.up_proj.weight": ("BF16", (100, 1000)),  # past the config's one layer
    })
    ckpt = read_checkpoint(folder)
    text = describe_difference(ckpt, 1_000_000, config_layers=1)
    assert text == ("the files hold 400K more weights than config.json counts: 300K in a vision encoder, "
                    "100K in multi-token-prediction layers")
    assert describe_difference(ckpt, ckpt.elements, 1) is None


def test_not_a_model(tmp_path):
    (tmp_path / "readme.txt").write_text("hi")
    with pytest.raises(UserError, match="not a model file"):
        read_checkpoint(tmp_path / "readme.txt")
    with pytest.raises(UserError, match="no model here"):
        read_checkpoint(tmp_path)
    with pytest.raises(UserError, match="no such file or folder"):
        read_checkpoint(tmp_path / "absent.gguf")


def test_reading_safetensors_does_not_import_gguf_or_numpy():
    import subprocess
    import sys

    code = ("import sys, paramtui.cli, paramtui.core.io.model_folder; "
            "print('gguf' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr
