"""LineEdit, the editing model of a form's text field: each key's effect on the text, the
cursor and the select-all-on-entry state, and the window that keeps the cursor in view.
"""

from __future__ import annotations

import pytest

from paramtui.tui.widgets.line_edit import LineEdit


def state(edit: LineEdit) -> tuple[str, int, bool]:
    return edit.text, edit.cursor, edit.selected


def edit_at(text: str, cursor: int) -> LineEdit:
    edit = LineEdit(text)
    edit.move_to(cursor)
    return edit


# ---------------------------------------------------------------------- construction, typing


def test_new_edit_puts_the_cursor_at_the_end_without_a_selection():
    assert state(LineEdit("abc")) == ("abc", 3, False)
    assert state(LineEdit()) == ("", 0, False)


def test_select_all_selects_only_when_there_is_text():
    assert state(LineEdit("abc", select_all=True)) == ("abc", 3, True)
    assert state(LineEdit("", select_all=True)) == ("", 0, False)


def test_insert_at_the_cursor():
    edit = edit_at("ac", 1)
    edit.insert("b")
    assert state(edit) == ("abc", 2, False)
    edit.insert("XY")
    assert state(edit) == ("abXYc", 4, False)
    edit.move_to(0)
    edit.insert(">")
    assert state(edit) == (">abXYc", 1, False)
    edit.end()
    edit.insert("<")
    assert state(edit) == (">abXYc<", 7, False)


def test_typing_into_a_selected_text_replaces_it():
    edit = LineEdit("8", select_all=True)
    edit.insert("1")
    assert state(edit) == ("1", 1, False)
    edit.insert("6")  # the selection is gone: the second key appends
    assert state(edit) == ("16", 2, False)


@pytest.mark.parametrize("operation", ["backspace", "delete", "delete_word_left", "delete_word_right",
                                       "delete_left_all", "delete_right_all"])
def test_every_deletion_on_a_selected_text_empties_it(operation):
    edit = LineEdit("4k tokens", select_all=True)
    getattr(edit, operation)()
    assert state(edit) == ("", 0, False)


# ---------------------------------------------------------------------- moving


def test_left_and_right_clear_the_selection_at_the_start_and_end():
    edit = LineEdit("hello", select_all=True)
    edit.left()
    assert state(edit) == ("hello", 0, False)
    edit.left()  # clamped at the start
    assert state(edit) == ("hello", 0, False)
    edit.right()
    assert state(edit) == ("hello", 1, False)

    edit = LineEdit("hello", select_all=True)
    edit.move_to(2)  # move_to also drops the selection
    assert state(edit) == ("hello", 2, False)

    edit = LineEdit("hello", select_all=True)
    edit.right()
    assert state(edit) == ("hello", 5, False)
    edit.right()  # clamped at the end
    assert state(edit) == ("hello", 5, False)
    edit.left()
    assert state(edit) == ("hello", 4, False)


def test_left_after_select_all_then_typing_inserts_at_the_start():
    edit = LineEdit("bc", select_all=True)
    edit.left()
    edit.insert("a")
    assert state(edit) == ("abc", 1, False)


def test_home_and_end():
    edit = LineEdit("hello", select_all=True)
    edit.home()
    assert state(edit) == ("hello", 0, False)
    edit.end()
    assert state(edit) == ("hello", 5, False)
    edit = LineEdit("hello", select_all=True)
    edit.end()
    assert state(edit) == ("hello", 5, False)


def test_move_to_clamps_to_the_text():
    edit = LineEdit("abc")
    edit.move_to(-4)
    assert edit.cursor == 0
    edit.move_to(99)
    assert edit.cursor == 3
    edit.move_to(2)
    assert edit.cursor == 2


def test_word_left_and_right_across_a_space():
    edit = LineEdit("4k tokens")
    edit.word_left()
    assert edit.cursor == 3  # start of "tokens"
    edit.word_left()
    assert edit.cursor == 0  # start of "4k"
    edit.word_left()
    assert edit.cursor == 0
    edit.word_right()
    assert edit.cursor == 2  # end of "4k"
    edit.word_right()
    assert edit.cursor == 9  # end of "tokens"
    edit.word_right()
    assert edit.cursor == 9


def test_word_moves_across_punctuation_and_runs_of_separators():
    edit = LineEdit("foo, bar.baz")
    edit.word_left()
    assert edit.cursor == 9  # "baz"
    edit.word_left()
    assert edit.cursor == 5  # "bar"
    edit.word_left()
    assert edit.cursor == 0  # "foo", past ", "
    edit.word_right()
    assert edit.cursor == 3
    edit.word_right()
    assert edit.cursor == 8
    edit.word_right()
    assert edit.cursor == 12


def test_word_moves_from_inside_a_word_go_to_its_edges():
    edit = edit_at("4k tokens", 5)  # "to|kens"
    edit.word_left()
    assert edit.cursor == 3
    edit.move_to(5)
    edit.word_right()
    assert edit.cursor == 9


def test_word_moves_clear_the_selection():
    edit = LineEdit("4k tokens", select_all=True)
    edit.word_left()
    assert state(edit) == ("4k tokens", 3, False)
    edit = LineEdit("4k tokens", select_all=True)
    edit.word_right()
    assert state(edit) == ("4k tokens", 9, False)


# ---------------------------------------------------------------------- deleting


def test_backspace_and_delete_in_the_middle():
    edit = edit_at("abcd", 2)
    edit.backspace()
    assert state(edit) == ("acd", 1, False)
    edit.delete()
    assert state(edit) == ("ad", 1, False)


