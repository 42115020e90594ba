"""Models on this machine: a fake Hugging Face cache, Ollama store and LM Studio folder."""

from __future__ import annotations

import hashlib
import json

import pytest

from paramtui.cli import main
from paramtui.core.io.local_models import find_local_models
from tests.core.checkpoint_fixtures import LLAMA_GGUF_META, llama_gguf_tensors, write_gguf, write_safetensors


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """HOME with an HF cache (one safetensors repo, linked into blobs/ as the hub does), an
    Ollama store (manifest -> GGUF blob) and an LM Studio model."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for var in ("HF_HUB_CACHE", "HF_HOME", "OLLAMA_MODELS"):
        monkeypatch.delenv(var, raising=False)
    repo = home / ".cache/huggingface/hub/models--acme--tiny"
    snap = repo / "snapshots/abc123"
    snap.mkdir(parents=True)
    (repo / "blobs").mkdir()
    write_safetensors(repo / "blobs/deadbeef", {"w": ("BF16", (64, 64))})
    (snap / "model.safetensors").symlink_to(repo / "blobs/deadbeef")
    (snap / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs/main").write_text("abc123")

    store = home / ".ollama/models"
    (store / "blobs").mkdir(parents=True)
    gguf = store / "blobs/tmp.gguf"
    write_gguf(gguf, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    digest = hashlib.sha256(gguf.read_bytes()).hexdigest()
    gguf.rename(store / f"blobs/sha256-{digest}")
    manifest = store / "manifests/registry.ollama.ai/library/tinyllama/q4_k_m"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"layers": [
        {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:00"},
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}]}))

    lms = home / ".lmstudio/models/bartowski/Tiny-GGUF"
    lms.mkdir(parents=True)
    write_gguf(lms / "Tiny-Q4_K_M.gguf", "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    return home


def test_finds_hf_cache_ollama_and_lm_studio(machine):
    found = {m.name: m for m in find_local_models()}
    assert set(found) == {"acme/tiny", "tinyllama:q4_k_m", "bartowski/Tiny-GGUF"}
    hf = found["acme/tiny"]
    blob = machine / ".cache/huggingface/hub/models--acme--tiny/blobs/deadbeef"
    assert (hf.source, hf.format, hf.params) == ("huggingface", "safetensors", 64 * 64)
    assert hf.size_bytes == blob.stat().st_size + len("{}")  # the blob the link points at, and config.json
    ollama = found["tinyllama:q4_k_m"]
    assert (ollama.source, ollama.format, ollama.params) == ("ollama", "gguf", 1836288)
    assert found["bartowski/Tiny-GGUF"].source == "lm-studio"


def test_hf_home_and_dir(machine, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "elsewhere"))  # the default cache is no longer read
    extra = tmp_path / "mine" / "nested" / "m"
    extra.mkdir(parents=True)
    write_gguf(extra / "x-00001-of-00002.gguf", "llama", {**LLAMA_GGUF_META, "split.count": 2},
               dict(list(llama_gguf_tensors().items())[:5]))
    write_gguf(extra / "x-00002-of-00002.gguf", "llama", {}, dict(list(llama_gguf_tensors().items())[5:]))
    found = {m.name: m for m in find_local_models([str(tmp_path / "mine")])}
    assert "acme/tiny" not in found
    split = found["nested/m"]  # one model for both parts, sized over both
    assert split.params == 1836288
    assert split.size_bytes == sum(p.stat().st_size for p in extra.iterdir())


def test_cli_models_local_json_and_table(machine, capsys):
    assert main(["models", "--local", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == {"acme/tiny", "tinyllama:q4_k_m", "bartowski/Tiny-GGUF"}
    assert all({"name", "source", "format", "path", "size_bytes", "params"} <= set(r) for r in rows)
    assert main(["models", "--local"]) == 0
    assert "tinyllama:q4_k_m" in capsys.readouterr().out
    assert main(["models", "--dir", "/no/such/dir"]) == 2
