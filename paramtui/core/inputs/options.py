"""The scenario's inputs, said once: key, label, help, choices, bounds, default, unit.

Every place that asks a user for a scenario input reads it from here: the scenario record's
pydantic bounds and choice types (`inputs/scenario.py`), the command line's options
(`cli.py`), the Calculator's fields, Compare's what-if keys, Deploy's target filters and
pick dialog. Adding an input, a choice (an optimizer, a scaling law) or a bound is one edit
here; precisions and targets are listed by their own tables (`model/precision.py`, the
target files) and read from there when first needed.

This module imports nothing heavy: the first screen of the TUI reads labels from it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from paramtui.core.errors import UserError

Kind = Literal["text", "whole", "count", "fraction", "price", "choice", "memory"]


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice input, with the words the screens show for it."""

    value: str
    label: str  # in a list of choices (the Calculator's, the CLI's help)
    help: str = ""  # what choosing it means, in plain words
    short: str = ""  # where space is tight (a plot title); the label if empty

    @property
    def short_label(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Option:
    """One scenario input.

    `key` is where it is written in a session file: "gpus" at the top of a scenario,
    "inference.batch" in its [scenario.inference] table. `default` None means "automatic",
    and `auto` says in words what that gives. Bounds are inclusive except `above` (a value
    must be more than it)."""

    key: str
    label: str  # short: the Calculator's label column is 11 cells
    help: str
    kind: Kind
    default: Any = None
    unit: str = ""
    auto: str = ""  # what the automatic value (None) is
    minimum: float | None = None
    above: float | None = None
    maximum: float | None = None
    # The allowed values of a "choice" input; for a number, labels for the usual values.
    choices: tuple[Choice, ...] | Callable[[], tuple[Choice, ...]] = ()

    @property
    def name(self) -> str:
        """The field's name inside its table (the last part of `key`)."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def section(self) -> str | None:
        """The scenario's sub-table holding it ("inference", "training", "scaling"), if any."""
        return self.key.split(".", 1)[0] if "." in self.key else None

    @property
    def word(self) -> str:
        """How a message names it ("batch", "devices")."""
        return self.label.lower()

    def choice_list(self) -> tuple[Choice, ...]:
        return self.choices() if callable(self.choices) else self.choices

    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choice_list())

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choice_list() if c.value == value), None)

    def bounds(self) -> dict[str, float]:
        """The bounds as pydantic's `Field` keywords (ge, gt, le)."""
        out = {"ge": self.minimum, "gt": self.above, "le": self.maximum}
        return {k: v for k, v in out.items() if v is not None}

    # ------------------------------------------------------------ text a user typed

    def read(self, text: str) -> Any:
        """The value of typed text ('8', '2k', '40%', '$2.5', a choice), bounds checked;
        a UserError in one line otherwise. Empty text or 'auto' is None where the input
        has an automatic value. The message does not name the input: the caller says
        where it was typed (a form field, a command-line option)."""
        text = text.strip()
        if self.kind == "text":
            return text
        if text.lower() in ("", "auto") and self.default is None:
            return None
        if self.kind == "choice":
            values = self.values()
            if text not in values:
                raise UserError(f"must be one of {', '.join(values)}, not {text!r}")
            return text
        value = self._number(text)
        self.check(value)
        return value

    def _number(self, text: str) -> float | int:
        if not text:
            raise UserError("give a number")
        plain = text.replace(",", "").replace("_", "")
        if self.kind == "fraction":
            percent = plain.endswith("%")
            try:
                return float(plain.rstrip("%").strip()) / (100 if percent else 1)
            except ValueError:
                raise UserError(f"is a fraction (0.4) or a percentage (40%), not {text!r}") from None
        if self.kind == "memory":
            return parse_ram(text)
        if self.kind == "price":
            plain = plain.lstrip("$")
            try:
                return float(plain)
            except ValueError:
                from paramtui.core.units import _NUMBER, _SUFFIX

                match = _NUMBER.match(plain)  # "$50k", a budget in dollars
                if not match:
                    raise UserError(f"{text!r} is not a price in USD") from None
                return float(match.group(1)) * _SUFFIX[match.group(2).upper()]
        try:
            return int(plain) if self.kind == "whole" else float(plain)
        except ValueError:
            pass
        from paramtui.core.units import _NUMBER, _SUFFIX

        match = _NUMBER.match(plain)
        if not match:
            raise UserError(f"{text!r} is not a number (examples: 8, 2k, 7B)")
        value = float(match.group(1)) * _SUFFIX[match.group(2).upper()]
        if self.kind == "whole":
            if not math.isfinite(value):  # "1e3000": no int to take (OverflowError)
                raise UserError("must be a finite number")
            if value != int(value):
                raise UserError(f"must be a whole number, not {text!r}")
            return int(value)
        return value

    def check(self, value: float) -> None:
        """A UserError if `value` is outside the range (the message says the range only: the
        value is what the user just typed)."""
        from paramtui.core.units import format_plain

        if not math.isfinite(value):
            raise UserError("must be a finite number")
        if self.kind == "fraction" and not 0 < value <= 1:
            raise UserError("must be between 0 and 1 (or 1%–100%)")
        if self.minimum is not None and value < self.minimum:
            raise UserError(f"must be at least {format_plain(self.minimum)}")
        if self.above is not None and value <= self.above:
            raise UserError(f"must be more than {format_plain(self.above)}")
        if self.maximum is not None and value > self.maximum:
            raise UserError(f"must be at most {format_plain(self.maximum)}")


