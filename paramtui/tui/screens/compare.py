"""Compare (mode "compare", key 2): scenarios as rows, figures as columns, a pinned baseline.

The table is `paramtui.core.io.comparison.comparison_table` — the very table `ctrl+e` and
`paramtui export` write — drawn in a DataTable. Every edit (add, duplicate, rename, delete,
reorder, the what-if keys, baseline, sort, columns) is a new Session handed to `app.apply`,
so ctrl+z / ctrl+y undo and redo it and every other screen follows.

Better/worse against the baseline is said in words under each value ("+12% worse"), with
colour only as a second cue, so it reads the same with NO_COLOR.
"""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from paramtui.core.errors import UserError
from paramtui.core.inputs.options import option
from paramtui.core.io.export import (
    ComparisonTable,
    comparison_table,
    table_markdown,
)
from paramtui.core.result.figures import DEFAULT_COLUMNS, FIGURES
from paramtui.core.units import format_count
from paramtui.core.inputs.session import Session, ViewSettings
from paramtui.tui.scenario_labels import distinct_labels
from paramtui.tui.screens.scenario_table import ScenarioTableScreen
from paramtui.tui.widgets.cut_marked_table import CutMarkedTable
from paramtui.tui.widgets.fit_text import ellipsize_middle
from paramtui.tui.widgets.table_cell import TableCell

NAME_KEY = "scenario.name"
# The what-if keys that scale a number: (the input's key, its field in Scenario.with_changes).
_SCALED_INPUTS = {
    "batch": ("inference.batch", "inference__batch"),
    "context": ("inference.context", "inference__context"),
    "gpus": ("gpus", "gpus"),
}


def target_cycle() -> list[str]:
    """Targets from small to big, as every list of targets is ordered."""
    return list(option("target").values())


def _step(items: list[str], current: str, step: int) -> str:
    if current in items:
        return items[(items.index(current) + step) % len(items)]
    return items[0] if step > 0 else items[-1]


