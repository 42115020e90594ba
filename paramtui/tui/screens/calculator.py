"""The Calculator: one scenario's inputs on the left, its results on the right (DESIGN.md, TUI).

Every change to a field is validated at once. A valid change becomes an `app.apply` (one undo
step per field, keystrokes merged) and the results repaint; an invalid one is marked at the
field with a one-line reason, and the results keep showing the last valid scenario. Labels
and formatting come from `paramtui.core.figures`; nothing is computed here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

from pydantic import ValidationError
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.strip import Strip
from textual.widgets import Input, Label, Static

from paramtui.core import units
from paramtui.core.errors import UserError
from paramtui.core.figures import FIGURES, explain
from paramtui.core.scenario import Scenario
from paramtui.tui.screens.base import ParamScreen
from paramtui.tui.widgets.choice import ChoiceField
from paramtui.tui.widgets.figure_list import FigureList, FigureRow
from paramtui.tui.widgets.memory_bar import MemoryBar, MemoryPart

GROUP_TITLES = {
    "model": "Parameters",
    "inference": "Inference memory",
    "training": "Training: memory per device, compute",
    "speed": "Inference speed",
    "scaling": "Scaling law",
}

AUTO = "auto"


# ---------------------------------------------------------------------- parsing and display


def readable_error(error: Exception) -> str:
    """One short line for a field from a UserError or a pydantic ValidationError."""
    if isinstance(error, ValidationError):
        err = error.errors()[0]
        ctx = err.get("ctx") or {}
        kind = err["type"]
        if kind == "greater_than_equal":
            return f"must be at least {ctx.get('ge')}"
        if kind == "greater_than":
            return f"must be more than {ctx.get('gt')}"
        if kind == "less_than_equal":
            return f"must be at most {ctx.get('le'):,}" if isinstance(ctx.get("le"), int) else f"must be at most {ctx.get('le')}"
        if kind == "literal_error":
            return f"must be one of {ctx.get('expected')}"
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "architecture")
        msg = err["msg"].removeprefix("Value error, ")
        return f"{loc}: {msg}" if loc and loc not in msg else msg
    return str(error)


def parse_int(text: str, what: str) -> int:
    text = text.strip().replace(",", "").replace("_", "")
    if not text:
        raise UserError(f"give {what} (a whole number)")
    try:
        return int(text)
    except ValueError:
        pass
    value = units.parse_count(text, what)
    if value != int(value):
        raise UserError(f"{what} must be a whole number, not {text!r}")
    return int(value)


def parse_optional_count(text: str, what: str) -> float | None:
    text = text.strip().replace(",", "").replace("_", "")
    return None if text in ("", AUTO) else units.parse_count(text, what)


def parse_fraction(text: str, what: str) -> float | None:
    text = text.strip()
    if text in ("", AUTO):
        return None
    try:
        value = float(text.rstrip("%").strip()) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise UserError(f"{what} is a fraction (0.4) or a percentage (40%), not {text!r}") from None
    if not 0 < value <= 1:
        raise UserError(f"{what} must be between 0 and 1 (or 1%–100%), not {text}")
    return value


def count_text(value: float | None) -> str:
    """A count written short when that is exact ('2T', '20M'), else in full."""
    if value is None:
        return ""
    short = units.format_count(value)
    try:
        if units.parse_count(short) == value:
            return short
    except UserError:
        pass
    return f"{value:g}" if float(f"{value:g}") == value else repr(value)


def fraction_text(value: float | None) -> str:
    return "" if value is None else f"{value * 100:g}%"


@dataclass(frozen=True)
class Field:
    """One input: how to read it from a scenario, and how to turn its text into a change."""

    id: str
    label: str
    kind: str  # "input" or "select"
    read: Callable[[Scenario], Any]  # the scenario's value (what the field shows)
    change: Callable[[Scenario, Any], Scenario]  # a new scenario with the parsed value
    parse: Callable[[str], Any] | None = None  # inputs: text -> value (raises on bad text)
    show: Callable[[Any], str] = str  # inputs: value -> text
    placeholder: str = ""


def _nested(section: str, key: str):
    return lambda s, v: s.with_changes(**{f"{section}__{key}": v})


def _top(key: str):
    return lambda s, v: s.with_changes(**{key: v})


def _rename(s: Scenario, v: str) -> Scenario:
    return s.with_changes(name=v.strip())


FIELDS: list[Field] = [
    Field("name", "Name", "input", lambda s: s.name, _rename, parse=lambda t: t, show=str,
          placeholder="a label for this scenario"),
    Field("precision", "Precision", "select", lambda s: s.precision, _top("precision")),
    Field("kv_precision", "KV cache", "select", lambda s: s.kv_precision or AUTO,
          lambda s, v: s.with_changes(kv_precision=None if v == AUTO else v)),
    Field("batch", "Batch", "input", lambda s: s.inference.batch, _nested("inference", "batch"),
          parse=lambda t: parse_int(t, "batch"), show=str),
    Field("context", "Context", "input", lambda s: s.inference.context, _nested("inference", "context"),
          parse=lambda t: parse_int(t, "context"), show=str),
    Field("target", "Target", "select", lambda s: s.target, _top("target")),
    Field("gpus", "Devices", "input", lambda s: s.gpus, _top("gpus"),
          parse=lambda t: parse_int(t, "devices"), show=str),
    Field("tokens", "Tokens", "input", lambda s: s.training.tokens, _nested("training", "tokens"),
          parse=lambda t: parse_optional_count(t, "training tokens"), show=count_text),
    Field("method", "Method", "select", lambda s: s.training.method, _nested("training", "method")),
    Field("optimizer", "Optimizer", "select", lambda s: s.training.optimizer, _nested("training", "optimizer")),
    Field("regime", "Regime", "select", lambda s: s.training.regime, _nested("training", "regime")),
    Field("recompute", "Recompute", "select", lambda s: s.training.recompute, _nested("training", "recompute")),
    Field("zero", "ZeRO", "select", lambda s: str(s.training.zero),
          lambda s, v: s.with_changes(training__zero=int(v))),
    Field("mfu", "MFU", "input", lambda s: s.training.mfu, _nested("training", "mfu"),
          parse=lambda t: parse_fraction(t, "MFU"), show=fraction_text),
    Field("law", "Law", "select", lambda s: s.scaling.law or AUTO,
          lambda s, v: s.with_changes(scaling__law=None if v == AUTO else v)),
]
FIELD_BY_ID = {f.id: f for f in FIELDS}

# Architecture fields: editing one turns the model into an explicit [scenario.architecture].
ARCH_FIELDS: list[tuple[str, str]] = [
    ("hidden_size", "Hidden"),
    ("num_hidden_layers", "Layers"),
    ("num_attention_heads", "Heads"),
    ("num_key_value_heads", "KV heads"),
    ("intermediate_size", "FFN"),
    ("vocab_size", "Vocab"),
    ("num_local_experts", "Experts"),
    ("num_experts_per_tok", "Active exp."),
]

SECTION_BEFORE = {"name": None, "tokens": "Training", "law": "Scaling"}


@functools.cache
def _options(field_id: str) -> tuple[tuple[str, str], ...]:
    return tuple(_static_options(field_id))


def _static_options(field_id: str) -> list[tuple[str, str]]:
    if field_id == "precision":
        from paramtui.core.precision import PRECISION_IDS, get_precision

        return [(f"{p}  ({get_precision(p).bits_per_weight:.3g} bit)", p) for p in PRECISION_IDS]
    if field_id == "kv_precision":
        from paramtui.core.precision import KV_PRECISION_IDS

        return [("auto (16-bit)", AUTO)] + [(p, p) for p in KV_PRECISION_IDS]
    if field_id == "target":
        from paramtui.core.targets import default_targets

        order = ["phone", "edge", "laptop", "desktop-gpu", "datacenter-gpu", "node", "cpu-server"]
        targets = sorted(default_targets().targets.values(),
                         key=lambda t: (order.index(t.kind) if t.kind in order else 99, t.memory_bytes, t.name))
        return [(f"{t.name}", t.id) for t in targets]
    if field_id == "method":
        return [("full", "full"), ("LoRA", "lora"), ("QLoRA (4-bit base)", "qlora")]
    if field_id == "optimizer":
        return [("AdamW", "adamw"), ("AdamW 8-bit", "adamw-8bit"), ("SGD + momentum", "sgd"),
                ("Adafactor", "adafactor"), ("Lion", "lion")]
    if field_id == "regime":
        return [("mixed (fp32 master)", "mixed"), ("pure bf16", "bf16"), ("fp32", "fp32")]
    if field_id == "recompute":
        return [("none", "none"), ("selective", "selective"), ("full", "full")]
    if field_id == "zero":
        return [("0 (plain DDP)", "0"), ("1 (optimizer)", "1"), ("2 (+ gradients)", "2"), ("3 (+ weights, FSDP)", "3")]
    if field_id == "law":
        return [("auto", AUTO), ("Chinchilla (Hoffmann 2022)", "chinchilla"),
                ("Epoch AI (Besiroglu 2024)", "epoch"), ("Kaplan 2020", "kaplan")]
    return []


# ---------------------------------------------------------------------- widgets


class FieldInput(Input):
    """A compact one-line Input whose text width changes never relayout the screen.

    Textual's Input declares `virtual_size` with layout=True, so every keystroke relaid out
    the whole Calculator; in a fixed-size one-line field only a repaint is needed.
    """

    virtual_size = Reactive(Size(0, 0), layout=False)
    # Compact by default, and the classes Textual would toggle on later are given up front:
    # each class change restyles the Input and its four component classes, which at start-up
    # cost ~1 ms a field for nothing (compact: off, then on; "-valid" on the first value).
    compact = Reactive(True, toggle_class="-textual-compact")

    def __init__(self, *, id: str, placeholder: str = "") -> None:
        super().__init__(id=id, placeholder=placeholder, compact=True, classes="-textual-compact -valid")


class FormLabels(Widget):
    """The labels column beside a run of form fields: one widget instead of a Label each.

    It spans (grid `row-span`) the rows of the fields that follow it, one line each, up to
    the next full-width row (a section title, or a field's error line: the fields below an
    error line get a FormLabels of their own). `relabel()` after rows come or go.
    """

    DEFAULT_CSS = """
    FormLabels { padding: 0 0 0 1; color: $text-muted; height: 1fr; }
    """
    # One line (or a fixed size) whose content never moves its neighbours: a change of its
    # virtual size (each layout that resizes it) needs a repaint, not another layout.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, labels: dict[str, str], rows: int = 1) -> None:
        super().__init__()
        self.labels = labels  # field id ("batch") -> its label
        self.styles.row_span = rows

    def _rows(self) -> list[Widget]:
        """The widgets beside this one, top to bottom (displayed ones only)."""
        rows: list[Widget] = []
        siblings = self.parent.children if self.parent is not None else []
        for widget in siblings[siblings.index(self) + 1:]:
            if isinstance(widget, FormLabels) or (widget.styles.column_span or 1) > 1:
                break
            if widget.display:
                rows.append(widget)
        return rows

    def relabel(self) -> None:
        rows = len(self._rows())
        if rows != self.styles.row_span:
            self.styles.row_span = rows
            self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._rows())

    def _labels(self) -> list[str]:
        return [self.labels.get((widget.id or "").removeprefix("f-"), "") for widget in self._rows()]

    def render(self) -> Text:
        return Text("\n".join(self._labels()), no_wrap=True, overflow="ellipsis")

    def render_line(self, y: int) -> Strip:
        # Drawn directly, in the segments Textual makes of render()'s Text (the text carries
        # its offset, the rest is background).
        width = self.size.width
        base = self.rich_style
        labels = self._labels()
        label = labels[y] if 0 <= y < len(labels) else ""
        if len(label) > width:
            label = label[: max(0, width - 1)] + "…"
        segments = [Segment(label, base + Style(meta={"offset": (0, y)}))] if label else []
        return Strip(segments).adjust_cell_length(width, Style(bgcolor=base.bgcolor))


ARCH_TITLE = "Architecture (edit to customise)"


class ArchToggle(Widget, can_focus=True):
    """The closed architecture section: its title line, drawn as a closed Collapsible is.

    Opening it (enter, a click on the title, or `collapsed = False`) asks the screen to put
    a Collapsible with the fields in its place. Until then it is one widget instead of
    Textual's three (and their styling), which start-up does not need.
    """

    COMPONENT_CLASSES = {"arch-toggle--title", "arch-toggle--hover"}
    # The look of the Calculator's closed Collapsible (see CalculatorScreen.DEFAULT_CSS),
    # including Textual's border for ANSI themes.
    DEFAULT_CSS = """
    ArchToggle { height: auto; padding: 1 0 0 0; }
    ArchToggle:ansi { border-top: hkey ansi_blue; background: $panel; }
    ArchToggle > .arch-toggle--title {
        color: $block-cursor-blurred-foreground; text-style: $block-cursor-blurred-text-style;
    }
    ArchToggle > .arch-toggle--hover { background: $block-hover-background; color: $foreground; }
    ArchToggle:focus > .arch-toggle--title {
        text-style: $block-cursor-text-style; background: $block-cursor-background; color: $block-cursor-foreground;
    }
    """
    BINDINGS = [Binding("enter", "open", show=False)]

    class Opened(Message):
        def __init__(self, toggle: ArchToggle) -> None:
            super().__init__()
            self.toggle = toggle

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._hover = False
        self._opened = False
        self.label = f"▶ {ARCH_TITLE}"

    @property
    def collapsed(self) -> bool:
        return not self._opened

    @collapsed.setter
    def collapsed(self, collapsed: bool) -> None:
        if not collapsed:
            self.action_open()

    def action_open(self) -> None:
        if not self._opened:
            self._opened = True
            self.post_message(self.Opened(self))

    def _on_title(self, x: int, y: int) -> bool:
        top = self.styles.gutter.top
        return y == top and x < len(self.label) + 2

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1

    def on_click(self, event: events.Click) -> None:
        if self._on_title(event.x, event.y):
            self.action_open()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._on_title(event.x, event.y)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover:
            self._hover = False
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        blank = Style(bgcolor=self.rich_style.bgcolor)
        title = self.get_component_rich_style("arch-toggle--title")
        if self._hover and not self.has_focus:
            title = title + self.get_component_rich_style("arch-toggle--hover")
        # As Textual's title: one cell of padding each side, the text carrying its offset.
        pad = Style(bgcolor=title.bgcolor)
        segments = [Segment(" ", pad), Segment(self.label, title + Style(meta={"offset": (0, 0)})), Segment(" ", pad)]
        used = len(self.label) + 2
        if width > used:
            segments.append(Segment(" " * (width - used), blank))
        return Strip(segments).crop(0, width)


class ModelField(Static, can_focus=True):
    """Shows the scenario's model; enter or space opens the model picker."""

    BINDINGS = [Binding("enter,space", "press", "Choose model", show=False)]
    DEFAULT_CSS = """
    ModelField { width: 1fr; height: 1; background: $boost; }
    ModelField:focus { background: $primary 30%; text-style: bold reverse; }
    """
    # One line (or a fixed size) whose content never moves its neighbours: a change of its
    # virtual size (each layout that resizes it) needs a repaint, not another layout.
    virtual_size = Reactive(Size(0, 0), layout=False)

    class Pressed(Message):
        pass

    def action_press(self) -> None:
        self.post_message(self.Pressed())

    def on_click(self) -> None:
        self.post_message(self.Pressed())


