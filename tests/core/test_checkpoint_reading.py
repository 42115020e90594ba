"""Reading a model's files reads only their headers, opens them read-only and never touches
the network (issue 15: a 20-shard folder of multi-GB shards is read from its headers alone; how
long that takes is the benchmark's `checkpoint-headers` measurement, not a test's)."""

from __future__ import annotations

import builtins
import json
import os
import socket

from paramtui.core.inputs.session import parse_session
from paramtui.core.io.model_folder import read_checkpoint
from paramtui.core.result.estimate import estimate
from tests.core.checkpoint_fixtures import (LLAMA_GGUF_META, llama_gguf_tensors, write_gguf, write_index,
                                            write_safetensors)

SHARDS = 20
ROWS, COLS = 16_384, 65_536  # one BF16 tensor of 2 GiB; two per shard: 4 GiB shards, 80 GiB in all


def _sparse_folder(folder):
    """A 20-shard BF16 checkpoint whose shards are as long as real ones but holes on disk."""
    folder.mkdir()
    weight_map = {}
    for shard in range(SHARDS):
        name = f"model-{shard + 1:05d}-of-{SHARDS:05d}.safetensors"
        tensors = {f"model.layers.{shard}.mlp.{part}.weight": ("BF16", (ROWS, COLS)) for part in ("up", "down")}
        write_safetensors(folder / name, tensors, sparse=True)
        weight_map |= dict.fromkeys(tensors, name)
    write_index(folder, weight_map)
    return folder


class _CountingFile:
    """A file opened by the reader, counting the bytes it reads."""

    def __init__(self, file, counts: list[int]) -> None:
        self._file, self._counts = file, counts

    def read(self, *args):
        data = self._file.read(*args)
        self._counts.append(len(data))
        return data

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


def test_a_20_shard_folder_of_4_gib_shards_is_read_from_its_headers_alone(tmp_path, monkeypatch):
    folder = _sparse_folder(tmp_path / "big")
    reads: list[int] = []
    real_open = builtins.open

    def counting_open(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        return _CountingFile(opened, reads) if str(file).endswith(".safetensors") else opened

    monkeypatch.setattr(builtins, "open", counting_open)
    ckpt = read_checkpoint(folder)
    assert ckpt.elements == SHARDS * 2 * ROWS * COLS  # 43B weights, from the headers alone
    assert ckpt.weights_bytes == SHARDS * 2 * ROWS * COLS * 2 == 85_899_345_920
    assert ckpt.file_bytes > ckpt.weights_bytes  # the headers on top
    # Each shard's 8-byte length and its JSON header, nothing of the 80 GiB of data.
    header_bytes = ckpt.file_bytes - ckpt.weights_bytes
    assert 0 < sum(reads) <= header_bytes, (sum(reads), header_bytes)
    assert len(reads) >= SHARDS


def test_model_files_are_opened_read_only_and_nothing_touches_the_network(tmp_path, monkeypatch):
    gguf = tmp_path / "tiny.gguf"
    write_gguf(gguf, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({
        "model_type": "llama", "vocab_size": 256, "hidden_size": 64, "num_hidden_layers": 1,
        "num_attention_heads": 4, "intermediate_size": 128, "max_position_embeddings": 4096}))
    write_safetensors(folder / "model.safetensors", {"model.embed_tokens.weight": ("BF16", (256, 64))})
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (gguf, folder / "model.safetensors")}

    opened: list[tuple[str, str]] = []
    real_open, real_os_open = builtins.open, os.open

    def watching_open(file, mode="r", *args, **kwargs):
        if str(file).startswith(str(tmp_path)):
            opened.append((str(file), mode))
        return real_open(file, mode, *args, **kwargs)

    def watching_os_open(path, flags, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            opened.append((str(path), "w" if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC) else "r"))
        return real_os_open(path, flags, *args, **kwargs)

    def no_network(*args, **kwargs):
        raise AssertionError("a model file's reading touched the network")

    monkeypatch.setattr(builtins, "open", watching_open)
    monkeypatch.setattr(os, "open", watching_os_open)
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)

    for model in (gguf, folder):
        est = estimate(parse_session(f'[[scenario]]\nid = "s"\nmodel = "{model}"').scenarios[0])
        assert est.values["memory.weights_bytes"] == read_checkpoint(model).weights_bytes

    assert {path for path, _ in opened} >= {str(gguf), str(folder / "model.safetensors")}
    assert all(set(mode) <= {"r", "b", "t"} for _, mode in opened), opened
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in before} == before