def test_backspace_at_the_start_and_delete_at_the_end_do_nothing():
    edit = edit_at("abc", 0)
    edit.backspace()
    assert state(edit) == ("abc", 0, False)
    edit.end()
    edit.delete()
    assert state(edit) == ("abc", 3, False)
    empty = LineEdit("")
    empty.backspace()
    empty.delete()
    assert state(empty) == ("", 0, False)


def test_backspace_at_the_end_and_delete_at_the_start():
    edit = LineEdit("abc")
    edit.backspace()
    assert state(edit) == ("ab", 2, False)
    edit.home()
    edit.delete()
    assert state(edit) == ("b", 0, False)


def test_delete_word_left_across_a_space():
    edit = LineEdit("4k tokens")
    edit.delete_word_left()
    assert state(edit) == ("4k ", 3, False)
    edit.delete_word_left()  # the space and "4k"
    assert state(edit) == ("", 0, False)
    edit.delete_word_left()
    assert state(edit) == ("", 0, False)


def test_delete_word_left_from_inside_a_word_keeps_what_follows():
    edit = edit_at("4k tokens", 5)  # "4k to|kens"
    edit.delete_word_left()
    assert state(edit) == ("4k kens", 3, False)


def test_delete_word_left_across_punctuation():
    edit = LineEdit("1e9, 2e9.")
    edit.delete_word_left()  # "." then "2e9"
    assert state(edit) == ("1e9, ", 5, False)
    edit.delete_word_left()  # ", " then "1e9"
    assert state(edit) == ("", 0, False)


def test_delete_word_right_across_a_space():
    edit = edit_at("4k tokens", 0)
    edit.delete_word_right()
    assert state(edit) == (" tokens", 0, False)
    edit.delete_word_right()  # the space and "tokens"
    assert state(edit) == ("", 0, False)


def test_delete_word_right_from_the_end_of_a_word_and_at_the_end():
    edit = edit_at("4k tokens", 2)  # "4k| tokens"
    edit.delete_word_right()
    assert state(edit) == ("4k", 2, False)
    edit.delete_word_right()
    assert state(edit) == ("4k", 2, False)


def test_delete_word_right_across_punctuation():
    edit = edit_at("a.b-c", 1)  # "a|.b-c"
    edit.delete_word_right()
    assert state(edit) == ("a-c", 1, False)


def test_delete_left_all_and_right_all():
    edit = edit_at("4k tokens", 3)
    edit.delete_left_all()
    assert state(edit) == ("tokens", 0, False)
    edit.delete_left_all()  # nothing before the cursor
    assert state(edit) == ("tokens", 0, False)
    edit.move_to(3)
    edit.delete_right_all()
    assert state(edit) == ("tok", 3, False)
    edit.delete_right_all()  # nothing after the cursor
    assert state(edit) == ("tok", 3, False)


# ---------------------------------------------------------------------- set by the program


def test_set_text_replaces_the_text_puts_the_cursor_at_the_end_and_drops_the_selection():
    edit = LineEdit("old text", select_all=True)
    edit.set_text("42")
    assert state(edit) == ("42", 2, False)
    edit.insert("7")  # appends: nothing is selected any more
    assert state(edit) == ("427", 3, False)
    edit.move_to(1)
    edit.set_text("")
    assert state(edit) == ("", 0, False)


# ---------------------------------------------------------------------- the window


def test_window_shows_the_start_of_a_short_text():
    assert LineEdit("abc").window(10) == 0
    assert LineEdit("abc").window(10, start=2) == 0  # nothing hidden: the whole text shows


def test_window_scrolls_so_the_cursor_past_the_end_is_in_view():
    edit = LineEdit("abcdefghij")  # cursor 10, one cell past the text
    start = edit.window(5)
    assert start == 6  # "ghij" and the cursor cell: five cells
    assert edit.text[start:start + 5] == "ghij"


def test_window_does_not_move_while_the_cursor_is_in_view():
    edit = LineEdit("abcdefghijklmnopqrst")  # 20 characters
    for cursor in (5, 7, 9):
        edit.move_to(cursor)
        assert edit.window(5, start=5) == 5


def test_window_moves_the_least_when_the_cursor_leaves_it():
    edit = LineEdit("abcdefghijklmnopqrst")
    edit.move_to(10)  # one past the view 5..9
    assert edit.window(5, start=5) == 6
    edit.move_to(4)  # one before it
    assert edit.window(5, start=5) == 4
    edit.home()
    assert edit.window(5, start=12) == 0
    edit.end()
    assert edit.window(5, start=0) == 16


def test_window_fills_the_view_when_text_is_deleted_at_its_end():
    edit = LineEdit("abcdefghij")
    start = edit.window(5)
    assert start == 6
    for _ in range(3):
        edit.backspace()
    assert state(edit) == ("abcdefg", 7, False)
    start = edit.window(5, start)
    assert start == 3
    assert edit.text[start:start + 5] == "defg"  # and the cursor cell: the view is full


def test_window_of_one_cell_shows_the_cursor():
    edit = edit_at("abcdef", 4)
    assert edit.window(1, start=0) == 4
    assert edit.window(0, start=0) == 4


def test_window_always_keeps_the_cursor_in_view():
    for length in range(0, 14):
        edit = LineEdit("x" * length)
        for width in range(2, 8):
            for start in range(0, length + 1):
                for cursor in range(0, length + 1):
                    edit.move_to(cursor)
                    first = edit.window(width, start)
                    assert 0 <= first <= cursor < first + width, (length, width, start, cursor, first)
                    # In view already (and the view not past the text's end): it stays.
                    if start <= cursor < start + width and start <= length + 1 - width:
                        assert first == start, (length, width, start, cursor, first)
