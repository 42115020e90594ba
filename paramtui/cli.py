"""The `paramtui` command: the TUI by default, plus non-interactive subcommands (docs/ARCHITECTURE.md).

Every user mistake (bad file, unknown id, negative size) prints one line on stderr and exits
with status 2; a traceback is always a bug.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from paramtui import __version__

SUBCOMMANDS = ("estimate", "export", "models", "targets", "pick", "guide")
EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ------------------------------------------------------------------ scenario options

# Each scenario input (`paramtui.core.inputs.options`) is an option of `paramtui estimate`,
# named after its key ("inference.batch" -> --batch) unless named here.
_FLAG_NAMES = {
    "training.tokens": "--train-tokens",
    "training.tensor_parallel": "--tp",
    "training.pipeline_parallel": "--pp",
    "price_per_hour_usd": "--price",
    "host_ram_bytes": "--host-ram",
    "budget.usd": "--budget-usd",
    "budget.gpu_hours": "--budget-gpu-hours",
    "budget.days": "--budget-days",
    "budget.flops": "--budget-flops",
}
_NOT_FLAGS = {"name"}  # a scenario from the command line has no name of its own
_SEE_ALSO = {"target": "see `paramtui targets`"}


def _flag(option) -> str:
    return _FLAG_NAMES.get(option.key) or "--" + option.name.replace("_", "-")


def _reader(option):
    """argparse's `type` for an input: the input's own reading of text; a usage error
    (naming the option) otherwise."""
    from paramtui.core.errors import UserError

    def read(text: str):
        try:
            return option.read(text)
        except UserError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    return read


def _help(option) -> str:
    words = [option.help]
    if option.key == "precision":
        from paramtui.core.model.precision import PRECISION_IDS

        words.append(" ".join(PRECISION_IDS))
    if option.key in _SEE_ALSO:
        words.append(_SEE_ALSO[option.key])
    if option.kind == "choice" and not callable(option.choices):
        words += [f"{c.value} = {c.help}" for c in option.choices if c.help]
    default = option.default if option.default is not None else option.auto
    if default not in (None, ""):
        words.append(f"default: {default}")
    return "; ".join(w for w in words if w).replace("%", "%%")


def _add_scenario_options(p: argparse.ArgumentParser) -> None:
    from paramtui.core.inputs.options import OPTIONS

    for option in OPTIONS.values():
        if option.key in _NOT_FLAGS:
            continue
        fixed = option.kind == "choice" and not callable(option.choices)
        p.add_argument(_flag(option), dest=option.key, default=None, help=_help(option),
                       choices=option.values() if fixed else None,
                       type=None if option.kind == "choice" else _reader(option),
                       metavar=None if fixed else option.name.upper())


def _count(text: str) -> float:
    from paramtui.core.errors import UserError
    from paramtui.core.units import parse_count

    try:
        return parse_count(text, "")  # argparse names the option
    except UserError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < float("inf"):  # also refuses nan, which would print as invalid JSON
        raise argparse.ArgumentTypeError(f"must be zero or more, not {text}")
    return value


# ------------------------------------------------------------------ parsers


def _estimate_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="paramtui estimate",
        description="Size, memory, training cost, speed and predicted loss of one scenario.",
    )
    p.add_argument("model", nargs="?", help="a catalog id (see `paramtui models`), a count like 7B, a config.json, "
                   "a .gguf or .safetensors file or a model folder")
    p.add_argument("--config", metavar="FILE", help="a Hugging Face config.json")
    p.add_argument("--params", type=_count, metavar="N", help="a bare parameter count (7e9, 7B)")
    _add_scenario_options(p)
    p.add_argument("--explain", action="store_true", help="print how every figure was computed")
    p.add_argument("--json", action="store_true", help="print one JSON object with stable keys")
    return p


def _catalog_parser(name: str, what: str) -> argparse.ArgumentParser:
    p = _Parser(prog=f"paramtui {name}", description=f"List {what}.")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    return p


def _export_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="paramtui export", description="Write a session's comparison table to a file.")
    p.add_argument("session", help="a session .toml file")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output file; the format follows the suffix")
    p.add_argument("--format", choices=["csv", "json", "md", "html", "tex"], help="override the suffix")
    p.add_argument("--columns", help="comma-separated figure keys (default: the session's columns)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return p


def _pick_parser() -> argparse.ArgumentParser:
    from paramtui.core.inputs.options import LICENSE_CLASS_IDS, TASK_IDS

    p = _Parser(prog="paramtui pick", description="Rank the catalog models that fit a target.")
    p.add_argument("--target", help="hardware id (`local`: this machine); default: this machine's GPU when one "
                   "is detected")
    p.add_argument("--gpus", type=_positive_int, default=1)
    p.add_argument("--min-context", type=_positive_int, default=4096)
    p.add_argument("--min-tokens-per-s", type=_rate, default=0.0)
    p.add_argument("--precision", action="append", help="allowed precision (repeatable; default: all)")
    p.add_argument("--task", help="rank by the published score for this task: " + ", ".join(TASK_IDS)
                   + " (default: by predicted loss, a proxy)")
    p.add_argument("--license", help="only models licensed this freely or more: " + ", ".join(LICENSE_CLASS_IDS))
    p.add_argument("--json", action="store_true")
    return p


def _tui_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="paramtui",
        description="How big an AI model is, what it costs to train and run, and where it fits.",
        epilog="subcommands: estimate, export, models, targets, pick, guide (paramtui SUBCOMMAND --help)",
    )
    p.add_argument("session", nargs="?", help="a session .toml to open (default: the built-in demo)")
    p.add_argument("--version", action="version", version=f"paramtui {__version__}")
    return p


# ------------------------------------------------------------------ commands


def _scenario_from_args(args):
    from paramtui.core import validation
    from paramtui.core.errors import UserError
    from paramtui.core.inputs.scenario import Scenario

    model = {}
    given = [x for x in (args.model, args.config, args.params) if x is not None]
    if len(given) > 1:
        raise UserError("give the model one way: a catalog id, --params or --config")
    from paramtui.core.model.model_file import STORED, is_model_path

    if args.model and not args.model.endswith(".json") and is_model_path(args.model):
        # A model file or folder: its own types are the default precision.
        model = {"model": args.model}
        if args.precision is None:
            args.precision = STORED
    elif args.config or (args.model and args.model.endswith(".json")):
        from paramtui.core.model.hf_config import load_hf_config

        path = args.config or args.model
        model = {"architecture": load_hf_config(path), "name": Path(path).parent.name or Path(path).stem}
        if args.precision is None:  # what the checkpoint stores (its quantization_config or dtype)
            from paramtui.core.model.quant_config import native_precision_of_file

            args.precision = native_precision_of_file(path)
    elif args.params is not None:
        model = {"params": args.params}
    elif args.model is not None:
        from paramtui.core.units import _NUMBER, parse_count

        # Not `_count`: outside argparse its ArgumentTypeError would escape as a traceback.
        model = {"params": parse_count(args.model, "params")} if _NUMBER.match(args.model) else {"model": args.model}
        if "model" in model and args.precision is None:  # a catalog model: its weights as published
            from paramtui.core.model.catalog import get_model
            from paramtui.core.model.model_spec import check_model

            check_model(args.model)  # an unknown id is one line naming the closest ids (or ./name)
            args.precision = get_model(args.model).native_precision
    from paramtui.core.inputs.options import OPTIONS

    data: dict = {"id": "cli", **model}
    for key in OPTIONS:
        value = getattr(args, key, None)
        if value is not None:
            section, _, name = key.rpartition(".")
            (data.setdefault(section, {}) if section else data)[name] = value
    if not model:
        if "budget" not in data:
            raise UserError("give a model (a catalog id from paramtui models, --params N or --config FILE) "
                            "or a budget (--budget-usd, --budget-gpu-hours, --budget-days, --budget-flops)")
        from paramtui.core.result.budget_run import scenario_for_budget

        return scenario_for_budget(data)  # the compute-optimal model the budget buys
    return validation.validate(Scenario, data)


def cmd_estimate(argv) -> int:
    args = _estimate_parser().parse_args(argv)
    from paramtui.core.result.estimate import estimate
    from paramtui.core.inputs.session import check_references
    from paramtui.core.inputs.session import Session

    scenario = _scenario_from_args(args)
    check_references(Session(scenarios=(scenario,)), "estimate")
    est = estimate(scenario)
    if args.json:
        print(json.dumps(est.to_json(), indent=2))
        return 0

    if args.model is None and args.config is None and args.params is None:
        print_budget_answer(est, explain=args.explain)
        return 0
    print_estimate(est, explain=args.explain)
    return 0


def _models_parser() -> argparse.ArgumentParser:
    p = _catalog_parser("models", "the model catalog, or (--local) the models on this machine")
    p.add_argument("--local", action="store_true",
                   help="models on this machine: the Hugging Face cache, Ollama, LM Studio and --dir")
    p.add_argument("--dir", action="append", metavar="DIR", help="also look in this folder (repeatable; implies --local)")
    return p


def cmd_models(argv) -> int:
    args = _models_parser().parse_args(argv)

    if args.local or args.dir:
        from paramtui.core.io.local_models import find_local_models

        found = find_local_models(args.dir)
        if args.json:
            print(json.dumps([m._asdict() for m in found], indent=2))
        else:
            print_local_models(found)
        return 0
    if args.json:
        print(json.dumps(models_json(), indent=2))
    else:
        print_models()
    return 0


def cmd_targets(argv) -> int:
    p = _catalog_parser("targets", "the hardware targets")
    p.add_argument("--detect", action="store_true", help="this machine: RAM, cores, CPU and GPUs (target id `local`)")
    args = p.parse_args(argv)
    if args.detect:
        return print_detected(args.json)

    if args.json:
        print(json.dumps(targets_json(), indent=2))
    else:
        print_targets()
    return 0


def cmd_export(argv) -> int:
    args = _export_parser().parse_args(argv)
    from paramtui.core.errors import UserError
    from paramtui.core.io.export import export_session_file
    from paramtui.core.io.user_files import FileExistsUserError

    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    # realpath, not Path.resolve: that raises on a symlink loop, which the load reports instead
    if os.path.realpath(args.output) == os.path.realpath(args.session):
        raise UserError(f"{args.output}: refusing to overwrite the session file itself")
    try:
        written = export_session_file(args.session, args.output, fmt=args.format, columns=columns,
                                      replace=args.force)
    except FileExistsUserError as e:
        raise UserError(f"{e}; add --force to replace it") from None
    print(f"wrote {written}", file=sys.stderr)
    return 0


def cmd_pick(argv) -> int:
    args = _pick_parser().parse_args(argv)
    if args.target is None:  # this machine's GPU, when it has one
        from paramtui.core.errors import UserError
        from paramtui.core.inputs.local_machine import detected_gpu_target

        if detected_gpu_target() is None:
            raise UserError("give --target ID (see `paramtui targets`): no GPU was detected on this machine")
        args.target = "local"
    return print_pick(args)


def cmd_guide(argv) -> int:
    from paramtui.cli_guide import cmd_guide as guide

    return guide(argv, _Parser)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from paramtui.core.errors import UserError

    try:
        if argv and argv[0] in SUBCOMMANDS:
            command = {"estimate": cmd_estimate, "export": cmd_export, "models": cmd_models,
                       "targets": cmd_targets, "pick": cmd_pick, "guide": cmd_guide}[argv[0]]
            return command(argv[1:])
        args = _tui_parser().parse_args(argv)
        from paramtui.tui.app import run_app

        return run_app(args.session)
    except UserError as e:
        print(f"paramtui: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except SystemExit as e:  # argparse: --help, --version, usage errors (already printed)
        return e.code if isinstance(e.code, int) else 0
    except BrokenPipeError:  # `paramtui models | head`
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug in paramtui: one line that says so and how to report it
        from paramtui.core.bugs import bug_line

        print(bug_line(e, f"running `paramtui {' '.join(argv)[:200]}`"), file=sys.stderr)
        return EXIT_BUG


EXIT_BUG = 70  # EX_SOFTWARE (sysexits.h): an internal error, not the user's mistake



# ------------------------------------------------------------------ rendering (Rich tables)

def _console():
    from rich.console import Console

    return Console()


def _id_column(table, header: str, ids) -> None:
    """An id the user must type back is never cut or wrapped ("strix-ha…" cannot be typed): the
    column is as wide as the longest id, and the other columns give way at 80 columns."""
    width = max([len(header), *(len(str(i)) for i in ids)])
    table.add_column(header, justify="left", no_wrap=True, min_width=width)


def _plain(text) -> str:
    """Text from a file or the user shown as typed: Rich would read `[/]` or `[bold]` in a
    name as markup (and fail on `weird [/] name`)."""
    from rich.markup import escape

    return escape(str(text))


def print_budget_answer(est, explain: bool = False) -> None:
    """A budget with no model: the plan alone (size, tokens, loss, time, cost), and how to see
    that model's memory and speed. The full estimate of the planned size counts attention too,
    so its compute exceeds the law's 6·N·D: shown only when asked for."""
    from paramtui.core.units import format_count

    v = est.values
    print_estimate(est, explain=explain, groups=("budget",),
                   title=f"What {_plain(_budget_words(v))} buys on {v['scenario.gpus']}× {_plain(est.target.name)} "
                         f"({_plain(v['budget.law'])} law)")
    _console().print(f"[dim]For that model's memory, speed and training figures: paramtui estimate "
                     f"{format_count(v['budget.params'])} --train-tokens {format_count(v['budget.tokens'])} "
                     f"--target {_plain(v['scenario.target'])}[/]")


