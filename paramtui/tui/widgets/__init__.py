"""Reusable widgets and modals shared by every screen.

- `ExplainScreen(explanation)`: modal showing an `Explanation` (meaning, formula, values, source).
- `PathPrompt(title, ...)`: modal asking for a file path; dismisses with a `Path` or None.
- `ConfirmScreen`, `ChoiceScreen`: small keyboard dialogs.
- `ModeBar`: the top line (screens 1-4, session title, modified mark).
- `MemoryBar`: a stacked bar of memory parts against a capacity.
"""

from paramtui.tui.widgets.dialogs import ChoiceScreen
from paramtui.tui.widgets.explain import ExplainScreen
from paramtui.tui.widgets.memory_bar import MemoryBar, MemoryPart
from paramtui.tui.widgets.modebar import ModeBar
from paramtui.tui.widgets.path_prompt import PathPrompt

__all__ = ["ChoiceScreen", "ExplainScreen", "MemoryBar", "MemoryPart", "ModeBar", "PathPrompt"]
