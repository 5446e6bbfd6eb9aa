from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils.translation import gettext

from hwaseong_safety.csp import PERMISSIONS_POLICY, header_value


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Korean unless the user picked another language (the ``django_language`` cookie,
    set through ``/i18n/setlang/``): a control-center browser installed in English must still show
    the operators Korean. The API keeps following ``Accept-Language``, which the app sets from the
    phone's language."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        accept = request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        try:
            super().process_request(request)
        finally:
            if accept is not None:
                request.META["HTTP_ACCEPT_LANGUAGE"] = accept


class ContentSecurityPolicyMiddleware:
    """The policy of ``settings.CONTENT_SECURITY_POLICY`` on every HTML response (docs/hardening.md).

    ``connect-src`` also names the websocket origin of the host the browser asked for (ws: over
    http, wss: over https), which the console's socket uses. ``CSP_REPORT_ONLY`` sends the same
    policy as Content-Security-Policy-Report-Only, for trying a change on a live center first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            return response
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's technical error pages are inline HTML by design (development)
        header = ("Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY
                  else "Content-Security-Policy")
        if header in response:
            return response  # a view that set its own policy knows better
        try:
            host = request.get_host()
        except DisallowedHost:  # the error page gets the policy, without a socket origin
            host = ""
        websocket = f"{'wss' if request.is_secure() else 'ws'}://{host}" if host else None
        response[header] = header_value(settings.CONTENT_SECURITY_POLICY, websocket_origin=websocket)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RefuseNulMiddleware:
    """A NUL byte in the path or a query parameter is a 400 before any view runs.

    PostgreSQL text can't hold NUL, so a filter or lookup carrying one raised DataError deep in a
    list (a 500 on every admin list filter, ``?status__exact=%00``). No valid path or parameter
    of ours contains one; form and JSON fields already refuse it (Django's and DRF's CharField).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any("\x00" in key or any("\x00" in value for value in values)
                                         for key, values in request.GET.lists()):
            return HttpResponseBadRequest(gettext("NUL bytes are not allowed in the address."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)
