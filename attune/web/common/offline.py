"""What a submission made offline brings with it: an idempotency key and the time it was made.

A check-in or a practice made with no network waits on the member's device (static/js/offline-queue.js)
and is sent once the network is back, perhaps more than once if a reply is lost on the way. Each
carries a ``key`` (a UUID the page made); the server stores it beside the record, unique per member,
so a repeat of the same key creates nothing a second time. The device's own clock says when the
check-in or practice happened; that time is believed only within :data:`OFFLINE_WINDOW` of now.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.db import models
from django.db.models import Q

# How far back a time the member's device reports is believed: a device can be offline for days,
# and its clock can be wrong; anything older (or in the future) is taken as "now".
OFFLINE_WINDOW = dt.timedelta(days=14)


def key_field() -> forms.UUIDField:
    return forms.UUIDField(
        required=False, error_messages={"invalid": "This submission's key is not one attune made; reload the page."}
    )


def when_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        required=False, error_messages={"invalid": "That time is not a date and time attune can read."}
    )


def key_column() -> models.UUIDField[uuid.UUID | str | None, uuid.UUID | None]:
    """The column a record keeps its submission's key in (empty when it was made without one)."""
    return models.UUIDField(null=True, blank=True, editable=False)


def one_per_key(name: str) -> models.UniqueConstraint:
    """A member's records hold each key at most once; records without a key are not limited."""
    return models.UniqueConstraint(fields=["user", "client_key"], condition=Q(client_key__isnull=False), name=name)


def believed_time(reported: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """``reported`` if it lies within :data:`OFFLINE_WINDOW` before ``now``, else ``now``."""
    if reported is None or reported.tzinfo is None:
        return now
    if now - OFFLINE_WINDOW <= reported <= now:
        return reported
    return now