# ---------------------------------------------------------------------- the screen


class CalculatorScreen(ParamScreen):
    MODE = "calculator"
    TITLE_TEXT = "Calculator"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    AUTO_FOCUS = "#f-precision"  # the first thing people change; focused once, by Textual

    BINDINGS = [
        Binding("ctrl+l", "pick_model", "Model", tooltip="Choose the model: catalog or a bare count"),
        Binding("ctrl+r", "focus_results", "Results", tooltip="Move to the results list"),
        Binding("escape", "focus_results", "Results", show=False),
        Binding("ctrl+pagedown", "scenario(1)", "Next scenario", show=False),
        Binding("ctrl+pageup", "scenario(-1)", "Previous scenario", show=False),
        Binding("right_square_bracket", "scenario(1)", "Next scenario", show=False),
        Binding("left_square_bracket", "scenario(-1)", "Previous scenario", show=False),
    ]

    DEFAULT_CSS = """
    CalculatorScreen #calc-body { height: 1fr; }
    CalculatorScreen #calc-form {
        width: 37; padding: 0 1 0 0; border-right: vkey $panel-lighten-2;
        scrollbar-size-vertical: 1;
    }
    CalculatorScreen.-wide #calc-form { width: 50; }
    CalculatorScreen .form-grid { layout: grid; grid-size: 2; grid-columns: 11 1fr; grid-rows: auto; }
    CalculatorScreen .flabel { padding: 0 0 0 1; color: $text-muted; }
    CalculatorScreen .form-grid > Input { height: 1; }
    CalculatorScreen .form-grid > Input:focus { text-style: bold; }
    CalculatorScreen .form-grid > Input.invalid { text-style: underline; color: $error; }
    CalculatorScreen .field-error { column-span: 2; height: 1; color: $error; padding: 0 0 0 12; text-wrap: nowrap; text-overflow: ellipsis; }
    CalculatorScreen .field-error.-hidden { display: none; }
    CalculatorScreen .section { column-span: 2; height: 2; padding: 1 0 0 1; text-style: bold; color: $secondary; }
    CalculatorScreen Collapsible { column-span: 2; height: auto; padding: 1 0 0 0; border: none; background: transparent; }
    CalculatorScreen ArchToggle { column-span: 2; }
    CalculatorScreen Collapsible > Contents { padding: 0; height: auto; }
    CalculatorScreen #calc-results { width: 1fr; padding: 0 0 0 1; }
    CalculatorScreen #results-head { height: auto; }
    CalculatorScreen #results-banner { display: none; color: $error; text-style: bold; height: auto; }
    CalculatorScreen #results-banner.-shown { display: block; }
    CalculatorScreen MemoryBar { margin: 0 1 0 0; }
    CalculatorScreen.-wide MemoryBar { margin: 0 1 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown_id: str | None = None  # the scenario the form shows
        self._invalid: dict[str, str] = {}  # field id -> reason
        self._estimate = None  # the last valid Estimate shown

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="calc-body"):
            with VerticalScroll(id="calc-form", classes="form-grid"):
                scenarios = [(sc.label, sc.id) for sc in self.app.session.scenarios]
                current = self.app.current_scenario
                # Each run of fields between section titles is one FormLabels (the labels
                # column) and the fields beside it, one grid cell each.
                block: list[tuple[str, Widget]] = [("Scenario", ChoiceField(
                    scenarios, current.id if current else None, title="Scenario", id="f-scenario"))]
                for f in FIELDS:
                    if f.id in SECTION_BEFORE and SECTION_BEFORE[f.id]:
                        yield from self._block(block)
                        block = []
                        yield Static(SECTION_BEFORE[f.id], classes="section")
                    if f.id == "target" and current is not None:
                        shown, value, more = self._target_choices(current.target)
                        widget = ChoiceField(shown, value, title=f.label, id="f-target", more=more)
                    elif f.kind == "select":
                        widget = ChoiceField(list(_options(f.id)), f.read(current) if current else None,
                                             title=f.label, id=f"f-{f.id}")
                    else:
                        widget = FieldInput(id=f"f-{f.id}", placeholder=f.placeholder)
                    block.append((f.label, widget))
                    if f.id == "name":
                        block.append(("Model", ModelField(id="f-model")))
                yield from self._block(block)
                # Rows are mounted on first expand: fewer widgets to lay out until they are wanted.
                yield ArchToggle(id="arch")
            with Vertical(id="calc-results"):
                yield Static(id="results-head")
                yield Static(id="results-banner")
                yield MemoryBar("Inference", id="bar-inference")
                yield MemoryBar("Training", id="bar-training")
                yield FigureList(id="figures")

    def _block(self, rows: list[tuple[str, Widget]]) -> ComposeResult:
        # The labels of a run of fields in one widget beside them, the fields a grid cell
        # each, and an error line mounted only when needed: start-up and every relayout cost
        # grow with the widget count (a Label per field was a third of the form's widgets).
        yield FormLabels(FIELD_LABEL, len(rows))
        for _label, widget in rows:
            yield widget

    def _row(self, field_id: str, label: str, widget) -> ComposeResult:
        # The architecture rows (mounted on first expand): a label and a field, a grid cell each.
        yield Label(label, classes="flabel")
        yield widget

    async def on_arch_toggle_opened(self, event: ArchToggle.Opened) -> None:
        """Put the architecture section in the closed title's place, open."""
        event.stop()
        toggle = event.toggle
        had_focus = toggle.has_focus
        form = toggle.parent
        from textual.widgets import Collapsible

        await toggle.remove()
        section = Collapsible(title=ARCH_TITLE, collapsed=True, id="arch")
        await form.mount(section)
        section.collapsed = False  # the fields are mounted on expanding (on_collapsible_expanded)
        if had_focus:
            section.query_one("CollapsibleTitle").focus()

    def on_collapsible_expanded(self, event) -> None:
        from textual.widgets import Collapsible

        contents = event.collapsible.query_one(Collapsible.Contents)
        if not contents.children:
            widgets = []
            for key, label in ARCH_FIELDS:
                widgets.extend(self._row(f"arch-{key}", label, FieldInput(id=f"f-arch-{key}")))
            contents.add_class("form-grid")
            contents.mount_all(widgets)
            self.call_after_refresh(self._fill_arch, True)

    # ------------------------------------------------------------------ painting

    def refresh_from_session(self) -> None:
        app = self.app
        scenario = app.current_scenario
        self._fill_scenario_select()
        if scenario is None:
            self._estimate = None
            self.query_one("#results-head", Static).update(
                Text("No scenarios in this session. ctrl+n adds one.", style="bold"))
            self.query_one("#calc-form").disabled = True
            return
        self.query_one("#calc-form").disabled = False
        switched = scenario.id != self._shown_id
        if switched:
            self._invalid.clear()
            self._shown_id = scenario.id
        result = app.estimate_for(scenario.id)
        if isinstance(result, Exception):
            self._invalid.setdefault("_scenario", readable_error(result))
        else:
            self._invalid.pop("_scenario", None)
            self._estimate = result
        self._fill_form(scenario, force=switched)
        self._paint_results()

    def _fill_scenario_select(self) -> None:
        field = self.query_one("#f-scenario", ChoiceField)
        field.set_options([(s.label, s.id) for s in self.app.session.scenarios])
        if self.app.current_scenario is not None:
            field.set_value(self.app.current_scenario.id)

    def _fill_form(self, scenario: Scenario, force: bool) -> None:
        for f in FIELDS:
            if f.id in self._invalid and not force:
                continue  # keep what the user typed, and its mark, until it is fixed
            value = f.read(scenario)
            if f.kind == "select":
                choice = self.query_one(f"#f-{f.id}", ChoiceField)
                self._ensure_option(choice, f.id, value)
                choice.set_value(value)
            else:
                field = self.query_one(f"#f-{f.id}", Input)
                try:
                    same = f.parse(field.value) == value
                except (UserError, ValueError):
                    same = False
                if force or not same:
                    with field.prevent(Input.Changed):
                        field.value = f.show(value) if value is not None else ""
            self._mark(f.id, None)
        est = self._estimate
        if est is not None and est.scenario.id == scenario.id:
            self._fill_placeholders(est)
        self._fill_model(scenario, est)
        self._fill_arch(force)

    def _fill_arch(self, force: bool) -> None:
        if not self.query(f"#f-arch-{ARCH_FIELDS[0][0]}"):
            return  # the architecture rows are not mounted yet
        scenario = self.app.current_scenario
        est = self._estimate
        arch = est.architecture if est is not None and scenario and est.scenario.id == scenario.id else None
        for key, _label in ARCH_FIELDS:
            fid = f"arch-{key}"
            if fid in self._invalid and not force:
                continue
            field = self.query_one(f"#f-{fid}", Input)
            value = getattr(arch, key, None) if arch is not None else None
            if key == "num_key_value_heads" and arch is not None and value is None:
                value = arch.num_attention_heads
            text = "" if value is None else str(value)
            if field.value != text:
                with field.prevent(Input.Changed):
                    field.value = text
            self._mark(fid, None)

    @staticmethod
    def _target_choices(value: str):
        """The target field's options: the current target now, every target when first needed
        (reading them all is ~10 ms of TOML that start-up does not need)."""
        from paramtui.core.targets import get_target

        try:
            shown = [(get_target(value).name, value)]
        except UserError:
            shown = [(value, value)]

        def every_target() -> list[tuple[str, str]]:
            options = list(_options("target"))
            return options if value in {v for _l, v in options} else [*options, (value, value)]

        return shown, value, every_target

    def _ensure_option(self, choice: ChoiceField, field_id: str, value: str) -> None:
        """A value from a file that the list lacks (e.g. gptq-int4-g64) is added to the list."""
        if field_id == "target" and choice.options_deferred:
            shown, value, more = self._target_choices(value)
            choice.set_options(shown, more=more)
            return
        options = list(_options(field_id))
        if field_id == "kv_precision" and self._estimate is not None:
            options[0] = (f"auto ({self._estimate.kv_precision.id})", AUTO)
        if value not in {v for _l, v in options}:
            options.append((value, value))
        choice.set_options(options)

    def _fill_placeholders(self, est) -> None:
        tokens = est.values.get("compute.training_tokens")
        _set_placeholder(self.query_one("#f-tokens", Input),
                         f"auto: {units.format_count(tokens)}" if tokens else "auto")
        mfu = est.values.get("compute.mfu")
        _set_placeholder(self.query_one("#f-mfu", Input), f"auto: {mfu * 100:g}%" if mfu else "auto")

    def _fill_model(self, scenario: Scenario, est) -> None:
        button = self.query_one("#f-model", ModelField)
        if scenario.model is not None:
            name = est.model_name if est is not None and est.scenario.id == scenario.id else scenario.model
        elif scenario.params is not None:
            name = f"{units.format_count(scenario.params)} (bare count)"
        else:
            name = "custom architecture"
        _update(button, Text(f"{name} ▸", no_wrap=True, overflow="ellipsis"))

    def _paint_results(self) -> None:
        est = self._estimate
        head = self.query_one("#results-head", Static)
        banner = self.query_one("#results-banner", Static)
        problems = [f"✗ {FIELD_LABEL.get(k, k)}: {v}" for k, v in self._invalid.items()]
        if problems:
            _update(banner, Text("\n".join(problems) + "\n  results below are for the last valid inputs"))
            banner.add_class("-shown")
        else:
            banner.remove_class("-shown")
        if est is None:
            _update(head, Text("No results yet: fix the inputs marked ✗.", style="bold"))
            return
        t = est.target
        dev = f"{est.scenario.gpus}× " if est.scenario.gpus > 1 else ""
        line = Text()
        line.append(f"{est.model_name} · {units.format_count(est.params.total)} params · {est.precision.name}"
                    f" · {dev}{t.name}")
        if est.nominal_architecture:
            line.append("\n")
            line.append("! ", style="bold")
            line.append("bare count: a typical shape of this size is assumed (layers, heads, vocab)")
        _update(head, line)
        v = est.values
        usable = t.usable_memory_bytes * est.devices
        self.query_one("#bar-inference", MemoryBar).set_parts([
            MemoryPart("weights", v.get("memory.weights_bytes") or 0),
            MemoryPart("KV", v.get("memory.kv_cache_bytes") or 0),
            MemoryPart("activations", v.get("memory.activations_bytes") or 0, "act"),
            MemoryPart("overhead", v.get("memory.overhead_bytes") or 0, "other"),
        ], usable, f"usable on {est.devices}× {t.name.split(' (')[0]}")
        self.query_one("#bar-training", MemoryBar).set_parts([
            MemoryPart("weights", v.get("memory.training.weights_bytes") or 0),
            MemoryPart("gradients", v.get("memory.training.gradients_bytes") or 0, "grads"),
            MemoryPart("optimizer", v.get("memory.training.optimizer_bytes") or 0, "optim"),
            MemoryPart("activations", v.get("memory.training.activations_bytes") or 0, "act"),
        ], t.usable_memory_bytes, "per device", peak=v.get("memory.training.total_bytes"))
        rows: list[FigureRow] = []
        for group, title in GROUP_TITLES.items():
            rows.append(FigureRow(None, title))
            for fig in FIGURES.values():
                if fig.group == group:
                    rows.append(FigureRow(fig.key, fig.label, fig.format(est),
                                          bad=fig.key.endswith("fits") and fig.value(est) is False))
        self.query_one(FigureList).set_rows(rows)

    # ------------------------------------------------------------------ editing

    def _mark(self, field_id: str, reason: str | None) -> None:
        if reason is None and field_id not in self._invalid:
            return  # nothing to clear: no restyle, no relayout
        widget = self.query_one(f"#f-{field_id}")
        errors = self.query(f"#err-{field_id}")
        if reason:
            self._invalid[field_id] = reason
            text = Text(f"✗ {reason}")
            if errors:
                errors.first().update(text)
                errors.first().remove_class("-hidden")
            else:
                error = Static(text, classes="field-error", id=f"err-{field_id}")
                widget.parent.mount(error, after=widget)
                self._split_labels(error)
            widget.add_class("invalid")
        else:
            self._invalid.pop(field_id, None)
            if errors:
                errors.first().add_class("-hidden")
            widget.remove_class("invalid")
        for labels in self.query(FormLabels):
            labels.relabel()  # an error line came or went: the labels column spans one row more or less

    def _split_labels(self, error: Widget) -> None:
        """An error line is a full-width row: the fields below it get a labels column of their own."""
        siblings = list(error.parent.children)
        after = siblings[siblings.index(error) + 1:]
        if (after and not isinstance(after[0], FormLabels) and (after[0].styles.column_span or 1) == 1
                and any(isinstance(w, FormLabels) for w in siblings[:siblings.index(error)])):
            error.parent.mount(FormLabels(FIELD_LABEL), after=error)

    def _try(self, field_id: str, make: Callable[[Scenario], Scenario], label: str) -> None:
        """Build the changed scenario; apply it if valid, else mark the field and keep the results."""
        scenario = self.app.current_scenario
        if scenario is None:
            return
        try:
            new = make(scenario)
            if new != scenario:
                from paramtui.core.estimate import estimate

                estimate(new)  # a scenario the core cannot estimate is marked here, not applied
        except (UserError, ValidationError, ValueError) as e:
            self._mark(field_id, readable_error(e))
            self._paint_results()
            return
        had_problem = field_id in self._invalid
        self._mark(field_id, None)
        if new == scenario:
            if had_problem:
                self._paint_results()
            return
        self.app.apply(self.app.session.replace_scenario(new), label)

    def on_input_changed(self, event: Input.Changed) -> None:
        field_id = (event.input.id or "").removeprefix("f-")
        event.stop()
        if event.value != event.input.value:
            return  # a stale message: the field was set again since
        if field_id.startswith("arch-"):
            key = field_id.removeprefix("arch-")
            self._try(field_id, lambda s: self._with_arch(s, key, event.value), f"architecture {key}")
            return
        f = FIELD_BY_ID.get(field_id)
        if f is None or f.parse is None:
            return
        self._try(field_id, lambda s: f.change(s, f.parse(event.value)), f"{f.label.lower()} of {self._label()}")

    def _with_arch(self, scenario: Scenario, key: str, text: str) -> Scenario:
        from paramtui.core.architecture import Architecture

        est = self._estimate
        if est is None or est.scenario.id != scenario.id:
            raise UserError("fix the other inputs first")
        value = parse_int(text, key)
        data = est.architecture.model_dump()
        data[key] = value
        return scenario.with_changes(architecture=Architecture.model_validate(data))

    def on_choice_field_changed(self, event: ChoiceField.Changed) -> None:
        event.stop()
        field_id = (event.field.id or "").removeprefix("f-")
        if field_id == "scenario":
            self.app.select_scenario(event.value)
            return
        f = FIELD_BY_ID.get(field_id)
        if f is None:
            return
        self._try(field_id, lambda s: f.change(s, event.value), f"{f.label.lower()} of {self._label()}")

    def _label(self) -> str:
        s = self.app.current_scenario
        return s.label if s else ""

    def on_model_field_pressed(self, event: ModelField.Pressed) -> None:
        event.stop()
        self.action_pick_model()

    def action_pick_model(self) -> None:
        from paramtui.tui.widgets.model_picker import ModelPicker

        def picked(choice) -> None:
            if not choice:
                return
            kind, value = choice
            what = f"model {value}" if kind == "model" else f"{units.format_count(value)} parameters"
            self._try("model", lambda s: s.with_changes(**{kind: value}), f"{what} for {self._label()}")

        self.app.push_screen(ModelPicker(), picked)

    def action_focus_results(self) -> None:
        self.query_one(FigureList).focus()

    def action_scenario(self, delta: int) -> None:
        ids = [s.id for s in self.app.session.scenarios]
        if ids:
            current = self.app.current_scenario.id
            self.app.select_scenario(ids[(ids.index(current) + delta) % len(ids)])

    def on_figure_list_explain(self, event: FigureList.Explain) -> None:
        event.stop()
        self.explain_figure(event.key)

    def explain_figure(self, key: str) -> None:
        if self._estimate is None:
            return
        self.app.explain(explain(self._estimate, key))


def _update(static: Static, text: Text) -> None:
    """Static.update relayouts the screen; skip it when nothing changed."""
    if getattr(static, "_paramtui_text", None) != text.plain:
        static._paramtui_text = text.plain
        static.update(text)


def _set_placeholder(field: Input, text: str) -> None:
    if field.placeholder != text:
        field.placeholder = text


FIELD_LABEL = {f.id: f.label for f in FIELDS} | {"model": "Model", "_scenario": "Scenario", "scenario": "Scenario"} | {
    f"arch-{k}": label for k, label in ARCH_FIELDS}

SCREEN = CalculatorScreen
