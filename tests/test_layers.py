"""The layering of docs/ARCHITECTURE.md: the core never imports the terminal UI."""

import pkgutil
import subprocess
import sys

import paramtui.core


def test_importing_every_core_module_imports_no_textual():
    modules = sorted(m.name for m in pkgutil.walk_packages(paramtui.core.__path__, "paramtui.core."))
    assert "paramtui.core.result.estimate" in modules and "paramtui.core.io.export" in modules
    code = (f"import importlib, sys\nfor m in {modules!r}:\n    importlib.import_module(m)\n"
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "print(bad)\nsys.exit(1 if bad else 0)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_network_is_worked_out_once_per_architecture_object():
    from paramtui.core.model.catalog import get_model
    from paramtui.core.model.layers.network import network_of
    from paramtui.core.validation import replace

    arch = get_model("qwen3-next-80b-a3b").architecture
    assert network_of(arch) is network_of(arch)
    wider = replace(arch, hidden_size=arch.hidden_size * 2)  # another object: its own network
    assert network_of(wider) is not network_of(arch)
    assert network_of(wider).hidden == 2 * network_of(arch).hidden
