"""Scaling (mode "scaling", key 3): what scale buys, as text plots with logarithmic axes.

View 1, loss vs parameters: curves of equal training compute (iso-FLOP curves, Hoffmann et
al. 2022 Fig. 3) for a few budgets that bracket the session's scenarios, the compute-optimal
frontier through their minima, and each scenario as a lettered point at its N and the loss
its training tokens give. View 2, compute vs loss: the frontier L_opt(C) and each scenario at
its training compute, with the curve of its own size trained longer or shorter.

All numbers come from `paramtui.core.formulas.scaling` (curves) and the scenarios' estimates (points
and the side panel); switching the law here is a view setting and does not edit the session.
"""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paramtui.core.formulas import scaling as scaling_mod
from paramtui.core.errors import UserError
from paramtui.core.inputs.options import option
from paramtui.core.result.estimate import Estimate
from paramtui.core.result.figures import FIGURES, explain
from paramtui.tui.screens.base import ParamScreen
from paramtui.tui.scenario_labels import distinct_labels
from paramtui.tui.widgets.fit_text import ellipsize_middle
from paramtui.tui.widgets.keyed_option_list import KeyedOptionList
from paramtui.tui.widgets.plot import Axis, Chart, LogPlot, Point, Series, compact_count, compact_power

LAW_ORDER = option("scaling.law").values()  # `l` steps through them
LAW_SHORT = {c.value: c.short_label for c in option("scaling.law").choice_list()}
VIEWS = ("params", "compute")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The side panel's figures, by their keys in the figure registry (`core.result.figures`),
# which gives each its name (the short one: the panel is narrow), unit and format, as the
# Calculator, Compare and the CLI read them. `e` explains the highlighted one.
PANEL_FIGURES = (
    "scaling.loss", "params.total", "compute.training_tokens", "scaling.tokens_per_param",
    "compute.training_flops", "scaling.compute_optimal.params", "scaling.compute_optimal.tokens",
    "scaling.optimal_tokens_per_param", "compute.cost_usd",
)
# With a budget (`b`), what it buys under the law shown: the compute-optimal run.
BUDGET_FIGURES = ("budget.flops", "budget.params", "budget.tokens", "budget.loss", "budget.wall_seconds",
                  "budget.cost_usd")
# Repetition and data quality, shown when the scenario sets unique tokens or a data quality.
DATA_FIGURES = ("scaling.unique_tokens", "scaling.epochs", "scaling.data_quality", "scaling.effective_tokens")
# Inference-aware sizing (Sardana et al. 2024), shown when the scenario sets the tokens served.
INFERENCE_FIGURES = ("scaling.inference_tokens", "scaling.inference_optimal.params",
                     "scaling.inference_optimal.tokens", "scaling.inference_optimal.saving")
PANEL_NAME_WIDTH = 9


def law_estimates(scenarios, law: str, estimate_of) -> list[tuple[str, str, Estimate | UserError]]:
    """(id, label, estimate under `law`) for each scenario: the session's own figures, law
    swapped, as `estimate_of(scenario, law)` gives them (the app's, which holds them). The
    label is the scenario's name, a name two share followed by the id."""
    scenarios = list(scenarios)
    labels = distinct_labels(scenarios)
    return [(s.id, labels[s.id], estimate_of(s, law)) for s in scenarios]


def budgets_for(flops: list[float]) -> list[float]:
    """Three to five powers of ten bracketing the scenarios' training compute."""
    if not flops:
        return [1e21, 1e23, 1e25]
    lo = math.floor(math.log10(min(flops)))
    hi = math.ceil(math.log10(max(flops)))
    if hi - lo < 2:
        lo, hi = lo - 1, hi + 1
    step = max(1, math.ceil((hi - lo) / 4))
    return [10.0**k for k in range(lo, hi + 1, step)]


