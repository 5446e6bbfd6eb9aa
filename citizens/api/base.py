"""The base of every app endpoint (the account's here, the guardians' and alerts' too). Not in
citizens.auth: DRF's APIView reads the authentication settings on import, and those name citizens.auth."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework.views import APIView

from citizens.auth import AppTokenAuthentication, IsAppUser
from citizens.models import Citizen


class AppAPIView(APIView):
    """Base of every app endpoint: bearer token of a citizen, own objects only."""

    authentication_classes = [AppTokenAuthentication]
    permission_classes = [IsAppUser]

    @property
    def citizen(self) -> Citizen:
        return self.request.user.citizen

    def get_own(self, queryset: QuerySet, pk: int) -> Model:
        """The citizen's own object; anyone else's is a 404, never a 403 (ids don't leak)."""
        obj = queryset.filter(pk=pk, citizen=self.citizen).first()
        if obj is None:
            raise Http404
        return obj
