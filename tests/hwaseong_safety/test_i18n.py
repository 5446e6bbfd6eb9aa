"""Korean first: every message of the UI has a Korean translation. English is the source language
of the messages, so English needs no catalog of its own."""

from __future__ import annotations

import polib

from tests.fixtures.platform import ROOT

LOCALE = ROOT / "locale"


def test_korean_catalog_is_complete() -> None:
    catalog = polib.pofile(str(LOCALE / "ko" / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 50
    missing = [entry.msgid for entry in catalog if not entry.translated() and not entry.obsolete]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert missing == [], f"untranslated Korean messages: {missing[:10]}"
    assert fuzzy == [], f"fuzzy Korean messages: {fuzzy[:10]}"


def test_korean_catalog_is_actually_korean() -> None:
    catalog = polib.pofile(str(LOCALE / "ko" / "LC_MESSAGES" / "django.po"))
    hangul = [e for e in catalog if any("\uac00" <= ch <= "\ud7a3" for ch in e.msgstr)]
    assert len(hangul) >= 0.8 * len(catalog)
