"""JSON from outside, read without a 500: nesting deeper than any body of ours is a 400.

Python's decoder recurses once per ``[`` or ``{``: 10 KB of ``[`` raised RecursionError, which is
no ValueError, so DRF's parser and our own ``json.loads`` let it through as a 500 (before the
dispatch callback's signature check, to anyone). Here too-deep input is refused twice: the
decoder's RecursionError becomes a ValueError, and what parses is walked (iteratively) and refused
past ``MAX_DEPTH``, so nothing deeper reaches a serializer or a recursive helper.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32  # our deepest body (an SOS with a location) is 3 levels


class TooDeep(ValueError):
    pass


def check_depth(value: object, limit: int = MAX_DEPTH) -> None:
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            raise TooDeep(f"JSON nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in children)


def loads(data: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` that raises ValueError (TooDeep) for input nested too deep."""
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:
        raise TooDeep("JSON nested too deep") from None
    check_depth(value)
    return value


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with the depth limit: a 400, never a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            value = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deep") from None
        try:
            check_depth(value)
        except TooDeep as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return value
