"""The citizen's guardians (보호자): list, add (max 5, SMS with a decline link), remove."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from citizens.api.base import AppAPIView
from citizens.api.schema import NOT_FOUND, THROTTLED, UNAUTHORIZED
from citizens.api.serializers import field_errors
from citizens.throttles import GuardianChangeThrottle
from guardians.actions import do_add_guardian, do_remove_guardian
from guardians.api.serializers import GuardianSerializer
from guardians.models import Guardian


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
        guardian = do_add_guardian(self.citizen, **data.validated_data)
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
        do_remove_guardian(self.get_own(Guardian.objects.all(), id))  # another's id: 404
        return Response(status=status.HTTP_204_NO_CONTENT)
