"""Request and response bodies of the app's account endpoints, and the pieces every app endpoint
shares (the mobile number field, the documented 400 body)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from alerts.models import Disclosure
from citizens.models import Citizen
from hwaseong_safety.phones import InvalidPhone, normalize_mobile

_PIN = re.compile(r"[0-9]{4,8}")  # ASCII only: \d would take full-width and other digits


@extend_schema_field({"type": "string", "example": "010-1234-5678"})
class MobileField(serializers.CharField):
    """A Korean mobile number in any usual form in; the normalised 01012345678 out."""

    default_error_messages = {"invalid_mobile": _("Enter a valid Korean mobile number, e.g. 010-1234-5678.")}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> str:
        raw = super().to_internal_value(data)
        try:
            return normalize_mobile(raw)
        except InvalidPhone:
            self.fail("invalid_mobile")


def _name_field() -> serializers.CharField:
    return serializers.CharField(max_length=50, trim_whitespace=True)


class RegisterSerializer(serializers.Serializer):
    phone = MobileField()
    name = _name_field()


class RegisterResponseSerializer(serializers.Serializer):
    detail = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the code stays valid.")


class VerifySerializer(serializers.Serializer):
    phone = MobileField()
    code = serializers.RegexField(r"\A[0-9]{6}\Z", error_messages={"invalid": _("Enter the 6-digit code.")})
    device_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = Citizen
        fields = ["id", "name", "phone"]


class VerifyResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as 'Authorization: Bearer <token>'.")
    user = UserSerializer()


class PinField(serializers.CharField):
    default_error_messages = {"pin": _("A PIN is 4 to 8 digits.")}

    def __init__(self, **kwargs: object) -> None:
        super().__init__(write_only=True, required=False, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):  # a JSON number would lose its leading zeros
            self.fail("pin")
        value = super().to_internal_value(data)
        if not _PIN.fullmatch(value):
            self.fail("pin")
        return value


class ProfileSerializer(serializers.ModelSerializer):
    has_cancel_pin = serializers.SerializerMethodField()
    has_duress_pin = serializers.SerializerMethodField()
    name = _name_field()
    cancel_pin = PinField(help_text="4–8 digits; cancels an SOS. Never returned.")
    duress_pin = PinField(help_text="4–8 digits, different from the cancel PIN; seems to cancel an SOS "
                                    "but silently tells the center you are under duress. Never returned.")

    class Meta:
        model = Citizen
        fields = ["id", "name", "phone", "has_cancel_pin", "has_duress_pin", "created_at",
                  "cancel_pin", "duress_pin"]
        read_only_fields = ["id", "phone", "created_at"]

    def get_has_cancel_pin(self, obj: Citizen) -> bool:
        return bool(obj.cancel_pin)

    def get_has_duress_pin(self, obj: Citizen) -> bool:
        return bool(obj.duress_pin)

    def validate(self, attrs: dict) -> dict:
        cancel, duress = attrs.get("cancel_pin"), attrs.get("duress_pin")
        citizen: Citizen | None = self.instance
        # Equal pins would make a duress cancel indistinguishable from a real one.
        same = _("The cancel PIN and the duress PIN must be different.")
        if cancel is not None and duress is not None:
            if cancel == duress:
                raise serializers.ValidationError({"duress_pin": [same]})
        elif citizen is not None and cancel is not None and citizen.pin_matches("duress_pin", cancel):
            raise serializers.ValidationError({"cancel_pin": [same]})
        elif citizen is not None and duress is not None and citizen.pin_matches("cancel_pin", duress):
            raise serializers.ValidationError({"duress_pin": [same]})
        return attrs


class DisclosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disclosure
        fields = ["id", "recipient_kind", "recipient", "purpose", "alert", "trip", "created_at"]
        read_only_fields = fields


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


def field_errors(name: str, *fields: str) -> serializers.Serializer:
    """A documented DRF 400 body: {field: [messages]} for the given fields."""
    return inline_serializer(
        name, {f: serializers.ListField(child=serializers.CharField(), required=False) for f in fields}
    )
