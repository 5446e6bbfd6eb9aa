"""A staff member saved (deactivated, role or center changed): tell their open consoles at once.

The console consumer re-reads such a user and closes with 4403 if they may no longer watch
(operators/console_hub.py); without this it would notice only at its periodic re-check. The message
carries the user's id only, nothing personal, and a Redis failure never fails the save.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from operators.models import User

logger = logging.getLogger(__name__)

SEND_TIMEOUT_S = 2.0


def staff_group(user_id: int) -> str:
    return f"staff.{user_id}"


@receiver(post_save, sender=User, dispatch_uid="operators.signals.staff_changed")
def staff_changed(sender: type, instance: User, update_fields: frozenset | None = None,
                  **kwargs: object) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login saves this; nothing a console depends on
    user_id = instance.pk
    transaction.on_commit(lambda: _tell(user_id))


def _tell(user_id: int) -> None:
    try:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(_send)(layer, user_id)
    except Exception:  # Redis away: the consoles' periodic re-check still cuts them off
        logger.warning("could not tell the consoles of user %s that it changed", user_id, exc_info=True)


async def _send(layer: object, user_id: int) -> None:
    await asyncio.wait_for(layer.group_send(staff_group(user_id), {"type": "staff.changed"}),
                           timeout=SEND_TIMEOUT_S)
