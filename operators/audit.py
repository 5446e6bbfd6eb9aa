"""The access log (개인정보의 안전성 확보조치 기준 §8): who touched whose data, when, from where.

``record_access`` is the only writer of ``AccessRecord``. Details hold ids and codes only, never
names, phones or free text: the log must not become a second copy of the personal data.

Rows are append-only at the database level (trigger of migration 0002). Retention is 2 years; older
records go only through the SQL function of migration 0003, which records its own run
(operators/audit_purge.py, a daily beat task).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.http import HttpRequest

from operators.models import AccessAction, AccessRecord, User

USER_AGENT_MAX = AccessRecord._meta.get_field("user_agent").max_length


def client_ip(request: Any) -> str | None:
    """REMOTE_ADDR, or the X-Forwarded-For entry added by our own proxies.

    Like DRF's throttles, but stricter: X-Forwarded-For is read only when ``NUM_PROXIES`` says how
    many proxies stand in front of us, so a client can't write its own address into the log.
    """
    meta = request.META
    remote = meta.get("REMOTE_ADDR") or None
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES")
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote


def record_access(
    request_or_user: HttpRequest | Any,
    action: str,
    *,
    subject_citizen_id: int | None,
    target: str,
    detail: dict | None = None,
) -> AccessRecord:
    """Write one access record. ``request_or_user`` is a Django or DRF request (account, IP and user
    agent come from it) or a bare user, for work done outside a request."""
    if isinstance(request_or_user, User | AnonymousUser) or not hasattr(request_or_user, "META"):
        user, ip, agent = request_or_user, None, ""
    else:
        user = getattr(request_or_user, "user", None)  # a login request may come before the middleware
        ip = client_ip(request_or_user)
        agent = request_or_user.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
    account = user if getattr(user, "pk", None) is not None else None
    return AccessRecord.objects.create(
        account=account, username=account.get_username() if account else "", ip=ip, user_agent=agent,
        action=action, subject_citizen_id=subject_citizen_id, target=target, detail=detail or {},
    )


def model_target(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def _changed_fields(message: Any) -> list[str]:
    # The admin's change message also names inline objects ("added guardian 김…"): keep field
    # names only, the log holds no personal data.
    fields: list[str] = []
    for entry in message if isinstance(message, list) else []:
        for change in entry.values():
            fields.extend(str(name) for name in change.get("fields", []))
    return fields


class AuditedAdminMixin:
    """For ModelAdmins of personal data and cameras: every add, change and delete done in the admin
    also goes to the access log. Override ``audit_subject`` to name whose data an object is."""

    def audit_subject(self, obj: Model) -> int | None:
        return None

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record_access(request, AccessAction.ADMIN_ADD, subject_citizen_id=self.audit_subject(obj),
                      target=model_target(obj))
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record_access(request, AccessAction.ADMIN_CHANGE, subject_citizen_id=self.audit_subject(obj),
                      target=model_target(obj), detail={"fields": _changed_fields(message)})
        return super().log_change(request, obj, message)  # type: ignore[misc]

    # log_deletion() is deprecated in Django 5.1+: log_deletions() is what delete_view and the
    # delete_selected action call.
    def log_deletions(self, request: HttpRequest, queryset: Iterable[Model]) -> Any:
        objects = list(queryset)
        for obj in objects:
            record_access(request, AccessAction.ADMIN_DELETE, subject_citizen_id=self.audit_subject(obj),
                          target=model_target(obj))
        return super().log_deletions(request, objects)  # type: ignore[misc]


class PersonalDataAdminMixin(AuditedAdminMixin):
    """For ModelAdmins that show people's data (citizens, guardians, alerts, trips, SMS, tracking
    views): every page that shows it is recorded, like the console's views. A change (or view-only)
    page writes ``admin_view``, a list or search page ``admin_list``, one record per person shown
    (``subject_citizen_id``), or one without a subject when it shows nobody (a search that found
    no one still says who searched). The search term is not kept: it may be a phone number."""

    def view_subjects(self, objects: list[Model]) -> set[int]:
        """Whose data these objects are; override where one object may concern several people."""
        return {s for s in (self.audit_subject(obj) for obj in objects) if s is not None}

    def _record_view(self, request: HttpRequest, action: str, objects: list[Model], target: str,
                     detail: dict) -> None:
        subjects = sorted(self.view_subjects(objects)) or [None]
        template = record_access(request, action, subject_citizen_id=subjects[0], target=target,
                                 detail=detail)
        AccessRecord.objects.bulk_create(
            AccessRecord(account=template.account, username=template.username, ip=template.ip,
                         user_agent=template.user_agent, action=action, subject_citizen_id=subject,
                         target=target, detail=detail)
            for subject in subjects[1:])

    def render_change_form(self, request: HttpRequest, context: dict, add: bool = False,
                           change: bool = False, form_url: str = "", obj: Model | None = None) -> Any:
        if obj is not None and obj.pk is not None:  # also a view-only page, and a form shown again
            self._record_view(request, AccessAction.ADMIN_VIEW, [obj], model_target(obj), {})
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> Any:
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        obj = (getattr(response, "context_data", None) or {}).get("object")
        if obj is not None:
            self._record_view(request, AccessAction.ADMIN_VIEW, [obj], model_target(obj), {"page": "history"})
        return response

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:  # not an action's response (actions record their own)
            rows = list(changelist.result_list)
            self._record_view(request, AccessAction.ADMIN_LIST, rows, self.model._meta.label_lower, {
                "search": bool(changelist.query), "shown": len(rows), "page": changelist.page_num})
        return response
