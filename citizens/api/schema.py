"""Shared pieces of the app API: the OpenAPI description of bearer tokens and common errors."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse

from citizens.api.serializers import ErrorDetailSerializer


class AppTokenScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular that app endpoints take ``Authorization: Bearer <token>``."""

    target_class = "citizens.auth.AppTokenAuthentication"
    name = "appToken"

    def get_security_definition(self, auto_schema: object) -> dict:
        return build_bearer_security_scheme_object(header_name="AUTHORIZATION", token_prefix="Bearer")


_Detail = ErrorDetailSerializer
UNAUTHORIZED = OpenApiResponse(_Detail, description="No token, or a revoked one. / 인증 실패")
NOT_FOUND = OpenApiResponse(_Detail, description="Not found, or not yours. / 없음")
THROTTLED = OpenApiResponse(_Detail, description="Too many requests; see Retry-After. / 요청이 너무 많음")
