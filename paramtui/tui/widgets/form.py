"""A form in one widget: a row per field (choice, text, button), section titles, error lines.

Each Textual widget costs about as much to start as a screenful of drawing (composing,
styling, laying out, painting): the Calculator's form was 21 of them, the largest part of
start-up after imports. Here the whole form is one widget that draws its own lines, keeps a
cursor row, steps choices, opens their list, and edits text in place (`LineEdit`).

Keys: ↑ ↓ (and tab / shift+tab, which leave the form past its ends) move between fields;
on a choice, ← → step and enter or space opens the list; on a text field, typing edits
(with readline's keys, see `line_edit`), enter goes to the next field; on a button or a
section title, enter or space presses it. A digit on a choice picks the choice it starts
(and never switches screens); `e` on a choice or button, or f1 on any row, posts `Explain`;
esc runs the host's `escape_action` (the Calculator's: to the results list).
A click picks the row (and opens a choice).

The screen listens for `Changed` (a field edited or a choice changed by the user, with the
new text or value) and `Pressed` (a button row); it sets what the form shows with
`set_value`, `set_options`, `set_placeholder`, `set_error`, none of which posts a message.
A host handling `Changed` first calls `settle(event)`: keys typed in a burst reach the form
before their `Changed` messages reach the host, so until the host has seen a row's last
`Changed`, `set_value` keeps the user's newer text instead of writing an older value over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from paramtui.tui.keymap import actions_by_key
from paramtui.tui.widgets.component_styles import CachedComponentStyles
from paramtui.tui.widgets.dialogs import Dialog
from paramtui.tui.widgets.fit_text import ellipsize
from paramtui.tui.widgets.line_edit import LineEdit
from textual.scroll_view import ScrollView

RowKind = Literal["choice", "text", "button", "section", "toggle"]
Options = list[tuple[str, str]]  # (label, value)

LABEL_WIDTH = 11  # one cell of margin, then the label
ERROR_INDENT = 12


@dataclass
class FormRow:
    """One row. `value`: a choice's value, a text field's text, a button's caption."""

    id: str
    label: str
    kind: RowKind
    value: str = ""
    options: Options = field(default_factory=list)
    # A choice's full list read when first needed (stepping, the list, a value not in
    # `options`): `options` then holds only what is shown now.
    more: Callable[[], Options] | None = None
    placeholder: str = ""
    error: str | None = None
    section: str | None = None  # shown only while the toggle row with this id is open

    @property
    def focusable(self) -> bool:
        return self.kind != "section"

    def all_options(self) -> Options:
        if self.more is not None:
            more, self.more = self.more, None
            self.options = list(more())
        return self.options

    def choice_label(self) -> str:
        for label, value in self.options:
            if value == self.value:
                return label
        if self.more is not None:
            for label, value in self.all_options():
                if value == self.value:
                    return label
        return self.value


# The lines the form draws: (what, row index). "gap" is the blank line above a section
# title; "error" the reason under an invalid field.
_Line = tuple[Literal["row", "gap", "error"], int]