# Memory modules are sold in binary sizes under decimal names: a "64 GB" kit holds 64 GiB
# (JEDEC JESD100B.01 defines the memory "GB" as 2^30 bytes), so RAM sizes read GB as GiB.
_RAM_UNITS = {"": 2**30, "K": 2**10, "KB": 2**10, "KIB": 2**10, "M": 2**20, "MB": 2**20, "MIB": 2**20,
              "G": 2**30, "GB": 2**30, "GIB": 2**30, "T": 2**40, "TB": 2**40, "TIB": 2**40}


def parse_ram(text: str | float | int) -> float:
    """A RAM size in bytes: a number is bytes; text is GB by default ("64", "64GB", "64 GiB",
    "512MB", "1TB"), each binary as memory is sold. Anything else is a UserError."""
    import re

    if isinstance(text, bool):
        raise UserError(f"host RAM must be a size like 64GB, not {text!r}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        m = re.match(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*$", str(text).replace(",", ""))
        unit = m.group(2).upper() if m else None
        if unit not in _RAM_UNITS:
            raise UserError(f"{text!r} is not a memory size (examples: 64GB, 128, 1TB)")
        value = float(m.group(1)) * _RAM_UNITS[unit]
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"a memory size must be positive, not {text!r}")
    return value


# ---------------------------------------------------------------- what a model is picked for

# The tasks a catalog model can be good for and be ranked by (`paramtui pick --task`, the
# pick dialog), and the classes of model license a pick can be limited to.
TASKS: tuple[Choice, ...] = (
    Choice("chat", "Chat", "conversation and following instructions; general knowledge (MMLU)"),
    Choice("code", "Code", "writing programs (HumanEval, MBPP, LiveCodeBench)"),
    Choice("reasoning", "Reasoning", "hard questions that need several steps (GPQA, BBH)"),
    Choice("math", "Math", "grade-school to competition mathematics (GSM8K, MATH)"),
    Choice("multilingual", "Multilingual", "languages other than English (MGSM, multilingual MMLU)"),
    Choice("vision", "Vision", "images as input"),
    Choice("long-context", "Long context", "reading long documents (InfiniteBench, needle tests)"),
    Choice("tool-use", "Tool use", "calling functions and APIs (BFCL, Nexus)"),
    Choice("embeddings", "Embeddings", "vectors for search and retrieval"),
)
TASK_IDS: tuple[str, ...] = tuple(c.value for c in TASKS)

LICENSE_CLASSES: tuple[Choice, ...] = (
    Choice("permissive", "Permissive", "Apache-2.0, MIT: use, change and sell freely"),
    Choice("open-weights-restricted", "Open weights, restricted",
           "weights published under a license with use restrictions (Llama, Gemma, Qwen, DeepSeek)"),
    Choice("non-commercial", "Non-commercial", "research or non-commercial use only"),
    Choice("proprietary", "Proprietary", "weights not published"),
)
LICENSE_CLASS_IDS: tuple[str, ...] = tuple(c.value for c in LICENSE_CLASSES)


