"""What an import did (or, in a dry run, would do)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cameras.importing.reasons import message


@dataclass
class ImportReport:
    encoding: str = ""
    # "current" (WGS84위도, 설치연월 …) or "older" (위도/경도, 설치년월)
    layout: str = ""
    # The standard columns found in the file, in the standard's order.
    columns: tuple[str, ...] = ()
    dry_run: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def warnings_total(self) -> int:
        return sum(self.warnings.values())

    def lines(self) -> list[str]:
        """The report as human-readable lines (translated to the active language)."""
        lines = [
            _("Dry run: nothing was saved.") if self.dry_run else _("Import finished."),
            _("Encoding: %(encoding)s; layout: %(layout)s, %(count)d of 18 standard columns")
            % {"encoding": self.encoding, "layout": self.layout, "count": len(self.columns)},
            _("Rows: %(total)s") % {"total": f"{self.total:,}"},
            _("Created: %(n)s") % {"n": f"{self.created:,}"},
            _("Updated: %(n)s") % {"n": f"{self.updated:,}"},
            _("Unchanged: %(n)s") % {"n": f"{self.unchanged:,}"},
            _("Skipped: %(n)s") % {"n": f"{self.skipped_total:,}"},
        ]
        lines += [f"  - {message(code)}: {count:,}" for code, count in self.skipped.most_common()]
        lines.append(_("Warnings: %(n)s") % {"n": f"{self.warnings_total:,}"})
        lines += [f"  - {message(code)}: {count:,}" for code, count in self.warnings.most_common()]
        return lines
