"""One line of editable text and its cursor: what a form's text field does with a key.

Plain Python (no Textual), so the editing rules are tested without a terminal. The keys
follow Textual's Input, which follows readline: home/ctrl+a, end/ctrl+e, ctrl+← →
by word, backspace, delete/ctrl+d, ctrl+w (word before), ctrl+f (word after), ctrl+u (all
before), ctrl+k (all after). A field entered from another one has its whole text selected,
as Input's `select_on_focus`: typing replaces it, an arrow key keeps it.
"""

from __future__ import annotations


class LineEdit:
    def __init__(self, text: str = "", *, select_all: bool = False) -> None:
        self.text = text
        self.cursor = len(text)
        self.selected = select_all and bool(text)  # the whole text is selected

    def set_text(self, text: str) -> None:
        """Replace the text (the program changed it); the cursor goes to the end."""
        self.text = text
        self.cursor = len(text)
        self.selected = False

    def _take_selection(self) -> bool:
        """Delete the selected text; True when there was a selection."""
        if not self.selected:
            return False
        self.text, self.cursor, self.selected = "", 0, False
        return True

    # ------------------------------------------------------------------ typing

    def insert(self, chars: str) -> None:
        self._take_selection()
        self.text = self.text[: self.cursor] + chars + self.text[self.cursor:]
        self.cursor += len(chars)

    def backspace(self) -> None:
        if not self._take_selection() and self.cursor > 0:
            self.text = self.text[: self.cursor - 1] + self.text[self.cursor:]
            self.cursor -= 1

    def delete(self) -> None:
        if not self._take_selection() and self.cursor < len(self.text):
            self.text = self.text[: self.cursor] + self.text[self.cursor + 1:]

    def delete_word_left(self) -> None:
        if not self._take_selection():
            start = self._word_start(self.cursor)
            self.text = self.text[:start] + self.text[self.cursor:]
            self.cursor = start

    def delete_word_right(self) -> None:
        if not self._take_selection():
            end = self._word_end(self.cursor)
            self.text = self.text[: self.cursor] + self.text[end:]

    def delete_left_all(self) -> None:
        if not self._take_selection():
            self.text = self.text[self.cursor:]
            self.cursor = 0

    def delete_right_all(self) -> None:
        if not self._take_selection():
            self.text = self.text[: self.cursor]

    # ------------------------------------------------------------------ moving

    def left(self) -> None:
        if self.selected:
            self.selected, self.cursor = False, 0
        else:
            self.cursor = max(0, self.cursor - 1)

    def right(self) -> None:
        if self.selected:
            self.selected, self.cursor = False, len(self.text)
        else:
            self.cursor = min(len(self.text), self.cursor + 1)

    def home(self) -> None:
        self.selected, self.cursor = False, 0

    def end(self) -> None:
        self.selected, self.cursor = False, len(self.text)

    def word_left(self) -> None:
        self.selected = False
        self.cursor = self._word_start(self.cursor)

    def word_right(self) -> None:
        self.selected = False
        self.cursor = self._word_end(self.cursor)

    def move_to(self, index: int) -> None:
        self.selected = False
        self.cursor = max(0, min(len(self.text), index))

    def _word_start(self, i: int) -> int:
        while i > 0 and not self.text[i - 1].isalnum():
            i -= 1
        while i > 0 and self.text[i - 1].isalnum():
            i -= 1
        return i

    def _word_end(self, i: int) -> int:
        n = len(self.text)
        while i < n and not self.text[i].isalnum():
            i += 1
        while i < n and self.text[i].isalnum():
            i += 1
        return i

    # ------------------------------------------------------------------ showing

    def window(self, width: int, start: int = 0) -> int:
        """The first character to show in `width` cells so the cursor stays in view, given the
        one shown before (`start`): the view moves only when the cursor would leave it."""
        if width <= 1:
            return self.cursor
        start = min(start, self.cursor)
        if self.cursor - start >= width:
            start = self.cursor - width + 1
        # Keep the view full when text was deleted at its end.
        return max(0, min(start, len(self.text) + 1 - width))