def _budget_words(v) -> str:
    from paramtui.core.units import format_flops, format_hours, format_money

    b = v["budget.given"]
    given = {"usd": lambda: format_money(v["budget.cost_usd"]), "gpu_hours": lambda: format_hours(v["budget.gpu_hours"]),
             "days": lambda: f"{v['budget.wall_seconds'] / 86400:g} days",
             "flops": lambda: format_flops(v["budget.flops"])}[b]
    return given()


def print_estimate(est, explain: bool = False, groups: tuple[str, ...] | None = None, title: str | None = None) -> None:
    from rich.table import Table

    from paramtui.core.result.figures import (FROM_SCRATCH_NOTE, GROUPS, NO_LOSS_FOR_FINETUNE, SHOWN_WHEN_NONZERO,
                                              explain as explain_figure, figures_of, group_applies)
    from paramtui.core.result.estimate import NEEDS_RATES

    v = est.values
    # The title as two deliberate lines printed above the table, at the terminal's width: as the
    # table's own title it wrapped at the table's width mid-phrase ("batch 1 ·" / "context 4,096").
    title = title or (f"[bold]{_plain(est.model_name)}[/] · {_plain(v['scenario.precision'])} on {v['scenario.gpus']}× "
             f"{_plain(est.target.name)}\nbatch {v['scenario.batch']} · context {v['scenario.context']:,}")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    if explain:
        table.add_column("how", style="dim", overflow="fold")
    for group, section in GROUPS.items():  # the registry's groups, as the Calculator shows them
        if groups is not None and group not in groups:
            continue
        figures = figures_of(group)
        if not group_applies(est, group):
            if group == "scaling" and v["scenario.purpose"] == "finetune":
                table.add_row(f"[underline]{section}[/]", *([""] * (2 if explain else 1)))
                table.add_row("  Predicted loss", NO_LOSS_FOR_FINETUNE, *([""] if explain else []))
            continue
        rows = []
        for fig in figures:
            key = fig.key
            unknown_rate = key in NEEDS_RATES and not est.target.rates_known  # shown as "–", said why below
            if (fig.value(est) is None and not unknown_rate) or (key in SHOWN_WHEN_NONZERO and not fig.value(est)):
                continue  # e.g. no recurrent state: an all-attention model has no such line
            cells = [f"  {fig.label}", _plain(fig.format(est))]
            if explain:
                cells.append(_plain(explain_figure(est, key).substituted))
            rows.append(cells)
        if rows:  # a model that does not run has no speed: no empty "Inference speed" heading
            table.add_row(f"[underline]{section}[/]", *([""] * (2 if explain else 1)))
        for cells in rows:
            table.add_row(*cells)
    console = _console()
    console.print(title)
    console.print(table)
    if est.nominal_architecture and groups is None:
        console.print("[dim]Shape assumed for a bare count (Llama-2-style); see --explain.[/]")
    from paramtui.core.result.warnings import estimate_warnings

    for warning in estimate_warnings(est):
        console.print(f"! {_plain(warning)}")
    if v["scenario.method"] != "full" and est.scenario.training.recompute is None:
        from paramtui.core.inputs.options import auto_recompute_label

        console.print(f"[dim]Recompute: {auto_recompute_label(v['scenario.method'])}; --recompute none keeps "
                      "every activation.[/]")
    if v["scenario.purpose"] == "finetune":
        console.print(f"[dim]{FROM_SCRATCH_NOTE}[/]")
    if explain:
        console.print()
        for key, e in est.explanations.items():
            console.print(f"[bold]{_plain(e.title)}[/] ({key})\n  {_plain(e.meaning)}\n  {_plain(e.formula)}\n"
                          f"  {_plain(e.substituted)}\n  [dim]{_plain(e.source)}[/]")