# ---------------------------------------------------------------- lists read from their tables


def _precision_choices() -> tuple[Choice, ...]:
    from paramtui.core.model.precision import PRECISION_IDS, get_precision

    return tuple(Choice(p, f"{p}  ({get_precision(p).bits_per_weight:.3g} bit)",
                        get_precision(p).description) for p in PRECISION_IDS)


def _kv_precision_choices() -> tuple[Choice, ...]:
    from paramtui.core.model.precision import KV_PRECISION_IDS

    return tuple(Choice(p, p) for p in KV_PRECISION_IDS)


def _target_choices() -> tuple[Choice, ...]:
    from paramtui.core.inputs.targets import default_targets

    return tuple(Choice(t.id, t.name) for t in ordered_targets(default_targets().targets.values()))


# ---------------------------------------------------------------- targets: their order and filters

# Small to big, the order every list of targets follows (then by memory).
TARGET_KIND_ORDER: tuple[str, ...] = ("phone", "edge", "laptop", "desktop-gpu", "datacenter-gpu", "node",
                                      "cpu-server")
# (filter name, the target kinds it shows; none: all), as Deploy's `f` steps through them.
TARGET_KIND_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("all", ()),
    ("phone", ("phone",)),
    ("edge", ("edge",)),
    ("laptop", ("laptop",)),
    ("GPU", ("desktop-gpu", "datacenter-gpu")),
    ("node", ("node",)),
    ("CPU server", ("cpu-server",)),
)


def ordered_targets(targets: Iterable, kinds: tuple[str, ...] = ()) -> list:
    """Targets small to big: by kind, then by total memory, then id; only `kinds` when given."""
    def order(t) -> tuple:
        kind = TARGET_KIND_ORDER.index(t.kind) if t.kind in TARGET_KIND_ORDER else len(TARGET_KIND_ORDER)
        return (kind, t.memory_bytes * t.devices, t.id)

    return sorted((t for t in targets if not kinds or t.kind in kinds), key=order)


# ---------------------------------------------------------------- the inputs

# The ranges: far beyond any real run (today's largest models are trained on ~4e13 tokens;
# the largest clusters have ~1e5 devices) and low enough that every figure stays a finite
# float. The README lists them.
MAX_TOKENS = 1e18
# Far past any published gain or loss from filtering (a few ×); a quality near 0 would make the
# law see no data at all.
MIN_DATA_QUALITY, MAX_DATA_QUALITY = 0.01, 100.0
MAX_DEVICES = 10_000_000
MAX_PRICE_PER_HOUR_USD = 1_000_000.0
MIN_MFU = 0.0001  # 0.01%: any lower and a training run's time is beyond any meaning
MAX_HOST_RAM_BYTES = 2.0**60  # 1 EiB
# A budget far beyond any run (the largest reported training runs cost ~1e9 USD, ~5e25 FLOPs).
MAX_BUDGET_USD = 1e15
MAX_BUDGET_GPU_HOURS = 1e13
MAX_BUDGET_DAYS = 1e6
MAX_BUDGET_FLOPS = 1e35

LAWS: tuple[Choice, ...] = (
    Choice("chinchilla", "Chinchilla (Hoffmann 2022)", "Hoffmann et al. 2022, approach 3, as printed",
           short="Hoffmann (Chinchilla)"),
    Choice("epoch", "Epoch AI (Besiroglu 2024)", "Besiroglu et al. 2024's refit of Chinchilla (the default)",
           short="Epoch AI"),
    Choice("kaplan", "Kaplan 2020", "Kaplan et al. 2020", short="Kaplan"),
    Choice("muennighoff", "Muennighoff 2023", "Muennighoff et al. 2023: repeated data (data-constrained)",
           short="Muennighoff"),
)

