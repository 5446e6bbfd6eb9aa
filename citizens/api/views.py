"""App account endpoints: register, verify, profile, logout, disclosures."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.models import Disclosure
from citizens.actions import do_logout, do_register, do_update_profile, do_verify
from citizens.api.base import AppAPIView
from citizens.api.schema import THROTTLED, UNAUTHORIZED
from citizens.api.serializers import (
    DisclosureSerializer,
    ProfileSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    UserSerializer,
    VerifyResponseSerializer,
    VerifySerializer,
    field_errors,
)
from citizens.auth import AppTokenAuthentication, IsAppUser
from citizens.throttles import (
    ProfileThrottle,
    RegisterIPThrottle,
    RegisterPhoneThrottle,
    VerifyIPThrottle,
    VerifyPhoneThrottle,
)
from citizens.verification import CODE_TTL, Outcome


class RegisterView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [RegisterIPThrottle, RegisterPhoneThrottle]

    @extend_schema(
        tags=["app account"],
        summary="Request a sign-up code by SMS (인증번호 요청)",
        description="휴대전화로 6자리 인증번호를 보냅니다(5분 유효, 5회 시도). 같은 번호의 이전 인증번호는 "
        "무효가 됩니다.\n\nSends a 6-digit code by SMS, valid 5 minutes with 5 tries. A new request "
        "supersedes earlier codes for the same phone. Any usual Korean mobile form is accepted.",
        request=RegisterSerializer,
        responses={
            202: RegisterResponseSerializer,
            400: field_errors("RegisterError", "phone", "name"),
            429: THROTTLED,  # also the daily SMS budget of the number
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        do_register(data.validated_data["phone"], data.validated_data["name"])  # 429 over the SMS budget
        body = {"detail": _("A verification code has been sent by SMS."),
                "expires_in": int(CODE_TTL.total_seconds())}
        return Response(body, status=status.HTTP_202_ACCEPTED)


_VERIFY_ERRORS = {
    Outcome.NO_CODE: gettext_lazy("No code is pending for this phone; request a new one."),
    Outcome.EXPIRED: gettext_lazy("The code has expired; request a new one."),
    Outcome.EXHAUSTED: gettext_lazy("Too many wrong tries; request a new code."),
}


class VerifyView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyIPThrottle, VerifyPhoneThrottle]

    @extend_schema(
        tags=["app account"],
        summary="Verify the code and get a token (인증번호 확인, 토큰 발급)",
        description="인증번호가 맞으면 토큰을 발급합니다. "
        "처음이면 가입(이름은 인증번호 요청 때의 이름)합니다. "
        "틀리면 시도 횟수가 1 늘고, 만료되었거나 5회를 다 쓰면 새 인증번호를 요청해야 합니다.\n\n"
        "On the right code, returns a bearer token; the first verify creates the account with the "
        "name given at register. Wrong, expired and exhausted codes answer 400 on `code`.",
        request=VerifySerializer,
        responses={
            200: VerifyResponseSerializer,
            400: field_errors("VerifyError", "phone", "code", "device_name"),
            429: THROTTLED,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = do_verify(**data.validated_data)
        if result.outcome is Outcome.WRONG:
            raise serializers.ValidationError(
                {"code": [_("Wrong code; %(n)d tries left.") % {"n": result.tries_left}]}
            )
        if result.outcome is Outcome.INACTIVE:
            raise serializers.ValidationError({"phone": [_("This account is disabled.")]})
        if result.outcome is not Outcome.OK:
            raise serializers.ValidationError({"code": [str(_VERIFY_ERRORS[result.outcome])]})
        return Response({"token": result.token, "user": UserSerializer(result.citizen).data})


class MeView(AppAPIView):
    throttle_classes = [ProfileThrottle]  # changes only: each PIN is a PBKDF2
    @extend_schema(
        tags=["app account"],
        summary="My profile (내 정보)",
        description="이름, 전화번호, PIN 설정 여부. PIN 자체는 반환하지 않습니다.\n\n"
        "Name, phone and whether the PINs are set; PINs themselves are never returned.",
        responses={200: ProfileSerializer, 401: UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(request.user.citizen).data)

    @extend_schema(
        tags=["app account"],
        summary="Change name or PINs (내 정보 수정)",
        description="이름, 취소 PIN, 강요(duress) PIN을 바꿉니다. PIN은 4~8자리 숫자이고 두 PIN은 서로 "
        "달라야 합니다.\n\nSets `name`, `cancel_pin`, `duress_pin` (4–8 digits each; the two must "
        "differ, also from the one already stored). PINs are stored hashed.",
        request=ProfileSerializer,
        responses={
            200: ProfileSerializer,
            400: field_errors("ProfileError", "name", "cancel_pin", "duress_pin"),
            401: UNAUTHORIZED,
            429: THROTTLED,
        },
    )
    def patch(self, request: Request) -> Response:
        data = ProfileSerializer(self.citizen, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(ProfileSerializer(do_update_profile(self.citizen, **data.validated_data)).data)


class LogoutView(AppAPIView):
    @extend_schema(
        tags=["app account"],
        summary="Log out: revoke this token (로그아웃)",
        description="이 요청에 쓴 토큰을 폐기합니다. 이후 이 토큰은 401입니다.\n\n"
        "Revokes the token used for this request; it answers 401 afterwards.",
        request=None,
        responses={204: None, 401: UNAUTHORIZED},
    )
    def post(self, request: Request) -> Response:
        do_logout(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DisclosurePagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


class DisclosureListView(generics.ListAPIView):
    authentication_classes = [AppTokenAuthentication]
    permission_classes = [IsAppUser]
    serializer_class = DisclosureSerializer
    pagination_class = DisclosurePagination

    def get_queryset(self) -> QuerySet[Disclosure]:
        return Disclosure.objects.filter(citizen=self.request.user.citizen).order_by("-created_at", "-id")

    @extend_schema(
        tags=["app account"],
        summary="Who was given my location (위치정보 제공 내역)",
        description="내 위치정보가 누구에게 언제 왜 제공되었는지, 최신순(위치정보법 제19조).\n\n"
        "Each provision of your location to a third party (guardian, 112, 119), newest first.",
        responses={200: DisclosureSerializer(many=True), 401: UNAUTHORIZED},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)
