"""Admin of app users. PIN hashes and the raw position are never shown."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from citizens.models import Citizen

# The citizen's page lists their guardians; guardians/ depends on citizens/, and only this page
# looks the other way.
from guardians.admin import GuardianInline
from hwaseong_safety.phones import mask
from operators.audit import PersonalDataAdminMixin


@admin.register(Citizen)
class CitizenAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["name", "masked_phone", "is_active", "has_cancel_pin", "has_duress_pin", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "phone"]
    # PIN hashes and the raw position stay out: staff need to know a PIN exists, never to see it.
    fields = ["name", "phone", "home_center", "is_active", "has_cancel_pin", "has_duress_pin",
              "last_location_at", "created_at"]
    # The phone was verified by SMS: editing it here would skip that.
    readonly_fields = ["phone", "has_cancel_pin", "has_duress_pin", "last_location_at", "created_at"]
    inlines = [GuardianInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # citizens sign up in the app, by SMS code

    def audit_subject(self, obj: Citizen) -> int | None:
        return obj.pk

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Citizen) -> str:
        return mask(obj.phone)

    @admin.display(description=_("cancel PIN set"), boolean=True)
    def has_cancel_pin(self, obj: Citizen) -> bool:
        return bool(obj.cancel_pin)

    @admin.display(description=_("duress PIN set"), boolean=True)
    def has_duress_pin(self, obj: Citizen) -> bool:
        return bool(obj.duress_pin)
