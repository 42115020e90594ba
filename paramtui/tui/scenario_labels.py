"""How tables and charts name a scenario: by its name, never an id cut short."""

from __future__ import annotations

from collections import Counter
from typing import Iterable


def distinct_labels(scenarios: Iterable) -> dict[str, str]:
    """Each scenario's name as tables show it, by id; a name two scenarios share gets the
    id after it, so a duplicate never reads exactly like its original."""
    scenarios = list(scenarios)
    counts = Counter(s.label for s in scenarios)
    return {s.id: s.label if counts[s.label] == 1 or s.label == s.id else f"{s.label} ({s.id})"
            for s in scenarios}

