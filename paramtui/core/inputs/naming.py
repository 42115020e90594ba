"""A scenario's name and id follow its model until the user renames it (issue 13 item 7).

A name "follows" while it mentions what it describes: the model's name (and its precision).
When the model or the precision changes, the old words in the name are replaced by the new
ones ("Llama 3.1 8B, bf16 on H100" → "Llama 3.1 70B, bf16 on H100"), and the id is made
from the new name, so a changed copy no longer reads like its original. A name that does not
mention the model is the user's own and is kept, with the id.
"""

from __future__ import annotations

import re


def followed_name(name: str, old_model: str, new_model: str, old_precision: str, new_precision: str) -> str | None:
    """The name with the old model's name and precision replaced by the new ones; None when
    the name does not follow (it does not mention the old model) or nothing changed."""
    if not name or not old_model or old_model not in name:
        return None
    out = name.replace(old_model, new_model) if old_model != new_model else name
    if old_precision != new_precision:
        # Written as the user wrote it ("Q4_K_M" or "q4_k_m"), as a whole word.
        pattern = re.compile(rf"(?<![\w.]){re.escape(old_precision)}(?![\w.])", re.IGNORECASE)

        def swap(match: re.Match) -> str:
            return new_precision.upper() if match.group(0).isupper() else new_precision

        out = pattern.sub(swap, out)
    return out if out != name else None


def id_stem(name: str) -> str:
    """An id stem made from a name: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-")[:56] or "scenario"