_INPUTS: tuple[Option, ...] = (
    Option("name", "Name", "a label for this scenario", "text", default=""),
    Option("precision", "Precision", "the weights' number format", "choice", default="bf16",
           choices=_precision_choices),
    Option("kv_precision", "KV cache", "the KV cache's number format", "choice",
           auto="16-bit, or the weights' float format if wider", choices=_kv_precision_choices),
    Option("inference.batch", "Batch", "sequences at once; for training the micro-batch per device",
           "whole", default=1, unit="sequences", minimum=1, maximum=1_000_000),
    Option("inference.context", "Context", "tokens per sequence; for training the sequence length",
           "whole", unit="tokens", auto="4096, or the model's limit if lower", minimum=1, maximum=100_000_000),
    Option("inference.runtime", "Runtime", "the inference software the speed assumes", "choice",
           default="optimized", choices=(
               Choice("optimized", "optimized", "a serving engine (vLLM, llama.cpp)"),
               Choice("eager", "eager", "a plain eager loop (transformers generate)"))),
    Option("target", "Target", "the hardware", "choice", default="h100-sxm", choices=_target_choices),
    Option("gpus", "Devices", "how many of the target: devices, or nodes for a node target", "whole",
           default=1, minimum=1, maximum=MAX_DEVICES),
    Option("price_per_hour_usd", "Price", "price per device-hour", "price", unit="USD/h",
           auto="the target's cloud price", minimum=0, maximum=MAX_PRICE_PER_HOUR_USD),
    Option("host_ram_bytes", "Host RAM", "the host's RAM, for offloading a model too big for the device "
           "(binary, as RAM is sold: 64GB = 64 GiB)", "memory", unit="bytes",
           auto="the target's typical host", above=0, maximum=MAX_HOST_RAM_BYTES),
    Option("purpose", "Run kind", "what the run is for: serve, train from scratch, or fine-tune", "choice",
           auto="fine-tune with LoRA/QLoRA, else pretrain", choices=(
               Choice("inference", "inference only", "serve the model; no training figures"),
               Choice("pretrain", "pretrain", "train from scratch; the scaling laws predict its loss"),
               Choice("finetune", "fine-tune", "train from trained weights on your dataset; no predicted loss"))),
    Option("training.tokens", "Tokens", "training tokens (for a fine-tune: your dataset)", "count", unit="tokens",
           auto="a fine-tune's 100M, else the published figure, else 20 per parameter", minimum=1,
           maximum=MAX_TOKENS),
    Option("training.method", "Method", "how the model is trained", "choice", default="full", choices=(
        Choice("full", "full", "every weight trained"),
        Choice("lora", "LoRA", "low-rank adapters on frozen weights"),
        Choice("qlora", "QLoRA (4-bit base)", "low-rank adapters on frozen 4-bit weights"))),
    Option("training.optimizer", "Optimizer", "the optimizer, whose state is kept per weight", "choice",
           default="adamw", choices=(
               Choice("adamw", "AdamW"), Choice("adamw-8bit", "AdamW 8-bit"), Choice("sgd", "SGD + momentum"),
               Choice("adafactor", "Adafactor"), Choice("lion", "Lion"))),
    Option("training.regime", "Regime", "the training precision regime", "choice", default="mixed",
           choices=(Choice("mixed", "mixed (fp32 master)"), Choice("bf16", "pure bf16"), Choice("fp32", "fp32"))),
    Option("training.recompute", "Recompute", "activation recomputation", "choice",
           auto="full for LoRA/QLoRA (as QLoRA recipes do), else none",
           choices=(Choice("none", "none"), Choice("selective", "selective"), Choice("full", "full"))),
    Option("training.zero", "ZeRO", "ZeRO stage over the data-parallel devices (3 = FSDP)", "whole",
           default=0, minimum=0, maximum=3, choices=(
               Choice("0", "0 (plain DDP)"), Choice("1", "1 (optimizer)"), Choice("2", "2 (+ gradients)"),
               Choice("3", "3 (+ weights, FSDP)"))),
    Option("training.tensor_parallel", "TP", "tensor-parallel degree", "whole", default=1, minimum=1,
           maximum=MAX_DEVICES),
    Option("training.pipeline_parallel", "PP", "pipeline-parallel degree", "whole", default=1, minimum=1,
           maximum=MAX_DEVICES),
    Option("training.lora_rank", "LoRA rank", "the adapters' rank", "whole", default=16, minimum=1,
           maximum=1_000_000),
    Option("training.mfu", "MFU", "model FLOPs utilisation, 0–1 or a percentage", "fraction",
           auto="the documented default", minimum=MIN_MFU, maximum=1),
    Option("scaling.law", "Law", "the scaling law that predicts the loss", "choice",
           auto="epoch (Besiroglu et al. 2024)", choices=LAWS),
    Option("scaling.unique_tokens", "Unique", "unique tokens available (data-constrained scaling)", "count",
           unit="tokens", auto="all tokens unique", minimum=1, maximum=MAX_TOKENS),
    # An assumption, not a measurement: how many tokens of the laws' own data one training token
    # is worth (filtered data reaches a loss with fewer tokens; by how much is per dataset).
    Option("scaling.data_quality", "Quality", "data quality: each training token counts as this many of the "
           "laws' own data (an assumption; 1 = as fitted)", "count", auto="1 (the laws' own data)",
           minimum=MIN_DATA_QUALITY, maximum=MAX_DATA_QUALITY),
    Option("scaling.inference_tokens", "Serve tok", "tokens the model will serve over its life, for "
           "inference-aware sizing (Sardana et al. 2024)", "count", unit="tokens", auto="none",
           minimum=1, maximum=MAX_TOKENS),
    # A budget, in one unit: the compute-optimal run it buys (`formulas.budget`).
    Option("budget.usd", "Budget $", "plan the compute-optimal run this many dollars buy at the price per "
           "device-hour", "price", unit="USD", auto="no budget", above=0, maximum=MAX_BUDGET_USD),
    Option("budget.gpu_hours", "Budget h", "plan the compute-optimal run for this many device-hours", "count",
           unit="GPU-h", auto="no budget", above=0, maximum=MAX_BUDGET_GPU_HOURS),
    Option("budget.days", "Budget d", "plan the compute-optimal run for this many days on the devices", "count",
           unit="days", auto="no budget", above=0, maximum=MAX_BUDGET_DAYS),
    Option("budget.flops", "Budget C", "plan the compute-optimal run for this much training compute", "count",
           unit="FLOP", auto="no budget", above=0, maximum=MAX_BUDGET_FLOPS),
)