class FormView(CachedComponentStyles, ScrollView, can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES = {"form--label", "form--field", "form--focus", "form--text-focus", "form--cursor",
                         "form--placeholder", "form--invalid", "form--error", "form--section",
                         "form--toggle", "form--toggle-focus"}
    DEFAULT_CSS = """
    FormView { scrollbar-size-vertical: 1; }
    FormView > .form--label { color: $text-muted; }
    FormView > .form--field { background: $boost; }
    FormView > .form--focus { background: $primary 30%; text-style: bold reverse; }
    FormView > .form--text-focus { text-style: bold; }
    FormView > .form--cursor {
        color: $input-cursor-foreground; background: $input-cursor-background; text-style: $input-cursor-text-style;
    }
    FormView > .form--placeholder { color: $text-disabled; }
    FormView > .form--invalid { text-style: underline; color: $error; }
    FormView > .form--error { color: $error; }
    FormView > .form--section { text-style: bold; color: $secondary; }
    FormView > .form--toggle {
        color: $block-cursor-blurred-foreground; background: $block-cursor-blurred-background;
        text-style: $block-cursor-blurred-text-style;
    }
    FormView > .form--toggle-focus {
        color: $block-cursor-foreground; background: $block-cursor-background; text-style: $block-cursor-text-style;
    }
    """
    OWN_KEYS_ONLY = True  # for the keys help: Textual keeps `inherit_bindings` private
    BINDINGS = [
        # The form's own keys only: a ScrollView's (scroll left, page right, …) do not apply.
        Binding("up", "field(-1)", "Previous field", show=False),
        Binding("down", "field(1)", "Next field", show=False),
        Binding("tab", "tab(1)", "Next field", show=False),
        Binding("shift+tab", "tab(-1)", "Previous field", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("enter", "enter", "Choose from the list (text field: next field)", show=False),
        Binding("space", "activate", "Choose from the list", show=False),
        Binding("left", "left", "Previous choice (text field: cursor left)", show=False),
        Binding("right", "right", "Next choice (text field: cursor right)", show=False),
        Binding("home,ctrl+a", "edit('home')", show=False),
        Binding("end,ctrl+e", "edit('end')", show=False),
        Binding("ctrl+left", "edit('word_left')", show=False),
        Binding("ctrl+right", "edit('word_right')", show=False),
        Binding("backspace", "edit('backspace')", show=False),
        Binding("delete,ctrl+d", "edit('delete')", show=False),
        Binding("ctrl+w", "edit('delete_word_left')", show=False),
        Binding("ctrl+f", "edit('delete_word_right')", show=False),
        Binding("ctrl+u", "edit('delete_left_all')", show=False),
        Binding("ctrl+k", "edit('delete_right_all')", show=False),
        Binding("f1", "explain", "Explain this input", show=False),
    ]

    class Changed(Message):
        """The user changed a field: a text field's new text, or a choice's new value."""

        def __init__(self, form: FormView, row_id: str, value: str) -> None:
            super().__init__()
            self.form = form
            self.row_id = row_id
            self.value = value

        @property
        def control(self) -> FormView:
            return self.form

    class Explain(Message):
        """The user asked what a field means (`e` on a choice or button, f1 anywhere)."""

        def __init__(self, form: FormView, row_id: str) -> None:
            super().__init__()
            self.form = form
            self.row_id = row_id

        @property
        def control(self) -> FormView:
            return self.form

    class Pressed(Message):
        """The user pressed a button row (enter, space or a click)."""

        def __init__(self, form: FormView, row_id: str) -> None:
            super().__init__()
            self.form = form
            self.row_id = row_id

        @property
        def control(self) -> FormView:
            return self.form

    def __init__(self, rows: list[FormRow], *, current: str | None = None, id: str | None = None,
                 classes: str | None = None, escape_action: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows = rows
        # What esc does, run as the key is handled ("screen.focus_results"): a binding of the
        # screen would run only once the key has gone up to the app and back, after the keys
        # typed behind it in the same burst.
        self.escape_action = escape_action
        self._index = {row.id: i for i, row in enumerate(rows)}
        self._open: set[str] = set()  # toggle rows that are open
        self._lines: list[_Line] = []
        self._cursor = self._index[current] if current in self._index else self._step(-1, 1)
        self._edit: LineEdit | None = None  # the text field under the cursor, while it has one
        self._unsettled: dict[str, int] = {}  # row id -> Changed messages the host has not settled
        self._view_start = 0  # the first character shown of the edited text
        self._layout_lines()

    # ------------------------------------------------------------------ reading

    def row(self, row_id: str) -> FormRow:
        return self.rows[self._index[row_id]]

    def value(self, row_id: str) -> str:
        return self.row(row_id).value

    def error(self, row_id: str) -> str | None:
        return self.row(row_id).error

    @property
    def current(self) -> str:
        """The id of the row under the cursor."""
        return self.rows[self._cursor].id

    def is_open(self, toggle_id: str) -> bool:
        return toggle_id in self._open

    def shown(self, row: FormRow) -> bool:
        return row.section is None or row.section in self._open

    # ------------------------------------------------------------------ set by the program

    def settle(self, event: FormView.Changed) -> bool:
        """The host has this Changed in hand: True when it still carries the row's value (act on
        it), False when the user has changed the row again since (a newer Changed follows)."""
        waiting = self._unsettled.get(event.row_id, 0) - 1
        if waiting > 0:
            self._unsettled[event.row_id] = waiting
        else:
            self._unsettled.pop(event.row_id, None)
        return event.value == self.row(event.row_id).value

    def set_value(self, row_id: str, value: str) -> None:
        row = self.row(row_id)
        if self._unsettled.get(row_id):
            return  # the user's newer text: its Changed is on the way to the host
        if row.value != value:
            row.value = value
            if self._edit is not None and self.rows[self._cursor] is row:
                self._edit.set_text(value)
            self._refresh_row(row_id)

    def set_options(self, row_id: str, options: Options, more: Callable[[], Options] | None = None) -> None:
        row = self.row(row_id)
        if more is not None:
            row.options, row.more = list(options), more
        elif options != row.all_options():
            row.options = list(options)
        else:
            return
        self._refresh_row(row_id)

    def set_label(self, row_id: str, text: str) -> None:
        row = self.row(row_id)
        if row.label != text:
            row.label = text
            self._refresh_row(row_id)

    def set_placeholder(self, row_id: str, text: str) -> None:
        row = self.row(row_id)
        if row.placeholder != text:
            row.placeholder = text
            self._refresh_row(row_id)

    def set_error(self, row_id: str, reason: str | None) -> None:
        """Mark a field invalid with a one-line reason (shown under it), or clear the mark."""
        row = self.row(row_id)
        if row.error != reason:
            had_line = row.error is not None
            row.error = reason
            if had_line != (reason is not None):
                self._layout_lines()
            self.refresh()

    def focus_row(self, row_id: str) -> None:
        """Put the cursor on a row (opening its section) and focus the form."""
        row = self.row(row_id)
        if row.section is not None and row.section not in self._open:
            self.set_open(row.section, True)
        self._move_to(self._index[row_id])
        self.focus()

    def set_open(self, toggle_id: str, open_: bool) -> None:
        """Show or hide the rows of a toggle row's section."""
        if open_ == (toggle_id in self._open):
            return
        (self._open.add if open_ else self._open.discard)(toggle_id)
        self._layout_lines()
        self.refresh()
        if open_:  # bring the opened rows into view, once the taller form is laid out
            rows = [i for i, r in enumerate(self.rows) if r.section == toggle_id]
            if rows:
                self.call_after_refresh(self._scroll_to_lines, self._line_of(rows[-1]),
                                        self._line_of(self._index[toggle_id]))
        elif not self.shown(self.rows[self._cursor]):  # the cursor's row was hidden: on to the title
            self._move_to(self._index[toggle_id])

    # ------------------------------------------------------------------ the lines

    def _layout_lines(self) -> None:
        lines: list[_Line] = []
        for i, row in enumerate(self.rows):
            if not self.shown(row):
                continue
            if row.kind == "section":
                lines.append(("gap", i))
            lines.append(("row", i))
            if row.error is not None:
                lines.append(("error", i))
        self._lines = lines
        self.virtual_size = Size(0, len(lines))  # lines are cut to the width: only the height scrolls

    def _line_of(self, index: int) -> int:
        for n, (what, i) in enumerate(self._lines):
            if what == "row" and i == index:
                return n
        return 0

    def _refresh_row(self, row_id: str) -> None:
        line = self._line_of(self._index[row_id]) - int(self.scroll_y)
        if 0 <= line < self.size.height:
            self.refresh(Region(0, line, self.size.width, 1))

    def _scroll_to_lines(self, last: int, first: int) -> None:
        """Scroll the least so lines first..last are in view (first wins if both cannot be)."""
        top, height = int(self.scroll_y), max(1, self.size.height)
        if last >= top + height:
            top = last - height + 1
        if first < top:
            top = first
        if top != int(self.scroll_y):
            self.scroll_to(y=top, animate=False)

    # ------------------------------------------------------------------ the cursor

    def _step(self, start: int, step: int) -> int:
        i = start + step
        while 0 <= i < len(self.rows):
            row = self.rows[i]
            if row.focusable and self.shown(row):
                return i
            i += step
        return start if 0 <= start < len(self.rows) else 0

    def _move_to(self, index: int) -> None:
        if index != self._cursor or self._edit is None:
            old = self._cursor
            self._cursor = index
            row = self.rows[index]
            self._edit = LineEdit(row.value, select_all=True) if row.kind == "text" else None
            self._view_start = 0
            if old != index:
                self._refresh_row(self.rows[old].id)
            self._refresh_row(row.id)
        # In view: the row, its error line below, and the gap and title above a section's first field.
        line = self._line_of(index)
        last = line + (1 if self.rows[index].error is not None else 0)
        first = line
        while first > 0 and self._lines[first - 1][0] != "error" and (
                self._lines[first - 1][0] == "gap" or self.rows[self._lines[first - 1][1]].kind == "section"):
            first -= 1
        self._scroll_to_lines(last, first)

    def on_focus(self) -> None:
        row = self.rows[self._cursor]
        self._edit = LineEdit(row.value, select_all=True) if row.kind == "text" else None
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_field(self, step: int) -> None:
        self._move_to(self._step(self._cursor, step))

    def action_tab(self, step: int) -> None:
        nxt = self._step(self._cursor, step)
        if nxt == self._cursor:  # past the last (or first) field: on to the next widget
            (self.screen.focus_next if step > 0 else self.screen.focus_previous)()
        else:
            self._move_to(nxt)

    def action_page(self, direction: int) -> None:
        target = self._cursor
        for _ in range(max(1, self.size.height - 2)):
            target = self._step(target, direction)
        self._move_to(target)

    # ------------------------------------------------------------------ acting on a row

    def action_enter(self) -> None:
        if self.rows[self._cursor].kind == "text":
            self.action_field(1)
        else:
            self.action_activate()

    def action_activate(self) -> None:
        row = self.rows[self._cursor]
        if row.kind == "choice":
            self._open_choices(row)
        elif row.kind == "button":
            self.post_message(self.Pressed(self, row.id))
        elif row.kind == "toggle":
            self.set_open(row.id, row.id not in self._open)
            self._refresh_row(row.id)

    def action_explain(self) -> None:
        self.post_message(self.Explain(self, self.rows[self._cursor].id))

    def action_left(self) -> None:
        self._arrow(-1)

    def action_right(self) -> None:
        self._arrow(1)

    def _arrow(self, step: int) -> None:
        row = self.rows[self._cursor]
        if row.kind == "choice":
            values = [v for _l, v in row.all_options()]
            if values:
                i = values.index(row.value) if row.value in values else 0
                self._choose(row, values[max(0, min(len(values) - 1, i + step))])
        elif self._edit is not None:
            self.action_edit("left" if step < 0 else "right")

    def action_edit(self, operation: str) -> None:
        if self._edit is None:
            return
        getattr(self._edit, operation)()
        self._edited()

    def _edited(self) -> None:
        row = self.rows[self._cursor]
        self._refresh_row(row.id)
        if self._edit is not None and self._edit.text != row.value:
            row.value = self._edit.text
            self._post_changed(row)

    async def on_key(self, event: events.Key) -> None:
        # Every key of the form is handled here, in the order typed. Works around Textual
        # (8.x) running a widget's bindings only after the key has travelled up to the app
        # and back: a printable key typed right after backspace (a burst over SSH, "⌫⌫7")
        # was inserted before the backspace ran.
        # Keys typed in the same burst as the enter that opened a list reach the form after
        # the list covered it: they are the list's, in the order typed.
        if self.app.screen is not self.screen:
            event.stop()
            event.prevent_default()
            if isinstance(self.app.screen, Dialog):
                self.app.screen.post_message(Dialog.TypedBefore(event.key, event.character))
            return
        # Keys queued here before a key typed ahead of them moved the focus away (`esc f1` in
        # one burst) are not the form's: they go on to the app, which runs the binding of
        # what has the focus now (f1: the keys help, not this field's explanation).
        if self.screen.focused is not self:
            return
        if event.key == "escape" and self.escape_action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(self.escape_action)
            return
        # Printable keys type into a text field (so digits there are not screen keys).
        if self._edit is not None and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self._edit.insert(event.character)
            self._edited()
            return
        row = self.rows[self._cursor]
        if self._edit is None and event.character == "e" and row.kind in ("choice", "button"):
            event.stop()
            event.prevent_default()
            self.action_explain()
            return
        if row.kind == "choice" and event.character is not None and event.character.isdigit():
            # A digit on a choice picks the first choice it starts (ZeRO 0–3) and never
            # reaches the app, where digits switch screens: a number typed at a choice is
            # meant for the choice.
            event.stop()
            event.prevent_default()
            match = next((v for label, v in row.all_options() if label.startswith(event.character)), None)
            self._choose(row, match)
            return
        action = _ACTION_OF_KEY.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)

    def on_paste(self, event: events.Paste) -> None:
        # A field is one line: the first line with text in it (a copied cell often ends, or
        # starts, with a line break).
        line = next((line for line in event.text.splitlines() if line.strip()), "")
        if self._edit is not None and line:
            event.stop()
            self._edit.insert(line)
            self._edited()

    def _choose(self, row: FormRow, value: str | None) -> None:
        if value is not None and value != row.value:
            row.value = value
            self._refresh_row(row.id)
            self._post_changed(row)

    def _post_changed(self, row: FormRow) -> None:
        self._unsettled[row.id] = self._unsettled.get(row.id, 0) + 1
        self.post_message(self.Changed(self, row.id, row.value))

    def _open_choices(self, row: FormRow) -> None:
        from paramtui.tui.widgets.choice import ChoicePicker

        self.app.push_screen(ChoicePicker(row.label or "Choose", row.all_options(), row.value),
                             lambda value: self._choose(row, value))

    def on_click(self, event: events.Click) -> None:
        line = int(self.scroll_y) + event.y
        if not 0 <= line < len(self._lines):
            return
        what, index = self._lines[line]
        row = self.rows[index]
        if what != "row" or not row.focusable:
            return
        self._move_to(index)
        if row.kind == "text" and self._edit is not None:
            self._edit.move_to(self._view_start + event.x - LABEL_WIDTH)
            self._refresh_row(row.id)
        else:
            self.action_activate()

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        line = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        blank = Style(bgcolor=base.bgcolor)
        if not 0 <= line < len(self._lines) or width <= 0:
            return Strip.blank(width, blank)
        what, index = self._lines[line]
        row = self.rows[index]
        if what == "gap":
            return Strip.blank(width, blank)
        # Each run carries its offset (Textual maps clicks and selections with it).
        meta = Style(meta={"offset": (0, line)})
        if what == "error":
            text = ellipsize(f"✗ {row.error}", width - ERROR_INDENT)
            return Strip([Segment(" " * ERROR_INDENT, blank),
                          Segment(text, base + self._style("form--error") + meta)]).adjust_cell_length(width, blank)
        focused = self.has_focus and index == self._cursor
        if row.kind == "section":
            segments = [Segment(" ", blank), Segment(ellipsize(row.label, width - 1), base + self._style("form--section") + meta)]
            return Strip(segments).adjust_cell_length(width, blank)
        if row.kind == "toggle":
            title = f"{'▼' if row.id in self._open else '▶'} {row.label}"
            style = base + self._style("form--toggle-focus" if focused else "form--toggle")
            pad = Style(bgcolor=style.bgcolor)
            segments = [Segment(" ", pad), Segment(ellipsize(title, width - 2), style + meta), Segment(" ", pad)]
            return Strip(segments).adjust_cell_length(width, blank)
        label = ellipsize(row.label, LABEL_WIDTH - 2).ljust(LABEL_WIDTH - 1)
        segments = [Segment(" ", blank), Segment(label, base + self._style("form--label") + meta)]
        room = width - LABEL_WIDTH
        if room > 0:
            segments += self._field_segments(row, room, focused, base + self._style("form--field"), meta)
        return Strip(segments).adjust_cell_length(width, blank)

    def _field_segments(self, row: FormRow, room: int, focused: bool, field: Style, meta: Style) -> list[Segment]:
        invalid = self._style("form--invalid") if row.error is not None else None
        if row.kind == "text":
            style = field + (self._style("form--text-focus") if focused else Style())
            if invalid:
                style += invalid
            edit = self._edit if focused else None
            if edit is None:
                if row.value:
                    return [Segment(ellipsize(row.value, room).ljust(room), style + meta)]
                hint = ellipsize(row.placeholder, room)
                return [Segment(hint, field + self._style("form--placeholder") + meta), Segment(" " * (room - len(hint)), field)]
            # The text with its cursor (a cell past the end when it is there), scrolled so the cursor shows.
            self._view_start = start = edit.window(room, self._view_start)
            shown = edit.text[start:start + room]
            cursor_style = self._style("form--cursor")
            if edit.selected:
                return [Segment(shown, style + cursor_style + meta), Segment(" " * (room - len(shown)), style)]
            at = edit.cursor - start
            under = shown[at] if at < len(shown) else " "
            segments = [Segment(shown[:at], style + meta), Segment(under, style + cursor_style + meta),
                        Segment(shown[at + 1:], style + meta)]
            used = at + 1 + len(shown[at + 1:])
            return segments + [Segment(" " * max(0, room - used), style)]
        style = field + (self._style("form--focus") if focused else Style())
        if invalid:
            style += invalid
        if row.kind == "choice":
            text = ellipsize(row.choice_label(), max(1, room - 3)).ljust(max(1, room - 3))
            text = f"{text} ◂▸"[:room] if room >= 4 else text[:room]
        else:
            text = ellipsize(row.value, room).ljust(room)
        return [Segment(text, style + meta)]


# The form's keys and their actions, as its BINDINGS declare them (which the key list shows).
_ACTION_OF_KEY = actions_by_key(FormView.BINDINGS)
