"""The benchmark script the README names still runs every measurement (timings are not
judged here: machines running tests are shared and noisy; the README gives the figures)."""

import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[1] / "scripts" / "benchmark.py"


def test_benchmark_runs_every_measurement(tmp_path):
    # Each measurement once, at its smallest: this checks that it runs, not how fast.
    out = subprocess.run([sys.executable, str(BENCHMARK), "--smoke", "--runs", "1", "--keys", "1", "--large", "10"],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = [line.split("  ")[0] for line in out.stdout.splitlines()[1:]]
    from paramtui.core.inputs.targets import default_targets

    targets = len(default_targets().targets)  # every shipped target is a Deploy column
    assert rows == ["start-up: minimal Textual app", "start-up: paramtui (demo session)",
                    "start-up ratio paramtui / minimal", "keystroke → results (Calculator)",
                    f"deploy matrix 100×{targets}, cold", f"deploy matrix 100×{targets}, warm",
                    "compare 100 scenarios: key → table repainted",
                    "compare 10 scenarios: key → row repainted",
                    "checkpoint headers: 20 shards, 86 GB"]
