"""The `paramtui` command: the TUI by default, plus non-interactive subcommands (DESIGN.md).

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

SUBCOMMANDS = ("estimate", "export", "models", "targets", "pick")
EXIT_USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ------------------------------------------------------------------ argument types


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _count(text: str) -> float:
    from paramtui.core.errors import UserError
    from paramtui.core.units import parse_count

    try:
        return parse_count(text)
    except UserError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _fraction(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:  # the scenario's own range (from 0.01%) is checked with the others
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (or 1%–100%), not {text}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < float("inf"):  # also refuses nan, which would print as invalid JSON
        raise argparse.ArgumentTypeError(f"must be zero or more, not {text}")
    return value


def _price(text: str) -> float:
    try:
        value = float(text.lstrip("$"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a price in USD") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be zero or more, not {text}")
    return value


def _zero_stage(text: str) -> int:
    if text not in {"0", "1", "2", "3"}:
        raise argparse.ArgumentTypeError(f"must be 0, 1, 2 or 3, not {text!r}")
    return int(text)


# ------------------------------------------------------------------ parsers


def _estimate_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="paramtui estimate",
        description="Size, memory, training cost, speed and predicted loss of one scenario.",
    )
    p.add_argument("model", nargs="?", help="a catalog id (see `paramtui models`), a count like 7B, or a config.json")
    p.add_argument("--config", metavar="FILE", help="a Hugging Face config.json")
    p.add_argument("--params", type=_count, metavar="N", help="a bare parameter count (7e9, 7B)")
    p.add_argument("--precision", default="bf16", help="weights: fp32 bf16 fp16 fp8 int8 int4 q4_k_m nf4 gptq-int4-g128 ... (default bf16)")
    p.add_argument("--kv-precision", help="KV cache precision (default: 16-bit)")
    p.add_argument("--batch", type=_positive_int, default=1, help="sequences at once; for training the micro-batch per device (default 1)")
    p.add_argument("--context", type=_positive_int, help="tokens per sequence; for training the sequence length (default 4096, or the model's limit if lower)")
    p.add_argument("--runtime", choices=["optimized", "eager"], default="optimized", help="inference runtime the speed assumes (default optimized: vLLM/llama.cpp-class)")
    p.add_argument("--target", default="h100-sxm", help="hardware id (see `paramtui targets`; default h100-sxm)")
    p.add_argument("--gpus", type=_positive_int, default=1, help="how many of the target: devices, or nodes for a node target (default 1)")
    p.add_argument("--price", type=_price, metavar="USD", help="price per device-hour (default: the target's cloud price)")
    p.add_argument("--train-tokens", type=_count, metavar="D", help="training tokens (default: published, else 20 per parameter)")
    p.add_argument("--unique-tokens", type=_count, metavar="U", help="unique tokens available (data-constrained scaling)")
    p.add_argument("--optimizer", choices=["adamw", "adamw-8bit", "sgd", "adafactor", "lion"], default="adamw")
    p.add_argument("--mfu", type=_fraction, help="model FLOPs utilisation, 0–1 or a percentage")
    p.add_argument("--law", choices=["chinchilla", "epoch", "kaplan", "muennighoff"], help="scaling law: epoch = Besiroglu 2024 (default), chinchilla = Hoffmann 2022 approach 3, kaplan = Kaplan 2020, muennighoff = Muennighoff 2023")
    p.add_argument("--regime", choices=["fp32", "mixed", "bf16"], default="mixed", help="training precision regime (default mixed)")
    p.add_argument("--recompute", choices=["none", "selective", "full"], default="none", help="activation recomputation (default none)")
    p.add_argument("--zero", type=_zero_stage, default=0, help="ZeRO stage 0-3 (3 = FSDP) over the data-parallel devices")
    p.add_argument("--tp", type=_positive_int, default=1, help="tensor-parallel degree")
    p.add_argument("--pp", type=_positive_int, default=1, help="pipeline-parallel degree")
    p.add_argument("--method", choices=["full", "lora", "qlora"], default="full", help="fine-tuning method (default full)")
    p.add_argument("--lora-rank", type=_positive_int, default=16)
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
    p = _Parser(prog="paramtui pick", description="Rank the catalog models that fit a target.")
    p.add_argument("--target", required=True, help="hardware id")
    p.add_argument("--gpus", type=_positive_int, default=1)
    p.add_argument("--min-context", type=_positive_int, default=4096)
    p.add_argument("--min-tokens-per-s", type=_rate, default=0.0)
    p.add_argument("--precision", action="append", help="allowed precision (repeatable; default: all)")
    p.add_argument("--json", action="store_true")
    return p


def _tui_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="paramtui",
        description="How big an AI model is, what it costs to train and run, and where it fits.",
        epilog="subcommands: estimate, export, models, targets, pick (paramtui SUBCOMMAND --help)",
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
    if args.config or (args.model and args.model.endswith(".json")):
        from paramtui.core.model.hf_config import load_hf_config

        path = args.config or args.model
        model = {"architecture": load_hf_config(path), "name": Path(path).parent.name or Path(path).stem}
    elif args.params is not None:
        model = {"params": args.params}
    elif args.model is not None:
        from paramtui.core.units import _NUMBER, parse_count

        # Not `_count`: outside argparse its ArgumentTypeError would escape as a traceback.
        model = {"params": parse_count(args.model, "params")} if _NUMBER.match(args.model) else {"model": args.model}
    else:
        raise UserError("give a model: a catalog id (paramtui models), --params N or --config FILE")
    training = {"optimizer": args.optimizer, "regime": args.regime, "recompute": args.recompute,
                "zero": args.zero, "tensor_parallel": args.tp, "pipeline_parallel": args.pp,
                "method": args.method, "lora_rank": args.lora_rank}
    if args.train_tokens:
        training["tokens"] = args.train_tokens
    if args.mfu:
        training["mfu"] = args.mfu
    scaling = {}
    if args.law:
        scaling["law"] = args.law
    if args.unique_tokens:
        scaling["unique_tokens"] = args.unique_tokens
    data = dict(id="cli", precision=args.precision, target=args.target, gpus=args.gpus,
                inference={"batch": args.batch, "context": args.context, "runtime": args.runtime},
                training=training, scaling=scaling, **model)
    if args.kv_precision:
        data["kv_precision"] = args.kv_precision
    if args.price is not None:
        data["price_per_hour_usd"] = args.price
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

    print_estimate(est, explain=args.explain)
    return 0


def cmd_models(argv) -> int:
    args = _catalog_parser("models", "the model catalog").parse_args(argv)

    if args.json:
        print(json.dumps(models_json(), indent=2))
    else:
        print_models()
    return 0


def cmd_targets(argv) -> int:
    args = _catalog_parser("targets", "the hardware targets").parse_args(argv)

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
    return print_pick(_pick_parser().parse_args(argv))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from paramtui.core import validation
    from paramtui.core.errors import UserError

    try:
        if argv and argv[0] in SUBCOMMANDS:
            command = {"estimate": cmd_estimate, "export": cmd_export, "models": cmd_models,
                       "targets": cmd_targets, "pick": cmd_pick}[argv[0]]
            return command(argv[1:])
        args = _tui_parser().parse_args(argv)
        from paramtui.tui.app import run_app

        return run_app(args.session)
    except UserError as e:
        print(f"paramtui: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except ValueError as e:
        if not validation.is_validation_error(e):
            raise
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        print(f"paramtui: {where + ': ' if where else ''}{err['msg'].removeprefix('Value error, ')}", file=sys.stderr)
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


if __name__ == "__main__":
    raise SystemExit(main())


# ------------------------------------------------------------------ rendering (Rich tables)

_ESTIMATE_SECTIONS = [
    ("Model", ["params.total", "params.active", "params.breakdown.embedding", "params.breakdown.attention",
               "params.breakdown.mlp", "params.breakdown.norm", "params.breakdown.head"]),
    ("Inference memory", ["memory.weights_bytes", "memory.kv_cache_bytes", "memory.activations_bytes",
                          "memory.overhead_bytes", "memory.inference_total_bytes", "memory.per_device_bytes",
                          "memory.use_fraction", "memory.fits"]),
    ("Training memory (peak per device)", ["memory.training.weights_bytes", "memory.training.gradients_bytes",
                                           "memory.training.optimizer_bytes", "memory.training.activations_bytes",
                                           "memory.training.total_bytes"]),
    ("Training compute", ["compute.training_tokens", "compute.training_flops", "compute.wall_seconds",
                          "compute.gpu_hours", "compute.cost_usd", "compute.energy_kwh", "compute.co2_kg"]),
    ("Inference speed", ["speed.time_to_first_token_s", "speed.prefill_tokens_per_s", "speed.decode_tokens_per_s",
                         "speed.aggregate_tokens_per_s", "speed.cost_per_million_tokens_usd", "speed.bound"]),
    ("Scaling", ["scaling.loss", "scaling.compute_optimal.params", "scaling.compute_optimal.tokens",
                 "scaling.tokens_per_param"]),
]


def _console():
    from rich.console import Console

    return Console()


def _plain(text) -> str:
    """Text from a file or the user shown as typed: Rich would read `[/]` or `[bold]` in a
    name as markup (and fail on `weird [/] name`)."""
    from rich.markup import escape

    return escape(str(text))


def print_estimate(est, explain: bool = False) -> None:
    from rich.table import Table

    from paramtui.core.result.figures import FIGURES, explain as explain_figure

    v = est.values
    title = (f"{_plain(est.model_name)} · {_plain(v['scenario.precision'])} · {v['scenario.gpus']}× {_plain(est.target.name)} · "
             f"batch {v['scenario.batch']} · context {v['scenario.context']:,}")
    table = Table(title=title, show_header=False, box=None, pad_edge=False, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    if explain:
        table.add_column("how", style="dim", overflow="fold")
    for section, keys in _ESTIMATE_SECTIONS:
        table.add_row(f"[underline]{section}[/]", *([""] * (2 if explain else 1)))
        for key in keys:
            fig = FIGURES[key]
            if fig.value(est) is None:
                continue
            cells = [f"  {fig.label}", _plain(fig.format(est))]
            if explain:
                cells.append(_plain(explain_figure(est, key).substituted))
            table.add_row(*cells)
    console = _console()
    console.print(table)
    if est.nominal_architecture:
        console.print("[dim]Shape assumed for a bare count (Llama-2-style); see --explain.[/]")
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

    from paramtui.core.units import format_count

    table = Table(title="Model catalog (paramtui estimate ID)", title_justify="left")
    for col, justify in (("id", "left"), ("name", "left"), ("params", "right"), ("active", "right"),
                         ("context", "right"), ("trained on", "right"), ("license", "left")):
        table.add_column(col, justify=justify)
    for m in models_json():
        table.add_row(_plain(m["id"]), _plain(m["name"]), format_count(m["params"]),
                      format_count(m["active_params"]) if m["active_params"] != m["params"] else "",
                      f"{m['context_length']:,}" if m["context_length"] else "–",
                      format_count(m["training_tokens"]) if m["training_tokens"] else "–", _plain(m["license"] or "–"))
    _console().print(table)


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
    for col, justify in (("id", "left"), ("name", "left"), ("kind", "left"), ("memory", "right"),
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
    from rich.table import Table

    from paramtui.core.views.pick import pick
    from paramtui.core.units import format_bytes, format_count, format_rate

    result = pick(args.target, gpus=args.gpus, min_context=args.min_context,
                  min_tokens_per_s=args.min_tokens_per_s, precisions=args.precision)
    if args.json:
        from paramtui.core.validation import dump_json_data

        print(json.dumps(dump_json_data(result, exclude={"explanation"}), indent=2))
        return 0
    table = Table(title=f"Models for {args.gpus}× {_plain(result.target_id)} (context ≥ {result.min_context:,}, "
                        f"≥ {result.min_tokens_per_s:g} tok/s), best predicted loss first",
                  title_justify="left")
    for col, justify in (("#", "right"), ("model", "left"), ("params", "right"), ("precision", "left"),
                         ("memory", "right"), ("decode", "right"), ("loss", "right"), ("why", "left")):
        table.add_column(col, justify=justify)
    for row in result.rows:
        table.add_row(
            str(row.rank) if row.rank else ("✓" if row.eligible else "✗"), _plain(row.model_id), format_count(row.params),
            _plain(row.precision or "–"), format_bytes(row.memory_bytes) if row.memory_bytes else "–",
            format_rate(row.decode_tokens_per_s) if row.decode_tokens_per_s else "–",
            f"{row.loss:.3f}" if row.loss is not None else "–", _plain("; ".join(row.reasons)))
    console = _console()
    console.print(table)
    console.print(f"[dim]{_plain(result.explanation.meaning)}[/]")
    return 0