def build_chart(items: list[tuple[str, str, Estimate]], law: str, view: str, highlight: str) -> Chart:
    """The chart for `view` from scenario estimates (all under `law`)."""
    ests = [(sid, label, e) for sid, label, e in items if isinstance(e, Estimate)]
    name = LAW_SHORT[law]
    # Scenarios at the same (N, D) share one point: "ABC" instead of three overlapping letters.
    merged: dict[tuple[float, float], list[tuple[str, str, float, float]]] = {}
    for i, (sid, label, e) in enumerate(ests):
        x, y = (e.scaling.params if view == "params" else _compute(e)), e.scaling.loss
        merged.setdefault((round(math.log10(x), 6), round(y, 6)), []).append((LETTERS[i % 26], sid, x, y, label))
    points = [Point(group[0][2], group[0][3], "".join(g[0] for g in group), group[0][4],
                    any(g[1] == highlight for g in group))
              for group in merged.values()]
    flops = [_compute(e) for _, _, e in ests]
    budgets = budgets_for(flops)
    losses = [p.y for p in points]

    if view == "params":
        n_opts = [scaling_mod.compute_optimal(law, c)[0] for c in budgets]
        xs = [p.x for p in points] + n_opts
        x_lo = 10 ** math.floor(math.log10(min(xs) / 3))
        x_hi = 10 ** math.ceil(math.log10(max(xs) * 3))
        series = []
        for i, c in enumerate(budgets):
            series.append(Series(compact_power(c), str(i + 1),
                                 scaling_mod.iso_compute_curve(law, c, x_lo, x_hi, 120)))
        frontier = scaling_mod.frontier(law, budgets[0] / 10, budgets[-1] * 10, 120)
        series.append(Series("optimal", "*", [(n, l) for _c, n, _d, l in frontier]))
        y = _loss_axis(law, budgets, losses)
        x = Axis("Parameters N (log)", x_lo, x_hi, log=True, fmt=compact_count)
        legend = [f"{i + 1} {compact_power(c)} FLOP" for i, c in enumerate(budgets)]
        legend += ["* optimal", "A.. scenarios"]
        title = f"Loss vs parameters · {name} · iso-compute curves"
    else:
        c_lo = budgets[0] / 10
        c_hi = budgets[-1] * 10
        frontier = scaling_mod.frontier(law, c_lo, c_hi, 120)
        series = [Series("optimal", "*", [(c, l) for c, _n, _d, l in frontier])]
        for i, (sid, _label, e) in enumerate(ests[:6]):
            # The same model trained on D' tokens costs C·D'/D: compute is linear in the tokens.
            n, per_token = e.scaling.params, _compute(e) / e.scaling.tokens
            curve = [(per_token * d, scaling_mod.loss(law, n, d))
                     for d in (10 ** (math.log10(c_lo / per_token) + k * 0.05) for k in range(400))
                     if c_lo <= per_token * d <= c_hi]
            series.append(Series(f"{LETTERS[i]} size", LETTERS[i].lower(), curve))
        y = _loss_axis(law, budgets, losses)
        x = Axis("Training compute, FLOP (log)", c_lo, c_hi, log=True, fmt=compact_power)
        legend = ["* compute-optimal", "a.. same size, other D", "A.. scenarios"]
        title = f"Loss vs training compute · {name}"
    return Chart(title=title, x=x, y=y, series=series, points=points, legend=legend)


def _compute(est: Estimate) -> float:
    """The scenario's training compute: the one figure the plot and the side panel show
    (`compute.training_flops`, 6 · active parameters · tokens plus attention)."""
    return est.values["compute.training_flops"]


def _loss_axis(law: str, budgets: list[float], losses: list[float]) -> Axis:
    """Loss from just below the best to a little above the smallest budget's optimum.

    A scenario far off the frontier (a short fine-tune run has a huge predicted loss) is
    drawn on the top edge instead of squashing every curve into one line.
    """
    top_opt = scaling_mod.loss_at_compute_optimum(law, budgets[0])
    best = min([scaling_mod.loss_at_compute_optimum(law, budgets[-1]), *losses])
    span = max(top_opt - best, 0.05)
    worst = min(max([top_opt, *losses]), top_opt + 0.6 * span)
    return Axis("Loss", best - 0.08 * span, worst + 0.3 * span, log=False, fmt=lambda v: f"{v:.2f}")


def panel_line(est: Estimate, key: str) -> Text:
    """One side-panel line: the figure's short name, then its value as the registry formats it."""
    figure = FIGURES[key]
    return Text.assemble((f"{figure.short:<{PANEL_NAME_WIDTH}}", "bold"), figure.format(est))


