"""Importing the national CCTV standard data (전국CCTV표준데이터) into Camera."""

from __future__ import annotations

from cameras.importing.importer import import_cameras
from cameras.importing.reader import ImportFileError
from cameras.importing.report import ImportReport

__all__ = ["ImportFileError", "ImportReport", "import_cameras"]