def models_json() -> list[dict]:
    from paramtui.core.model.catalog import load_catalog

    return [
        {"id": m.id, "name": m.name, "org": m.org, "kind": m.kind, "params": m.param_count.total,
         "active_params": m.param_count.active, "context_length": m.context_length,
         "training_tokens": m.training_tokens, "license": m.license, "source": m.source}
        for m in load_catalog().values()
    ]


def print_models() -> None:
    from rich.table import Table

    from paramtui.core.model.catalog import load_catalog
    from paramtui.core.units import format_count

    table = Table(title="Model catalog (paramtui estimate ID)", title_justify="left")
    _id_column(table, "id", load_catalog())
    for col, justify in (("name", "left"), ("params", "right"), ("active", "right"),
                         ("context", "right"), ("trained on", "right"), ("license", "left")):
        table.add_column(col, justify=justify)
    for m in models_json():
        table.add_row(_plain(m["id"]), _plain(m["name"]), format_count(m["params"]),
                      format_count(m["active_params"]) if m["active_params"] != m["params"] else "",
                      f"{m['context_length']:,}" if m["context_length"] else "–",
                      format_count(m["training_tokens"]) if m["training_tokens"] else "–", _plain(m["license"] or "–"))
    _console().print(table)


def print_local_models(found) -> None:
    from rich.table import Table

    from paramtui.core.units import format_bytes, format_count

    table = Table(title="Models on this machine (paramtui estimate PATH)", title_justify="left")
    for col, justify in (("name", "left"), ("from", "left"), ("format", "left"), ("on disk", "right"),
                         ("params", "right"), ("path", "left")):
        table.add_column(col, justify=justify, overflow="fold", no_wrap=col != "path")
    for m in found:
        table.add_row(_plain(m.name), m.source, m.format, format_bytes(m.size_bytes),
                      format_count(m.params) if m.params is not None else "[yellow]unreadable[/]", _plain(m.path))
    console = _console()
    console.print(table if found else "No models found in the Hugging Face cache, Ollama or LM Studio (add --dir DIR).")
    for m in found:
        if m.problem:
            console.print(f"[yellow]unreadable:[/] {_plain(m.problem)}")


