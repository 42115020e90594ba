"""Keys typed in one burst in a real terminal (issue 18 item 4): each burst is ONE tmux
`send-keys` call, so the app reads the keys together, as over SSH or from a key held down.
The bursts share one app (each starts from the screen the one before left), which ends on
the Deploy screen, pressing 4 as a user does."""

from __future__ import annotations

import time

from paramtui.core.inputs.scenario import InferenceSettings, Scenario
from paramtui.core.inputs.session import Session, session_to_toml

# The Deploy screen's rows are checked at the end of the flow, by name (not by id).
SESSION = session_to_toml(Session(title="burst", scenarios=(
    Scenario(id="s", name="Burst test", model="llama-3.1-8b", precision="bf16", target="h100-sxm"),
    Scenario(id="l70", name="Llama 70B bf16", model="llama-3.1-70b", precision="bf16", target="rtx-4090",
             inference=InferenceSettings(batch=1, context=8192)),
    Scenario(id="mix", name="Mixtral q4", model="mixtral-8x7b", precision="q4_k_m", target="rtx-4090",
             inference=InferenceSettings(batch=1, context=4096)))))


def started(tmux_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the app's own directory: an export's default file lands here
    app = tmux_app(SESSION, no_color=True)
    app.wait_for("Calculator", timeout=30)
    app.wait_for("H100")
    return app


def wait_until(check, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(0.05)


def on_the_target_row(app) -> None:
    """Move the form's cursor from Model (where focus starts) down to Target, and check it is
    there by opening Target's list alone and closing it again."""
    app.keys(*["Down"] * 5)  # Precision, KV cache, Batch, Context, Target
    app.keys("Enter")
    assert "─ Target ─" in app.wait_for("─ Target ─"), "the cursor is not on Target:\n" + app.text()
    app.keys("Escape")
    wait_until(lambda: "filter…" not in app.text(), "Target's list to close")


def target_line(text: str) -> str:
    """The Calculator's Target row ("" while a list covers it)."""
    return next((line for line in text.splitlines() if line.lstrip().startswith("Target ")), "")


def row_line(text: str, label: str) -> str:
    return next((line for line in text.splitlines() if line.lstrip().startswith(label + " ")), "")


def test_bursts_pick_a_target_and_a_model_export_once_then_deploy_shows_fits(tmux_app, tmp_path, monkeypatch):
    """One app, three bursts a user types over SSH, each checked before the next."""
    app = started(tmux_app, tmp_path, monkeypatch)
    # enter 4090 enter on Target: the list opens with 4090 typed after it and picks the RTX 4090.
    on_the_target_row(app)
    assert "H100" in target_line(app.text())
    app.keys("Enter", "4090", "Enter")  # one send-keys
    deadline = time.monotonic() + 15
    while ("RTX 4090 24GB" not in app.text() or "filter…" in app.text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    text = app.text()
    assert "filter…" not in text  # the list it opened is closed
    assert "NVIDIA GeForce RTX 4090 24GB" in text, text  # the results' heading names the new target
    assert "H100" not in target_line(text)
    # ctrl+l qwen enter: the picker opens with the name typed after it and picks a Qwen model.
    assert "Llama" in row_line(text, "Model")
    app.keys("C-l", "qwen", "Enter")  # one send-keys
    deadline = time.monotonic() + 15
    while "Qwen" not in row_line(app.text(), "Model") and time.monotonic() < deadline:
        time.sleep(0.05)
    text = app.text()
    assert "Qwen" in row_line(text, "Model"), text
    assert "filter…" not in text  # the picker is closed
    # ctrl+e enter enter: the export prompt is answered once, not twice.
    app.keys("C-e", "Enter", "Enter")  # one send-keys
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
    # 4 shows Deploy at 80×24: each row's fit and memory use, the rows named, not ids.
    app.keys("4")
    text = app.wait_for("Targets:")
    lines = text.splitlines()
    assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
    assert "▸4 Deploy◂" in text and "100" in text
    assert "✓" in text and "✗" in text and "%" in text
    assert "Llama 70B bf16" in text and "Mixtral q4" in text  # rows named, not ids
