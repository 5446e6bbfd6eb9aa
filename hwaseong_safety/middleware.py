from __future__ import annotations

from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware


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
