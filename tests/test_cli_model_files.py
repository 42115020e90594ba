"""`paramtui estimate FILE`: a GGUF, safetensors file or model folder, sized from its headers."""

from __future__ import annotations

import json

from paramtui.cli import main
from paramtui.core.io.model_folder import read_checkpoint
from tests.core.checkpoint_fixtures import LLAMA_GGUF_META, llama_gguf_tensors, write_gguf


def test_estimate_a_gguf_file(tmp_path, capsys):
    path = tmp_path / "tiny-Q4_K_M.gguf"
    write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    assert main(["estimate", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ckpt = read_checkpoint(path)
    assert out["scenario"]["precision"] == "file"
    assert out["memory"]["weights_bytes"] == ckpt.weights_bytes
    assert out["checkpoint"]["params"] == ckpt.elements == out["params"]["total"]
    assert out["checkpoint"]["file_bytes"] == path.stat().st_size
    assert main(["estimate", str(path)]) == 0
    table = capsys.readouterr().out
    assert "Model file (from its headers)" in table and "Q4_K 60.7%, Q6_K 32.1%" in table
    assert "5.4672" in table  # exact bits per weight


def test_a_bad_model_file_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "broken.gguf"
    write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    path.write_bytes(path.read_bytes()[:5000])
    assert main(["estimate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "truncated" in err
    assert main(["estimate", str(tmp_path / "missing-folder") + "/"]) == 2
    assert "no such model file or folder" in capsys.readouterr().err


def test_explain_says_how_the_file_was_read_and_a_bare_folder_name_gets_a_hint(tmp_path, capsys, monkeypatch):
    path = tmp_path / "tiny.gguf"
    write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    assert main(["estimate", str(path), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "8 · 1,254,912 / 1,836,288 = 5.4672" in out
    (tmp_path / "my-model").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["estimate", "my-model"]) == 2
    assert "to use the file or folder 'my-model' here, write ./my-model" in capsys.readouterr().err
