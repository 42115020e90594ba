"""Keys typed in one burst in a real terminal (issue 18 item 4): each burst is ONE tmux
`send-keys` call, so the app reads the keys together, as over SSH or from a key held down."""

from __future__ import annotations

import time

from paramtui.core.inputs.scenario import Scenario
from paramtui.core.inputs.session import Session, session_to_toml

SESSION = session_to_toml(Session(title="burst", scenarios=(
    Scenario(id="s", name="Burst test", model="llama-3.1-8b", precision="bf16", target="h100-sxm"),)))


def started(tmux_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the app's own directory: an export's default file lands here
    app = tmux_app(SESSION, no_color=True)
    app.wait_for("Calculator", timeout=30)
    app.wait_for("H100")
    return app


def wait_gone(app, fragment: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while fragment in app.text() and time.monotonic() < deadline:
        time.sleep(0.05)


def on_the_target_row(app) -> None:
    """Move the form's cursor from Model (where focus starts) down to Target, and check it is
    there by opening Target's list alone and closing it again."""
    for _ in range(5):  # Precision, KV cache, Batch, Context, Target
        app.keys("Down")
        time.sleep(0.1)
    app.keys("Enter")
    assert "─ Target ─" in app.wait_for("─ Target ─"), "the cursor is not on Target:\n" + app.text()
    app.keys("Escape")
    wait_gone(app, "filter…")


def target_line(text: str) -> str:
    """The Calculator's Target row ("" while a list covers it)."""
    return next((line for line in text.splitlines() if line.lstrip().startswith("Target ")), "")


def test_enter_4090_enter_on_target_picks_the_rtx_4090(tmux_app, tmp_path, monkeypatch):
    app = started(tmux_app, tmp_path, monkeypatch)
    on_the_target_row(app)
    assert "H100" in target_line(app.text())
    app.keys("Enter", "4090", "Enter")  # one send-keys: the list opens with 4090 typed after it
    deadline = time.monotonic() + 15
    while ("RTX 4090 24GB" not in app.text() or "filter…" in app.text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    text = app.text()
    assert "filter…" not in text  # the list it opened is closed
    assert "NVIDIA GeForce RTX 4090 24GB" in text, text  # the results' heading names the new target
    assert "H100" not in target_line(text)


def row_line(text: str, label: str) -> str:
    return next((line for line in text.splitlines() if line.lstrip().startswith(label + " ")), "")


def test_ctrl_l_qwen_enter_picks_a_qwen_model(tmux_app, tmp_path, monkeypatch):
    app = started(tmux_app, tmp_path, monkeypatch)
    assert "Llama" in row_line(app.text(), "Model")
    app.keys("C-l", "qwen", "Enter")  # one send-keys: the picker opens with the name typed after it
    deadline = time.monotonic() + 15
    while "Qwen" not in row_line(app.text(), "Model") and time.monotonic() < deadline:
        time.sleep(0.05)
    text = app.text()
    assert "Qwen" in row_line(text, "Model"), text
    assert "filter…" not in text  # the picker is closed


def test_ctrl_e_enter_enter_exports_and_keeps_running(tmux_app, tmp_path, monkeypatch):
    app = started(tmux_app, tmp_path, monkeypatch)
    app.keys("C-e", "Enter", "Enter")  # one send-keys: the prompt is answered once, not twice
    exported = tmp_path / "burst.csv"
    deadline = time.monotonic() + 15
    while not (exported.exists() and exported.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert exported.read_text().startswith("scenario.id,")
    # Still running and answering keys: escape leaves the form, 2 shows Compare.
    app.keys("Escape")
    time.sleep(0.3)
    app.keys("2")
    assert "▸2 Compare◂" in app.wait_for("▸2 Compare◂")
