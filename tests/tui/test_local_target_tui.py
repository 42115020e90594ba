"""On a machine with a GPU, Deploy offers this machine (`local`) first."""

from __future__ import annotations

import pytest

from paramtui.core.inputs import local_machine
from paramtui.core.inputs.local_machine import DetectedGpu, Machine, local_target
from paramtui.core.inputs.session import Session
from paramtui.core.validation import validate
from paramtui.tui.app import ParamApp
from paramtui.tui.screens.deploy import DeployScreen


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / "home" / var.lower()))


class DeployFirst(ParamApp):
    DEFAULT_MODE = "deploy"


async def test_deploy_offers_the_detected_gpu_first(monkeypatch):
    machine = Machine("Linux", "AMD EPYC 9654", 96, 512 * 2**30,
                      (DetectedGpu("nvidia", "NVIDIA GeForce RTX 4090", 24564 * 2**20, "rtx-4090"),))
    monkeypatch.setattr(local_machine, "detected_gpu_target", lambda: local_target(machine))
    session = validate(Session, dict(title="t", scenario=(
        dict(id="l8", model="llama-3.1-8b", precision="q4_k_m", target="h100-sxm"),)))
    app = DeployFirst(session, restore_autosave=False, autosave=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DeployScreen)
        assert [t.id for t in screen.targets[:2]] == ["local", "h100-sxm"]  # then the session's own
        local = screen.targets[0]
        assert local.name == "this machine: NVIDIA GeForce RTX 4090"
        assert local.host_memory_bytes == 512 * 2**30 and local.memory_bytes == 24564 * 2**20
