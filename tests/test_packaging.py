"""The wheel carries themes/ and targets/ (docs/ARCHITECTURE.md, Shape) and the catalog, not just the code."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_data(tmp_path):
    # --no-build-isolation: the test extra installs the build backend (hatchling), so the wheel
    # builds without a package index and the test never has a reason to skip.
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    (wheel,) = tmp_path.glob("paramtui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for toml in (ROOT / "targets").glob("*.toml"):
        assert f"paramtui/_data/targets/{toml.name}" in names
    for toml in (ROOT / "themes").glob("*.toml"):
        assert f"paramtui/_data/themes/{toml.name}" in names
    assert "paramtui/core/model/catalog.toml" in names
