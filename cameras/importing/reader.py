"""Reading a CCTV standard-data CSV: encoding detection and header mapping by name."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _

from cameras.importing.columns import AGENCY, ALIASES, LATITUDE, LONGITUDE, STANDARD_COLUMNS

_BOM = b"\xef\xbb\xbf"
_SPACE = re.compile(r"\s+")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong encoding, no coordinates)."""


@dataclass
class CsvSource:
    encoding: str
    # Standard column name → index of that column in the file.
    columns: dict[str, int]
    # Older column names the file used (e.g. 위도), to tell the layout apart.
    old_names: tuple[str, ...]
    width: int
    rows: list[list[str]]

    @property
    def layout(self) -> str:
        return "older" if self.old_names else "current"

    def records(self) -> Iterator[tuple[dict[str, str], bool]]:
        """Each row as {standard column: raw text}, and whether it has extra non-empty cells
        beyond the header (a sign of a broken row: an unquoted comma shifts every column)."""
        for row in self.rows:
            record = {name: row[i] if i < len(row) else "" for name, i in self.columns.items()}
            extra = any(cell.strip() for cell in row[self.width:])
            yield record, extra


def read_source(source: str | os.PathLike | BinaryIO) -> CsvSource:
    raw = _read_bytes(source)
    text, encoding = decode(raw)
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise ImportFileError(_("The file is not a readable CSV file: %(error)s") % {"error": exc}) from exc
    while table and not any(cell.strip() for cell in table[0]):
        table.pop(0)
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = table[0]
    columns, old_names = map_header(header)
    if LATITUDE not in columns or LONGITUDE not in columns:
        raise ImportFileError(
            _("The file has no coordinate columns (WGS84위도/WGS84경도 or 위도/경도).")
        )
    if AGENCY not in columns:
        raise ImportFileError(_("The file has no managing agency column (관리기관명)."))
    return CsvSource(encoding, columns, old_names, len(header), table[1:])


def _delimiter(text: str) -> str:
    """Comma, unless the header line has more tabs or semicolons (Excel's "text" exports and
    European locales): the header names at least the two coordinate columns, so it has one."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", "\t", ";"), key=first.count)


def _read_bytes(source: str | os.PathLike | BinaryIO) -> bytes:
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise ImportFileError(
                _("Cannot read %(path)s: %(error)s") % {"path": os.fspath(source), "error": exc.strerror}
            ) from exc
    data = source.read()
    # A text stream slipped in: it is already decoded, re-encode so detection stays in one place.
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else CP949 (what Korean Excel
    and most data.go.kr downloads use)."""
    if raw.startswith(_BOM):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp949")
    for encoding in encodings:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor CP949 text."))


def normalize_name(name: str) -> str:
    # Headers come with BOMs, stray spaces and line breaks inside quoted names.
    return _SPACE.sub("", name.replace("\ufeff", ""))


def map_header(header: list[str]) -> tuple[dict[str, int], tuple[str, ...]]:
    columns: dict[str, int] = {}
    old_names: list[str] = []
    for index, cell in enumerate(header):
        name = normalize_name(cell)
        standard = ALIASES.get(name, name)
        if standard not in STANDARD_COLUMNS or standard in columns:
            continue  # unknown columns are ignored; the first of a repeated name wins
        columns[standard] = index
        if standard != name:
            old_names.append(name)
    return columns, tuple(old_names)
