"""Deploy (mode "deploy", key 4): every scenario on every target, and what to do when it does not fit.

Each cell is `paramtui.core.views.deploy_matrix.deploy_cell`, the estimate's own verdict for the scenario
moved to that target, written with signs so it reads without colour:
"✓ 54% 31 t/s" fits, "⇄ 130% 4 t/s" runs with part of the model in host RAM, "✗ 310%" does
not run. `enter` opens the detail (memory against the target, the largest context and
batch, the best precision, offload splits); `m` picks catalog models for the target under
the cursor, and `a` there adds one to the session through `app.apply` (undoable).
"""

from __future__ import annotations

from typing import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from paramtui.tui.widgets.dialogs import Dialog
from textual.widgets import DataTable, Input, Label, Select, Static

from paramtui.core.formulas.offload import OffloadSplit
from paramtui.core.model.quant_quality import quality_kept
from paramtui.core.views.deploy_detail import DeployDetail, deploy_detail
from paramtui.core.views.deploy_matrix import DeployCell, DeployMatrix, deploy_matrix
from paramtui.core.errors import UserError
from paramtui.core.views.pick import DEFAULT_PRECISIONS, PickResult, pick, task_word
from paramtui.core.inputs.options import LICENSE_CLASSES, TARGET_KIND_FILTERS, TASKS, option
from paramtui.core.inputs.options import ordered_targets as order_targets
from paramtui.core.inputs.options import parse_ram
from paramtui.core.inputs.targets import Target, default_targets
from paramtui.core.units import format_bytes, format_percent, format_rate
from paramtui.tui.scenario_labels import distinct_labels
from paramtui.tui.screens.scenario_table import ScenarioTableScreen
from paramtui.tui.widgets.compare_dialogs import NamePrompt
from paramtui.tui.widgets.cut_marked_table import CutMarkedTable
from paramtui.tui.widgets.fit_text import ellipsize_middle
from paramtui.tui.widgets.memory_bar import MemoryBar, MemoryPart
from paramtui.tui.widgets.ordered_input import OrderedInput

KIND_FILTERS = TARGET_KIND_FILTERS  # `f` steps through them
# A cell's verdict in words: the legend, the line under the table and the detail say the same.
STATUS_WORDS = {"fits": "✓ fits", "offload": "⇄ fits with host-RAM offload", "no": "✗ too big"}
LEGEND = (f"{STATUS_WORDS['fits']} (≤100% of usable memory)  ⇄ offload to host RAM  {STATUS_WORDS['no']}"
          "  (mem %, t/s)")


def ordered_targets(kinds: tuple[str, ...] = (), first: Iterable[str] = ()) -> list[Target]:
    """Targets whose kind is in `kinds` (all when empty): this machine (`local`) when it has a
    GPU, those named in `first` in that order (the session's own targets), then the rest
    small to big, by kind, then memory."""
    from paramtui.core.inputs.local_machine import detected_gpu_target

    by_size = order_targets(default_targets().targets.values(), kinds)
    local = detected_gpu_target()
    if local is not None and (not kinds or local.kind in kinds) and "local" not in {t.id for t in by_size}:
        by_size.insert(0, local)
        first = ("local", *first)
    by_id = {t.id: t for t in by_size}
    own = [by_id[i] for i in dict.fromkeys(first) if i in by_id]
    return own + [t for t in by_size if t not in own]


def _rate(text: str) -> float:
    """A rate of zero or more (tokens per second)."""
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise UserError(f"{text!r} is not a number") from None
    if not 0 <= value < float("inf"):
        raise UserError("must be zero or more")
    return value


def cell_text(cell: DeployCell | UserError) -> Text:
    if isinstance(cell, UserError):
        return Text("error", style="italic")
    style = {"fits": "bold", "offload": "", "no": "dim"}[cell.status]
    return Text(cell.short, style=style)


def cell_status(cell: DeployCell) -> str:
    """The cell's fit in a sentence (the detail's): "✓ fits: 15.0 GiB of 79.6 GiB usable on 1 device(s) = 21%"."""
    return (f"{STATUS_WORDS[cell.status]}: {format_bytes(cell.required_bytes)} of {format_bytes(cell.usable_bytes)} usable "
            f"on {cell.devices} device(s) = {format_percent(cell.memory_use_fraction)}")


