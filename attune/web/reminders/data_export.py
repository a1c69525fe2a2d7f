"""A member's reminder choices and the devices that may show them notifications, for the export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attune.web.reminders.models import PushSubscription, ReminderPreference

if TYPE_CHECKING:
    from attune.web.accounts.models import User


def export_member_data(user: User) -> dict[str, list[dict[str, Any]]]:
    fields = ("channel", "at", "quiet_from", "quiet_until", "last_sent_on", "language")
    prefs = ReminderPreference.objects.filter(user=user).values(*fields)
    devices = PushSubscription.objects.filter(user=user).values("endpoint", "created_at")
    return {"reminders": list(prefs), "push_devices": list(devices)}
