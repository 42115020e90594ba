"""paramtui's performance goals, measured (README: `python scripts/benchmark.py`).

1. Start-up to the first screen, against a minimal Textual app measured in the same run
   (goal: at most 1.75× the minimal app). Each start is a fresh Python process: the parent
   passes its clock reading, the child builds the app, runs it headless at 80×24 and reports
   how long after that reading its first screen was ready: for paramtui, the Calculator
   showing the real results of the current scenario (heading, both memory bars, every
   figure) with nothing left to lay out or paint; for both, the app idle. Runs alternate
   between the two apps so that machine load hits both alike. Children may write bytecode
   (PYTHONDONTWRITEBYTECODE is dropped), so that after the warm-up both start from compiled
   modules, as an installed package does.
2. Keystroke to updated results on the Calculator (goal: median under 50 ms): a key typed in
   the Batch field until the results show the new estimate, with the core's cache cleared
   first so every keystroke pays for a fresh estimate.

Other screens add their measurements with `@measurement("name", goal_text)` on a function
returning a `Result` (see `keystroke_calculator` for one that drives the app with Pilot).
`--check` exits with status 1 when a goal is missed. `--smoke` times everything once (no
warm-up start, no repeats; with `--runs 1 --keys 1` the quickest run), for the test that checks
every measurement still runs: its figures are not the goals' measure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Callable

STARTUP_GOAL_RATIO = 1.75
KEYSTROKE_GOAL_S = 0.050


@dataclass
class Result:
    name: str
    value: float  # seconds (or a ratio, when unit == "×")
    unit: str = "s"
    goal: str = ""
    ok: bool | None = None  # None: no goal
    detail: str = ""


Measurement = Callable[[argparse.Namespace], list[Result]]
MEASUREMENTS: list[tuple[str, Measurement]] = []


def measurement(name: str):
    """Register a measurement; it returns one or more Results."""

    def register(fn: Measurement) -> Measurement:
        MEASUREMENTS.append((name, fn))
        return fn

    return register


# ---------------------------------------------------------------------- child processes


def _isolated_env() -> dict[str, str]:
    """State and config in a temp dir: no restore prompt, no user themes, nothing written at home."""
    root = tempfile.mkdtemp(prefix="paramtui-bench-")
    env = dict(os.environ)
    # An installed package starts from compiled bytecode; without this a start would pay for
    # compiling every paramtui module edited since its .pyc was last written.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["XDG_STATE_HOME"] = os.path.join(root, "state")
    env["XDG_CONFIG_HOME"] = os.path.join(root, "config")
    return env


def _child(kind: str, t0: float) -> None:
    """Run in a fresh interpreter: build the app, report when its first screen is ready."""
    if kind == "minimal":
        from textual.app import App
        from textual.widgets import Footer, Static

        class Minimal(App):
            def compose(self):
                yield Static("hello")
                yield Footer()

        app = Minimal()
    else:
        from paramtui.tui.app import ParamApp

        app = ParamApp(restore_autosave=False)

    async def first_screen(pilot) -> None:
        await pilot.pause()
        if kind != "minimal":
            # Whatever is deferred past the first frame is still start-up: wait for the results.
            while not calculator_results_shown(app):
                await pilot.pause()
            await painted(app)
        print(f"READY {time.time() - t0:.6f}", flush=True)
        app.exit()

    app.run(headless=True, size=(80, 24), auto_pilot=first_screen)


def calculator_results_shown(app) -> bool:
    """True when the Calculator shows the current scenario's estimate: the heading names the
    model, both memory bars and every figure row are filled (`painted` then waits for the frame)."""
    from paramtui.tui.screens.calculator import CalculatorScreen
    from paramtui.tui.widgets.figure_list import FigureList
    from paramtui.tui.widgets.memory_bar import MemoryBar

    screen = app.screen
    if not isinstance(screen, CalculatorScreen) or not screen.is_mounted:
        return False
    est = screen._estimate
    scenario = app.current_scenario
    if est is None or scenario is None or est.scenario != scenario:
        return False
    head = screen.query_one("#results-head")
    if est.model_name not in str(head.render()):
        return False
    if any(not bar.parts for bar in screen.query(MemoryBar)):
        return False
    rows = screen.query_one(FigureList).rows
    if not rows or any(row.key is not None and not row.value for row in rows):
        return False
    return True


async def painted(app) -> None:
    """Until the screen has painted what is pending: Textual runs `call_after_refresh`
    callbacks once the next refresh is done."""
    done = asyncio.Event()
    app.screen.call_after_refresh(done.set)
    await done.wait()


def _children_cpu() -> float:
    """CPU seconds of the finished child processes so far (user + system)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _start_once(kind: str, env: dict[str, str], cpu: list[float] | None = None) -> float:
    t0 = time.time()
    cpu0 = _children_cpu()
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--t0", repr(t0)],
                         capture_output=True, text=True, env=env, timeout=120)
    if cpu is not None:  # the whole child, from exec to exit (it exits once its screen is ready)
        cpu.append(_children_cpu() - cpu0)
    for line in out.stdout.splitlines():
        if line.startswith("READY "):
            return float(line.split()[1])
    raise RuntimeError(f"{kind} app did not start:\n{out.stdout}\n{out.stderr}")