# The scenario column: as wide as the longest name up to this, then cut with an ellipsis.
LABEL_WIDTH = 22
# A target column is never narrower than this, so short ids leave room for "⇄ 138% 8.2 t/s".
CELL_WIDTH = 13


class DeployScreen(ScenarioTableScreen):
    MODE = "deploy"
    TITLE_TEXT = "Deploy"
    TABLE_ID = "deploy-table"

    DEFAULT_CSS = """
    DeployScreen #deploy-head { height: auto; color: $text-muted; }
    DeployScreen DataTable { height: 1fr; }
    DeployScreen #deploy-cursor { height: 2; padding: 0 1; background: $panel; }
    """

    BINDINGS = [
        Binding("f", "next_filter", "Kind"),
        Binding("F", "previous_filter", "Kind back", show=False),
        # priority: the detail opens as the key arrives, so keys typed after it in the same
        # burst go to the detail, not to the table below it (kept off the key bar, as before)
        Binding("enter", "detail", "Detail", priority=True, show=False),
        Binding("m", "pick", "Pick model"),
        Binding("e", "explain", "Explain", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filter_index = 0
        self.targets: list[Target] = []
        self.cells = DeployMatrix({}, [])
        self.labels: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="deploy-head")
        table = CutMarkedTable(id=self.TABLE_ID, cursor_type="cell", zebra_stripes=False)
        table.fixed_columns = 1  # the scenario stays in view while the targets scroll past
        yield table
        yield Static(id="deploy-cursor")

    def on_mount(self) -> None:
        super().on_mount()
        self.scenario_table.focus()

    def row_ids(self) -> list[str]:
        return [s.id for s in self.app.session.scenarios]

    def _label(self, scenario_id: str) -> Text:
        return Text(ellipsize_middle(self.labels[scenario_id], LABEL_WIDTH), no_wrap=True)

    def build_table(self) -> None:
        name, kinds = KIND_FILTERS[self.filter_index]
        scenarios = list(self.app.session.scenarios)
        self.targets = ordered_targets(kinds, first=[s.target for s in scenarios])
        self.cells = deploy_matrix(scenarios, self.targets)
        self.labels = distinct_labels(scenarios)
        head = Text()
        head.append(f"Targets: {name} (f)  ", style="bold")
        head.append(f"{len(scenarios)} scenarios × {len(self.targets)} targets, this session's first\n")
        head.append(LEGEND)
        self.query_one("#deploy-head", Static).update(head)

        table = self.scenario_table
        old = table.cursor_coordinate
        table.clear(columns=True)
        label_width = min(LABEL_WIDTH, max([8, *(len(label) for label in self.labels.values())]))
        table.add_column("Scenario", key="scenario", width=label_width)
        rows = [[cell_text(cell) for cell in self.cells.row(s.id)] for s in scenarios]
        for i, t in enumerate(self.targets):
            # As wide as the target's full id or its widest cell ("⇄ 138% 8.2 t/s"): neither is cut.
            width = max([CELL_WIDTH, len(t.id), *(row[i].cell_len for row in rows)])
            table.add_column(Text(t.id), key=t.id, width=width)
        for s, cells in zip(scenarios, rows):
            table.add_row(self._label(s.id), *cells, key=s.id)
        if scenarios:
            ids = [s.id for s in scenarios]
            row = ids.index(self.app.current_id) if self.app.current_id in ids else min(old.row, len(ids) - 1)
            table.cursor_coordinate = (row, max(1, min(old.column, len(self.targets))))

    def paint_current(self) -> None:
        """The cell under the cursor in words, under the table: the scenario's whole name, the
        target's, and the fit. A line of its own, not the current row's name in bold: changing
        one cell of a DataTable redraws every cell of every row in view (56 targets a row)."""
        line = self.query_one("#deploy-cursor", Static)
        sid, target = self._cursor()
        if sid is None or target is None:
            line.update(Text("No scenarios: m picks a model for a target.", style="bold"))
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.labels.get(sid, sid), style="bold")
        if self.scenario_table.cursor_column == 0:  # on the names column
            text.append("\n→ moves to the targets · enter opens a cell's details", style="dim")
            line.update(text)
            return
        text.append(f" · on {target.name}\n")
        cell = self.cells.get((sid, target.id))
        if isinstance(cell, DeployCell):
            devices = f" on {cell.devices} devices" if cell.devices > 1 else ""
            verdict = (f"{STATUS_WORDS[cell.status]}: {format_bytes(cell.required_bytes)} of "
                       f"{format_bytes(cell.usable_bytes)}{devices} ({format_percent(cell.memory_use_fraction)})")
            rate = cell.decode_tokens_per_s if cell.status == "fits" else cell.offload_tokens_per_s
            speed = f" · {format_rate(rate)} per request" if rate is not None else ""
            hint = " · enter: details"
            # Whole words, not cut: the speed loses "per request" (the detail says it) and the
            # hint is left out where the line is too narrow for them (an offload at 80 columns).
            room = line.content_size.width or 78
            if len(verdict + speed) > room:
                speed = speed.removesuffix(" per request")
            text.append(verdict + speed)
            if len(verdict + speed + hint) <= room:
                text.append(hint, style="dim")
        elif cell is not None:
            text.append(f"✗ not computed: {cell}")
        line.update(text)

    # ------------------------------------------------------------------ cursor

    def _cursor(self) -> tuple[str | None, Target | None]:
        if not self.targets:
            return None, None
        sid = self.cursor_scenario_id()
        col = self.scenario_table.cursor_column
        return sid, self.targets[max(0, min(col - 1, len(self.targets) - 1))]

    def on_data_table_cell_selected(self, _event: DataTable.CellSelected) -> None:
        # Only while this screen is shown: `enter enter` in one burst selects twice before
        # the first detail is up, and the second must not open a second one over it.
        if self.app.screen is self:
            self.action_detail()

    # ----------------------------------------------------------------- actions

    def action_next_filter(self) -> None:
        self._filter(1)

    def action_previous_filter(self) -> None:
        self._filter(-1)

    def _filter(self, step: int) -> None:
        self.filter_index = (self.filter_index + step) % len(KIND_FILTERS)
        self.invalidate_table()
        self.refresh_from_session()

    def _detail_at_cursor(self):
        """The detail of the cell under the cursor; None (said in a notice) when it has none."""
        sid, target = self._cursor()
        if sid is None:
            return None
        try:
            return deploy_detail(self.app.session.scenario(sid), target)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return None

    def action_detail(self) -> None:
        if self.app.screen is not self:
            return
        detail = self._detail_at_cursor()
        if detail is not None:
            self.app.push_screen(DeployDetailScreen(detail))

    def action_explain(self) -> None:
        detail = self._detail_at_cursor()
        if detail is not None:
            self.app.explain(detail.estimate.explanations["memory.use_fraction"])

    def action_pick(self) -> None:
        sid, target = self._cursor()
        if target is None:
            target = ordered_targets()[0]
        self.app.push_screen(PickScreen(target))


