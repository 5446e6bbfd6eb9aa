"""Admin of control centers, their staff and the access log."""

from __future__ import annotations

import csv
import json

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cameras.forms import MapWidget, boundary_feature, map_labels
from hwaseong_safety.csvsafe import safe_cell
from operators import staff_power
from operators.audit import AuditedAdminMixin, model_target, record_access
from operators.audit_review import last_month, monthly_review
from operators.models import AccessAction, AccessRecord, Center, Role, User
from operators.roles import Capability, has_capability


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "phone", "is_linked", "camera_count"]
    list_display_links = ["code", "name"]
    list_filter = ["is_linked"]
    search_fields = ["code", "name", "name_en"]
    # The boundary is shown on a map, never as an editable field: GeoDjango's stock widget loads
    # OpenLayers from the internet, and boundaries come from the official dataset, not by hand.
    fields = ["code", "name", "name_en", "phone", "is_linked", "boundary_map"]
    readonly_fields = ["boundary_map"]

    class Media:
        css = MapWidget.Media.css
        js = MapWidget.Media.js

    def get_queryset(self, request: HttpRequest) -> QuerySet[Center]:
        return super().get_queryset(request).annotate(camera_count=Count("cameras"))

    @admin.display(description=_("cameras"), ordering="camera_count")
    def camera_count(self, center: Center) -> int:
        return center.camera_count

    @admin.display(description=_("boundary"))
    def boundary_map(self, center: Center) -> str:
        if center.pk is None:
            return "-"
        features = [boundary_feature(center, own=True)]
        config = {"mode": "center", "labels": map_labels(), "boundaries": features}
        return MapWidget(config=config).render("boundary_map", None, {"id": "id_boundary_map"})

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A center cannot exist without its boundary, which the admin does not edit: centers are
        # loaded from the administrative-boundary data by a management command.
        return False