@measurement("start-up")
def startup(args) -> list[Result]:
    env = _isolated_env()
    if not args.smoke:
        _start_once("paramtui", env)  # warm the file cache and __pycache__ for both
        _start_once("minimal", env)
    minimal, paramtui, minimal_cpu, paramtui_cpu = [], [], [], []
    for _ in range(args.runs):
        minimal.append(_start_once("minimal", env, minimal_cpu))
        paramtui.append(_start_once("paramtui", env, paramtui_cpu))
    m, p = statistics.median(minimal), statistics.median(paramtui)
    ratio = p / m
    m_cpu, p_cpu = statistics.median(minimal_cpu), statistics.median(paramtui_cpu)
    def spread(times: list[float]) -> str:
        return f"median of {args.runs}, {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms"

    return [
        Result("start-up: minimal Textual app", m, detail=f"{spread(minimal)}; CPU {_ms(m_cpu)}"),
        Result("start-up: paramtui (demo session)", p, detail=f"{spread(paramtui)}; CPU {_ms(p_cpu)}"),
        Result("start-up ratio paramtui / minimal", ratio, "×", f"≤ {STARTUP_GOAL_RATIO}×",
               ratio <= STARTUP_GOAL_RATIO, f"CPU ratio {p_cpu / m_cpu:.2f}× (whole process)"),
    ]


# ---------------------------------------------------------------------- in-process (Pilot)


def run_pilot(body, size=(80, 24)):
    """Run `await body(app, pilot)` against a ParamApp in isolated state dirs; returns its value."""
    env = _isolated_env()
    os.environ["XDG_STATE_HOME"], os.environ["XDG_CONFIG_HOME"] = env["XDG_STATE_HOME"], env["XDG_CONFIG_HOME"]
    from paramtui.tui.app import ParamApp

    async def main():
        app = ParamApp(restore_autosave=False, autosave=True)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            return await body(app, pilot)

    return asyncio.run(main())


def _clear_estimate_cache() -> None:
    """Forget every per-scenario result (estimates and their serving halves), so the next
    computation is cold; parsed catalogs and the catalog models' counts stay, as they do
    in the app once a model has been shown."""
    from paramtui.core.result.estimate import clear_caches

    clear_caches()


