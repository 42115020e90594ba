"""Reusable widgets and modals shared by every screen.

- `ExplainScreen(explanation)`: modal showing an `Explanation` (meaning, formula, values, source).
- `PathPrompt(title, ...)`: modal asking for a file path; dismisses with a `Path` or None.
- `ChoiceScreen`: a small keyboard dialog (a question and lettered answers).
- `ModeBar`: the top line (screens 1-4, session title, modified mark).
- `KeyBar`: the bottom line (the keys of the current screen).
- `MemoryBar`: a stacked bar of memory parts against a capacity.
- `FormView`, `FormRow`: a form in one widget (choice, text and button rows).

Each lives in its own module and is imported from there (so a screen that needs only the
mode bar does not load the dialogs at start-up).
"""
