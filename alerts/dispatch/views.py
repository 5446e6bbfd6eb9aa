"""POST /api/v1/dispatch/callback: the police and fire dispatch systems' status updates.

Authenticated by the HMAC signature alone (no session, no CSRF, no app token): the agency is
named by the X-Hwaseong-Agency header (or the body's "agency"), its secret checks the signature
over the raw bytes, and the timestamp must be within the window. Anything wrong there is a 403
that changes nothing; only then is the body validated.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.dispatch import config
from alerts.dispatch.callbacks import CALLBACK_STATUSES, UnknownEscalation, Update, apply_update
from alerts.dispatch.signing import (
    AGENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_valid,
    timestamp_fresh,
)
from hwaseong_safety import jsonsafe

logger = logging.getLogger(__name__)

# A status update this old is a replay or a broken clock, not news about a live escalation.
MAX_CALLBACK_AGE = timedelta(days=7)


class CallbackSerializer(serializers.Serializer):
    alert_id = serializers.IntegerField(min_value=1)
    agency = serializers.ChoiceField(choices=config.AGENCIES)
    status = serializers.ChoiceField(choices=CALLBACK_STATUSES)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    idempotency_key = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="",
        help_text="The webhook's Idempotency-Key (esc-<id>); picks the escalation when an alert was "
                  "escalated to the same agency twice. Without it: the latest one.")

    def validate_at(self, value: datetime | None) -> datetime | None:
        # The agency's clock is within the signature's skew of ours; a time far outside that is a
        # bug on their side, and before 1908 it would come back in Seoul's local mean time
        # (+08:27:52), which no RFC 3339 reader (the console) accepts.
        if value is None:
            return None
        now, skew = timezone.now(), timedelta(seconds=config.callback_max_skew_s())
        if not now - MAX_CALLBACK_AGE <= value <= now + skew:
            raise serializers.ValidationError("Must be within the last 7 days, and not in the future.")
        return value


class CallbackResultSerializer(serializers.Serializer):
    alert_id = serializers.IntegerField()
    escalation_id = serializers.IntegerField()
    agency = serializers.CharField()
    status = serializers.CharField(help_text="The escalation's status after this callback.")
    changed = serializers.BooleanField(help_text="False: nothing new (a repeat, or an older status).")


def _header(name: str, help_text: str, required: bool = True) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.HEADER, required=required, description=help_text)


def _agency(request: Request, body: bytes) -> str:
    named = request.headers.get(AGENCY_HEADER, "")
    if named:
        return named
    try:
        parsed = jsonsafe.loads(body)
    except jsonsafe.TooDeep:
        raise ParseError("Body is not JSON.") from None  # a 400, before the signature as after it
    except ValueError:
        return ""
    return str(parsed.get("agency", "")) if isinstance(parsed, dict) else ""


def _forbidden(reason: str) -> Response:
    return Response({"detail": reason}, status=status.HTTP_403_FORBIDDEN)


class DispatchCallbackView(APIView):
    authentication_classes: list = []  # the signature is the authentication
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["dispatch"], summary="112/119 dispatch status callback (signed)", auth=[],
        description="Signed like our webhooks: X-Hwaseong-Signature = sha256=<hex HMAC-SHA256(agency "
                    "secret, timestamp + \".\" + raw body)>. Timestamps more than 5 minutes off are "
                    "refused. Idempotent: a status already reached (or passed) changes nothing. "
                    "See docs/dispatch.md.",
        parameters=[
            _header(SIGNATURE_HEADER, "sha256=<hex HMAC-SHA256(secret, timestamp + '.' + body)>"),
            _header(TIMESTAMP_HEADER, "Unix time in seconds, as signed."),
            _header(AGENCY_HEADER, "police or fire; else the body's agency.", required=False),
        ],
        request=CallbackSerializer,
        responses={
            200: CallbackResultSerializer,
            400: OpenApiResponse(description="Signed, but the body is invalid."),
            403: OpenApiResponse(description="Bad or missing signature, unknown agency, or stale timestamp."),
            404: OpenApiResponse(description="No escalation of this alert to this agency."),
        },
    )
    def post(self, request: Request) -> Response:
        raw = request.body  # the exact bytes that were signed; request.data is never read
        agency = _agency(request, raw)
        if not signature_valid(config.agency_secret(agency), request.headers.get(TIMESTAMP_HEADER), raw,
                               request.headers.get(SIGNATURE_HEADER)):
            logger.warning("dispatch callback refused: bad signature (agency %r)", agency[:10])
            return _forbidden("Invalid signature.")
        if not timestamp_fresh(request.headers.get(TIMESTAMP_HEADER), config.callback_max_skew_s()):
            logger.warning("dispatch callback refused: stale timestamp (agency %s)", agency)
            return _forbidden("Stale timestamp.")
        try:
            data = jsonsafe.loads(raw)
        except ValueError:
            return Response({"detail": "Body is not JSON."}, status=status.HTTP_400_BAD_REQUEST)
        body = CallbackSerializer(data=data)
        body.is_valid(raise_exception=True)
        update = body.validated_data
        if update["agency"] != agency:  # signed by one agency on behalf of another
            return _forbidden("Agency does not match the signature.")
        # Only signed bytes count: an Idempotency-Key header on a callback is not covered.
        key = update["idempotency_key"]
        try:
            escalation, event = apply_update(Update(
                alert_id=update["alert_id"], agency=agency, status=update["status"],
                reference=update["reference"], note=update["note"], at=update["at"], idempotency_key=key))
        except UnknownEscalation:
            return Response({"detail": "No escalation of this alert to this agency."},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(CallbackResultSerializer({
            "alert_id": escalation.alert_id, "escalation_id": escalation.pk, "agency": escalation.agency,
            "status": escalation.status, "changed": event is not None}).data)
