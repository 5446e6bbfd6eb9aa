"""Request and response bodies of the app's guardian endpoints."""

from __future__ import annotations

from rest_framework import serializers

from citizens.api.serializers import MobileField
from guardians.models import Guardian


class GuardianSerializer(serializers.ModelSerializer):
    phone = MobileField()
    declined = serializers.SerializerMethodField(help_text="The guardian declined by the SMS link; "
                                                            "they are told nothing more.")

    class Meta:
        model = Guardian
        fields = ["id", "name", "phone", "relation", "declined", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"relation": {"required": False}}

    def get_declined(self, obj: Guardian) -> bool:
        return obj.declined_at is not None
