"""A model file named in a session: a relative path is read from the session file's folder
whatever the working directory, saving keeps the path as written, and a file changed on disk
mid-session is read again rather than answered from the cache."""

from __future__ import annotations

import os

from paramtui.core.inputs.session import load_session, parse_session
from paramtui.core.io.session_file import open_session_file, save_session_file
from paramtui.core.result.estimate import estimate, serving
from paramtui.core.validation import replace
from tests.core.checkpoint_fixtures import LLAMA_GGUF_META, gguf_bytes, llama_gguf_tensors, write_gguf

SESSION = '''# my plans
[[scenario]]
id = "mine"
model = "models/tiny.gguf"   # beside this file
'''


def _project(tmp_path):
    """project/plans.toml naming project/models/tiny.gguf relatively; the working directory
    elsewhere (an empty folder, where models/tiny.gguf does not exist)."""
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    write_gguf(project / "models" / "tiny.gguf", "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    (project / "plans.toml").write_text(SESSION)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return project, elsewhere


def test_relative_model_path_is_read_from_the_session_files_folder(tmp_path, monkeypatch):
    project, elsewhere = _project(tmp_path)
    monkeypatch.chdir(elsewhere)
    for session in (load_session(project / "plans.toml"), open_session_file(project / "plans.toml").session):
        scenario = session.scenarios[0]
        assert scenario.model == str(project / "models" / "tiny.gguf")
        weights = estimate(scenario).values["memory.weights_bytes"]
        assert weights == sum(gguf_bytes(t, ne) for t, ne in llama_gguf_tensors().values())
    # From the session file's own folder, a relative session path reads the same file.
    monkeypatch.chdir(project)
    assert load_session("plans.toml").scenarios[0].model == str(project / "models" / "tiny.gguf")


def test_saving_keeps_the_relative_path_as_written(tmp_path, monkeypatch):
    project, elsewhere = _project(tmp_path)
    monkeypatch.chdir(elsewhere)
    opened = open_session_file(project / "plans.toml")
    scenario = replace(opened.session.scenarios[0], name="renamed")
    changed = replace(opened.session, scenarios=(scenario,))
    save_session_file(changed, project / "plans.toml", opened)
    text = (project / "plans.toml").read_text()
    assert 'model = "models/tiny.gguf"   # beside this file' in text
    assert 'name = "renamed"' in text
    reopened = open_session_file(project / "plans.toml").session
    assert reopened.scenarios[0].model == str(project / "models" / "tiny.gguf")
    # Saved into another folder, the relative path would name another file: the full path is written.
    other = tmp_path / "other"
    other.mkdir()
    save_session_file(changed, other / "copy.toml", opened)
    copy = open_session_file(other / "copy.toml").session
    assert copy.scenarios[0].model == str(project / "models" / "tiny.gguf")


def test_a_path_typed_relative_to_the_working_directory_is_saved_as_a_full_path(tmp_path, monkeypatch):
    """The picker's `models/tiny.gguf` means the file under the directory paramtui runs in;
    saved into a session file elsewhere, it must still name that file."""
    project, elsewhere = _project(tmp_path)
    monkeypatch.chdir(project)
    session = parse_session('[[scenario]]\nid = "typed"\nmodel = "models/tiny.gguf"')
    saved = tmp_path / "sessions" / "plans.toml"
    saved.parent.mkdir()
    save_session_file(session, saved)
    monkeypatch.chdir(elsewhere)
    reopened = open_session_file(saved).session.scenarios[0]
    assert reopened.model == str(project / "models" / "tiny.gguf")
    assert estimate(reopened).values["memory.weights_bytes"] == sum(
        gguf_bytes(t, ne) for t, ne in llama_gguf_tensors().values())


def test_a_model_file_changed_on_disk_is_read_again(tmp_path):
    path = tmp_path / "tiny.gguf"
    write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    scenario = parse_session(f'[[scenario]]\nid = "s"\nmodel = "{path}"').scenarios[0]
    first = estimate(scenario)
    assert first.architecture.num_hidden_layers == 2
    assert estimate(scenario) is first  # unchanged: the cached estimate
    # The same path rewritten with four layers (a re-download, a re-quantization).
    before = os.stat(path)
    write_gguf(path, "llama", {**LLAMA_GGUF_META, "llama.block_count": 4}, llama_gguf_tensors(layers=4))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    again = estimate(scenario)
    assert again.architecture.num_hidden_layers == 4
    assert again.values["memory.weights_bytes"] == sum(
        gguf_bytes(t, ne) for t, ne in llama_gguf_tensors(layers=4).values())
    assert serving(scenario).architecture.num_hidden_layers == 4


def test_a_file_replaced_with_the_same_size_and_time_is_read_again(tmp_path):
    """Another file moved into place (`mv new.gguf tiny.gguf`): the same size and
    modification time, another inode."""
    path, new = tmp_path / "tiny.gguf", tmp_path / "new.gguf"
    write_gguf(path, "llama", LLAMA_GGUF_META, llama_gguf_tensors())
    write_gguf(new, "llama", {**LLAMA_GGUF_META, "llama.attention.head_count_kv": 4}, llama_gguf_tensors())
    scenario = parse_session(f'[[scenario]]\nid = "s"\nmodel = "{path}"').scenarios[0]
    assert estimate(scenario).architecture.kv_heads == 2
    st = os.stat(path)
    os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(new).st_size == st.st_size
    os.replace(new, path)
    assert estimate(scenario).architecture.kv_heads == 4
