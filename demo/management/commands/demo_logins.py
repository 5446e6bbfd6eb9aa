"""``manage.py demo_logins``: the demo accounts that exist, as a compact table (for serve.sh)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from demo.staff import DEMO_PASSWORD, demo_accounts
from operators.models import Role, User


class Command(BaseCommand):
    help = gettext_lazy("Print the demo logins (username, role, center, password) found in the database.")

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            return  # Never advertise accounts on a production console.
        order = {account.username: index for index, account in enumerate(demo_accounts())}
        users = sorted(User.objects.filter(username__in=order).select_related("center"),
                       key=lambda user: order[user.username])
        if not users:
            self.stdout.write("  " + _("No demo logins: run `manage.py seed_demo`."))
            return
        self.stdout.write(format_table(users, _password_labels(users)))


def _password_labels(users: list[User]) -> dict[int, str]:
    """The demo password where it still works, checked once per distinct hash (hashing is slow
    and the seeded accounts share one hash)."""
    works: dict[str, bool] = {}
    for user in users:
        if user.password not in works:
            works[user.password] = user.check_password(DEMO_PASSWORD)
    return {user.pk: DEMO_PASSWORD if works[user.password] else _("(changed)") for user in users}


def format_table(users: list[User], passwords: dict[int, str]) -> str:
    header = (_("Demo login"), _("Role"), _("Center"), _("Password"))
    rows = [(user.username, str(Role(user.role).label) if user.role in Role.values else user.role,
             user.center.name if user.center else "—", passwords[user.pk]) for user in users]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join("  " + "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))
                     .rstrip() for row in [header, *rows])


def _width(text: str) -> int:
    # Hangul takes two terminal columns.
    return sum(2 if "\uac00" <= char <= "\ud7a3" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
