"""Every test gets its own user directories, so tests run side by side (pytest-xdist workers)
never share a prefs, theme, target or autosave file, and none touches the developer's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_user_dirs(tmp_path, monkeypatch):
    # paramtui finds its user files through platformdirs, which reads these (core/io/resources.py).
    # Test files that need a particular layout set them again over this.
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "user" / var.lower()))
