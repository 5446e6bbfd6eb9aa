"""SOS alerts of the app API (endpoint 6). Thin: parse, call an action, answer."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from alerts.actions.sos import AlertClosed, WrongPin, do_add_alert_locations, do_cancel_alert, do_create_sos
from alerts.api.common import SOS_PARSERS, PinThrottle, SosThrottle
from alerts.api.serializers import (
    AcceptedSerializer,
    AlertSerializer,
    CancelSerializer,
    ClockFixedLocation,
    DetailSerializer,
    RejectedLocation,
    SosCreatedSerializer,
    SosCreateSerializer,
)
from alerts.locations import LocationBatchSerializer
from alerts.models import Alert, Trip
from citizens.api.base import AppAPIView

TAGS = ["app: SOS alerts"]
ERRORS = {
    401: OpenApiResponse(DetailSerializer, description="No or bad token. / 토큰 없음·무효."),
    404: OpenApiResponse(DetailSerializer, description="Not yours or no such alert. / 없는 신고."),
}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT


class AlertListView(AppAPIView):
    parser_classes = SOS_PARSERS  # NaN and Infinity read: they make a location malformed, not the SOS

    def get_throttles(self) -> list:
        return [SosThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=TAGS,
        summary="긴급신고(SOS) / Raise an SOS",
        description=(
            "흔들기·버튼으로 긴급신고를 접수합니다. 위치가 없거나 잘못되었거나 서비스 지역 밖이어도 거부하지 "
            "않습니다(마지막 위치·기본 센터·가장 가까운 센터로 연결). 같은 client_id로 다시 보내면 새 신고를 "
            "만들지 않고 처음 신고를 200으로 돌려줍니다.\n\n"
            "Raises an SOS. Never refused for its location: without a fix (or with a malformed one) it is "
            "routed by the last known location or the home center; outside the linked cities it goes to "
            "the nearest center. The same client_id again returns the first alert with 200 and makes no "
            "second one, even when both requests race. Throttle scope `sos` per user (never below 30/min)."
        ),
        request=SosCreateSerializer,
        responses={
            201: OpenApiResponse(SosCreatedSerializer, description="Created. / 신규 접수."),
            200: OpenApiResponse(SosCreatedSerializer, description="Same client_id: the existing alert. "
                                                                   "/ 이미 접수된 신고."),
            400: OpenApiResponse(description="client_id or trigger invalid, or the body is not JSON. "
                                             "/ 요청 형식 오류."),
            429: OpenApiResponse(DetailSerializer, description="Throttled. / 요청 과다."),
            401: ERRORS[401],
            503: OpenApiResponse(DetailSerializer, description=(
                "The database stayed away for SOS_DB_WAIT_SECONDS: send it again with the same "
                "client_id after Retry-After seconds. / 일시 장애: 같은 client_id로 다시 보내세요.")),
        },
    )
    def post(self, request: Request) -> Response:
        body = SosCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        location = data["location"]
        clock = location.errors if isinstance(location, ClockFixedLocation) else None
        location = location.fix if isinstance(location, ClockFixedLocation) else location
        rejected = isinstance(location, RejectedLocation)
        # Someone else's or an unknown trip id must not cost the SOS: it is just not linked.
        trip = Trip.objects.filter(pk=data["trip"], citizen=self.citizen).first() if data["trip"] else None
        alert, created = do_create_sos(
            self.citizen, data["client_id"], data["trigger"], None if rejected else location, trip,
            location_errors=location.errors if rejected else None, clock_errors=clock,
        )
        return Response(SosCreatedSerializer(alert).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        tags=TAGS,
        summary="내 신고 목록 / My alerts",
        description="본인의 신고, 최신순. / The user's own alerts, newest first.",
        responses={200: AlertSerializer(many=True), 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        alerts = Alert.objects.filter(citizen=self.citizen).select_related("center")
        alerts = alerts.order_by("-created_at", "-id")
        return Response(AlertSerializer(alerts[:100], many=True).data)


class AlertDetailView(AppAPIView):
    @extend_schema(
        tags=TAGS,
        summary="신고 상태 / Alert status",
        description=(
            "앱에 보이는 상태: received, in_progress, dispatched, closed, cancelled "
            "(status_label은 한국어).\n\n"
            "The app-facing status: received, in_progress (claimed or acknowledged), dispatched, closed, "
            "cancelled; status_label is its Korean label."
        ),
        responses={200: AlertSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(AlertSerializer(self.get_own(Alert.objects.select_related("center"), pk)).data)


class AlertLocationsView(AppAPIView):
    @extend_schema(
        tags=TAGS,
        summary="신고 위치 갱신 / Report positions of an alert",
        description=(
            "1–100개의 위치. 가장 최근(recorded_at) 위치로 신고 위치가 이동하고, 다른 시로 넘어가면 그 시의 "
            "관제센터로 이관됩니다. 종결·취소된 신고에는 저장하지 않지만 202로 답합니다.\n\n"
            "1–100 locations. The alert moves to the newest by recorded_at (not the last in the array) "
            "and follows the user into another city's center (a transfer). A closed or cancelled alert "
            "stores nothing but still answers 202. A bad location is a 400 naming the field; nothing "
            "of the batch is stored."
        ),
        request=LocationBatchSerializer,
        responses={202: AcceptedSerializer, 400: OpenApiResponse(description="Invalid location(s)."),
                   **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        alert = self.get_own(Alert.objects.all(), pk)
        batch = LocationBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        fixes = batch.validated_data["locations"]
        do_add_alert_locations(alert, fixes)
        return Response({"accepted": len(fixes)}, status=status.HTTP_202_ACCEPTED)


class AlertCancelView(AppAPIView):
    throttle_classes = [PinThrottle]

    @extend_schema(
        tags=TAGS,
        summary="신고 취소 / Cancel an alert",
        description=(
            "취소 PIN으로 취소합니다(PIN이 없는 사용자는 PIN 없이). 이미 취소된 신고는 같은 200으로 답합니다"
            "(멱등). 관제센터가 종결한 신고는 409.\n\n"
            "Cancels with the cancel PIN (a user without one cancels without it). Cancelling again "
            "answers the same 200 (idempotent); an alert the center has already closed is a 409. A wrong "
            "PIN is a 403 and changes nothing."
        ),
        request=CancelSerializer,
        responses={
            200: OpenApiResponse(AlertSerializer, description="Cancelled. / 취소됨."),
            # The PIN's type and length only: a wrong PIN is the 403.
            400: OpenApiResponse(description="Malformed body: pin is not a string of at most 32 "
                                             "characters. / 잘못된 요청."),
            403: OpenApiResponse(DetailSerializer, description="Incorrect PIN. / PIN 불일치."),
            409: OpenApiResponse(DetailSerializer, description="Already closed. / 이미 종결됨."),
            429: OpenApiResponse(DetailSerializer, description="Too many attempts. / 시도 과다."),
            **ERRORS,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        alert = self.get_own(Alert.objects.all(), pk)
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            alert = do_cancel_alert(alert, body.validated_data["pin"])
        except WrongPin:
            raise PermissionDenied(WrongPin.message) from None
        except AlertClosed:
            raise Conflict(AlertClosed.message) from None
        return Response(AlertSerializer(alert).data)