def print_detected(as_json: bool) -> int:
    from paramtui.core.inputs.local_machine import detect_machine, local_target
    from paramtui.core.units import format_bytes
    from paramtui.core.validation import dump_json_data

    machine = detect_machine()
    target = local_target(machine)
    if as_json:
        print(json.dumps({**machine.to_json(), "target": dump_json_data(target)}, indent=2))
        return 0
    console = _console()
    console.soft_wrap = True  # whole lines: a GPU name is never cut
    console.print(f"[bold]This machine[/] ({_plain(machine.system)}): {_plain(machine.cpu_model)}, "
                  f"{machine.cores} cores, {format_bytes(machine.host_memory_bytes)} RAM")
    for g in machine.gpus:
        match = f"catalog target {g.target}" if g.target else "[yellow]not in the catalog: speed needs a target file[/]"
        console.print(f"  GPU ({g.vendor}): {_plain(g.name)}, {format_bytes(g.memory_bytes)} · {match}")
    if not machine.gpus:
        console.print("  no GPU found (nvidia-smi, amd-smi, rocm-smi, Apple chip)")
    for problem in machine.problems:
        console.print(f"  [yellow]skipped:[/] {_plain(problem)}")
    console.print(f"Target [bold]local[/]: {_plain(target.name)}, {format_bytes(target.memory_bytes)} per device"
                  + (f" × {target.devices}" if target.devices > 1 else "")
                  + " (paramtui estimate MODEL --target local)")
    return 0


