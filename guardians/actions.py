"""Every change to a citizen's guardians: added (with the SMS that carries the decline link),
removed by the citizen, declined by the guardian, links revoked by staff. Views and the admin call
these and nothing else writes Guardian rows."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from citizens.models import Citizen
from guardians.models import Guardian, new_decline_token
from sms import budget
from sms.outbox import SMS_PREFIX, queue_sms

MAX_GUARDIANS = 5


def decline_url(token: str) -> str:
    return settings.SITE_URL + reverse("guardian-decline", args=[token])


def _duplicate_phone() -> serializers.ValidationError:
    return serializers.ValidationError({"phone": [_("This phone is already one of your guardians.")]})


def do_add_guardian(citizen: Citizen, name: str, phone: str, relation: str = "") -> Guardian:
    """Create the guardian and queue their SMS in one transaction; 400s as ValidationError."""
    if phone == citizen.phone:
        raise serializers.ValidationError({"phone": [_("You can't be your own guardian.")]})
    with transaction.atomic():
        # Locking the citizen row serialises concurrent adds, so the count check holds.
        Citizen.objects.select_for_update().filter(pk=citizen.pk).first()
        if citizen.guardians.count() >= MAX_GUARDIANS:
            raise serializers.ValidationError(
                {"non_field_errors": [_("You can have at most %(n)d guardians.") % {"n": MAX_GUARDIANS}]}
            )
        if citizen.guardians.filter(phone=phone).exists():
            raise _duplicate_phone()
        budget.charge(citizen.pk, [phone])  # a 429 over the day's SMS budget; nothing stored
        try:
            token, digest = new_decline_token()  # only the digest is stored
            with transaction.atomic():  # savepoint: the unique constraint is the last word
                guardian = Guardian.objects.create(
                    citizen=citizen, name=name, phone=phone, relation=relation, decline_token=digest,
                )
        except IntegrityError:
            raise _duplicate_phone() from None
        queue_sms(
            phone,
            f"{SMS_PREFIX} {citizen.name}님이 회원님을 보호자로 지정했습니다. 원치 않으시면: "
            f"{decline_url(token)}",
            "guardian_added",
        )
    return guardian


def do_remove_guardian(guardian: Guardian) -> None:
    """The citizen removes one of their guardians: every tracking link sent to them dies with the row."""
    guardian.delete()


def do_decline_guardian(guardian: Guardian) -> None:
    """The guardian declines by their SMS link. Idempotent: the first decline's time stays."""
    Guardian.objects.filter(Q(pk=guardian.pk) & Q(declined_at__isnull=True)).update(
        declined_at=timezone.now()
    )


def do_revoke_tracking_links(guardians: list[Guardian]) -> list[Guardian]:
    """Staff stop the tracking links sent so far to these guardians (links sent later work)."""
    Guardian.objects.filter(pk__in=[g.pk for g in guardians]).update(tracking_revoked_at=timezone.now())
    return guardians
