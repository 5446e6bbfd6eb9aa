"""In production the console's ES modules import each other by their hashed names
(hwaseong_safety/staticfiles.py): a browser never mixes a new console.js with an old store.js
after a deploy."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

STORAGE = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
           "staticfiles": {"BACKEND": "hwaseong_safety.staticfiles.StaticFilesStorage"}}
IMPORT = re.compile(r"""^import .*? from "(\./[^"]+)";$""", re.MULTILINE)


def test_collected_modules_import_hashed_names(tmp_path: Path) -> None:
    with override_settings(STORAGES=STORAGE, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    folder = tmp_path / "console"
    [entry] = [p for p in folder.glob("console.*.js") if re.fullmatch(r"console\.[0-9a-f]{12}\.js", p.name)]
    imports = IMPORT.findall(entry.read_text())
    assert "./store.js" not in imports and len(imports) >= 10
    for name in imports:
        assert re.fullmatch(r"\./\w+\.[0-9a-f]{12}\.js", name), name
        assert (folder / name).exists()
