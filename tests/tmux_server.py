"""A private tmux server per terminal test (`tmux -L NAME`), stopped without a trace."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def stop_server(name: str) -> None:
    """Stop the tmux server named `name` and remove its socket file, which tmux leaves behind
    in its socket folder (thousands of them after a few days of test runs)."""
    subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True)
    # tmux's own rule for where `-L NAME` puts the socket: $TMUX_TMPDIR or /tmp, then tmux-UID.
    folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
    (folder / name).unlink(missing_ok=True)
