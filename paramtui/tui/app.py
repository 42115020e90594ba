"""The paramtui app shell: one Session, four screens, undo, session files, autosave, themes.

Contract for screens (see paramtui/tui/screens/base.py for a base class that does this):

- `app.session` (reactive `Session`) and `app.current_id` (reactive str, the focused scenario).
  Observe them with `self.watch(self.app, "session", callback)`; never reach into another screen.
- Every edit goes through `app.apply(new_session, label)`: it pushes the previous state on the
  undo stack (`app.undo()` / `app.redo()`, ctrl+z / ctrl+y) and autosaves.
- `app.estimate_for(scenario_id)` / `app.estimate_of(scenario, law=None)` -> `Estimate | UserError`:
  the app holds one estimate per scenario (and per law, for Scaling); screens never estimate.
- `app.explain(explanation)` opens the explanation modal; `app.current_scenario` is the focused one.
- Modes: "calculator" (1), "compare" (2), "scaling" (3), "deploy" (4) (tui/keymap.py). A
  mode's screen is the `SCREEN` of paramtui/tui/screens/<mode>.py.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen

from paramtui.core.bugs import bug_line
from paramtui.core.errors import UserError
from paramtui.core.io.resources import user_dir
from paramtui.core.inputs.session import Session
from paramtui.core.io.session_file import SessionFile, open_session_file, save_session_file
from paramtui.core.io.user_files import FileChangedError
from paramtui.tui.autosave import AutosaveFailed, AutosaveRecord, Autosaver, find_orphans
from paramtui.tui.keymap import MODE_TABS, MORE_TABS
from paramtui.tui.prefs import load_prefs, prefs_problem, save_pref
from paramtui.tui.themes import DEFAULT_THEME, load_themes

UNDO_LIMIT = 500
COALESCE_SECONDS = 2.0  # keystrokes in one field within this time are one undo step


@dataclass(frozen=True)
class _State:
    """What undo restores: the session, the focused scenario, and which file it belongs to."""

    session: Session
    current_id: str
    path: Path | None
    saved: Session | None  # the session as last saved to / loaded from `path`
    label: str


def _absolute(path: Path) -> Path:
    """Absolute, so that the autosave and the title still name the file from another directory."""
    return Path(os.path.abspath(os.path.expanduser(path)))


def screen_class(mode: str) -> type[Screen]:
    """The Screen class of a mode (its module's `SCREEN`), imported on first use (keeps
    start-up fast)."""
    return importlib.import_module(f"paramtui.tui.screens.{mode}").SCREEN


def _estimate(scenario):
    from paramtui.core.result.estimate import estimate

    try:
        return estimate(scenario)
    except UserError as e:
        return e
    except Exception as e:  # a bug: the row says so, the app goes on
        return UserError(bug_line(e, f"estimating scenario {scenario.id!r}"))


class ParamApp(App):
    TITLE = "paramtui"
    CSS = """
    Screen { background: $background; }
    Toast { max-width: 70; }
    """
    ENABLE_COMMAND_PALETTE = True
    # Start straight on the Calculator: no blank default screen to mount and switch away from.
    DEFAULT_MODE = "calculator"
    BINDINGS = [
        Binding("1", "mode('calculator')", "Calculator", show=False),
        Binding("2", "mode('compare')", "Compare", show=False),
        Binding("3", "mode('scaling')", "Scaling", show=False),
        Binding("4", "mode('deploy')", "Deploy", show=False),
        Binding("5", "mode('guide')", "Guide", show=False),
        Binding("question_mark,f1", "help", "Keys"),
        Binding("ctrl+s", "save", "Save"),
        # Priority: a text field's own ctrl+e (end of line) must not swallow the export (docs/ARCHITECTURE.md).
        Binding("ctrl+e", "export", "Export", show=False, priority=True),
        Binding("ctrl+o", "open", "Open"),
        Binding("ctrl+z", "undo", "Undo"),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("ctrl+t", "next_theme", "Theme", show=False),
        Binding("ctrl+n", "new_scenario", "New scenario", show=False),
        Binding("ctrl+b", "new_blank_scenario", "New blank scenario", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    # `var`: reactive (watchable) but never repaints the app by itself; screens repaint
    # what they show when they observe a change, which keeps a keystroke cheap.
    session: var[Session] = var(Session, init=False, always_update=False)
    current_id: var[str] = var("", init=False)
    session_path: var[Path | None] = var(None, init=False)
    dirty: var[bool] = var(False, init=False)

    def __init__(self, session: Session | None = None, session_path: str | os.PathLike | None = None, *,
                 restore_autosave: bool = True, autosave: bool = True,
                 session_file: SessionFile | None = None) -> None:
        super().__init__()
        # Each file as this app last opened or saved it (its text and stamp): a save keeps
        # its comments and spellings and notices another program's changes since.
        self._files: dict[Path, SessionFile] = {}
        if session_file is not None:
            self._files[_absolute(session_file.path)] = session_file
            if session is None:
                session, session_path = session_file.session, session_path or session_file.path
        if session is None:
            from paramtui.tui.demo import demo_session

            session = demo_session()
        self.set_reactive(ParamApp.session, session)
        self.set_reactive(ParamApp.current_id, session.scenarios[0].id if session.scenarios else "")
        self.set_reactive(ParamApp.session_path, _absolute(Path(session_path)) if session_path else None)
        self._saved: Session | None = session
        self._undo: list[_State] = []
        # (scenario id, law or None) -> (the scenario, its Estimate or UserError): see estimate_of
        self._estimates: dict[tuple[str, str | None], tuple] = {}
        self._redo: list[_State] = []
        self._last_label: str | None = None
        self._last_time = 0.0
        self.restore_autosave = restore_autosave
        self.autosaver: Autosaver | None = Autosaver(on_failure=self._autosave_failed) if autosave else None
        self.quit_cleanly = False

        for mode, _key, _title in MODE_TABS + MORE_TABS:
            self.add_mode(mode, self._mode_factory(mode))

        loaded = load_themes()
        self.theme_problems = loaded.problems
        self.paramtui_themes = list(loaded.themes)
        for theme in loaded.themes.values():
            self.register_theme(theme)
        self.prefs_problem = prefs_problem()
        wanted = load_prefs().get("theme")
        self.theme = wanted if wanted in self.available_themes else (
            DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark")

    def _mode_factory(self, mode: str):
        def make() -> Screen:
            return screen_class(mode)()
        return make

    # ------------------------------------------------------------------ start

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for problem in self.theme_problems:
            self.notify(problem, title="Theme not loaded", severity="warning", timeout=12, markup=False)
        if self.prefs_problem:
            self.notify(self.prefs_problem, title="Preferences not loaded", severity="warning", timeout=12,
                        markup=False)
        if any(user_dir("targets").glob("*.toml")):  # read after the first paint; only the user's can be bad
            self.call_after_refresh(self._report_target_problems)
        if self.restore_autosave:
            orphans = find_orphans(self.autosaver.directory if self.autosaver else None)
            if orphans:
                self.call_after_refresh(self._offer_restore, orphans[0])

    def _report_target_problems(self) -> None:
        from paramtui.core.inputs.targets import default_targets

        for problem in default_targets().problems:
            self.notify(problem, title="Target skipped", severity="warning", timeout=12, markup=False)

    def _theme_changed(self, theme) -> None:
        save_pref("theme", theme.name)

    def _offer_restore(self, record: AutosaveRecord) -> None:
        from paramtui.tui.widgets.dialogs import ChoiceScreen

        source = f", editing {record.source_path}" if record.source_path else ""
        question = (
            f"paramtui did not quit cleanly (SSH drop, crash or kill). Unsaved work from "
            f"{record.age_text} was kept: “{record.title}”, {record.scenario_count} scenario(s){source}.\n\n"
            f"Restore it, or discard it? (esc: decide next time)\n{record.file}"
        )

        def answer(choice: str | None) -> None:
            if choice == "restore":
                try:
                    session = record.load()
                except UserError as e:
                    self.notify(f"Cannot restore: {e}", severity="error", timeout=15, markup=False)
                    return
                path = Path(record.source_path) if record.source_path else None
                saved = None
                if path is not None:
                    try:
                        opened = open_session_file(path)
                    except UserError:
                        pass
                    else:
                        self._files[_absolute(path)] = opened
                        saved = opened.session
                self._set_state(_State(session, record.current_id or "", path, saved, "restore"),
                                push=True, label="restore autosave")
                record.discard()
                self.notify("Restored the unsaved session. ctrl+s saves it.", title="Restored")
            elif choice == "discard":
                record.discard()
                self.notify("Discarded the autosave.")

        self.push_screen(ChoiceScreen("Restore unsaved work?", question,
                                      [("r", "Restore", "restore"), ("d", "Discard", "discard")],
                                      cancel_value=None), answer)

    # ------------------------------------------------------------------ the session

    @property
    def current_scenario(self):
        """The focused Scenario, or None in an empty session."""
        for s in self.session.scenarios:
            if s.id == self.current_id:
                return s
        return self.session.scenarios[0] if self.session.scenarios else None

    def estimate_for(self, scenario_id: str):
        """The Estimate of a scenario of the session, or the UserError saying why there is none."""
        try:
            scenario = self.session.scenario(scenario_id)
        except UserError as e:
            return e
        return self.estimate_of(scenario)

    def estimate_of(self, scenario, law: str | None = None):
        """The Estimate of `scenario` (under scaling `law`, when given: the Scaling screen's
        views), or the UserError saying why there is none. The app holds one per scenario
        and law, made when first asked for after the scenario changed: screens read these
        and never estimate themselves."""
        key = (scenario.id, law)
        held = self._estimates.get(key)
        if held is not None and (held[0] is scenario or held[0] == scenario):
            return held[1]
        result = _estimate(scenario if law in (None, scenario.scaling.law)
                           else scenario.with_changes(scaling__law=law))
        self._estimates[key] = (scenario, result)
        return result

    def estimate_or_raise(self, scenario):
        """`estimate_of`, raising its UserError: the estimator the comparison table takes."""
        result = self.estimate_of(scenario)
        if isinstance(result, UserError):
            raise result
        return result

    def _state(self, label: str = "") -> _State:
        return _State(self.session, self.current_id, self.session_path, self._saved, label)

    def _set_state(self, state: _State, *, push: bool = False, label: str = "") -> None:
        if push:
            self._push_undo(label)
        self._saved = state.saved
        self.session_path = state.path
        self.session = state.session
        ids = [s.id for s in state.session.scenarios]
        self.current_id = state.current_id if state.current_id in ids else (ids[0] if ids else "")
        self._after_change()

    def _push_undo(self, label: str) -> None:
        self._undo.append(self._state(label))
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()

    def end_undo_step(self) -> None:
        """The next edit starts an undo step of its own, even in the same field within
        COALESCE_SECONDS (as after a pause, a save, an undo)."""
        self._last_label = None

    def apply(self, new_session: Session, label: str, *, current_id: str | None = None) -> None:
        """Make `new_session` the session: one undo step (edits of one field in a row merge)."""
        if new_session == self.session and (current_id is None or current_id == self.current_id):
            return
        now = time.monotonic()
        if not (label == self._last_label and now - self._last_time < COALESCE_SECONDS and self._undo):
            self._push_undo(label)
        self._last_label, self._last_time = label, now
        self.session = new_session
        ids = [s.id for s in new_session.scenarios]
        if current_id is not None and current_id in ids:
            self.current_id = current_id
        elif self.current_id not in ids:
            self.current_id = ids[0] if ids else ""
        self._after_change()

    def _after_change(self) -> None:
        if len(self._estimates) > 4 * len(self.session.scenarios):  # scenarios gone: forget theirs
            ids = {s.id for s in self.session.scenarios}
            self._estimates = {k: v for k, v in self._estimates.items() if k[0] in ids}
        self.dirty = self._saved is None or self.session != self._saved
        if self.autosaver is not None:
            if self.dirty:
                self.autosaver.schedule(self.session, str(self.session_path) if self.session_path else None,
                                        self.current_id)
            else:
                self.autosaver.clear()

    def watch_current_id(self, _old: str, _new: str) -> None:
        if self.dirty and self.autosaver is not None:
            self.autosaver.schedule(self.session, str(self.session_path) if self.session_path else None,
                                    self.current_id)

    def undo(self) -> bool:
        if not self._undo:
            self.notify("Nothing to undo.", timeout=2)
            return False
        state = self._undo.pop()
        self._redo.append(self._state(state.label))
        self.end_undo_step()
        self._set_state(state)
        self.notify(f"Undid: {state.label}", timeout=2, markup=False)
        return True

    def redo(self) -> bool:
        if not self._redo:
            self.notify("Nothing to redo.", timeout=2)
            return False
        state = self._redo.pop()
        self._undo.append(self._state(state.label))
        self.end_undo_step()
        self._set_state(state)
        self.notify(f"Redid: {state.label}", timeout=2, markup=False)
        return True

    def explain(self, explanation) -> None:
        from paramtui.tui.widgets.explain import ExplainScreen

        self.push_screen(ExplainScreen(explanation))

    # ------------------------------------------------------------------ files

    def save_to(self, path: Path, then=None, *, overwrite_changes: bool = False) -> bool:
        """Save to `path`; True when saved now (then `then()` runs). A file changed on disk
        since it was opened is not overwritten without asking: that answer saves later."""
        path = _absolute(path)
        try:
            written = save_session_file(self.session, path, self._files.get(path) or self._files.get(self.session_path),
                                        overwrite_changes=overwrite_changes)
        except FileChangedError:
            self._ask_overwrite_changed(path, then)
            return False
        except UserError as e:
            self.notify(str(e), title="Not saved", severity="error", timeout=15, markup=False)
            return False
        self._files[path] = written
        self._saved = self.session
        self.session_path = path
        self.end_undo_step()
        self._after_change()
        self.notify(f"Saved {path}", timeout=3, markup=False)
        if then is not None:
            then()
        return True

    def _ask_overwrite_changed(self, path: Path, then) -> None:
        from paramtui.tui.widgets.dialogs import ChoiceScreen

        def answer(choice: str | None) -> None:
            if choice == "overwrite":
                self.save_to(path, then, overwrite_changes=True)
            elif choice == "save-as":
                self._ask_save_path(then)

        self.push_screen(ChoiceScreen(
            "Changed on disk",
            f"{path} was changed by another program (or another paramtui) since it was opened "
            "here. Overwrite it with this session, losing those changes?",
            [("o", "Overwrite", "overwrite"), ("a", "Save as…", "save-as"), ("c", "Cancel", "cancel")],
            cancel_value="cancel"), answer)

    def _autosave_failed(self, reason: str) -> None:
        # Called on the autosave thread; post_message is thread-safe.
        self.post_message(AutosaveFailed(reason))

    def on_autosave_failed(self, message: AutosaveFailed) -> None:
        self.notify(f"{message.reason}. Unsaved changes will not survive a crash or an SSH drop: "
                    "save with ctrl+s.", title="Autosave not written", severity="warning", timeout=20,
                    markup=False)

    def open_path(self, path: Path, *, ask: bool = False) -> bool:
        """Load a session file; on failure the current session stays and the reason is shown.

        ask: when there are unsaved changes, ask first (save / don't save / cancel). The file
        is read before asking, so a file that cannot be used never costs the user a question.
        """
        path = _absolute(path)
        try:
            opened = open_session_file(path)
        except UserError as e:
            self.notify(str(e), title="Could not open", severity="error", timeout=20, markup=False)
            return False
        except Exception as e:  # a bug: the current session stays
            self.notify(bug_line(e, f"opening {path}"), title="Could not open", severity="error",
                        timeout=20, markup=False)
            return False
        session = opened.session

        def replace() -> None:
            self._files[path] = opened
            self.end_undo_step()
            ids = [s.id for s in session.scenarios]
            self._set_state(_State(session, ids[0] if ids else "", path, session, "open"),
                            push=True, label=f"open {path.name}")
            self.notify(f"Opened {path} · {len(ids)} scenario(s)", timeout=3, markup=False)

        if ask:
            self._confirm_discard(replace, f"open {path.name}")
        else:
            replace()
        return True

    def _ask_save_path(self, then=None) -> None:
        from paramtui.tui.widgets.path_prompt import PathPrompt

        if self.session_path is not None:
            initial = str(self.session_path)
        else:
            initial = f"{Session().unique_id(self.session.title) or 'session'}.toml"

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.save_to(path, then)

        self.push_screen(PathPrompt("Save session as", initial, confirm_overwrite=True,
                                    current=self.session_path,
                                    hint=f"TOML session file (relative to {Path.cwd()})"), chosen)

    def action_save(self) -> None:
        if self.session_path is None:
            self._ask_save_path()
        else:
            self.save_to(self.session_path)

    def action_save_as(self) -> None:
        self._ask_save_path()

    def action_open(self) -> None:
        from paramtui.tui.widgets.path_prompt import PathPrompt

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.open_path(path, ask=True)

        initial = str(self.session_path.parent) + os.sep if self.session_path and str(self.session_path.parent) != "." else ""
        self.push_screen(PathPrompt("Open session", initial, must_exist=True,
                                    hint=f"A paramtui session (.toml), relative to {Path.cwd()}"), chosen)

    def _confirm_discard(self, proceed, what: str) -> None:
        """Run `proceed` now, or after asking when unsaved changes would be left behind."""
        if not self.dirty:
            proceed()
            return
        from paramtui.tui.widgets.dialogs import ChoiceScreen

        def answer(choice: str | None) -> None:
            if choice == "save":
                if self.session_path is None:
                    self._ask_save_path(then=proceed)
                else:
                    self.save_to(self.session_path, proceed)
            elif choice == "discard":
                proceed()

        where = f" to {self.session_path.name}" if self.session_path else ""
        self.push_screen(ChoiceScreen(
            "Unsaved changes", f"“{self.session.title}” has changes not saved{where}. Save them before you {what}?",
            [("s", "Save", "save"), ("d", "Don't save", "discard"), ("c", "Cancel", "cancel")]), answer)

    # ------------------------------------------------------------------ actions

    async def action_mode(self, mode: str) -> None:
        from paramtui.tui.widgets.dialogs import Dialog

        # Under a dialog a digit is the dialog's (or nobody's): switching screens would
        # leave the dialog open on the screen left behind.
        if self.current_mode == mode or isinstance(self.screen, Dialog):
            return
        titles = {m: t for m, _k, t in MODE_TABS + MORE_TABS}
        if mode not in titles:
            return
        title = titles[mode]
        try:
            screen_class(mode)
        except Exception as e:  # another screen's import error must not take the app down
            self.notify(f"The {title} screen failed to load: {e}", severity="error", timeout=10, markup=False)
            return
        await self.switch_mode(mode)

    def action_export(self) -> None:
        """Export the comparison table (the Compare table) from any screen, staying on it."""
        from paramtui.tui.export_flow import start_export

        start_export(self)

    def action_command_palette(self) -> None:
        """Textual's palette, made safe against paging before its list is drawn (palette.py)."""
        from textual.command import CommandPalette

        from paramtui.tui.widgets.palette import SafeCommandPalette

        # Not `CommandPalette.is_open`: that sees only the top screen, and a palette under a
        # dialog (ctrl+p ctrl+e ctrl+p in a burst) would be opened twice with one id.
        if self.use_command_palette and not any(isinstance(s, CommandPalette) for s in self.screen_stack):
            # No id: a palette closed a moment ago may not be removed yet, and two of one id fail.
            self.push_screen(SafeCommandPalette())

    def action_help(self) -> None:
        from paramtui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        title = getattr(screen, "TITLE_TEXT", "") or dict((m, t) for m, _k, t in MODE_TABS).get(
            self.current_mode, "paramtui")
        self.push_screen(HelpScreen(screen, title))

    def action_undo(self) -> None:
        self.undo()

    def action_redo(self) -> None:
        self.redo()

    def action_next_theme(self) -> None:
        names = [n for n in self.paramtui_themes if n in self.available_themes] or list(self.available_themes)
        i = names.index(self.theme) + 1 if self.theme in names else 0
        self.theme = names[i % len(names)]
        self.notify(f"Theme: {self.theme}  (ctrl+p › Theme lists all)", timeout=2, markup=False)

    def action_new_scenario(self) -> None:
        from paramtui.core.inputs.scenario import Scenario
        from paramtui.core.validation import replace

        base = self.current_scenario
        new_id = self.session.unique_id(base.id if base else "scenario")
        if base is not None:
            new = replace(base, id=new_id, name=f"{base.label} (copy)")
        else:
            new = Scenario(id=new_id, name="Llama 3.1 8B", model="llama-3.1-8b")
        scenarios = list(self.session.scenarios)
        at = self.session.index_of(base.id) + 1 if base else len(scenarios)
        scenarios.insert(at, new)
        self.apply(self.session.with_scenarios(scenarios), "new scenario", current_id=new_id)
        self.notify(f"New scenario “{new.label}”", timeout=2, markup=False)

    def action_new_blank_scenario(self) -> None:
        """A scenario with every input at its default (batch 1, context automatic, no training
        settings), for the current scenario's model: nothing inherited from the demo."""
        from paramtui.core.inputs.scenario import Scenario

        base = self.current_scenario
        model = {"model": "llama-3.1-8b"}
        if base is not None:
            model = {k: getattr(base, k) for k in ("model", "params", "architecture") if getattr(base, k) is not None}
        from paramtui.core.inputs.naming import id_stem
        from paramtui.core.result.estimate import estimate

        name = base.label if base is not None and "architecture" in model else ""
        try:  # named after its model, so the name follows the model (`core.inputs.naming`)
            name = estimate(Scenario(id="new", name=name, **model)).model_name
        except (UserError, ValueError):
            name = name or "New scenario"
        new_id = self.session.unique_id(id_stem(name))
        new = Scenario(id=new_id, name=name, **model)
        scenarios = list(self.session.scenarios)
        at = self.session.index_of(base.id) + 1 if base else len(scenarios)
        scenarios.insert(at, new)
        self.apply(self.session.with_scenarios(scenarios), "new blank scenario", current_id=new_id)
        self.notify("New blank scenario (every input at its default)", timeout=2, markup=False)

    def select_scenario(self, scenario_id: str) -> None:
        if scenario_id in {s.id for s in self.session.scenarios}:
            self.current_id = scenario_id

    async def action_quit(self) -> None:
        def leave() -> None:
            self.quit_cleanly = True
            if self.autosaver is not None:
                self.autosaver.clear()
            self.exit(0)

        self._confirm_discard(leave, "quit")

    # ------------------------------------------------------------------ command palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, key, title in MODE_TABS + MORE_TABS:
            yield SystemCommand(f"{title} screen", f"Switch to the {title} screen (key {key})",
                                lambda m=mode: self.run_action(f"mode('{m}')"))
        yield SystemCommand("Save session", "Save to the session file (ctrl+s)", self.action_save)
        yield SystemCommand("Save session as…", "Save to a new file", self.action_save_as)
        yield SystemCommand("Open session…", "Open a session file (ctrl+o)", self.action_open)
        yield SystemCommand("Undo", "Undo the last change (ctrl+z)", self.undo)
        yield SystemCommand("Redo", "Redo (ctrl+y)", self.redo)
        yield SystemCommand("New scenario", "Copy the current scenario as a new one (ctrl+n)",
                            self.action_new_scenario)
        yield SystemCommand("New blank scenario", "A new scenario of this model, every other input at its "
                            "default (ctrl+b)", self.action_new_blank_scenario)
        for s in self.session.scenarios:
            yield SystemCommand(f"Scenario: {s.label}", f"Make “{s.id}” the current scenario",
                                lambda sid=s.id: self.select_scenario(sid), discover=False)
        yield SystemCommand("Next theme", "Cycle paramtui's themes (ctrl+t)", self.action_next_theme)
        yield SystemCommand("Keys", "Show every key (?)", self.action_help)
        # Textual's own "Keys" (its help panel for the focused widget) would list a second
        # "Keys": ours shows every key, so theirs is left out.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")


# ---------------------------------------------------------------------- entry point


def run_app(session_path: str | None) -> int:
    """Start the TUI on a session file (or the demo when None); returns the exit status.

    A file that fails to load prints its one-line reason on stderr and returns 2 without
    starting the UI. SIGHUP (the SSH connection dropped) writes the autosave and exits, so
    the next start offers to restore it.
    """
    opened = None
    if session_path is not None:
        try:
            opened = open_session_file(session_path)
        except UserError as e:
            print(f"paramtui: {e}", file=sys.stderr)
            return 2
    app = ParamApp(session_file=opened)

    def hangup(_signum, _frame) -> None:
        if app.autosaver is not None and app.dirty:
            app.autosaver.write_now(app.session, str(app.session_path) if app.session_path else None,
                                    app.current_id)
        os._exit(129)

    previous = signal.signal(signal.SIGHUP, hangup) if hasattr(signal, "SIGHUP") else None
    try:
        app.run()
    finally:
        if previous is not None:
            signal.signal(signal.SIGHUP, previous)
        if app.autosaver is not None and not app.quit_cleanly:
            app.autosaver.flush()
    if app.return_code not in (0, None):
        return app.return_code
    return 0
