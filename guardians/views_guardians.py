"""The citizen's guardians (보호자): list, add (max 5, SMS with a decline link), remove."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from guardians.api import NOT_FOUND, THROTTLED, UNAUTHORIZED
from guardians.app_views import AppAPIView
from guardians.models import Citizen, Guardian, new_decline_token
from guardians.serializers import GuardianSerializer, field_errors
from guardians.throttles import GuardianChangeThrottle
from sms import budget
from sms.outbox import SMS_PREFIX, queue_sms

MAX_GUARDIANS = 5


def decline_url(token: str) -> str:
    return settings.SITE_URL + reverse("guardian-decline", args=[token])


def _duplicate_phone() -> serializers.ValidationError:
    return serializers.ValidationError({"phone": [_("This phone is already one of your guardians.")]})


def add_guardian(citizen: Citizen, name: str, phone: str, relation: str = "") -> Guardian:
    """Create the guardian and queue their SMS in one transaction; 400s as ValidationError."""
    if phone == citizen.phone:
        raise serializers.ValidationError({"phone": [_("You can't be your own guardian.")]})
    with transaction.atomic():
        # Locking the citizen row serialises concurrent adds, so the count check holds.
        Citizen.objects.select_for_update().filter(pk=citizen.pk).first()
        if citizen.guardians.count() >= MAX_GUARDIANS:
            raise serializers.ValidationError(
                {"non_field_errors": [_("You can have at most %(n)d guardians.") % {"n": MAX_GUARDIANS}]}
            )
        if citizen.guardians.filter(phone=phone).exists():
            raise _duplicate_phone()
        budget.charge(citizen.pk, [phone])  # a 429 over the day's SMS budget; nothing stored
        try:
            token, digest = new_decline_token()  # only the digest is stored
            with transaction.atomic():  # savepoint: the unique constraint is the last word
                guardian = Guardian.objects.create(
                    citizen=citizen, name=name, phone=phone, relation=relation, decline_token=digest,
                )
        except IntegrityError:
            raise _duplicate_phone() from None
        queue_sms(
            phone,
            f"{SMS_PREFIX} {citizen.name}님이 회원님을 보호자로 지정했습니다. 원치 않으시면: "
            f"{decline_url(token)}",
            "guardian_added",
        )
    return guardian


class GuardianListView(AppAPIView):
    throttle_classes = [GuardianChangeThrottle]  # adds only (each texts the new guardian)
    @extend_schema(
        tags=["app guardians"],
        summary="My guardians (내 보호자 목록)",
        description="등록한 보호자 목록(최대 5명). `declined`는 보호자가 SMS 링크로 거절했음을 뜻합니다.\n\n"
        "Your guardians (at most 5); `declined` means they refused by the SMS link and get nothing more.",
        responses={200: GuardianSerializer(many=True), 401: UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        guardians = request.user.citizen.guardians.order_by("id")
        return Response(GuardianSerializer(guardians, many=True).data)

    @extend_schema(
        tags=["app guardians"],
        summary="Add a guardian (보호자 추가)",
        description="보호자를 추가하면 보호자에게 거절 링크가 담긴 SMS가 갑니다. "
        "최대 5명, 같은 번호 중복 불가, "
        "본인 번호 불가.\n\nAdds a guardian, who gets an SMS with a link to decline. At most 5; "
        "the same phone twice and your own phone are refused (400).",
        request=GuardianSerializer,
        responses={
            201: GuardianSerializer,
            400: field_errors("GuardianError", "name", "phone", "relation", "non_field_errors"),
            401: UNAUTHORIZED,
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        data = GuardianSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guardian = add_guardian(request.user.citizen, **data.validated_data)
        return Response(GuardianSerializer(guardian).data, status=status.HTTP_201_CREATED)


class GuardianDetailView(AppAPIView):
    throttle_classes = [GuardianChangeThrottle]
    @extend_schema(
        tags=["app guardians"],
        summary="Remove a guardian (보호자 삭제)",
        description="보호자를 삭제합니다. 다른 사람의 보호자 id는 404입니다.\n\n"
        "Removes one of your guardians; another user's guardian id answers 404.",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Guardian id.")],
        responses={204: None, 401: UNAUTHORIZED, 404: NOT_FOUND, 429: THROTTLED},
    )
    def delete(self, request: Request, id: int) -> Response:  # the contract names it {id}
        get_object_or_404(Guardian, pk=id, citizen=request.user.citizen).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
