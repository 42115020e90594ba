"""Guide (mode "guide", key 5): nine short chapters in plain words, on the current scenario's numbers.

The chapters are the core's (`core/views/guide`), written on the app's estimate of the current
scenario, so changing the scenario anywhere rewrites the chapter shown. `t` goes to where the
chapter's subject can be changed: a Calculator field (focused) or another screen.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paramtui.core.errors import UserError
from paramtui.core.views.guide import Chapter, chapter, topics
from paramtui.tui.screens.base import ParamScreen
from paramtui.tui.widgets.keyed_option_list import KeyedOptionList


class GuideScreen(ParamScreen):
    MODE = "guide"
    TITLE_TEXT = "Guide"

    BINDINGS = [
        Binding("t", "try_it", "Try it", tooltip="Go to the field or screen where this chapter's subject is changed"),
        # priority: the chapter list (9 rows) would take the page keys for itself
        Binding("pagedown,space", "page(1)", "Scroll", show=False, priority=True),
        Binding("pageup", "page(-1)", "Scroll up", show=False, priority=True),
        Binding("right_square_bracket", "scenario(1)", "Next scenario", show=False),
        Binding("left_square_bracket", "scenario(-1)", "Previous scenario", show=False),
    ]

    DEFAULT_CSS = """
    GuideScreen #guide-body { height: 1fr; }
    GuideScreen #guide-topics { width: 24; height: 1fr; border: none; padding: 0; }
    GuideScreen #guide-scroll { width: 1fr; height: 1fr; padding: 0 1; border-left: vkey $panel-lighten-2; }
    GuideScreen #guide-text { width: 1fr; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._chapter: Chapter | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="guide-body"):
            yield KeyedOptionList(*(Option(_topic_prompt(i, t.title, i == 1), id=t.id)
                               for i, t in enumerate(topics(), 1)), id="guide-topics")
            with VerticalScroll(id="guide-scroll"):
                yield Static(id="guide-text")

    def on_mount(self) -> None:
        super().on_mount()
        topics_list = self.query_one("#guide-topics", OptionList)
        topics_list.highlighted = 0
        topics_list.focus()

    @property
    def topic(self) -> str:
        topics_list = self.query_one("#guide-topics", OptionList)
        index = topics_list.highlighted or 0
        return topics_list.get_option_at_index(index).id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # The chapter shown is marked ▸ as well as highlighted: readable without colour (NO_COLOR).
        topics_list = event.option_list
        for i, t in enumerate(topics(), 1):
            topics_list.replace_option_prompt(t.id, _topic_prompt(i, t.title, t.id == event.option.id))
        self._show()
        self.query_one("#guide-scroll", VerticalScroll).scroll_home(animate=False)

    def refresh_from_session(self) -> None:
        self._show()

    def _show(self) -> None:
        scenario = self.app.current_scenario
        text = self.query_one("#guide-text", Static)
        if scenario is None:
            self._chapter = None
            text.update("No scenario: press ctrl+n to add one.")
            return
        est = self.app.estimate_of(scenario)
        if isinstance(est, UserError):
            self._chapter = None
            text.update(Text(f"“{scenario.label}” cannot be estimated: {est}", style="bold"))
            return
        self._chapter = chapter(self.topic, est)
        text.update(render_chapter(self._chapter, scenario.label))

    async def action_try_it(self) -> None:
        if self._chapter is None:
            return
        target = self._chapter.try_it
        await self.app.run_action(f"mode('{target.screen}')")
        if target.field is not None:
            from paramtui.tui.screens.calculator import CalculatorScreen

            screen = self.app.screen
            if isinstance(screen, CalculatorScreen):
                screen.form.focus_row(target.field)

    def action_page(self, direction: int) -> None:
        scroll = self.query_one("#guide-scroll", VerticalScroll)
        (scroll.scroll_page_down if direction > 0 else scroll.scroll_page_up)(animate=False)

    def action_scenario(self, delta: int) -> None:
        ids = [s.id for s in self.app.session.scenarios]
        if ids:
            current = self.app.current_scenario.id
            self.app.select_scenario(ids[(ids.index(current) + delta) % len(ids)])


def _topic_prompt(number: int, title: str, current: bool) -> str:
    return f"{'▸' if current else ' '}{number} {title}"


def render_chapter(c: Chapter, scenario_label: str) -> Text:
    """The chapter as the screen shows it: title, the scenario it is written on, paragraphs,
    the try-it key and the sources."""
    out = Text()
    out.append(c.title, style="bold underline")
    out.append(f"\non “{scenario_label}” ([ ] other scenarios)\n", style="dim")
    for paragraph in c.paragraphs:
        out.append("\n" + paragraph + "\n")
    out.append("\nTry it (t): ", style="bold")
    out.append(c.try_it.text + "\n")
    out.append("\nSources\n", style="bold")
    for source in c.sources:
        out.append(f"· {source}\n", style="dim")
    return out


SCREEN = GuideScreen