class CompareScreen(ScenarioTableScreen):
    MODE = "compare"
    TITLE_TEXT = "Compare"
    TABLE_ID = "compare-table"

    DEFAULT_CSS = """
    CompareScreen #compare-status { height: 1; padding: 0 1; color: $text-muted; }
    CompareScreen #compare-table { height: 1fr; }
    CompareScreen #compare-detail { height: 2; padding: 0 1; background: $panel; }
    """

    BINDINGS = [
        Binding("enter", "open_calculator", "Calculator", priority=True, show=False,
                tooltip="Open the focused scenario in the Calculator"),
        Binding("a", "add", "Add", priority=True, tooltip="Add a scenario from the model catalog (type to filter)"),
        Binding("d", "duplicate", "Duplicate", show=False, tooltip="Duplicate the focused scenario"),
        # priority on the keys that open a dialog (a, r, v): it opens as the key arrives, so keys
        # typed after it in the same burst (`r 1 2 enter` over SSH) go to the dialog, in order;
        # otherwise the priority enter overtakes them and opens the Calculator.
        Binding("r", "rename", "Rename", show=False, priority=True, tooltip="Rename the focused scenario"),
        Binding("delete", "delete", "Del", key_display="del",
                tooltip="Delete the focused scenario (ctrl+z brings it back)"),
        Binding("x", "delete", "Del", show=False,
                tooltip="Delete the focused scenario (ctrl+z brings it back)"),
        Binding("shift+up,left_square_bracket", "move(-1)", "Move up", show=False,
                tooltip="Move the focused scenario up"),
        Binding("shift+down,right_square_bracket", "move(1)", "Move down", show=False,
                tooltip="Move the focused scenario down"),
        Binding("p", "precision(1)", "Prec", tooltip="Precision: next lower (fewer bits)"),
        Binding("P", "precision(-1)", "Prec back", show=False, tooltip="Precision: next higher (more bits)"),
        Binding("t", "target(1)", "Target", tooltip="Target: next bigger (phones → nodes)"),
        Binding("T", "target(-1)", "Target back", show=False, tooltip="Target: next smaller"),
        Binding("b", "scale('batch', 2)", "Batch×2", show=False, tooltip="Batch ×2"),
        Binding("B", "scale('batch', 0.5)", "Batch÷2", show=False, tooltip="Batch ÷2"),
        Binding("c", "scale('context', 2)", "Ctx×2", show=False, tooltip="Context ×2"),
        Binding("C", "scale('context', 0.5)", "Ctx÷2", show=False, tooltip="Context ÷2"),
        Binding("g", "scale('gpus', 2)", "GPUs×2", show=False, tooltip="Devices (GPUs) ×2"),
        Binding("G", "scale('gpus', 0.5)", "GPUs÷2", show=False, tooltip="Devices (GPUs) ÷2"),
        Binding("m", "baseline", "Base", tooltip="Pin the focused scenario as the baseline (again: unpin)"),
        Binding("s", "sort", "Sort", tooltip="Sort by the focused column: ascending, descending, off"),
        Binding("v", "columns", "Cols", priority=True, tooltip="Choose and order the columns (saved in the session)"),
        Binding("e", "explain", "Explain", show=False, tooltip="Explain the focused figure: formula and source"),
        Binding("y", "copy", "Copy", show=False, tooltip="Copy the table as Markdown to the clipboard (OSC 52)"),
        Binding("ctrl+e", "export", "Export", tooltip="Export the table: CSV, JSON, Markdown, HTML, LaTeX"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.table: ComparisonTable | None = None
        self._column_key: str | None = None
        self._painted_name_width = 0

    def compose_body(self) -> ComposeResult:
        yield Static("", id="compare-status")
        table = CutMarkedTable(id=self.TABLE_ID, cursor_type="cell", zebra_stripes=True, header_height=2)
        table.fixed_columns = 1
        yield table
        yield Static("", id="compare-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.scenario_table.focus()

    # ------------------------------------------------------------------ painting

    @property
    def session(self) -> Session:
        return self.app.session

    def comparison(self) -> ComparisonTable:
        """The session's comparison table, as export writes it, from the estimates the app holds."""
        return comparison_table(self.session, strict=False, estimator=self.app.estimate_or_raise)

    def refresh_from_session(self) -> None:
        if self._update_changed_row():
            self.mark_built()
        super().refresh_from_session()
        self._paint_status()

    def paint_current(self) -> None:
        self._paint_detail()

    def note_cursor(self) -> None:
        keys = self.table.column_keys if self.table else []
        column = self.scenario_table.cursor_column
        if 0 <= column < len(keys):
            self._column_key = keys[column]

    def row_ids(self) -> list[str]:
        return [r.scenario_id for r in self.table.rows] if self.table else []

    def _styles(self) -> dict[str, str]:
        theme = self.app.current_theme
        return {"better": theme.success or "green", "worse": theme.error or "red", "same": "",
                None: ""}

    def _name_width(self) -> int:
        width = self.size.width or self.app.size.width or 80
        return 24 if width < 100 else 34

    def build_table(self) -> None:
        self.table = table = self.comparison()
        self._painted_name_width = self._name_width()
        data = self.scenario_table
        data.clear(columns=True)
        sort_key, descending = (table.sort.lstrip("-"), table.sort.startswith("-")) if table.sort else (None, False)
        columns = list(table.columns)
        for fig in columns:
            label = Text(_header(fig.label, fig.short), style="bold")
            if fig.key == sort_key:
                label.append(" ▼" if descending else " ▲")
            width = self._name_width() if fig.key == NAME_KEY else None
            data.add_column(label, key=fig.key, width=width)
        self._numeric = [any(isinstance(r.cells[i].value, (int, float)) and not isinstance(r.cells[i].value, bool)
                             for r in table.rows) for i in range(len(columns))]
        labels = distinct_labels(self.session.scenarios)
        for row in table.rows:
            data.add_row(*self._cells(row, labels.get(row.scenario_id, row.label)), key=row.scenario_id,
                         height=self._row_height(row))
        keys = table.column_keys
        column = keys.index(self._column_key) if self._column_key in keys else min(data.cursor_column, len(keys) - 1)
        data.move_cursor(column=column)

    def _row_height(self, row) -> int:
        return 2 if (self.table.baseline is not None or row.error) else 1

    def _cells(self, row, label: str) -> list[TableCell]:
        """A row's cells as drawn: values, and under them the change against the baseline
        (each keeps its rendering, so a repaint after one row changed renders that row only)."""
        styles = self._styles()
        deltas = self.table.baseline is not None
        cells = []
        for i, (fig, cell) in enumerate(zip(self.table.columns, row.cells)):
            justify = "right" if self._numeric[i] else "left"
            if fig.key == NAME_KEY:
                text = Text(ellipsize_middle(label, self._name_width()), no_wrap=True)
                if deltas or row.error:
                    note = ("✗ " + row.error) if row.error else ("◆ baseline" if row.is_baseline else "")
                    text.append("\n" + note, style="bold" if row.is_baseline else
                                (styles["worse"] if row.error else "dim"))
                cells.append(TableCell(text))
                continue
            text = Text(cell.text, justify=justify, no_wrap=True)
            if deltas and not row.is_baseline:
                change = cell.change_text
                text.append("\n" + change, style=styles.get(cell.verdict, "") or ("dim" if change else ""))
            cells.append(TableCell(text))
        return cells

    def _update_changed_row(self) -> bool:
        """When the new session differs from the one shown in one scenario only (a what-if key,
        a rename), and that row can stay where it is (no sort; not the baseline, whose change
        moves every other row's deltas), recompute and repaint that row alone. False: the
        table must be rebuilt. This keeps a key answered at once in a session of 10k scenarios."""
        old, new = self.built_for, self.session
        if old is None or old is new or self.table is None or self.table.sort:
            return False
        if (old.title, old.view, old.baseline) != (new.title, new.view, new.baseline):
            return False
        if len(old.scenarios) != len(new.scenarios):
            return False
        changed = [i for i, (a, b) in enumerate(zip(old.scenarios, new.scenarios)) if a is not b and a != b]
        if len(changed) != 1:
            return not changed and [s.id for s in old.scenarios] == [s.id for s in new.scenarios]
        scenario = new.scenarios[changed[0]]
        if scenario.id != old.scenarios[changed[0]].id or scenario.id == new.baseline:
            return False
        scenarios = [s for s in new.scenarios if s.id == new.baseline] + [scenario]
        one = comparison_table(new.with_scenarios(scenarios, baseline=new.baseline), strict=False,
                               estimator=self.app.estimate_or_raise).row(scenario.id)
        index = self.row_ids().index(scenario.id)
        if self._row_height(one) != self._row_height(self.table.rows[index]):
            return False
        rows = list(self.table.rows)
        rows[index] = one
        self.table = dataclasses.replace(self.table, rows=tuple(rows))
        labels = distinct_labels(new.scenarios)
        data = self.scenario_table
        for fig, text in zip(self.table.columns, self._cells(one, labels[scenario.id])):
            data.update_cell(scenario.id, fig.key, text)
        return True

    def _paint_status(self) -> None:
        table = self.table
        parts = [f"{len(table.rows)} scenario{'s' if len(table.rows) != 1 else ''}"]
        if table.baseline:
            parts.append(f"baseline ◆ {table.row(table.baseline).label}")
        else:
            parts.append("no baseline (m pins one)")
        if table.sort:
            key = table.sort.lstrip("-")
            parts.append(f"sorted by {FIGURES[key].label} {'▼ high→low' if table.sort.startswith('-') else '▲ low→high'}")
        self.query_one("#compare-status", Static).update(Text(" · ".join(parts), no_wrap=True, overflow="ellipsis"))

    def _focused(self):
        """(row, figure key) under the cursor, or (None, None) in an empty table."""
        if not self.table or not self.table.rows:
            return None, None
        data = self.scenario_table
        row = self.table.rows[min(max(data.cursor_row, 0), len(self.table.rows) - 1)]
        keys = self.table.column_keys
        key = keys[min(max(data.cursor_column, 0), len(keys) - 1)]
        return row, key

    def _paint_detail(self) -> None:
        """Line 1: the focused scenario's inputs (what the what-if keys change). Line 2: the focused figure."""
        detail = self.query_one("#compare-detail", Static)
        row, key = self._focused()
        if row is None:
            detail.update(Text("No scenarios. a adds one from the catalog.", style="bold"))
            return
        line = Text()
        line.append(row.label, style="bold")
        try:
            s = self.session.scenario(row.scenario_id)
            model = s.model or (f"{s.params:.3g} params" if s.params else "custom architecture")
            context = self._context_of(s)
            ctx = f"{context:,}" if context else "default"
            line.append(f" · {model} · {s.precision} · {s.target}×{s.gpus} · batch {s.inference.batch:,}"
                        f" · ctx {ctx}")
        except UserError:
            pass
        first, line = line, Text()
        if row.error:
            line.append("✗ not computed: ", style="bold")
            line.append(row.error)
        elif key == NAME_KEY:
            line.append("what-if: p/P precision · t/T target · b/B batch · c/C context · g/G devices", style="dim")
        else:
            fig, cell = FIGURES[key], row.cell(key)
            line.append(f"{fig.label} ")
            line.append(cell.text, style="bold")
            if self.table.baseline and not row.is_baseline:
                base = self.table.row(self.table.baseline).cell(key)
                change = cell.long_change_text or "no change to compare"
                line.append(f" · vs baseline {base.text}: ")
                line.append(change, style=self._styles().get(cell.verdict, "") or "")
            elif row.is_baseline:
                line.append(" · ◆ baseline: other rows show their change against it")
            else:
                line.append(" · e explains · m pins this row as baseline", style="dim")
        # One line each, cut with an ellipsis: a wrapped first line would push the second out.
        width = max(10, (detail.size.width or self.app.size.width) - 2)
        for part in (first, line):
            part.truncate(width, overflow="ellipsis")
        detail.update(Text("\n").join([first, line]))

    def on_resize(self, _event) -> None:
        if self.table is not None and self._name_width() != self._painted_name_width:
            self.invalidate_table()
            self.refresh_from_session()

    # ------------------------------------------------------------------ helpers

    def _current(self):
        """The scenario under the cursor (what the user sees), made the app's current one.

        Keys can arrive before the cursor's highlight message (typing ahead, key repeat over
        SSH), so the cursor, not `app.current_id`, says which row a key acts on.
        """
        row, _key = self._focused()
        if row is None:
            return self.app.current_scenario
        if self.app.current_id != row.scenario_id:
            self.app.current_id = row.scenario_id
        return self.session.scenario(row.scenario_id)

    def _context_of(self, scenario) -> int | None:
        """The context the estimate used: the scenario's own, or the default it resolved to."""
        if scenario.inference.context is not None:
            return scenario.inference.context
        est = self.app.estimate_for(scenario.id)
        return None if isinstance(est, UserError) else est.values.get("scenario.context")

    def _apply(self, session: Session, label: str, current_id: str | None = None) -> None:
        self.app.apply(session, label, current_id=current_id)

    def _change_current(self, label: str, **changes) -> bool:
        scenario = self._current()
        if scenario is None:
            return False
        try:
            changed = scenario.with_changes(**changes)
        except UserError as e:
            self.notify(str(e), title="Not changed", severity="warning", markup=False)
            return False
        self._apply(self.session.replace_scenario(changed), f"{label} of {scenario.id}")
        return True

    # ------------------------------------------------------------------ actions

    async def action_open_calculator(self) -> None:
        row, _key = self._focused()
        if row is not None:
            self.app.current_id = row.scenario_id
        await self.app.run_action("mode('calculator')")

    def action_add(self) -> None:
        from paramtui.tui.widgets.model_picker import ModelPicker

        def chosen(choice: tuple[str, object] | None) -> None:
            if choice is None:
                return
            from paramtui.core.inputs.scenario import Scenario

            kind, value = choice
            extra = {}
            if kind == "file":  # a model file: checked now, so a bad one is one line here
                from paramtui.core.model.model_spec import check_model

                try:
                    check_model(value)
                except UserError as e:
                    self.notify(str(e), severity="error", markup=False)
                    return
                kind, extra = "model", {"precision": "file"}
                name = value.rstrip("/").rsplit("/", 1)[-1] or value
                wanted = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "-"
                                 for c in name.lower()).strip("-")[:40] or "file"
            elif kind == "model":  # at its weights as published, like the Calculator's picker
                from paramtui.core.model.catalog import get_model

                entry = get_model(value)
                name, wanted = entry.name, value
                extra = {"precision": entry.native_precision}
            else:
                name = f"{format_count(value)} parameters"
                wanted = f"params-{format_count(value)}"
            new_id = self.session.unique_id(wanted)
            base = self._current()
            model = {kind: value, **extra}
            if base is not None:
                new = base.with_changes(id=new_id, name=name, **model)
            else:
                new = Scenario(id=new_id, name=name, **model)
            self._insert_after_current(new, f"add {new_id}")
            same = "target and workload" if "precision" in extra else "precision, target and workload"
            self.notify(f"Added “{name}” (same {same} as the focused row)", timeout=3, markup=False)

        self.app.push_screen(ModelPicker(title="Add a scenario", verb="add"), chosen)

    def _insert_after_current(self, new, label: str) -> None:
        scenarios = list(self.session.scenarios)
        current = self._current()
        at = self.session.index_of(current.id) + 1 if current is not None else len(scenarios)
        scenarios.insert(at, new)
        self._apply(self.session.with_scenarios(scenarios), label, current_id=new.id)

    def action_duplicate(self) -> None:
        base = self._current()
        if base is None:
            return
        new_id = self.session.unique_id(base.id)
        new = base.with_changes(id=new_id, name=f"{base.label} (copy)")
        self._insert_after_current(new, f"duplicate {base.id} as {new_id}")
        self.notify(f"Duplicated as “{new.label}”", timeout=2, markup=False)

    def action_rename(self) -> None:
        from paramtui.tui.widgets.compare_dialogs import NamePrompt

        scenario = self._current()
        if scenario is None:
            return

        def named(name: str | None) -> None:
            if name is not None and name != scenario.name:
                self._change_current(f"rename to {name}", name=name)

        self.app.push_screen(NamePrompt(f"Rename “{scenario.label}”", scenario.label,
                                        hint=f"id {scenario.id} stays; the name is what tables show"), named)

    def action_delete(self) -> None:
        scenario = self._current()
        if scenario is None:
            return
        if len(self.session.scenarios) == 1:
            self.notify("The last scenario stays: add another (a) first.", severity="warning", timeout=3)
            return
        ids = self.row_ids()
        index = ids.index(scenario.id) if scenario.id in ids else 0
        remaining = [i for i in ids if i != scenario.id]
        next_id = remaining[min(index, len(remaining) - 1)]
        scenarios = [s for s in self.session.scenarios if s.id != scenario.id]
        self._apply(self.session.with_scenarios(scenarios), f"delete {scenario.id}", current_id=next_id)
        self.notify(f"Deleted “{scenario.label}” · ctrl+z brings it back", timeout=4, markup=False)

    def action_move(self, step: int) -> None:
        """Move in the order shown; a sorted table becomes that order, unsorted, first."""
        scenario = self._current()
        ids = self.row_ids()
        if scenario is None or scenario.id not in ids:
            return
        i = ids.index(scenario.id)
        j = i + step
        if not 0 <= j < len(ids):
            self.notify("Already at the " + ("top." if step < 0 else "bottom."), timeout=2)
            return
        ids[i], ids[j] = ids[j], ids[i]
        by_id = {s.id: s for s in self.session.scenarios}
        view = ViewSettings(columns=self.session.view.columns, sort=None)
        self._apply(self.session.with_scenarios([by_id[k] for k in ids], view=view),
                    f"move {scenario.id}", current_id=scenario.id)

    def action_precision(self, step: int) -> None:
        scenario = self._current()
        if scenario is None:
            return
        new = _step(list(option("precision").values()), scenario.precision, step)
        if self._change_current("precision", precision=new):
            self.notify(f"Precision {scenario.precision} → {new}", timeout=2, markup=False)

    def action_target(self, step: int) -> None:
        scenario = self._current()
        if scenario is None:
            return
        new = _step(target_cycle(), scenario.target, step)
        if self._change_current("target", target=new):
            self.notify(f"Target {scenario.target} → {new}", timeout=2, markup=False)

    def action_scale(self, what: str, factor: float) -> None:
        scenario = self._current()
        if scenario is None:
            return
        key, field = _SCALED_INPUTS[what]
        scaled = option(key)
        word, lowest, highest = scaled.word, scaled.minimum, scaled.maximum
        old = scenario.gpus if what == "gpus" else (
            self._context_of(scenario) if what == "context" else scenario.inference.batch)
        if old is None:
            self.notify("This scenario has no estimate to start from; fix its error first.", timeout=3)
            return
        new = max(lowest, min(highest, int(round(old * factor))))
        if new == old:
            edge = "smallest" if factor < 1 else "largest"
            self.notify(f"{word.capitalize()} is already {old:,}, the {edge} allowed.", timeout=2)
            return
        if self._change_current(word, **{field: new}):
            self.notify(f"{word.capitalize()} {old:,} → {new:,}", timeout=2)

    def action_baseline(self) -> None:
        scenario = self._current()
        if scenario is None:
            return
        if self.session.baseline == scenario.id:
            self._apply(self.session.with_scenarios(self.session.scenarios, baseline=None), "unpin baseline")
            self.notify("Baseline unpinned", timeout=2)
        else:
            self._apply(self.session.with_scenarios(self.session.scenarios, baseline=scenario.id),
                        f"baseline {scenario.id}")
            self.notify(f"Baseline ◆ {scenario.label}", timeout=2, markup=False)

    def action_sort(self) -> None:
        _row, key = self._focused()
        if key is None:
            return
        current = self.table.sort
        if current == key:
            new = f"-{key}"
        elif current == f"-{key}":
            new = None
        else:
            new = key
        view = ViewSettings(columns=self.session.view.columns, sort=new)
        self._apply(self.session.with_scenarios(self.session.scenarios, view=view), "sort")
        label = FIGURES[key].label
        self.notify(f"Sorted by {label}, {'high → low' if new and new.startswith('-') else 'low → high'}"
                    if new else "Session order", timeout=2, markup=False)

    def action_columns(self) -> None:
        from paramtui.tui.widgets.compare_dialogs import ColumnPicker

        def chosen(columns: list[str] | None) -> None:
            if columns is None:
                return
            stored = None if columns == list(DEFAULT_COLUMNS) else tuple(columns)
            view = ViewSettings(columns=stored, sort=self.session.view.sort)
            self._apply(self.session.with_scenarios(self.session.scenarios, view=view), "columns")

        self.app.push_screen(ColumnPicker(self.table.column_keys, list(DEFAULT_COLUMNS)), chosen)

    def action_explain(self) -> None:
        from paramtui.core.result.figures import explain

        row, key = self._focused()
        if row is None:
            return
        est = self.app.estimate_for(row.scenario_id)
        if isinstance(est, Exception):
            self.notify(str(est), title="No estimate", severity="error", markup=False)
            return
        self.app.explain(explain(est, key))

    def action_copy(self) -> None:
        text = table_markdown(self.comparison())
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the table as Markdown ({len(self.table.rows)} rows) to the clipboard",
                    timeout=3, markup=False)

    # ------------------------------------------------------------------ export

    def action_export(self) -> None:
        self.app.action_export()


def _header(label: str, short: str, width: int = 11) -> str:
    """A column title in at most two lines of `width`: 'Inference\ntotal'; the short name if longer."""
    if len(label) <= width:
        return label
    words = label.split()
    for cut in range(len(words) - 1, 0, -1):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if len(first) <= width and len(second) <= width:
            return f"{first}\n{second}"
    return short


SCREEN = CompareScreen
