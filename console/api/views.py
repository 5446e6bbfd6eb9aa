"""HTTP API of the operator console (docs/console-protocol.md). Thin: find the alert the user may
see, parse, call a ``do_*`` action, answer. Session auth with CSRF; center staff only."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.actions import handling as actions
from alerts.models import Alert
from cameras.models import Camera
from console.api import serializers as s
from console.visibility import console_alerts_queryset, open_queue, visible_alert
from operators.audit import record_access
from operators.models import AccessAction, Center
from operators.permissions import requires
from operators.roles import Capability

TAGS = ["console"]
ERRORS = {
    403: OpenApiResponse(description="Not logged in, not center staff, or bad CSRF token."),
    404: OpenApiResponse(description="No such alert, or not visible to you."),
}
CONFLICT = {409: OpenApiResponse(s.ConflictSerializer, description="Claimed by someone else, finished, "
                                                                    "already with that center, agency "
                                                                    "already asked, or nothing to phone.")}


class ConsoleAPIView(APIView):
    # Session only: an app token must never act as staff (it could not anyway: IsCenterStaff).
    authentication_classes = [SessionAuthentication]
    # Which role may do what: operators/roles.py (docs/security.md); each action narrows it.
    permission_classes = [requires(Capability.WATCH_ALERTS)]
    # What a successful request writes to the access log (issue 6); None: nothing.
    audit_action: str | None = None
    audited_alert: Alert | None = None
    audit_detail: dict | None = None

    def get_alert(self, pk: int) -> Alert:
        alert = visible_alert(self.request.user, pk)
        if alert is None:
            raise NotFound  # never 403: ids of other centers' alerts don't leak
        self.audited_alert = alert
        return alert

    def dispatch(self, request: object, *args: object, **kwargs: object) -> Response:
        if self.audit_action is None:
            return super().dispatch(request, *args, **kwargs)
        # The action and its access record commit together: nothing is done or seen unrecorded.
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            alert = self.audited_alert
            if response.status_code < 400 and alert is not None:
                record_access(self.request, self.audit_action, subject_citizen_id=alert.citizen_id,
                              target=f"alert:{alert.pk}", detail=self.audit_detail)
        return response

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, actions.ConsoleConflict):
            return Response(_conflict_body(exc), status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    @staticmethod
    def parsed(serializer_class: type[serializers.Serializer], request: Request) -> dict:
        body = serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


def _conflict_body(exc: actions.ConsoleConflict) -> dict:
    return {"detail": str(exc.message), "code": exc.code, "claimed_by": s.user_brief(exc.alert.claimed_by),
            "status": exc.alert.status}


def _result(alert: Alert, event: object, **extra: object) -> Response:
    # Re-read with what the serializer needs: the action's copy was locked without its relations.
    alert = console_alerts_queryset(Alert.objects.filter(pk=alert.pk)).get()
    return Response(s.ActionResultSerializer({"alert": alert, "event": event}).data | extra)


class QueueView(ConsoleAPIView):
    @extend_schema(tags=TAGS, summary="Open alerts queue",
                   description="Your visible open alerts: duress first, then SOS, then overdue trips; "
                               "oldest first within each.",
                   responses={200: s.ConsoleAlertSerializer(many=True), 403: ERRORS[403]})
    def get(self, request: Request) -> Response:
        alerts = console_alerts_queryset(open_queue(request.user))
        return Response(s.ConsoleAlertSerializer(alerts, many=True).data)


class AlertDetailView(ConsoleAPIView):
    audit_action = AccessAction.ALERT_VIEW

    @extend_schema(tags=TAGS, summary="Alert detail", responses={200: s.AlertDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.alert_detail(self.get_alert(pk)))


class ClaimView(ConsoleAPIView):
    permission_classes = [requires(Capability.CLAIM)]
    audit_action = AccessAction.ALERT_CLAIM

    @extend_schema(tags=TAGS, summary="Claim an alert", request=s.EmptySerializer,
                   responses={200: s.ActionResultSerializer, **ERRORS, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        return _result(*actions.do_claim_alert(self.get_alert(pk), request.user))


class AcknowledgeView(ConsoleAPIView):
    permission_classes = [requires(Capability.CLAIM)]
    audit_action = AccessAction.ALERT_ACKNOWLEDGE

    @extend_schema(tags=TAGS, summary="Acknowledge an alert (app: in_progress)", request=s.EmptySerializer,
                   responses={200: s.ActionResultSerializer, **ERRORS, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        return _result(*actions.do_acknowledge_alert(self.get_alert(pk), request.user))


class NotesView(ConsoleAPIView):
    permission_classes = [requires(Capability.NOTE)]
    audit_action = AccessAction.ALERT_NOTE

    @extend_schema(tags=TAGS, summary="Add a note to the timeline", request=s.NoteSerializer,
                   responses={201: s.NoteResultSerializer, 400: OpenApiResponse(description="Bad text."),
                              **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        alert = self.get_alert(pk)
        event = actions.do_add_note(alert, request.user, self.parsed(s.NoteSerializer, request)["text"])
        self.audit_detail = {"event": event.pk}  # the note's id: its text may name people
        return Response(s.NoteResultSerializer({"event": event}).data, status=status.HTTP_201_CREATED)


class EscalateView(ConsoleAPIView):
    permission_classes = [requires(Capability.ESCALATE)]
    audit_action = AccessAction.ALERT_ESCALATE

    @extend_schema(tags=TAGS, summary="Escalate to police and/or fire (app: dispatched)",
                   request=s.EscalateSerializer,
                   responses={200: s.EscalateResultSerializer, 400: OpenApiResponse(description="Bad body."),
                              **ERRORS, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        body = self.parsed(s.EscalateSerializer, request)
        alert, event, escalations = actions.do_escalate_alert(
            self.get_alert(pk), request.user, body["agencies"], body["reason"], body["repeat_reason"])
        self.audit_detail = {"agencies": sorted(e.agency for e in escalations)}
        return _result(alert, event, escalations=s.EscalationSerializer(escalations, many=True).data)


class PhonedView(ConsoleAPIView):
    """The operator reported the alert to 112/119 by phone (the request did not get through)."""

    permission_classes = [requires(Capability.ESCALATE)]
    audit_action = AccessAction.ALERT_ESCALATE

    @extend_schema(tags=TAGS, summary="Record a phone call to police or fire (ends the alarm)",
                   request=s.PhonedSerializer,
                   responses={200: s.ActionResultSerializer, 400: OpenApiResponse(description="Bad body."),
                              **ERRORS, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        alert = self.get_alert(pk)
        body = self.parsed(s.PhonedSerializer, request)
        self.audit_detail = {"phoned": body["agency"]}
        return _result(*actions.do_record_phone_call(alert, request.user, body["agency"], body["reference"],
                                                     body.get("called_at")))


class TransferView(ConsoleAPIView):
    permission_classes = [requires(Capability.TRANSFER)]
    audit_action = AccessAction.ALERT_TRANSFER

    @extend_schema(tags=TAGS, summary="Transfer to another center", request=s.TransferSerializer,
                   responses={200: s.ActionResultSerializer,
                              400: OpenApiResponse(description="Unknown center."), **ERRORS, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        alert = self.get_alert(pk)
        code = self.parsed(s.TransferSerializer, request)["center"]
        center = Center.objects.linked().filter(code=code).first()
        if center is None:
            raise serializers.ValidationError({"center": [s.UNKNOWN_CENTER]})
        self.audit_detail = {"from": alert.center_id, "to": center.code}
        return _result(*actions.do_transfer_alert(alert, request.user, center))


class CloseView(ConsoleAPIView):
    permission_classes = [requires(Capability.CLOSE)]
    audit_action = AccessAction.ALERT_CLOSE

    @extend_schema(tags=TAGS, summary="Close with a disposition", request=s.CloseSerializer,
                   responses={200: s.ActionResultSerializer, 400: OpenApiResponse(description="Bad body."),
                              **ERRORS, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        body = self.parsed(s.CloseSerializer, request)
        self.audit_detail = {"disposition": body["disposition"]}
        return _result(*actions.do_close_alert(self.get_alert(pk), request.user, body["disposition"],
                                               body["note"]))


class CameraOpenedSerializer(serializers.Serializer):
    alert = serializers.IntegerField(required=False, allow_null=True,
                                     help_text="The alert the wall was showing cameras for, if any.")


class CameraOpenedView(ConsoleAPIView):
    """The console's video wall says it started showing a camera: the feed itself goes from the
    camera to the browser, so this is the only place the opening can be recorded."""

    permission_classes = [requires(Capability.OPEN_CAMERAS)]

    @extend_schema(tags=TAGS, summary="Record that a camera feed was opened", request=CameraOpenedSerializer,
                   responses={204: None, 400: OpenApiResponse(description="Malformed body."), **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        if not Camera.objects.filter(pk=pk).exists():
            raise NotFound
        alert_id = self.parsed(CameraOpenedSerializer, request).get("alert")
        # Opened for an alert: the camera looks at that citizen's surroundings.
        alert = self.get_alert(alert_id) if alert_id is not None else None
        record_access(request, AccessAction.CAMERA_OPENED,
                      subject_citizen_id=alert.citizen_id if alert else None, target=f"camera:{pk}",
                      detail={"alert": alert.pk} if alert else None)
        return Response(status=status.HTTP_204_NO_CONTENT)
