"""CSV cells that a spreadsheet shows as text, never runs as a formula (CSV injection).

Excel, LibreOffice and Google Sheets evaluate a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and some a tab or carriage return before them; Japanese and Korean Excel the full-width forms
too): ``=HYPERLINK(...)`` phishes, ``+cmd|...`` ran programs in old Excel. Camera imports, user
agents and names come from outside, so every exported text cell goes through ``safe_cell``: such a
cell gets a leading apostrophe, which spreadsheets hide and read as "this is text". Plain numbers
(a negative coordinate, ``-1``) stay as they are.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"\A[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """What ``safe_cell`` wrote, read back (the camera importer): a re-imported export comes back
    as it went out, while an apostrophe anyone typed before ordinary text stays."""
    if text.startswith("'") and safe_cell(text[1:]) == text:
        return text[1:]
    return text