async def time_key(app, pilot, key: str, done, timeout: float = 5.0, cpu: list[float] | None = None) -> float:
    """Seconds from a key reaching the app (posted as the terminal driver posts it) until
    `done()` is true and the screen has painted it. `cpu` gets the process's CPU seconds over
    the same span: the work itself, which a loaded machine stretches less than the wall time."""
    from textual import events

    await pilot.pause()  # start from an idle app
    char = key if len(key) == 1 else None
    start, start_cpu = time.perf_counter(), time.process_time()
    app.post_message(events.Key(key, char))
    while True:
        if done():
            await painted(app)
            if cpu is not None:
                cpu.append(time.process_time() - start_cpu)
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            raise RuntimeError(f"no update {timeout} s after {key!r}")
        await asyncio.sleep(0)


@measurement("keystroke")
def keystroke_calculator(args) -> list[Result]:
    async def body(app, pilot):
        screen = app.screen
        form = screen.form
        form.focus_row("batch")
        await pilot.press("end")
        times = []
        keys = ["1", "2", "backspace", "backspace"] * (args.keys // 4 + 1)
        for key in keys[: args.keys]:
            text = form.value("batch")
            expected = text + key if key != "backspace" else text[:-1]
            _clear_estimate_cache()

            def updated() -> bool:
                est = screen._estimate
                return est is not None and str(est.scenario.inference.batch) == expected

            times.append(await time_key(app, pilot, key, updated, cpu=cpu))
        return times

    cpu: list[float] = []
    times = run_pilot(body)
    median = statistics.median(times)
    p90 = sorted(times)[int(0.9 * (len(times) - 1))]
    return [Result("keystroke → results (Calculator)", median, "s", f"< {KEYSTROKE_GOAL_S * 1000:.0f} ms",
                   median < KEYSTROKE_GOAL_S,
                   f"median of {len(times)}, p90 {p90 * 1000:.1f} ms; CPU {_ms(statistics.median(cpu))}")]


# ---------------------------------------------------------------------- deploy matrix

DEPLOY_MATRIX_GOAL_S = 0.020


def _matrix_scenarios(count: int = 100):
    """`count` distinct scenarios: catalog decoders × precisions × contexts × batches."""
    from paramtui.core.model.catalog import load_catalog
    from paramtui.core.inputs.scenario import InferenceSettings, Scenario

    entries = [e for e in load_catalog().values() if e.kind in ("decoder", "moe")]
    precisions = ["bf16", "q8_0", "q4_k_m", "int4", "fp8"]
    scenarios = []
    i = 0
    while len(scenarios) < count:
        entry = entries[i % len(entries)]
        precision = precisions[(i // len(entries)) % len(precisions)]
        context = min((2048, 8192, 32768)[(i // 7) % 3], entry.context_length)
        scenarios.append(Scenario(id=f"s{i}", model=entry.id, precision=precision, target="h100-sxm",
                                  inference=InferenceSettings(batch=1 + i % 4, context=context)))
        i += 1
    return scenarios


@measurement("deploy-matrix")
def deploy_matrix_time(args) -> list[Result]:
    """The Deploy screen's matrix: 100 scenarios × every target, cold (no scenario's estimate
    cached: each row works out its inference memory and speed workload, then every cell) and
    warm (rows cached, as on a repaint). Catalog models are counted once per process, as in
    the app, so the warm-up run leaves their counts behind; everything per scenario is cleared."""
    from paramtui.core.views.deploy_matrix import deploy_matrix
    from paramtui.core.inputs.targets import default_targets

    scenarios = _matrix_scenarios()
    targets = list(default_targets().targets.values())
    deploy_matrix(scenarios, targets)  # imports; catalog, targets and model counts loaded once
    cold, cold_cpu = [], []
    for _ in range(1 if args.smoke else 9):
        _clear_estimate_cache()
        start, start_cpu = time.perf_counter(), time.process_time()
        deploy_matrix(scenarios, targets)
        cold.append(time.perf_counter() - start)
        cold_cpu.append(time.process_time() - start_cpu)
    warm = []
    for _ in range(1 if args.smoke else 5):
        start = time.perf_counter()
        deploy_matrix(scenarios, targets)
        warm.append(time.perf_counter() - start)
    cells = len(scenarios) * len(targets)
    c, w = statistics.median(cold), statistics.median(warm)
    return [
        Result(f"deploy matrix {len(scenarios)}×{len(targets)}, cold", c, "s",
               f"< {DEPLOY_MATRIX_GOAL_S * 1000:.0f} ms", c < DEPLOY_MATRIX_GOAL_S,
               f"{cells} cells, median of {len(cold)}, {min(cold) * 1000:.1f}–{max(cold) * 1000:.1f} ms; "
               f"CPU {_ms(statistics.median(cold_cpu))}"),
        Result(f"deploy matrix {len(scenarios)}×{len(targets)}, warm", w, "s",
               f"< {DEPLOY_MATRIX_GOAL_S * 1000:.0f} ms", w < DEPLOY_MATRIX_GOAL_S,
               f"rows cached, median of {len(warm)}"),
    ]


# ---------------------------------------------------------------------- compare table

COMPARE_CHANGE_GOAL_S = 0.050


@measurement("compare-100")
def compare_change_time(args) -> list[Result]:
    """The Compare screen with 100 scenarios: one what-if key (batch ×2 on the focused row) until
    the table is rebuilt from the new session and painted. Only the changed scenario needs a
    new estimate (the core caches by scenario value); the rest is table building and repaint."""
    from paramtui.core.inputs.session import Session

    scenarios = _matrix_scenarios(100)

    async def body(app, pilot):
        app.apply(Session(title="100 scenarios", scenarios=tuple(scenarios)), "benchmark session")
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        times = []
        for i in range(args.keys):
            key = "b" if i % 2 == 0 else "B"
            sid = app.current_id
            before = app.session.scenario(sid).inference.batch
            expected = before * 2 if key == "b" else max(1, before // 2)

            def painted() -> bool:
                return (screen.built_for is app.session
                        and app.session.scenario(sid).inference.batch == expected)

            times.append(await time_key(app, pilot, key, painted, cpu=cpu))
            if i % 10 == 9:  # move on, so the same two estimates are not always the cached ones
                await pilot.press("down")
        return times

    cpu: list[float] = []
    times = run_pilot(body)
    median = statistics.median(times)
    p90 = sorted(times)[int(0.9 * (len(times) - 1))]
    return [Result("compare 100 scenarios: key → table repainted", median, "s",
                   f"< {COMPARE_CHANGE_GOAL_S * 1000:.0f} ms", median < COMPARE_CHANGE_GOAL_S,
                   f"median of {len(times)}, p90 {p90 * 1000:.1f} ms; CPU {_ms(statistics.median(cpu))}")]


COMPARE_LARGE_GOAL_S = 0.5


@measurement("compare-10k")
def compare_large_change_time(args) -> list[Result]:
    """The Compare screen with a large session (10k scenarios; `--large N`): one what-if key
    (batch ×2 on the focused row) until that row shows the new figures, painted. Only the
    changed row is recomputed and repainted; opening the screen (the whole table) is not timed."""
    from paramtui.core.inputs.session import Session

    scenarios = _matrix_scenarios(args.large)
    keys = min(args.keys, 10) if args.smoke else max(3, min(args.keys, 10))

    async def body(app, pilot):
        app.apply(Session(title=f"{args.large} scenarios", scenarios=tuple(scenarios)), "benchmark session")
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        await pilot.press("down", "down")  # a row inside the table, not the first
        times = []
        for i in range(keys):
            key = "b" if i % 2 == 0 else "B"
            sid = app.current_id
            before = app.session.scenario(sid).inference.batch
            expected = before * 2 if key == "b" else max(1, before // 2)

            def painted() -> bool:
                return (screen.built_for is app.session
                        and app.session.scenario(sid).inference.batch == expected)

            times.append(await time_key(app, pilot, key, painted, timeout=120))
        return times

    times = run_pilot(body)
    median = statistics.median(times)
    return [Result(f"compare {args.large} scenarios: key → row repainted", median, "s",
                   f"< {COMPARE_LARGE_GOAL_S * 1000:.0f} ms", median < COMPARE_LARGE_GOAL_S,
                   f"median of {len(times)}, {min(times) * 1000:.0f}–{max(times) * 1000:.0f} ms")]


CHECKPOINT_GOAL_S = 0.25
CHECKPOINT_SHARDS = 20
CHECKPOINT_SHARD_BYTES = 4 * 2**30


def _write_sparse_shard(path, tensors: dict[str, tuple[int, int]]) -> None:
    """A BF16 safetensors shard declaring `tensors` (name -> rows, columns) whose data is a
    hole: the file is as long as a real shard but occupies almost nothing on disk."""
    import json
    import struct

    header, offset = {}, 0
    for name, (rows, cols) in tensors.items():
        header[name] = {"dtype": "BF16", "shape": [rows, cols], "data_offsets": [offset, offset + 2 * rows * cols]}
        offset += 2 * rows * cols
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        f.truncate(8 + len(text) + offset)


@measurement("checkpoint-headers")
def checkpoint_headers_time(args) -> list[Result]:
    """Reading a 20-shard safetensors folder of 4 GB sparse shards (80 GB, a 40B-parameter
    BF16 model): only the headers are read, so it takes milliseconds, not a read of 80 GB."""
    import json

    from paramtui.core.io.model_folder import read_checkpoint

    with tempfile.TemporaryDirectory() as folder:
        weight_map = {}
        width = 8192
        rows = CHECKPOINT_SHARD_BYTES // (2 * width * 8)
        for shard in range(CHECKPOINT_SHARDS):
            name = f"model-{shard + 1:05d}-of-{CHECKPOINT_SHARDS:05d}.safetensors"
            tensors = {f"model.layers.{shard}.mlp.part{i}.weight": (rows, width) for i in range(8)}
            _write_sparse_shard(os.path.join(folder, name), tensors)
            weight_map |= dict.fromkeys(tensors, name)
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            json.dump({"weight_map": weight_map}, f)
        times = []
        for _ in range(args.runs if args.smoke else max(3, args.runs)):
            t0 = time.perf_counter()
            ckpt = read_checkpoint(folder)
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return [Result(f"checkpoint headers: {CHECKPOINT_SHARDS} shards, {ckpt.file_bytes / 1e9:.0f} GB", median, "s",
                   f"< {CHECKPOINT_GOAL_S * 1000:.0f} ms", median < CHECKPOINT_GOAL_S,
                   f"median of {len(times)}; {ckpt.elements / 1e9:.0f}B weights read from the headers")]


# ---------------------------------------------------------------------- report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _fmt(r: Result) -> str:
    if r.unit == "×":
        return f"{r.value:.2f}×"
    return f"{r.value * 1000:.1f} ms" if r.value < 1 else f"{r.value:.2f} s"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7, help="starts of each app (default 7)")
    p.add_argument("--keys", type=int, default=40, help="keystrokes timed (default 40)")
    p.add_argument("--large", type=int, default=10_000, help="scenarios in compare-10k (default 10000)")
    p.add_argument("--only", action="append", help="run only these measurements (start-up, keystroke, ...)")
    p.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    p.add_argument("--smoke", action="store_true",
                   help="time everything once, without warm-up (the tests' quick run; figures not judged)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(args.child, args.t0)
        return 0
    results: list[Result] = []
    for name, fn in MEASUREMENTS:
        if args.only and name not in args.only:
            continue
        results.extend(fn(args))
    width = max(len(r.name) for r in results) + 2
    print(f"{'measurement':<{width}}{'value':>10}  {'goal':<10} {'result':<7} detail")
    for r in results:
        verdict = "" if r.ok is None else ("ok" if r.ok else "MISSED")
        print(f"{r.name:<{width}}{_fmt(r):>10}  {r.goal:<10} {verdict:<7} {r.detail}")
    missed = [r for r in results if r.ok is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    raise SystemExit(main())
