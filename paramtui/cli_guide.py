"""`paramtui guide [TOPIC] [--model ID | SESSION.toml]`: the Guide's chapters on the command line,
and `paramtui guide tables`: the beginner's guide's three tables with real figures beside each
rule of thumb. The words are the core's (`core/views/guide`); this module only prints them.
"""

from __future__ import annotations

import argparse
import shutil
import textwrap

DEFAULT_MODEL = "llama-3.1-8b"  # the scenario a chapter is written on when none is given


def guide_parser(parser_class) -> argparse.ArgumentParser:
    from paramtui.core.views.guide import TOPIC_IDS

    p = parser_class(prog="paramtui guide",
                     description="A plain-language chapter on this scenario's own numbers, or the guide's tables.",
                     epilog="topics: " + ", ".join(TOPIC_IDS) + ", tables")
    p.add_argument("topic", nargs="?", help="a chapter (see the list without one), or `tables`")
    p.add_argument("session", nargs="?", help="a session .toml: the chapter uses its first scenario")
    p.add_argument("--model", help=f"a catalog id or a count like 7B (default {DEFAULT_MODEL})")
    return p


def _scenario(args):
    from paramtui.core.errors import UserError
    from paramtui.core.inputs.scenario import Scenario
    from paramtui.core.units import _NUMBER, parse_count

    if args.session and args.model:
        raise UserError("give the scenario one way: --model ID or a SESSION.toml")
    if args.session:
        from paramtui.core.inputs.session import load_session

        session = load_session(args.session)
        if not session.scenarios:
            raise UserError(f"{args.session}: the session has no scenario")
        return session.scenarios[0]
    model = args.model or DEFAULT_MODEL
    if _NUMBER.match(model):
        return Scenario(id="guide", params=parse_count(model, "params"))
    from paramtui.core.model.catalog import get_model
    from paramtui.core.model.model_file import STORED, is_model_path
    from paramtui.core.model.model_spec import check_model

    check_model(model)
    # where `estimate ID` starts: a file at its own types, a catalog model as published (gpt-oss: MXFP4)
    precision = STORED if is_model_path(model) else get_model(model).native_precision
    return Scenario(id="guide", model=model, precision=precision)


def _width() -> int:
    return min(100, shutil.get_terminal_size((80, 24)).columns)


def print_topics() -> None:
    from paramtui.core.views.guide import topics

    print("paramtui guide TOPIC [--model ID | SESSION.toml]: a chapter written on a scenario's own numbers\n")
    for i, t in enumerate(topics(), 1):
        print(f"  {i}. {t.id:<16} {t.title}")
    print(f"     {'tables':<16} The beginner's guide's three tables, real figures beside each rule of thumb")


def print_chapter(chapter) -> None:
    width = _width()
    print(chapter.title)
    print("=" * len(chapter.title))
    for paragraph in chapter.paragraphs:
        print()
        print(textwrap.fill(paragraph, width))
    print()
    print(textwrap.fill(f"Try it: {chapter.try_it.text}", width))
    print("\nSources:")
    for source in chapter.sources:
        print(textwrap.fill(source, width, initial_indent="  - ", subsequent_indent="    "))


def print_tables() -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from paramtui.core.views.guide.tables import guide_tables

    console = Console()
    for table in guide_tables():
        shown = Table(title=table.title, title_justify="left", caption=table.note, caption_justify="left",
                      box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
        for i, header in enumerate(table.headers):
            shown.add_column(header, justify="left" if i == 0 else "right", no_wrap=i == 0,
                             style="dim" if header.startswith("rule") else None)
        for row in table.rows:  # a rule of thumb's row is dimmed beside the figure above it
            shown.add_row(*row, style="dim" if row[0].lstrip().startswith("rule") else None)
        console.print(shown, markup=False)
        console.print()


def cmd_guide(argv, parser_class) -> int:
    args = guide_parser(parser_class).parse_args(argv)
    if args.topic is None:
        print_topics()
        return 0
    if args.topic == "tables":
        print_tables()
        return 0
    from paramtui.core.errors import UserError
    from paramtui.core.result.estimate import estimate
    from paramtui.core.views.guide import TOPIC_IDS, chapter

    if args.topic not in TOPIC_IDS:
        raise UserError(f"unknown guide topic {args.topic!r}; choose one of: {', '.join(TOPIC_IDS)}, tables")
    print_chapter(chapter(args.topic, estimate(_scenario(args))))
    return 0
