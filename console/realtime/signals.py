"""A staff member saved (deactivated, role or center changed) or logged out: tell their open
consoles at once.

The console consumer re-reads such a user and closes with 4403 if they may no longer watch
(console/realtime/hub.py); without this it would notice only at its periodic re-check. The message
carries the user's id only (and, for a logout, a digest of the session it ends: that console
closes with 4401), nothing personal, and a Redis failure never fails the save or the logout.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from console.realtime.sessions import session_digest
from operators.models import User

logger = logging.getLogger(__name__)

SEND_TIMEOUT_S = 2.0


def staff_group(user_id: int) -> str:
    return f"staff.{user_id}"


@receiver(post_save, sender=User, dispatch_uid="console.realtime.signals.staff_changed")
def staff_changed(sender: type, instance: User, update_fields: frozenset | None = None,
                  **kwargs: object) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login saves this; nothing a console depends on
    user_id = instance.pk
    transaction.on_commit(lambda: _tell(user_id))


@receiver(user_logged_out, dispatch_uid="console.realtime.signals.staff_logged_out")
def staff_logged_out(sender: type, request: object, user: User | None, **kwargs: object) -> None:
    # Sent before the session is flushed: the consoles of this session close now; the user's
    # other sessions are re-checked (and keep their sockets while they last).
    key = getattr(getattr(request, "session", None), "session_key", None)
    if user is not None and user.pk is not None and isinstance(user, User):
        _tell(user.pk, session_digest(key) if key else None)


def _tell(user_id: int, session: str | None = None) -> None:
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(_send)(layer, user_id, session)
    except Exception:  # Redis away: the consoles' periodic re-check still cuts them off
        logger.warning("could not tell the consoles of user %s that it changed", user_id, exc_info=True)


async def _send(layer: object, user_id: int, session: str | None = None) -> None:
    message = {"type": "staff.changed", "user": user_id} | ({"session": session} if session else {})
    await asyncio.wait_for(layer.group_send(staff_group(user_id), message), timeout=SEND_TIMEOUT_S)