def targets_json() -> list[dict]:
    from paramtui.core.inputs.targets import load_targets

    from paramtui.core.validation import dump_json_data

    return [dump_json_data(t) for t in load_targets().targets.values()]


def print_targets() -> None:
    from rich.table import Table

    from paramtui.core.inputs.targets import load_targets
    from paramtui.core.units import format_bytes, format_money

    loaded = load_targets()
    table = Table(title="Hardware targets (paramtui estimate --target ID)", title_justify="left")
    _id_column(table, "id", loaded.targets)
    for col, justify in (("name", "left"), ("kind", "left"), ("memory", "right"),
                         ("bandwidth", "right"), ("bf16 TFLOP/s", "right"), ("$/h", "right")):
        table.add_column(col, justify=justify)
    for t in loaded.targets.values():
        bf16 = (t.tflops or {}).get("bf16") if isinstance(t.tflops, dict) else getattr(t.tflops, "bf16", None)
        table.add_row(_plain(t.id), _plain(t.name), t.kind, format_bytes(t.memory_bytes), format_bytes(t.bandwidth_bytes_per_s) + "/s",
                      f"{bf16:,.0f}" if bf16 else "–", format_money(t.price_per_hour_usd) if t.price_per_hour_usd else "–")
    console = _console()
    console.print(table)
    for problem in loaded.problems:
        console.print(f"[yellow]skipped:[/] {_plain(problem)}")


def print_pick(args) -> int:
    from paramtui.cli_pick import print_pick as print_pick_lines

    return print_pick_lines(args)


if __name__ == "__main__":  # `python -m paramtui.cli`: last, once every function above is defined
    raise SystemExit(main())
