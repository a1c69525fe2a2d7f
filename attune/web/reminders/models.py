"""What a member chose about reminders, and the devices that may show them a notification."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    NONE = "none", _("No reminders")
    PUSH = "push", _("A notification on my device")
    EMAIL = "email", _("A short e-mail")


class ReminderPreference(models.Model):
    """One per member who has opened the reminder settings; no row (or ``none``) means no reminders."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.NONE)
    at = models.TimeField(default=dt.time(9, 0), help_text="Local time of day, in the member's own time zone.")
    quiet_from = models.TimeField(default=dt.time(21, 0))
    quiet_until = models.TimeField(default=dt.time(8, 0))
    # The member's local date of the last reminder sent: claimed before sending, so never two a day.
    last_sent_on = models.DateField(null=True, blank=True)
    # The language the member chose these in: the reminders are written in it.
    language = models.CharField(max_length=10, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.CheckConstraint(condition=Q(channel__in=[c.value for c in Channel]), name="reminder_channel_known"),
        )

    def __str__(self) -> str:
        return f"{self.get_channel_display()} at {self.at:%H:%M}"

    def is_quiet(self, local: dt.time) -> bool:
        """Whether ``local`` falls in the quiet hours (which may run past midnight)."""
        start, end = self.quiet_from, self.quiet_until
        if start == end:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end


class PushSubscription(models.Model):
    """A browser's push endpoint and keys (RFC 8030, RFC 8291) for one of the member's devices."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"push subscription {self.pk}"

    def info(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