class ScalingScreen(ParamScreen):
    MODE = "scaling"
    TITLE_TEXT = "Scaling"

    DEFAULT_CSS = """
    ScalingScreen #scaling-body { height: 1fr; }
    ScalingScreen LogPlot { width: 1fr; height: 1fr; }
    ScalingScreen #scaling-side { width: 27; height: 1fr; border-left: vkey $primary; padding: 0 0 0 1; }
    ScalingScreen #scaling-head { height: auto; }
    ScalingScreen #scaling-figures { height: 1fr; border: none; padding: 0; }
    ScalingScreen #scaling-figures:focus { border: none; }
    """

    BINDINGS = [
        Binding("l", "next_law", "Law"),
        Binding("v", "next_view", "View"),
        Binding("right_square_bracket,n", "next_scenario", "Next"),
        Binding("left_square_bracket,p", "previous_scenario", "Prev", show=False),
        Binding("e", "explain", "Explain"),
        Binding("b", "budget", "Budget", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.law: str | None = None
        self.view = "params"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="scaling-body"):
            yield LogPlot(id="scaling-plot")
            with Vertical(id="scaling-side"):
                yield Static(id="scaling-head")
                yield KeyedOptionList(id="scaling-figures")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#scaling-figures", OptionList).focus()

    # ------------------------------------------------------------------ data

    def _law(self) -> str:
        if self.law is not None:
            return self.law
        current = getattr(self.app, "current_scenario", None)
        law = (current.scaling.law if current is not None else None) or scaling_mod.DEFAULT_LAW
        return law if law in LAW_ORDER else scaling_mod.DEFAULT_LAW

    def refresh_from_session(self) -> None:
        session = self.app.session
        law = self._law()
        items = law_estimates(session.scenarios, law, self.app.estimate_of)
        highlight = self.app.current_id
        plot = self.query_one("#scaling-plot", LogPlot)
        head = self.query_one("#scaling-head", Static)
        figures = self.query_one("#scaling-figures", OptionList)
        ok = [(sid, label, e) for sid, label, e in items if isinstance(e, Estimate)]
        plot.chart = build_chart(items, law, self.view, highlight) if ok else None
        plot.refresh()
        current = next((it for it in items if it[0] == highlight), items[0] if items else None)
        keep = figures.highlighted or 0
        figures.clear_options()
        if current is None:
            head.update(Text("No scenarios.\nAdd one on the Calculator or Compare screen.\nLoss needs a scenario."))
            return
        sid, label, est = current
        index = [it[0] for it in items].index(sid)
        text = Text()
        text.append(f"{LETTERS[index % 26]} ", style="reverse bold")
        text.append(ellipsize_middle(label, 22) + "\n", style="bold")
        text.append(f"Law: {LAW_SHORT[law]} (l)\n")
        if not isinstance(est, Estimate):
            text.append(f"✗ {est}\n")
            head.update(text)
            return
        head.update(text)
        v = est.values
        shown = (PANEL_FIGURES
                 + (DATA_FIGURES if v.get("scaling.effective_tokens") is not None else ())
                 + (INFERENCE_FIGURES if v.get("scaling.inference_tokens") is not None else ())
                 + (BUDGET_FIGURES if v.get("budget.given") else ()))
        for key in shown:
            figures.add_option(Option(panel_line(est, key), id=key))
        figures.highlighted = min(keep, len(shown) - 1)

    # --------------------------------------------------------------- actions

    def action_next_law(self) -> None:
        law = self._law()
        self.law = LAW_ORDER[(LAW_ORDER.index(law) + 1) % len(LAW_ORDER)]
        self.refresh_from_session()

    def action_next_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self.refresh_from_session()

    def _step(self, delta: int) -> None:
        ids = [s.id for s in self.app.session.scenarios]
        if not ids:
            return
        i = ids.index(self.app.current_id) if self.app.current_id in ids else 0
        self.app.current_id = ids[(i + delta) % len(ids)]

    def action_next_scenario(self) -> None:
        self._step(1)

    def action_previous_scenario(self) -> None:
        self._step(-1)

    def action_explain(self) -> None:
        figures = self.query_one("#scaling-figures", OptionList)
        if figures.highlighted is None or not figures.option_count:
            return
        key = figures.get_option_at_index(figures.highlighted).id
        items = law_estimates([s for s in self.app.session.scenarios if s.id == self.app.current_id], self._law(),
                              self.app.estimate_of)
        if not items or not isinstance(items[0][2], Estimate):
            return
        self.app.explain(explain(items[0][2], key))

    def action_budget(self) -> None:
        """Set the current scenario's budget: the panel then shows the run it buys."""
        from paramtui.tui.widgets.compare_dialogs import NamePrompt

        scenario = self.app.current_scenario
        if scenario is None:
            return
        b = scenario.budget
        initial = "" if b is None else (f"${b.usd:g}" if b.usd else f"{b.gpu_hours:g} GPU-h" if b.gpu_hours
                                       else f"{b.days:g} days" if b.days else f"{b.flops:g} FLOPs")
        self.app.push_screen(NamePrompt("Budget", initial, "$50k, 10k GPU-h, 30 days (on the scenario's devices) "
                                        "or 1e23 FLOPs; empty: none"), self._set_budget)

    def _set_budget(self, text: str | None) -> None:
        from paramtui.core.inputs.budget_text import parse_budget

        scenario = self.app.current_scenario
        if text is None or scenario is None:
            return
        try:
            new = scenario.with_changes(budget=parse_budget(text))
        except (UserError, ValueError) as e:
            self.notify(f"✗ {e}", severity="error", markup=False)
            return
        planned = self.app.estimate_or_raise  # a budget the core cannot plan (no price) is refused here
        try:
            planned(new)
        except UserError as e:
            self.notify(f"✗ {e}", severity="error", markup=False)
            return
        self.app.apply(self.app.session.replace_scenario(new), f"budget of {scenario.label}")

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_explain()


SCREEN = ScalingScreen
