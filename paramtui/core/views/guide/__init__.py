"""The Guide: short chapters in plain words, each built on one scenario's own numbers.

A chapter is structured text (title, paragraphs, a "try it" pointer to the field or screen
where the thing can be changed, and its sources), so the Guide screen and `paramtui guide`
render the same words. Every number comes from the scenario's `Estimate` and is formatted by
the figure registry (`core/result/figures.py`): the Guide never computes a figure its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from paramtui.core.errors import UserError


@dataclass(frozen=True)
class TryIt:
    """Where the reader can change what a chapter is about: a Calculator field or a screen."""

    text: str  # what to do, in words: "Change the precision and watch the weights shrink"
    screen: str  # a mode name: "calculator", "compare", "scaling", "deploy"
    field: str | None = None  # a Calculator field id ("precision"), when the screen is the Calculator


@dataclass(frozen=True)
class Chapter:
    topic: str  # its id on the command line: "parameters"
    title: str
    paragraphs: tuple[str, ...]
    try_it: TryIt
    sources: tuple[str, ...]

    def text(self) -> str:
        """The chapter as plain text (the command line's rendering)."""
        head = f"{self.title}\n{'=' * len(self.title)}"
        sources = "Sources:\n" + "\n".join(f"  - {s}" for s in self.sources)
        return "\n\n".join((head, *self.paragraphs, f"Try it: {self.try_it.text}", sources))


@dataclass(frozen=True)
class Topic:
    id: str
    title: str  # short, for the list of chapters (24 columns on the Guide screen)
    write: Callable[..., Chapter]  # the Estimate -> its chapter


def _topics() -> tuple[Topic, ...]:
    from paramtui.core.views.guide import chapters as c

    return (
        Topic("parameters", "Parameters", c.parameters),
        Topic("tokens", "Tokens", c.tokens),
        Topic("precision", "Bytes and precision", c.precision),
        Topic("running", "Running a model", c.running),
        Topic("training-memory", "Training memory", c.training_memory),
        Topic("compute", "Compute, time, money", c.compute),
        Topic("scaling", "Scaling laws", c.scaling),
        Topic("data", "Data", c.data),
        Topic("picking", "Picking a model", c.picking),
    )


TOPIC_IDS = ("parameters", "tokens", "precision", "running", "training-memory", "compute", "scaling",
             "data", "picking")


def topics() -> tuple[Topic, ...]:
    """The nine chapters, in reading order."""
    return _topics()


def chapter(topic: str, est) -> Chapter:
    """Chapter `topic` written on the estimate `est`; a UserError naming the topics otherwise."""
    for t in _topics():
        if t.id == topic:
            return t.write(est)
    raise UserError(f"unknown guide topic {topic!r}; choose one of: {', '.join(TOPIC_IDS)}, tables")
