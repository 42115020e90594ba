"""The Calculator: one scenario's inputs on the left, its results on the right (docs/ARCHITECTURE.md, TUI).

Every change to a field is validated at once. A valid change becomes an `app.apply` (one undo
step per field, keystrokes merged) and the results repaint; an invalid one is marked at the
field with a one-line reason, and the results keep showing the last valid scenario. Labels
and formatting come from `paramtui.core.result.figures`; nothing is computed here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from paramtui.core import units
from paramtui.core.errors import UserError
from paramtui.core.inputs.options import OPTIONS, Option
from paramtui.core.model.layers.pattern import (layer_kinds, layer_types_from_pattern, pattern_summary,
                                                 pattern_text, repeating_unit)
from paramtui.core.result.figures import (FIGURES, GROUPS, ONLY_WHEN_SET, SHOWN_WHEN_NONZERO, explain, figures_of,
                                          group_applies)
from paramtui.core.result.estimate import Estimate
from paramtui.core.inputs.scenario import Scenario
from paramtui.core.validation import as_data, validate
from paramtui.tui.screens.base import ParamScreen
from paramtui.tui.widgets.figure_list import FigureList, FigureRow
from paramtui.tui.widgets.form import FormRow, FormView
from paramtui.tui.widgets.memory_bar import MemoryBar, MemoryPart


AUTO = "auto"


# ---------------------------------------------------------------------- parsing and display


def readable_error(error: UserError) -> str:
    """One short line for a field: what is wrong, and where when that is not the field itself
    (a range or a choice is the field's own)."""
    where = ".".join(str(p) for p in error.where if p != "architecture")
    if not where or error.reason.startswith("must be") or where in error.reason:
        return error.reason
    return f"{where}: {error.reason}"


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
    """One input of the form: the scenario input (`core.inputs.options`) it edits."""

    id: str  # the form row's id
    key: str  # the input's session-file key
    show: Callable[[Any], str] = str  # text fields: value -> text

    @property
    def option(self) -> Option:
        return OPTIONS[self.key]

    @property
    def label(self) -> str:
        return self.option.label

    @property
    def kind(self) -> str:
        return "select" if self.option.choices else "input"

    @property
    def placeholder(self) -> str:
        return self.option.help if self.option.kind == "text" else ""

    def read(self, scenario: Scenario) -> Any:
        """The scenario's value, as the field shows it (a choice's value is text)."""
        section, name = self.option.section, self.option.name
        value = getattr(getattr(scenario, section) if section else scenario, name, None)
        if self.kind == "select":
            return AUTO if value is None else str(value)
        return value

    def parse(self, text: str) -> Any:
        return self.option.read(text)

    def change(self, scenario: Scenario, value: Any) -> Scenario:
        """A new scenario with the field's value (a choice's text turned back into its type)."""
        if self.kind == "select":
            value = None if value == AUTO else (int(value) if self.option.kind == "whole" else value)
        section, name = self.option.section, self.option.name
        if section == "budget":
            # A budget is in one unit: setting one replaces the others; clearing the one set
            # removes the budget (clearing an empty one changes nothing).
            if value is not None:
                return scenario.with_changes(budget={name: value})
            given = scenario.budget
            return scenario.with_changes(budget=None) if given is not None and getattr(given, name) is not None else scenario
        return scenario.with_changes(**{f"{section}__{name}" if section else name: value})


def price_text(value: float | None) -> str:
    return "" if value is None else f"${value:g}"


def ram_text(value: float | None) -> str:
    """Bytes in the GiB that RAM is sold in and the results show ('64 GiB'), exact."""
    if value is None:
        return ""
    gib = value / 2**30
    return f"{gib:g} GiB" if float(f"{gib:g}") * 2**30 == value else f"{value:.0f}"


FIELDS: list[Field] = [
    Field("name", "name"),
    Field("precision", "precision"),
    Field("kv_precision", "kv_precision"),
    Field("batch", "inference.batch"),
    Field("context", "inference.context"),
    Field("target", "target"),
    Field("gpus", "gpus"),
    Field("price", "price_per_hour_usd", show=price_text),
    Field("host_ram", "host_ram_bytes", show=ram_text),
    Field("runtime", "inference.runtime"),
    Field("purpose", "purpose"),
    Field("tokens", "training.tokens", show=lambda v: count_text(v)),
    Field("method", "training.method"),
    Field("lora_rank", "training.lora_rank"),
    Field("optimizer", "training.optimizer"),
    Field("regime", "training.regime"),
    Field("recompute", "training.recompute"),
    Field("zero", "training.zero"),
    Field("tp", "training.tensor_parallel"),
    Field("pp", "training.pipeline_parallel"),
    Field("mfu", "training.mfu", show=lambda v: fraction_text(v)),
    Field("law", "scaling.law"),
    Field("unique", "scaling.unique_tokens", show=lambda v: count_text(v)),
    Field("quality", "scaling.data_quality", show=lambda v: "" if v is None else f"{v:g}"),
    Field("serve", "scaling.inference_tokens", show=lambda v: count_text(v)),
    Field("budget_usd", "budget.usd", show=price_text),
    Field("budget_hours", "budget.gpu_hours", show=lambda v: count_text(v)),
    Field("budget_days", "budget.days", show=lambda v: "" if v is None else f"{v:g}"),
    Field("budget_flops", "budget.flops", show=lambda v: count_text(v)),
]
FIELD_BY_ID = {f.id: f for f in FIELDS}

# Architecture fields: editing one turns the model into an explicit [scenario.architecture].
ARCH_FIELDS: list[tuple[str, str]] = [
    ("hidden_size", "Hidden"),
    ("num_hidden_layers", "Layers"),
    ("layer_pattern", "Pattern"),  # the layer kinds' repeating unit, e.g. "3 linear + 1 full"
    ("num_attention_heads", "Heads"),
    ("num_key_value_heads", "KV heads"),
    ("intermediate_size", "FFN"),
    ("vocab_size", "Vocab"),
    ("num_local_experts", "Experts"),
    ("num_experts_per_tok", "Top-k"),  # experts per token
]

SECTION_BEFORE = {"name": None, "purpose": "Training", "law": "Scaling", "budget_usd": "Budget (one unit)"}


# What "automatic" is called in a choice list, where the input has an automatic value.
AUTO_LABELS = {"kv_precision": "auto (16-bit)"}


@functools.cache
def _options(field_id: str) -> tuple[tuple[str, str], ...]:
    option = FIELD_BY_ID[field_id].option
    choices = [(c.label, c.value) for c in option.choice_list()]
    if option.default is None:
        choices.insert(0, (AUTO_LABELS.get(field_id, AUTO), AUTO))
    return tuple(choices)


ARCH_TITLE = "Architecture: layers, heads, …"  # editing one makes the model a custom one


# ---------------------------------------------------------------------- the screen


class CalculatorScreen(ParamScreen):
    MODE = "calculator"
    TITLE_TEXT = "Calculator"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    AUTO_FOCUS = "#calc-form"  # on Model, the first thing a user chooses; focused once, by Textual

    BINDINGS = [
        # priority: the picker opens as the key arrives, so the name typed after it in the
        # same burst goes to the picker, not to the form still focused below it
        Binding("ctrl+l", "pick_model", "Model", tooltip="Choose the model: catalog, a bare count or a model file",
                priority=True),
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
        width: 37; height: 1fr; padding: 0 1 0 0; border-right: vkey $panel-lighten-2;
    }
    CalculatorScreen.-wide #calc-form { width: 50; }
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
        self._scenario_error: str | None = None  # why the scenario as saved cannot be estimated
        # (a field's own mistake is kept by the form, with the text the user typed)
        self._estimate = None  # the last valid Estimate shown

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="calc-body"):
            yield FormView(self._form_rows(), current="model", id="calc-form",
                           escape_action="screen.focus_results")
            with Vertical(id="calc-results"):
                yield Static(id="results-head")
                yield Static(id="results-banner")
                yield MemoryBar("Inference", id="bar-inference")
                yield MemoryBar("Training", id="bar-training")
                yield FigureList(id="figures")

    def _form_rows(self) -> list[FormRow]:
        """The form's rows; what they show is filled from the session by `refresh_from_session`."""
        current = self.app.current_scenario
        rows = [FormRow("scenario", "Scenario", "choice")]
        for f in FIELDS:
            if SECTION_BEFORE.get(f.id):
                rows.append(FormRow(f"section-{f.id}", SECTION_BEFORE[f.id], "section"))
            if f.id == "target" and current is not None:
                shown, _value, more = self._target_choices(current.target)
                rows.append(FormRow("target", f.label, "choice", options=shown, more=more))
            elif f.kind == "select":
                rows.append(FormRow(f.id, f.label, "choice", options=list(_options(f.id))))
            else:
                rows.append(FormRow(f.id, f.label, "text", placeholder=f.placeholder))
            if f.id == "name":
                rows.append(FormRow("model", "Model", "button"))
        rows.append(FormRow("arch", ARCH_TITLE, "toggle"))
        rows += [FormRow(f"arch-{key}", label, "text", section="arch") for key, label in ARCH_FIELDS]
        return rows

    @property
    def form(self) -> FormView:
        return self.query_one("#calc-form", FormView)

    @property
    def shown_estimate(self) -> Estimate | None:
        """The estimate the results show (the last valid one: an invalid input keeps it)."""
        return self._estimate

    # ------------------------------------------------------------------ painting

    def refresh_from_session(self) -> None:
        app = self.app
        scenario = app.current_scenario
        form = self.form
        form.set_options("scenario", [(s.label, s.id) for s in app.session.scenarios])
        if scenario is None:
            self._estimate = None
            self.query_one("#results-head", Static).update(
                Text("No scenarios in this session. ctrl+n adds one.", style="bold"))
            form.disabled = True
            return
        form.disabled = False
        form.set_value("scenario", scenario.id)
        switched = scenario.id != self._shown_id
        if switched:
            self._shown_id = scenario.id
        result = app.estimate_for(scenario.id)
        if isinstance(result, Exception):
            self._scenario_error = readable_error(result)
        else:
            self._scenario_error = None
            self._estimate = result
        self._fill_form(scenario, force=switched)
        self._paint_results()

    def _fill_form(self, scenario: Scenario, force: bool) -> None:
        form = self.form
        for f in FIELDS:
            if form.error(f.id) is not None and not force:
                continue  # keep what the user typed, and its mark, until it is fixed
            value = f.read(scenario)
            if f.kind == "select":
                self._ensure_option(f.id, value)
                form.set_value(f.id, value)
            else:
                try:
                    same = f.parse(form.value(f.id)) == value
                except UserError:
                    same = False
                if force or not same:
                    form.set_value(f.id, f.show(value) if value is not None else "")
            form.set_error(f.id, None)
        est = self._estimate
        if est is not None and est.scenario.id == scenario.id:
            self._fill_placeholders(est)
        if force:
            form.set_error("model", None)  # a model the last scenario could not take
        self._fill_model(scenario, est)
        self._fill_arch(force)

    def _fill_arch(self, force: bool) -> None:
        scenario = self.app.current_scenario
        est = self._estimate
        arch = est.architecture if est is not None and scenario and est.scenario.id == scenario.id else None
        form = self.form
        for key, _label in ARCH_FIELDS:
            fid = f"arch-{key}"
            if form.error(fid) is not None and not force:
                continue
            value = getattr(arch, key, None) if arch is not None else None
            if key == "num_key_value_heads" and arch is not None and value is None:
                value = arch.num_attention_heads
            if key == "layer_pattern" and arch is not None:
                value = pattern_text(arch)
            form.set_value(fid, "" if value is None else str(value))
            form.set_error(fid, None)
        # A model with more than one kind of layer counts them in the section's title (counts
        # first: at 80 columns the title is cut after them).
        mixed = arch is not None and len(set(layer_kinds(arch))) > 1
        form.set_label("arch", f"Layers: {pattern_summary(arch)}" if mixed else ARCH_TITLE)

    @staticmethod
    def _target_choices(value: str):
        """The target field's options: the current target now, every target when first needed
        (reading them all is ~10 ms of TOML that start-up does not need)."""
        from paramtui.core.inputs.targets import get_target

        try:
            shown = [(get_target(value).name, value)]
        except UserError:
            shown = [(value, value)]

        def every_target() -> list[tuple[str, str]]:
            options = list(_options("target"))
            return options if value in {v for _l, v in options} else [*options, (value, value)]

        return shown, value, every_target

    def _ensure_option(self, field_id: str, value: str) -> None:
        """A value from a file that the list lacks (e.g. gptq-int4-g64) is added to the list."""
        form = self.form
        if field_id == "target":
            if form.row("target").more is not None or value not in {v for _l, v in form.row("target").options}:
                shown, value, more = self._target_choices(value)
                form.set_options("target", shown, more=more)
            return
        options = list(_options(field_id))
        if field_id == "kv_precision" and self._estimate is not None:
            options[0] = (f"auto ({self._estimate.kv_precision.id})", AUTO)
        if field_id == "purpose" and self.app.current_scenario is not None:
            options[0] = (f"auto ({self.app.current_scenario.resolved_purpose})", AUTO)
        if field_id == "recompute" and self.app.current_scenario is not None:
            from paramtui.core.inputs.options import auto_recompute_label

            options[0] = (auto_recompute_label(self.app.current_scenario.training.method), AUTO)
        if field_id == "precision" and self._models_a_file():
            options.insert(0, ("file  (as stored: the file's exact bytes)", "file"))
        if value not in {v for _l, v in options}:
            options.append((value, value))
        form.set_options(field_id, options)

    def _models_a_file(self) -> bool:
        """Whether the current scenario's model is a model file (it offers precision `file`)."""
        from paramtui.core.model.model_file import is_model_path

        scenario = self.app.current_scenario
        return scenario is not None and scenario.model is not None and is_model_path(scenario.model)

    def _fill_placeholders(self, est) -> None:
        tokens = est.values.get("compute.training_tokens")
        self.form.set_placeholder("tokens", f"auto: {units.format_count(tokens)}" if tokens else "auto")
        mfu = est.values.get("compute.mfu")
        self.form.set_placeholder("mfu", f"auto: {mfu * 100:g}%" if mfu else "auto")
        price = est.target.price_per_hour_usd
        # a node's price is per GPU in it (Devices 1 of '8x H200' is 8 GPUs, billed 8 times this)
        each = " per GPU" if est.target.devices > 1 else ""
        self.form.set_placeholder("price", f"auto: ${price:g}/h{each}" if price is not None else "none known")
        from paramtui.core.formulas.offload import host_memory_for

        host = None if est.target.unified_memory else host_memory_for(est.target, est.devices)
        self.form.set_placeholder("host_ram", f"auto: {units.format_bytes(host)} (typical)" if host is not None
                                  else "no host RAM to offload to")
        self.form.set_placeholder("unique", "auto: all unique")
        self.form.set_placeholder("quality", "auto: 1 (as fitted)")
        self.form.set_placeholder("serve", "auto: none")
        self.form.set_placeholder("context", f"auto: {est.values['scenario.context']}")
        # unnamed, the tables call a scenario by its id (not "a label for this scena…" cut at 80)
        self.form.set_placeholder("name", f"auto: {est.scenario.id}")
        for fid, example in (("budget_usd", "e.g. $50k"), ("budget_hours", "e.g. 10k"), ("budget_days", "e.g. 30"),
                             ("budget_flops", "e.g. 1e23")):
            self.form.set_placeholder(fid, example)

    def _fill_model(self, scenario: Scenario, est) -> None:
        if scenario.model is not None:
            name = est.model_name if est is not None and est.scenario.id == scenario.id else scenario.model
        elif scenario.params is not None:
            name = f"{units.format_count(scenario.params)} (bare count)"
        else:
            name = "custom architecture"
        self.form.set_value("model", f"{name} ▸")

    def _paint_results(self) -> None:
        est = self._estimate
        head = self.query_one("#results-head", Static)
        banner = self.query_one("#results-banner", Static)
        problems = [f"✗ {row.label}: {row.error}" for row in self.form.rows if row.error is not None]
        if self._scenario_error is not None:
            problems.append(f"✗ Scenario: {self._scenario_error}")
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
        from paramtui.core.result.warnings import estimate_warnings

        v = est.values
        if v.get("offload.needed") and v.get("offload.fits") is not None:  # offload first
            line.append("\n")
            if v.get("offload.fits"):
                where = (f"{v['offload.gpu_layers']}/{v['offload.gpu_layers'] + v['offload.cpu_layers']} layers "
                         "on the device" if v["offload.mode"] == "layers" else "experts in host RAM")
                line.append("⇄ ", style="bold")
                line.append(f"offload: {where}, "
                            f"{FIGURES['offload.decode_tokens_per_s'].format(est)}")
            else:
                line.append("✗ ", style="bold")
                line.append("does not fit even with offload to host RAM")
        for warning in estimate_warnings(est):
            line.append("\n")
            line.append("! ", style="bold")
            line.append(warning)
        _update(head, line)
        v = est.values
        usable = t.usable_memory_bytes * est.devices
        self.query_one("#bar-inference", MemoryBar).set_parts([
            MemoryPart("weights", v.get("memory.weights_bytes") or 0),
            MemoryPart("KV", v.get("memory.kv_cache_bytes") or 0),
            # linear-attention / state-space layers' fixed state, only where the model has some
            *([MemoryPart("state", v["memory.recurrent_state_bytes"])]
              if v.get("memory.recurrent_state_bytes") else []),
            MemoryPart("activations", v.get("memory.activations_bytes") or 0, "act"),
            MemoryPart("overhead", v.get("memory.overhead_bytes") or 0, "other"),
        ], usable, f"usable on {est.devices}× {t.name.split(' (')[0]}")
        training_bar = self.query_one("#bar-training", MemoryBar)
        training_bar.display = group_applies(est, "training")  # inference only: no training figures
        training_bar.set_parts([
            MemoryPart("weights", v.get("memory.training.weights_bytes") or 0),
            MemoryPart("gradients", v.get("memory.training.gradients_bytes") or 0, "grads"),
            MemoryPart("optimizer", v.get("memory.training.optimizer_bytes") or 0, "optim"),
            MemoryPart("activations", v.get("memory.training.activations_bytes") or 0, "act"),
        ], t.usable_memory_bytes, "per device", peak=v.get("memory.training.total_bytes"))
        rows: list[FigureRow] = []
        for group, title in GROUPS.items():
            if not group_applies(est, group):
                if group == "scaling" and v.get("scenario.purpose") == "finetune":
                    rows.append(FigureRow(None, title))
                    rows.append(FigureRow("scaling.loss", "Predicted loss", "none (fine-tune; e: why)"))
                continue
            rows.append(FigureRow(None, title))
            for fig in figures_of(group):
                if fig.key in SHOWN_WHEN_NONZERO and not fig.value(est):
                    continue  # e.g. an all-attention model has no recurrent state: no row for it
                if fig.key in ONLY_WHEN_SET and fig.value(est) is None:
                    continue  # repetition, data quality, tokens served: only where the scenario sets them
                rows.append(FigureRow(fig.key, fig.label, fig.format(est),
                                      bad=fig.key.endswith("fits") and fig.value(est) is False))
        self.query_one(FigureList).set_rows(rows)

    # ------------------------------------------------------------------ editing

    def _try(self, field_id: str, make: Callable[[Scenario], Scenario], label: str) -> None:
        """Build the changed scenario; apply it if valid, else mark the field and keep the results."""
        scenario = self.app.current_scenario
        if scenario is None:
            return
        try:
            new = make(scenario)
            if new != scenario:
                from paramtui.core.result.estimate import estimate

                estimate(new)  # a scenario the core cannot estimate is marked here, not applied
        except UserError as e:
            self.form.set_error(field_id, readable_error(e))
            self._paint_results()
            return
        had_problem = self.form.error(field_id) is not None
        self.form.set_error(field_id, None)
        if new == scenario:
            if had_problem:
                self._paint_results()
            return
        renamed = self._follow_model(scenario, new)
        if renamed is not None:
            session, new_id = renamed
            self.app.apply(session, label, current_id=new_id)
            return
        self.app.apply(self.app.session.replace_scenario(new), label)

    def _follow_model(self, old: Scenario, new: Scenario):
        """(the session with `new` renamed, its new id) when its name follows its model and
        the model or precision changed; None otherwise (`core.inputs.naming`)."""
        from paramtui.core.inputs.naming import followed_name, id_stem
        from paramtui.core.result.estimate import estimate

        if new.name != old.name or (new.model, new.params, new.architecture, new.precision) == (
                old.model, old.params, old.architecture, old.precision):
            return None
        try:
            old_model, new_model = estimate(old).model_name, estimate(new).model_name
        except (UserError, ValueError):
            return None
        name = followed_name(old.name, old_model, new_model, old.precision, new.precision)
        if name is None:
            return None
        session = self.app.session
        others = session.with_scenarios([s for s in session.scenarios if s.id != old.id]) if len(
            session.scenarios) > 1 else None
        new_id = others.unique_id(id_stem(name)) if others is not None else id_stem(name)
        renamed = new.with_changes(name=name, id=new_id)
        scenarios = [renamed if s.id == old.id else s for s in session.scenarios]
        baseline = new_id if session.baseline == old.id else session.baseline
        return session.with_scenarios(scenarios, baseline=baseline), new_id

    def on_form_view_changed(self, event: FormView.Changed) -> None:
        event.stop()
        field_id = event.row_id
        if not self.form.settle(event):
            return  # the user has changed the field again since: its newer Changed follows
        if field_id == "scenario":
            self.app.select_scenario(event.value)
            return
        if field_id.startswith("arch-"):
            key = field_id.removeprefix("arch-")
            self._try(field_id, lambda s: self._with_arch(s, key, event.value), f"architecture {key}")
            return
        f = FIELD_BY_ID.get(field_id)
        if f is None:
            return
        change = (lambda s: f.change(s, f.parse(event.value))) if f.kind == "input" else (
            lambda s: f.change(s, event.value))
        self._try(field_id, change, f"{f.label.lower()} of {self._label()}")

    def _with_arch(self, scenario: Scenario, key: str, text: str) -> Scenario:
        from paramtui.core.model.architecture import Architecture

        est = self._estimate
        if est is None or est.scenario.id != scenario.id:
            raise UserError("fix the other inputs first")
        arch = est.architecture
        data = as_data(arch)
        if key == "layer_pattern":
            data["layer_types"] = list(layer_types_from_pattern(text, arch.num_hidden_layers))
            return scenario.with_changes(architecture=validate(Architecture, data))
        value = parse_int(text, key)
        data[key] = value
        if key == "num_hidden_layers" and arch.layer_types is not None:
            # More or fewer layers keep the pattern: its repeating unit, cut at the new last layer.
            unit = repeating_unit(tuple(arch.layer_types))
            data["layer_types"] = [unit[i % len(unit)] for i in range(value)]
        return scenario.with_changes(architecture=validate(Architecture, data))

    def _label(self) -> str:
        s = self.app.current_scenario
        return s.label if s else ""

    def on_form_view_pressed(self, event: FormView.Pressed) -> None:
        event.stop()
        if event.row_id == "model":
            self.action_pick_model()

    def action_pick_model(self) -> None:
        from paramtui.tui.widgets.model_picker import ModelPicker

        def picked(choice) -> None:
            if not choice:
                return
            kind, value = choice
            if kind == "file":  # a model file, at its own types (precision "file")
                self._try("model", lambda s: s.with_changes(model=value, precision="file"),
                          f"model file {value} for {self._label()}")
                return
            what = f"model {value}" if kind == "model" else f"{units.format_count(value)} parameters"
            changes = {kind: value}
            if kind == "model":  # a catalog model starts at its weights as published
                from paramtui.core.model.catalog import get_model

                changes["precision"] = get_model(value).native_precision
            self._try("model", lambda s: s.with_changes(**changes), f"{what} for {self._label()}")

        self.app.push_screen(ModelPicker(), picked)

    def action_focus_results(self) -> None:
        # At once (Screen.set_focus), not after the keys already queued: the form runs this
        # for its esc, and the keys typed after it in the same burst then go to the results
        # list, as typed slowly (`esc f1`: the keys help, not the field's explanation).
        self.set_focus(self.query_one(FigureList))

    def action_scenario(self, delta: int) -> None:
        ids = [s.id for s in self.app.session.scenarios]
        if ids:
            current = self.app.current_scenario.id
            self.app.select_scenario(ids[(ids.index(current) + delta) % len(ids)])

    def on_form_view_explain(self, event: FormView.Explain) -> None:
        """`e` / f1 on a field: what the input means, typical values, what it changes."""
        event.stop()
        from paramtui.core.inputs.input_help import INPUT_HELP
        from paramtui.core.result.explain import Explanation
        from paramtui.tui.widgets.explain import ExplainScreen

        row_id = event.row_id
        if row_id.startswith("arch-"):
            self._explain_architecture_field(row_id)
            return
        f = FIELD_BY_ID.get(row_id)
        key = f.key if f is not None else row_id
        help_ = INPUT_HELP.get(key)
        if help_ is None:
            return
        if f is not None:
            option = f.option
            meaning = option.help[:1].upper() + option.help[1:] + "."
            if option.auto:
                meaning += f" Left automatic: {option.auto}."
            title = option.label
        else:
            meaning, title = "The model this scenario sizes.", "Model"
        now = self.form.value(row_id) or "automatic"
        if f is not None and f.kind == "select":
            now = self.form.row(row_id).choice_label()
        self.app.push_screen(ExplainScreen(Explanation(title=title, meaning=meaning, formula=help_.typical,
                                                       substituted=help_.changes, source=now),
                                           ExplainScreen.INPUT_HEADS))

    def _explain_architecture_field(self, row_id: str) -> None:
        from paramtui.core.inputs.input_help import ARCHITECTURE_HELP
        from paramtui.core.result.explain import Explanation
        from paramtui.tui.widgets.explain import ExplainScreen

        help_ = ARCHITECTURE_HELP.get(row_id.removeprefix("arch-"))
        if help_ is not None:
            self.app.push_screen(ExplainScreen(Explanation(
                title=help_.title, meaning=help_.meaning, formula=help_.typical, substituted=help_.changes,
                source=self.form.value(row_id) or "automatic"), ExplainScreen.INPUT_HEADS))

    def on_figure_list_explain(self, event: FigureList.Explain) -> None:
        event.stop()
        self.explain_figure(event.key)

    def explain_figure(self, key: str) -> None:
        if self._estimate is None:
            return
        self.app.explain(explain(self._estimate, key))


def _update(static: Static, text: Text) -> None:
    """Static.update relayouts the screen; skip it when nothing changed."""
    if getattr(static.content, "plain", None) != text.plain:
        static.update(text)


SCREEN = CalculatorScreen
