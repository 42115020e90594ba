"""`paramtui guide tables`: the three tables of the beginner's guide paramtui grew from, with
paramtui's figures beside the rule of thumb each used, so the reader sees how far off it is.

Every figure is an `estimate` of a bare parameter count (its tokens: 20 per parameter, the
compute-optimal default), formatted by the figure registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from paramtui.core.result.figures import FIGURES
from paramtui.core.units import format_bytes, format_count, format_duration, format_money, format_rate

RESOURCE_SIZES = (100e6, 1e9, 10e9, 100e9, 685e9)
# The original guide's deployment classes, Tiny to Massive.
DEPLOY_CLASSES = (("Tiny", 1e6), ("Small", 100e6), ("Medium", 1e9), ("Large", 10e9), ("Massive", 100e9))
# One representative target per kind of device, as the original guide's columns.
DEPLOY_TARGETS = (("phone", "iphone-15-pro"), ("edge", "raspberry-pi-5"), ("laptop", "m3-max"),
                  ("GPU", "rtx-4090"), ("node", "8xh100"))
DEPLOY_PRECISION = "q4_k_m"  # how small models are usually run on such devices (llama.cpp)
TRAIN_TARGET = "h100-sxm"

# The rules of thumb the original guide used, said as it said them.
RULE_WEIGHTS_BYTES_PER_PARAM = 4  # "4 bytes per parameter"
RULE_TRAINING_FACTOR = 4  # "×4 for training"
RULE_GPU_DAYS_PER_BILLION = 1  # "one GPU-day per billion parameters"
RULE_USD_PER_DAY = (1_000, 5_000)  # "$1k–5k a day"
RULE_MS_PER_MILLION = 1  # "1 ms per million parameters" (per token)


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str


def _estimate(params: float, **changes):
    from paramtui.core.inputs.scenario import Scenario
    from paramtui.core.result.estimate import estimate

    return estimate(Scenario(id="guide", params=params, **changes))


def _fig(est, key: str) -> str:
    return FIGURES[key].format(est)


def _plain_rate(rate: float | None) -> str:
    """Tokens/s without the unit (the table's note says it), to keep the table within 80 columns."""
    return "–" if rate is None else format_rate(rate).removesuffix(" tok/s")


def _money(usd: float) -> str:
    """Dollars as short as a table cell needs: $1k, $10k, $3.42M."""
    return format_money(usd).replace(".00", "").replace(".0k", "k").replace(".0M", "M")


def resources() -> Table:
    """One column per size; each real figure's row is followed by the rule of thumb's (so it
    fits 80 columns with the 685B column)."""
    columns = []
    for n in RESOURCE_SIZES:
        bf16 = _estimate(n, precision="bf16", target=TRAIN_TARGET)
        fp32 = _estimate(n, precision="fp32", target=TRAIN_TARGET)
        int4 = _estimate(n, precision="int4", target=TRAIN_TARGET)
        rule_days = RULE_GPU_DAYS_PER_BILLION * n / 1e9
        lo, hi = (rule_days * usd for usd in RULE_USD_PER_DAY)
        columns.append((
            _fig(fp32, "memory.weights_bytes"),
            _fig(bf16, "memory.weights_bytes"),
            _fig(int4, "memory.weights_bytes"),
            format_bytes(RULE_WEIGHTS_BYTES_PER_PARAM * n),
            _fig(bf16, "memory.training.total_bytes"),
            format_bytes(RULE_WEIGHTS_BYTES_PER_PARAM * RULE_TRAINING_FACTOR * n),
            format_count(bf16.values["compute.gpu_hours"] / 24),
            format_count(rule_days),
            _fig(bf16, "compute.cost_usd"),
            f"{_money(lo)}–{_money(hi)[1:]}",
        ))
    labels = ("Weights, fp32", "Weights, bf16", "Weights, 4-bit", "  rule: 4 B/param",
              "Training memory", "  rule: ×4", "H100-days", "  rule: 1/billion",
              "Training cost", "  rule: $1–5k/day")
    rows = tuple((label, *(column[i] for column in columns)) for i, label in enumerate(labels))
    return Table(
        "Resources by model size",
        ("", *(format_count(n) for n in RESOURCE_SIZES)),
        rows,
        "Training memory: one H100, bf16 mixed precision, AdamW, micro-batch 1 at 4,096 tokens, "
        "activations included (16 bytes per parameter before them). Days and cost: trained on 20 "
        "tokens per parameter (compute-optimal) at 40% MFU and the H100's hourly price. The rule's "
        "days grow with N; the real ones with N² (more parameters and more tokens).")


def deployment() -> Table:
    """One column per size class, one row per kind of device, and the rule's speed last."""
    from paramtui.core.inputs.targets import get_target

    rows = []
    for kind, target in DEPLOY_TARGETS:
        cells = [kind]
        for _label, n in DEPLOY_CLASSES:
            v = _estimate(n, precision=DEPLOY_PRECISION, target=target).values
            mark = "✓" if v["memory.fits"] else "⇄" if v.get("offload.fits") else "✗"
            cells.append(f"{mark} {FIGURES['memory.use_fraction'].fmt(v['memory.use_fraction'])} "
                         f"{_plain_rate(v.get('speed.decode_tokens_per_s'))}")
        rows.append(tuple(cells))
    rows.append(("rule: 1 ms/M", *(_plain_rate(1000 / (RULE_MS_PER_MILLION * n / 1e6)) for _l, n in DEPLOY_CLASSES)))
    devices = "; ".join(f"{kind}: {get_target(t).name}" for kind, t in DEPLOY_TARGETS)
    return Table(
        "Deployment by model size",
        ("", *(f"{label} {format_count(n)}" for label, n in DEPLOY_CLASSES)),
        tuple(rows),
        "Each cell: fits (✓), runs only with part of the model in host RAM (⇄) or does not (✗); "
        "memory use of the usable memory; decode tokens/s for one request (the rule: 1,000 ÷ "
        f"millions of parameters). Weights in {DEPLOY_PRECISION}, context 4,096. {devices}. "
        "Decoding reads every weight per token, so speed follows memory bandwidth ÷ model bytes, "
        "not a fixed time per parameter.")


def loss_by_size() -> Table:
    rows = []
    for n in RESOURCE_SIZES:
        est = _estimate(n, precision="bf16", target=TRAIN_TARGET, gpus=1024)
        rows.append((format_count(n), _fig(est, "compute.training_tokens"), _fig(est, "scaling.loss"),
                     _fig(est, "compute.training_flops"), format_duration(est.values["compute.wall_seconds"])))
    return Table(
        "Parameters → predicted loss",
        ("Params", "Tokens (20/param)", "Predicted loss", "Compute", "Time on 1,024 H100s"),
        tuple(rows),
        "Loss in nats per token (Epoch AI's refit of Chinchilla), trained compute-optimally. It "
        "replaces the original guide's accuracy column: accuracy on a task cannot be read from size "
        "alone, because it depends on the data, the training recipe, fine-tuning and the benchmark, "
        "and jumps between sizes unevenly; look up published scores for your task "
        "(`paramtui pick --task`).")


def guide_tables() -> tuple[Table, ...]:
    return resources(), deployment(), loss_by_size()
