"""Demo staff accounts: who ``seed_demo`` creates and ``demo_logins`` lists.

Predictable usernames (``hwaseong-operator``) and one shared password, for development and demos
only: ``seed_demo`` refuses to run in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from operators.centers import HWASEONG_CODE, LINKED_BY_CODE, LINKED_CITIES
from operators.models import Center, Role, User
from operators.roles import ADMIN_SITE_ROLES

DEMO_PASSWORD = "demo1234!"
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    center_code: str | None
    superuser: bool = False

    @property
    def is_staff(self) -> bool:
        # Admin-site access for the roles that maintain data; operators work in the console.
        return self.superuser or self.role in ADMIN_SITE_ROLES


def demo_accounts() -> tuple[DemoAccount, ...]:
    hwaseong = LINKED_BY_CODE[HWASEONG_CODE].slug
    extra = (
        DemoAccount(f"{hwaseong}-supervisor", Role.SUPERVISOR, HWASEONG_CODE),
        DemoAccount(f"{hwaseong}-police", Role.POLICE, HWASEONG_CODE),
        DemoAccount(f"{hwaseong}-camera-admin", Role.CAMERA_ADMIN, HWASEONG_CODE),
        DemoAccount(ADMIN_USERNAME, Role.SYSTEM_ADMIN, None, superuser=True),
    )
    operators = tuple(
        DemoAccount(f"{city.slug}-operator", Role.OPERATOR, city.code)
        for city in sorted(LINKED_CITIES, key=lambda city: city.code != HWASEONG_CODE)
    )
    return operators[:1] + extra + operators[1:]


def ensure_demo_staff() -> list[str]:
    """Create the missing demo accounts (existing users are left alone); returns the new names."""
    accounts = demo_accounts()
    taken = set(User.objects.filter(username__in=[a.username for a in accounts])
                .values_list("username", flat=True))
    missing = [account for account in accounts if account.username not in taken]
    if not missing:
        return []
    centers = {center.code: center for center in Center.objects.all()}
    # One hash for all: hashing is deliberately slow (~0.3 s each) and the password is shared.
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create([_user(account, centers.get(account.center_code or ""), password)
                              for account in missing])
    return [account.username for account in missing]


def _user(account: DemoAccount, center: Center | None, password: str) -> User:
    return User(
        username=account.username, password=password, role=account.role, center=center,
        is_staff=account.is_staff, is_superuser=account.superuser,
        first_name=center.name if center else "", last_name=str(Role(account.role).label),
    )