def _actor_power(request: HttpRequest) -> staff_power.Power:
    """The acting user's power, read once per request: one change page asks for it several times
    (change, delete and password permissions, the form)."""
    if not hasattr(request, "_staff_power"):
        request._staff_power = staff_power.account_power(request.user)
    return request._staff_power


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    """Staff accounts. Who may change whose account is operators/staff_power.py's rule, enforced
    here on every path that writes an account: the add and change forms (field choices and a final
    check in the form's clean), the password page and deletion (the object permissions)."""

    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Control center"), {"fields": ("role", "center")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Control center"), {"classes": ("wide",), "fields": ("role", "center")}),
    )
    list_display = ("username", "last_name", "first_name", "role", "center", "is_active", "is_staff")
    list_filter = ("role", "center", "is_active", "is_staff", "is_superuser", "groups")
    list_select_related = ("center",)

    def _may_handle(self, request: HttpRequest, obj: User) -> bool:
        return _actor_power(request).includes(staff_power.account_power(obj))

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._may_handle(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or (obj.pk != request.user.pk and self._may_handle(request, obj)))

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            return fields + list(staff_power.PRIVILEGE_FIELDS)  # nobody raises their own account
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def get_form(self, request: HttpRequest, obj: User | None = None, change: bool = False,
                 **kwargs: object) -> type:
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = _actor_power(request)

        class PowerCheckedForm(_PowerCheckedForm, base):
            pass

        PowerCheckedForm.actor, PowerCheckedForm.actor_pk = actor, request.user.pk
        return PowerCheckedForm

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        form.privileges_before = staff_power.privileges(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: object, formsets: object, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        account = form.instance
        changes = staff_power.privilege_changes(form.privileges_before, staff_power.privileges(account))
        if changes:
            record_access(request, AccessAction.STAFF_PRIVILEGES, subject_citizen_id=None,
                          target=model_target(account),
                          detail={"account": account.pk, "added": not change, "changes": changes})


class _PowerCheckedForm:
    """Mixed into the staff add/change forms: only roles, groups and permissions the acting account
    holds itself are offered, and the account as saved must hold no power the actor lacks."""

    actor: staff_power.Power
    actor_pk: int | None

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        if "role" in fields:
            grantable = set(staff_power.grantable_roles(self.actor))
            fields["role"].choices = [(v, label) for v, label in Role.choices if v in grantable]
        if "user_permissions" in fields:
            fields["user_permissions"].queryset = staff_power.grantable_permissions(self.actor)
        if "groups" in fields:
            fields["groups"].queryset = staff_power.grantable_groups(self.actor)

    def clean(self) -> dict:
        cleaned = super().clean()
        account = self.instance
        if account.pk is not None and account.pk == self.actor_pk and any(
                name in self.changed_data for name in staff_power.PRIVILEGE_FIELDS):
            raise ValidationError(_("Nobody may change the privileges of their own account."))

        def value(name: str) -> object:
            return cleaned[name] if name in cleaned else getattr(account, name)

        def many(name: str) -> list:
            if name in cleaned:
                return list(cleaned[name])
            return list(getattr(account, name).all()) if account.pk is not None else []

        permissions = {f"{p.content_type.app_label}.{p.codename}" for p in many("user_permissions")}
        after = staff_power.power_of(
            role=value("role"), is_superuser=bool(value("is_superuser")), is_staff=bool(value("is_staff")),
            permissions=permissions | staff_power.group_permissions(many("groups")))
        if not self.actor.includes(after):
            raise ValidationError(_("You may not give an account more power than your own."))
        return cleaned


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """The access log, read-only for everyone: the database refuses changes anyway (migration 0002),
    and the admin must not even offer them."""

    list_display = ["at", "username", "ip", "action", "subject_citizen_id", "target"]
    list_filter = ["action", "account", "at"]
    search_fields = ["=subject_citizen_id", "=ip", "target"]
    search_help_text = _("Search by app user id (whose data), IP address or target (alert:12).")
    change_list_template = "admin/operators/accessrecord/change_list.html"
    date_hierarchy = "at"
    list_select_related = ["account"]
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessRecord | None = None) -> bool:
        return False

    def has_export_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.VIEW_ACCESS_LOG)

    def get_urls(self) -> list:
        review = self.admin_site.admin_view(self.review_view)
        return [path("review/", review, name="operators_accessrecord_review"),
                path("review/<int:year>-<int:month>/", review, name="operators_accessrecord_review_month"),
                *super().get_urls()]

    def review_view(self, request: HttpRequest, year: int | None = None, month: int | None = None):
        """The monthly review of unusual access (operators/audit_review.py), for supervisors."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        if year is None:
            year, month = last_month()
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise Http404
        findings = monthly_review(year, month)
        record_access(request, AccessAction.AUDIT_REVIEW, subject_citizen_id=None,
                      target="operators.accessrecord", detail={"month": f"{year}-{month:02d}",
                                                              "findings": len(findings)})
        previous = (year, month - 1) if month > 1 else (year - 1, 12)
        following = (year, month + 1) if month < 12 else (year + 1, 1)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Monthly access review %(month)s") % {"month": f"{year}-{month:02d}"},
                   "findings": findings, "previous": previous, "following": following,
                   "night_views": settings.AUDIT_NIGHT_BULK_VIEWS,
                   "many_subjects": settings.AUDIT_MANY_SUBJECTS_PER_DAY}
        return TemplateResponse(request, "admin/operators/accessrecord/review.html", context)

    @admin.action(description=_("Export selected access records as CSV"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AccessRecord]) -> HttpResponse:
        records = list(queryset.order_by("at", "id"))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"access_log_{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # a BOM, so Excel reads the UTF-8
        writer = csv.writer(response)
        writer.writerow(["id", "time", "account", "ip", "user_agent", "action", "subject_citizen_id",
                         "target", "detail"])
        for r in records:
            # A user agent is client-chosen: no cell may run as a formula (hwaseong_safety/csvsafe.py).
            writer.writerow([safe_cell(v) for v in (r.pk, r.at.isoformat(), r.username, r.ip, r.user_agent,
                                                r.action, r.subject_citizen_id, r.target,
                                                json.dumps(r.detail, ensure_ascii=False))])
        # Exporting the log is itself an access to be logged.
        ids = [r.pk for r in records]
        span = {"first": min(ids, default=None), "last": max(ids, default=None)}
        record_access(request, AccessAction.AUDIT_EXPORT, subject_citizen_id=None,
                      target="operators.accessrecord", detail={"count": len(ids), **span})
        return response
