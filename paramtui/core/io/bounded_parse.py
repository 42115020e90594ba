"""TOML and JSON from the user's files, parsed only once their shape is known to be sane.

Python's parsers recurse once per level of nesting and convert integers of any length:
`[[[[…]]]]` nested a few thousand deep raises RecursionError, and an integer of more than
4,300 digits a ValueError, neither of which says what is wrong with the file. Every file
paramtui reads from a user (sessions, config.json, targets, themes, prefs) comes through
here: its nesting depth and the length of its numbers are checked on the text before it is
parsed, and what comes out is one `UserError` line naming the file.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from paramtui.core.errors import UserError

# No paramtui file nests deeper than 4 levels (a session's [scenario.architecture] table
# holding a list); 32 leaves room for anything hand-written and stays far from recursion limits.
MAX_DEPTH = 32
# The longest number any of our files has is ~20 digits (a byte count); 400 digits is far
# beyond that and far below Python's 4,300-digit limit on converting text to an int.
MAX_DIGITS = 400

_LONG_NUMBER = re.compile(r"[0-9](?:_?[0-9]){%d,}" % MAX_DIGITS)
# The brackets that nest, with strings and comments skipped (a "[" inside a name is text).
_TOML_NESTING = re.compile(r'''"""[\s\S]*?"""(?!")|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*|[\[\]{}]''')
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def loads_toml(text: str, origin: str) -> dict[str, Any]:
    """A TOML document's data; a broken, too deeply nested or oversized one is a UserError."""
    _check_shape(text, origin, _TOML_NESTING)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{origin}: not valid TOML: {e}") from None
    except (RecursionError, ValueError) as e:  # should the checks above miss a case
        raise UserError(f"{origin}: cannot be read as TOML ({type(e).__name__})") from None
    _check_depth(data, origin)  # dotted keys (a.b.c = 1) nest without brackets
    return data


def loads_json(text: str, origin: str) -> Any:
    """A JSON document's data; a broken, too deeply nested or oversized one is a UserError."""
    _check_shape(text, origin, _JSON_NESTING)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(f"{origin}: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except (RecursionError, ValueError) as e:
        raise UserError(f"{origin}: cannot be read as JSON ({type(e).__name__})") from None


def _check_shape(text: str, origin: str, nesting: re.Pattern) -> None:
    long = _LONG_NUMBER.search(text)
    if long is not None:
        line = text.count("\n", 0, long.start()) + 1
        raise UserError(f"{origin}, line {line}: a number with more than {MAX_DIGITS} digits "
                        "(no size paramtui takes is that long)")
    depth = 0
    for token in nesting.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                raise UserError(f"{origin}, line {line}: nested more than {MAX_DEPTH} levels deep "
                                "(no paramtui file is)")
        elif mark in "]}":
            depth = max(0, depth - 1)


def _check_depth(data: Any, origin: str) -> None:
    """Tables and lists nested at most MAX_DEPTH deep, walked without recursion."""
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UserError(f"{origin}: nested more than {MAX_DEPTH} levels deep (no paramtui file is)")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