# LoRA and QLoRA recipes turn gradient checkpointing on: the QLoRA paper trains with it
# (Dettmers et al. 2023, sec. 4; artidoro/qlora `--gradient_checkpointing True`) and Hugging
# Face PEFT/TRL's examples set `gradient_checkpointing=True`. Without it an 8B QLoRA at context
# 4096 would need 37 GiB, 31 of it activations. Full training keeps every activation unless told.
RECOMPUTE_AUTO_SOURCE = ("Dettmers et al. 2023 (QLoRA), sec. 4 and its training script; Hugging Face PEFT/TRL "
                         "examples (gradient_checkpointing=True)")


def auto_recompute(method: str) -> str:
    """The recomputation a run gets when the input is left automatic: full for LoRA/QLoRA, as
    their recipes do, none for full training."""
    return "none" if method == "full" else "full"


def auto_recompute_label(method: str) -> str:
    """How a screen shows the automatic recomputation ("auto (full, as QLoRA recipes do)")."""
    why = ", as QLoRA recipes do" if method == "qlora" else ", as LoRA recipes do" if method == "lora" else ""
    return f"auto ({auto_recompute(method)}{why})"


#: Every input by its session-file key, in the order forms and --help list them.
OPTIONS: dict[str, Option] = {o.key: o for o in _INPUTS}


def option(key: str) -> Option:
    return OPTIONS[key]


def bounds(key: str) -> dict[str, float]:
    """The input's bounds as pydantic `Field` keywords, for the scenario records."""
    return OPTIONS[key].bounds()


def default(key: str) -> Any:
    """The input's default (None: automatic), for the scenario records."""
    return OPTIONS[key].default


def values(key: str) -> tuple[str, ...]:
    """A fixed choice input's values (for the records' `Literal` types)."""
    return OPTIONS[key].values()
