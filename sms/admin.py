"""The SMS outbox in the admin: read-only history, recipients masked, every viewing recorded."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from citizens.models import Citizen
from guardians.models import Guardian
from hwaseong_safety.phones import mask
from operators.audit import PersonalDataAdminMixin
from sms.models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["id", "masked_to", "purpose", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "purpose", "transport"]
    search_fields = ["to", "provider_message_id"]
    date_hierarchy = "created_at"
    fields = ["masked_to", "purpose", "body", "status", "transport", "provider_message_id", "attempts",
              "last_error", "created_at", "sent_at", "lease_until", "fallback_after"]
    readonly_fields = fields

    def view_subjects(self, objects: list[SmsMessage]) -> set[int]:
        # An SMS names no citizen: whose it is comes from the number, a citizen's own (codes) or a
        # guardian's (alerts and trips of each citizen who named that guardian).
        numbers = {sms.to for sms in objects}
        return (set(Citizen.objects.filter(phone__in=numbers).values_list("pk", flat=True))
                | set(Guardian.objects.filter(phone__in=numbers).values_list("citizen_id", flat=True)))

    @admin.display(description=_("recipient"))
    def masked_to(self, obj: SmsMessage) -> str:
        return mask(obj.to)

    # Read-only: the outbox is an audit trail of what was sent.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SmsMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SmsMessage | None = None) -> bool:
        return False