# ---------------------------------------------------------------------------- detail


def _split_lines(split: OffloadSplit) -> list[str]:
    host_cap = (format_bytes(split.host_capacity_bytes) if split.host_capacity_bytes is not None
                else "? (not listed)")
    if split.fits:
        verdict = "✓ runs"
    elif split.host_capacity_bytes is None and split.device_bytes <= split.device_capacity_bytes:
        verdict = "? runs if the host has the RAM"
    else:
        verdict = "✗ does not fit"
    if split.mode == "layers":
        head = f"Layer split (llama.cpp -ngl {split.gpu_layers}): {split.gpu_layers} layers on device, {split.cpu_layers} on CPU"
    else:
        head = f"Experts on CPU ({split.cpu_layers} MoE layers' routed experts in host RAM)"
    lines = [head,
             f"  {verdict}: device {format_bytes(split.device_bytes)} of {format_bytes(split.device_capacity_bytes)},"
             f" host {format_bytes(split.host_bytes)} of {host_cap}"]
    speed = format_rate(split.decode_tokens_per_s) if split.decode_tokens_per_s else "? (host bandwidth not listed)"
    lines.append(f"  decode {speed}" + (" (CPU computes its layers)" if split.mode == "layers" else
                                        " (CPU reads only the active experts)"))
    if split.streamed_tokens_per_s:
        lines.append(f"  streaming the host part over the host link instead: {format_rate(split.streamed_tokens_per_s)}")
    return lines


