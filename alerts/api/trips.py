"""Safe-return trips of the app API (endpoint 5). Thin: parse, call an action, answer."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from alerts.actions.trips import TripClosed, do_add_trip_locations, do_arrive_trip, do_start_trip
from alerts.api.alerts import ERRORS, Conflict
from alerts.api.common import TripStartThrottle
from alerts.api.serializers import AcceptedSerializer, DetailSerializer, TripCreateSerializer, TripSerializer
from alerts.locations import LocationBatchSerializer
from alerts.models import Trip
from citizens.api.base import AppAPIView
from guardians.notify import active_guardians
from sms import budget

TAGS = ["app: safe-return trips"]
CLOSED = OpenApiResponse(DetailSerializer, description="The trip has ended. / 이미 끝난 귀가.")


class TripListView(AppAPIView):
    throttle_classes = [TripStartThrottle]  # each start texts every guardian
    @extend_schema(
        tags=TAGS,
        summary="안심귀가 시작 / Start a safe-return trip",
        description=(
            "현재 위치, 목적지, 도착 예정 시각(지금부터 12시간 이내)으로 귀가를 시작하고 보호자에게 "
            "위치 링크를 문자로 보냅니다. 진행 중인 귀가가 있으면 그 귀가는 종료(ended)됩니다.\n\n"
            "Starts a trip from the current location to the destination, expected within 12 hours; "
            "guardians get an SMS with a tracking link. A user's previous active trip ends (status "
            "\"ended\"): one active trip per user."
        ),
        request=TripCreateSerializer,
        responses={201: TripSerializer, 400: OpenApiResponse(description="Invalid input. / 입력 오류."),
                   401: ERRORS[401],
                   429: OpenApiResponse(DetailSerializer, description="Throttled, or the day's SMS budget "
                                                                      "is spent. / 요청 과다.")},
    )
    def post(self, request: Request) -> Response:
        body = TripCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # Over the day's SMS budget the trip is refused (429), not started without its texts.
        budget.charge(self.citizen.pk, [guardian.phone for guardian in active_guardians(self.citizen)])
        trip = do_start_trip(self.citizen, data["location"], data["destination"], data["destination_name"],
                             data["expected_arrival"])
        return Response(TripSerializer(trip).data, status=status.HTTP_201_CREATED)


class TripDetailView(AppAPIView):
    @extend_schema(tags=TAGS, summary="귀가 조회 / A trip", description="본인의 귀가. / The user's own trip.",
                   responses={200: TripSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(TripSerializer(self.get_own(Trip.objects.all(), pk)).data)


class TripLocationsView(AppAPIView):
    @extend_schema(
        tags=TAGS,
        summary="귀가 위치 보고 / Report positions of a trip",
        description=(
            "1–100개의 위치를 저장합니다. 마지막 위치는 배열 순서가 아니라 "
            "recorded_at이 가장 최근인 것입니다.\n\n"
            "Stores 1–100 locations; the trip's and user's last location become the newest by "
            "recorded_at, not the last in the array. A bad location is a 400 naming the field and "
            "nothing is stored. An arrived or ended trip is a 409."
        ),
        request=LocationBatchSerializer,
        responses={202: AcceptedSerializer, 400: OpenApiResponse(description="Invalid location(s)."),
                   409: CLOSED, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        batch = LocationBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        fixes = batch.validated_data["locations"]
        try:
            do_add_trip_locations(self.citizen.pk, pk, fixes)
        except Trip.DoesNotExist:
            raise Http404 from None  # someone else's: 404, never 403 (ids don't leak)
        except TripClosed:
            raise Conflict(TripClosed.message) from None
        return Response({"accepted": len(fixes)}, status=status.HTTP_202_ACCEPTED)


class TripArriveView(AppAPIView):
    @extend_schema(
        tags=TAGS,
        summary="도착 / Arrived",
        description=(
            "도착 처리하고 보호자에게 알립니다. 이미 도착한 귀가는 같은 200(멱등), 종료된 귀가는 409.\n\n"
            "Marks the trip arrived and tells the guardians. Arriving again is the same 200 "
            "(idempotent); an ended trip is a 409."
        ),
        request=None,
        responses={200: TripSerializer, 409: CLOSED, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        trip = self.get_own(Trip.objects.all(), pk)
        try:
            trip = do_arrive_trip(trip)
        except TripClosed:
            raise Conflict(TripClosed.message) from None
        return Response(TripSerializer(trip).data)
