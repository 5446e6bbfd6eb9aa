"""Admin of guardians and their tracking-page views (app users: citizens/admin.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from citizens.models import Citizen
from guardians.actions import do_revoke_tracking_links
from guardians.models import Guardian, TrackingView
from hwaseong_safety.phones import mask
from operators.audit import PersonalDataAdminMixin


class GuardianInline(admin.TabularInline):
    """Shown on the citizen's page (citizens/admin.py)."""

    model = Guardian
    fields = ["name", "phone", "relation", "declined_at", "created_at"]
    readonly_fields = fields
    extra = 0

    # Guardians are added from the app, which sends the SMS with the decline link.
    def has_add_permission(self, request: HttpRequest, obj: Citizen | None = None) -> bool:
        return False


@admin.register(Guardian)
class GuardianAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["name", "masked_phone", "citizen", "relation", "declined_at", "tracking_revoked_at",
                    "created_at"]
    list_filter = ["declined_at", "tracking_revoked_at"]
    search_fields = ["name", "phone", "citizen__name", "citizen__phone"]
    list_select_related = ["citizen"]
    fields = ["citizen", "name", "phone", "relation", "declined_at", "tracking_revoked_at", "created_at"]
    # The phone got the SMS with the decline link; a new number must come through the app.
    readonly_fields = ["citizen", "phone", "declined_at", "tracking_revoked_at", "created_at"]
    actions = ["revoke_tracking_links"]

    @admin.action(description=_("Revoke tracking links sent so far"), permissions=["change"])
    def revoke_tracking_links(self, request: HttpRequest, queryset: QuerySet[Guardian]) -> None:
        # Links already sent stop at once (e.g. an SMS forwarded or a phone lost); the next trip
        # or alert sends a new link that works. To stop all links for good, the guardian declines
        # or the citizen removes them.
        guardians = do_revoke_tracking_links(list(queryset))
        for guardian in guardians:  # the admin's history says who revoked, and when
            self.log_change(request, guardian, [{"changed": {"fields": ["tracking_revoked_at"]}}])
        self.message_user(request, ngettext(
            "Tracking links of %(count)d guardian revoked.",
            "Tracking links of %(count)d guardians revoked.", len(guardians),
        ) % {"count": len(guardians)}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added from the app only, which sends the SMS with the decline link

    def audit_subject(self, obj: Guardian) -> int | None:
        return obj.citizen_id  # a guardian's data is part of the citizen's safe-return record

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Guardian) -> str:
        return mask(obj.phone)


@admin.register(TrackingView)
class TrackingViewAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """Openings of guardians' tracking pages (each is also a Disclosure) and the polls after them."""

    list_display = ["opened_at", "guardian", "citizen", "polls", "last_poll_at"]
    list_select_related = ["guardian", "disclosure__citizen"]
    date_hierarchy = "opened_at"

    def audit_subject(self, obj: TrackingView) -> int | None:
        return obj.disclosure.citizen_id

    @admin.display(description=_("app user"))
    def citizen(self, obj: TrackingView) -> str:
        return str(obj.disclosure.citizen)

    # Read-only: a log of who saw the location.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TrackingView | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TrackingView | None = None) -> bool:
        return False