class DeployDetailScreen(Dialog[None]):
    """One scenario on one target: memory, limits, best precision, offload (`h` sets host RAM)."""

    DEFAULT_CSS = """
    DeployDetailScreen { align: center middle; }
    DeployDetailScreen > VerticalScroll {
        width: 96%; max-width: 110; height: 92%; border: round $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,q,enter", "close", "Close"),
        Binding("x", "explain('max_context')", "Explain context"),
        Binding("b", "explain('max_batch')", "Explain batch", show=False),
        Binding("o", "explain_offload", "Explain offload"),
        Binding("h", "host_ram", "Host RAM"),
    ]

    def __init__(self, detail: DeployDetail) -> None:
        super().__init__()
        self.detail = detail
        self.host_memory_bytes: float | None = None  # the user's own host RAM, when set with `h`

    def compose(self) -> ComposeResult:
        d = self.detail
        est, cell = d.estimate, d.cell
        s = est.scenario
        inf = est.inference
        with VerticalScroll() as box:
            # the target first: the scenario's own name may already say "on <its target>"
            box.border_title = f"On {est.target.name}: {s.label}"
            box.border_subtitle = "esc close · x/b/o explain · h host RAM"
            box.can_focus = True
            yield Static(self._status_text(), id="detail-status")
            bar = MemoryBar("Memory against the target")
            yield bar
            # a hybrid's recurrent state too, as the Calculator's bar: the parts add up to the status line
            state = [MemoryPart("state", inf.recurrent_state_bytes)] if inf.recurrent_state_bytes else []
            bar.set_parts([MemoryPart("weights", inf.weights_bytes), MemoryPart("KV cache", inf.kv_cache_bytes),
                           *state, MemoryPart("activations", inf.activations_bytes),
                           MemoryPart("overhead", inf.overhead_bytes)],
                          cell.usable_bytes, f"usable {format_bytes(cell.usable_bytes)}")
            yield Static(self._lines_text(), id="detail-lines")

    def _status_text(self) -> Text:
        return Text(cell_status(self.detail.cell), style="bold")

    def _lines_text(self) -> Text:
        d = self.detail
        est, cell = d.estimate, d.cell
        s = est.scenario
        lines = []
        if cell.decode_tokens_per_s is not None:
            lines.append(f"Decode: {format_rate(cell.decode_tokens_per_s)} per request")
        elif not est.target.rates_known:
            from paramtui.core.inputs.targets import speed_unknown_reason

            lines.append(f"Decode: – ({speed_unknown_reason(est.target)})")
        batch, ctx = s.inference.batch, est.values["scenario.context"]
        limit = f" (model limit {d.model_context:,})" if d.model_context else ""
        lines.append(f"Largest context at batch {batch}: {d.max_context:,} tokens{limit}")
        lines.append(f"Largest batch at {ctx:,} tokens: {d.max_batch:,}")
        if not cell.fits:
            lines.append(f"Highest precision that fits: {d.best_precision or 'none (even the smallest is too big)'}"
                         f" (now {est.precision.id})")
            if d.best_precision:
                lines.append(f"  quality: {quality_kept(d.best_precision, s.model).summary()}")
        else:
            lines.append(f"Quality: {quality_kept(est.precision.id, s.model).summary()}")
        if d.layer_offload is None and d.expert_offload is None and not cell.fits:
            lines.append("No offload: this target's memory is unified (no separate host RAM)."
                         if est.target.unified_memory else "")
        split = d.layer_offload or d.expert_offload
        if split is not None:
            lines.append("")
            host = (format_bytes(split.host_capacity_bytes) if split.host_capacity_bytes is not None
                    else "not listed")
            whose = "set by you" if self.host_memory_bytes is not None else "typical host assumed, see the target's notes"
            lines.append(f"Host RAM: {host} ({whose}; h to change)")
        for split in (d.layer_offload, d.expert_offload):
            if split is not None:
                lines.append("")
                lines.extend(_split_lines(split))
        return Text("\n".join(lines))

    def action_host_ram(self) -> None:
        d = self.detail
        if d.cell.fits or (d.layer_offload is None and d.expert_offload is None):
            self.notify("No offload here: the model fits, or the memory is unified.", timeout=3, markup=False)
            return
        split = d.layer_offload or d.expert_offload
        current = split.host_capacity_bytes
        initial = f"{current / 2**30:g}" if current is not None else ""
        self.app.push_screen(
            NamePrompt("Host RAM (GiB)", initial,
                       "The host's RAM for offloading, as RAM is sold (64 = 64 GB = 64 GiB; 1TB). "
                       "'typical' goes back to the target's."),
            self._set_host_ram)

    def _set_host_ram(self, text: str | None) -> None:
        if text is None:
            return
        if text.strip().lower() in ("typical", "default"):
            host = None
        else:
            try:  # the same reading as the Calculator's field and --host-ram: 64 is 64 GiB
                host = parse_ram(text)
            except UserError as e:
                self.notify(f"✗ {e}", severity="error", markup=False)
                return
        est = self.detail.estimate
        try:
            self.detail = deploy_detail(est.scenario, est.target, host_memory_bytes=host)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.host_memory_bytes = host
        self.query_one("#detail-status", Static).update(self._status_text())
        self.query_one("#detail-lines", Static).update(self._lines_text())

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_explain(self, key: str) -> None:
        self.app.explain(self.detail.explanations[key])

    def action_explain_offload(self) -> None:
        split = self.detail.expert_offload or self.detail.layer_offload
        if split is None:
            self.app.explain(self.detail.explanations["best_precision"])
            return
        self.app.explain(split.explanations["decode_tokens_per_s"])


# ------------------------------------------------------------------------------ pick


class PickScreen(Dialog[None]):
    """Catalog models for one target under the user's constraints; `a` adds one to the session."""

    DEFAULT_CSS = """
    PickScreen { align: center middle; }
    PickScreen > Vertical {
        width: 98%; max-width: 120; height: 96%; border: round $primary; background: $surface; padding: 0 1;
    }
    PickScreen Horizontal { height: 1; margin-bottom: 1; }
    PickScreen Input { width: 1fr; height: 1; border: none; padding: 0 1; }
    PickScreen #pick-gpus, PickScreen #pick-context, PickScreen #pick-tps { width: 10; }
    PickScreen Select { width: 1fr; }
    PickScreen DataTable { height: 1fr; }
    PickScreen #pick-note { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("a", "add", "Add to session"),
        Binding("e", "explain", "Explain"),
    ]

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target
        self.result: PickResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Pick a model for {self.target.name}"
            box.border_subtitle = "enter apply · a add · e explain · esc close"
            with Horizontal():
                yield Label("ctx ")
                yield OrderedInput("4096", id="pick-context", type="integer")
                yield Label(" t/s ")
                yield OrderedInput("0", id="pick-tps", type="number")
                yield Label(" gpus ")
                yield OrderedInput("1", id="pick-gpus", type="integer")
                yield Label(" prec ")
                # short enough for its 19 columns at 80: a longer one wrapped and showed only "all:"
                yield OrderedInput("", id="pick-precisions", placeholder="all: " + ",".join(DEFAULT_PRECISIONS[:2]) + ",…")
            with Horizontal():
                # Pickers over the one vocabulary (options.TASKS, LICENSE_CLASSES): nothing to mistype.
                yield Label("task ")
                yield Select([(c.label, c.value) for c in TASKS], prompt="none (loss proxy)",
                             id="pick-task", compact=True)
                yield Label(" license ")
                yield Select([(c.label, c.value) for c in LICENSE_CLASSES], prompt="any",
                             id="pick-license", compact=True)
            yield DataTable(id="pick-table", cursor_type="row")
            yield Static(id="pick-note")

    def on_mount(self) -> None:
        self._run()
        self.query_one(DataTable).focus()

    def _choices(self) -> tuple[str | None, str | None]:
        """The task and the license class picked in the dialog (none picked: None)."""
        def picked(widget_id: str) -> str | None:
            value = self.query_one(widget_id, Select).value
            return None if value is Select.NULL else str(value)

        return picked("#pick-task"), picked("#pick-license")

    def _constraints(self) -> tuple[int, int, float, list[str] | None]:
        def value(widget_id: str, what: str, read, default):
            text = self.query_one(widget_id, Input).value.strip()
            try:
                return read(text) if text else default
            except UserError as error:
                raise UserError(error.reason, (what,)) from None

        context = value("#pick-context", "context", option("inference.context").read, 4096)
        tps = value("#pick-tps", "tokens/s", _rate, 0.0)
        gpus = value("#pick-gpus", "devices", option("gpus").read, 1)
        precs = [p.strip() for p in self.query_one("#pick-precisions", Input).value.split(",") if p.strip()]
        return gpus, context, tps, precs or None

    def _run(self) -> None:
        table = self.query_one(DataTable)
        note = self.query_one("#pick-note", Static)
        try:
            gpus, context, tps, precs = self._constraints()
            task, license = self._choices()
            self.result = pick(self.target.id, gpus=gpus, min_context=context, min_tokens_per_s=tps, precisions=precs,
                               task=task, license=license)
        except UserError as error:
            note.update(Text(f"✗ {error}"))
            return
        table.clear(columns=True)
        ranked_by = ("Score", 14) if self.result.task else ("Loss", 5)
        for label, width in (("#", 2), ("Model", 16), ("Prec", 7), ranked_by, ("Mem", 8), ("t/s", 5), ("Why", 60)):
            table.add_column(label, width=width)
        for row in self.result.rows:
            mark = str(row.rank) if row.rank else ("✓" if row.eligible else "✗")
            if self.result.task:
                # the score first: at 80 columns the column shows "88.4 HumanEval (i", never only the name
                ranked_cell = f"{row.task_score:g} {row.task_score_benchmark}" if row.task_score is not None else "–"
            else:
                ranked_cell = f"{row.loss:.3f}" if row.loss is not None else "–"
            table.add_row(
                mark, row.model_id[:16], row.precision or "–", ranked_cell,
                format_bytes(row.memory_bytes) if row.memory_bytes else "–",
                f"{row.decode_tokens_per_s:.0f}" if row.decode_tokens_per_s else "–",
                "; ".join(row.reasons), key=row.model_id)
        self._note()

    def _note(self) -> None:
        if self.result is None:
            return
        row = self._selected()
        if self.result.task:
            text = Text(f"{len(self.result.picked)} of {len(self.result.rows)} fit; ranked by published "
                        f"{task_word(self.result.task)} score ({self.result.benchmark or 'none published'} first; "
                        "scores from different sources or benchmarks are not comparable).")
        else:
            text = Text(f"{len(self.result.picked)} of {len(self.result.rows)} fit; ranked by predicted loss "
                        "(a proxy: one law, different data and tokenizers).")
        if row is not None:
            text.append(f"\n{row.name}: " + "; ".join(row.reasons), style="bold")
        self.query_one("#pick-note", Static).update(text)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._note()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._run()
        self.query_one(DataTable).focus()

    def on_select_changed(self, _event: Select.Changed) -> None:
        # A pick applies at once: the choice is complete, unlike a number being typed.
        self._run()

    def _selected(self):
        if self.result is None or not self.result.rows:
            return None
        table = self.query_one(DataTable)
        return self.result.rows[min(table.cursor_row, len(self.result.rows) - 1)]

    def action_add(self) -> None:
        row = self._selected()
        if row is None or not row.eligible:
            self.notify("Pick a model that fits (✓ or a rank) to add it.", severity="warning")
            return
        session = self.app.session
        new_id = session.unique_id(f"{row.model_id}-{row.precision}-{self.target.id}")
        scenario = row.scenario(new_id, self.target.id, self.result.gpus, self.result.min_context)
        self.app.apply(session.with_scenarios([*session.scenarios, scenario]), f"add {new_id}", current_id=new_id)
        self.notify(f"Added {new_id}", timeout=2, markup=False)
        self.dismiss(None)

    def action_explain(self) -> None:
        if self.result is not None:
            self.app.explain(self.result.explanation)

    def action_close(self) -> None:
        self.dismiss(None)


SCREEN = DeployScreen
