"""Choosing reminders, adding a device, and sending the reminders that are due (the worker's job).

A reminder is due for a member when they chose one, it is at or after their chosen time (within
:data:`SEND_WINDOW`, so a worker that was down all morning does not send a morning reminder at
night), it is not their quiet hours, nothing was sent on their local day yet, and they have not
already checked in that day (then there is nothing to remind them of). The day is claimed with a
conditional UPDATE before anything is sent, so two workers never send two.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from attune.web.accounts.models import User
from attune.web.checkins.models import CheckIn
from attune.web.reminders import vapid
from attune.web.reminders.models import Channel, PushSubscription, ReminderPreference

logger = logging.getLogger(__name__)

SEND_WINDOW = dt.timedelta(hours=3)
MAX_DEVICES = 10
PUSH_TTL_S = 4 * 3600  # a push service may hold it this long for a phone that is off

# The words: an invitation, never a duty. No counts of missed days, no streaks.
TITLE = _("A moment for you, if you like")
BODY = _("You might take twenty seconds to notice how you are. Or not today: that's fine too.")
EMAIL_SUBJECT = _("A moment for you, if you like")
EMAIL_BODY = _(
    "Hello %(name)s,\n\n"
    "%(body)s\n\n"
    "If you'd like to, you can check in here: %(today)s\n"
    "A slow minute of breathing, or a hand on your chest, counts as much as anything longer.\n\n"
    "You chose to get this note once a day at most. You can change it or stop it here: %(change)s\n"
)


def language_of_reminders(pref: ReminderPreference) -> str:
    """The language the member chose their reminders in, else English."""
    return pref.language if pref.language in dict(settings.LANGUAGES) else "en"


class BadSubscription(ValueError):
    """A push subscription attune will not send to (say why, in plain words)."""


@dataclass(frozen=True)
class Sent:
    user_id: int
    channel: str


def _push_host_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    allowed = settings.ATTUNE_PUSH_HOSTS
    return any(host == a or host.endswith("." + a) for a in allowed)


def add_device(user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep a browser's push subscription for ``user``; replaces one with the same endpoint.

    Only the push services in ATTUNE_PUSH_HOSTS (the browsers' own, by default) and only https are
    accepted: the worker posts to this address, so it must never be one inside the server's network.
    """
    parts = urlsplit(endpoint)
    scheme_ok = parts.scheme == "https" or (parts.scheme == "http" and settings.ATTUNE_PUSH_ALLOW_HTTP)
    if not scheme_ok or not parts.hostname or not _push_host_allowed(parts.hostname):
        raise BadSubscription(gettext("This browser's push service is not one attune sends to."))
    try:
        ipaddress.ip_address(parts.hostname)
        literal = True
    except ValueError:
        literal = False
    if literal and not settings.ATTUNE_PUSH_ALLOW_HTTP:
        raise BadSubscription(gettext("This browser's push service is not one attune sends to."))
    if not (40 <= len(p256dh) <= 200 and 10 <= len(auth) <= 100):
        raise BadSubscription(gettext("This browser's push keys are not ones attune can use."))
    if user.push_subscriptions.exclude(endpoint=endpoint).count() >= MAX_DEVICES:
        raise BadSubscription(
            gettext("Notifications can go to at most %(n)s devices; remove one first.") % {"n": MAX_DEVICES}
        )
    sub, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "created_at": timezone.now()}
    )
    return sub


def is_due(pref: ReminderPreference, now: dt.datetime) -> bool:
    if pref.channel == Channel.NONE:
        return False
    local = now.astimezone(pref.user.zone)
    if pref.last_sent_on == local.date() or pref.is_quiet(local.time()):
        return False
    chosen = local.replace(hour=pref.at.hour, minute=pref.at.minute, second=0, microsecond=0)
    if not chosen <= local < chosen + SEND_WINDOW:
        return False
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return not CheckIn.objects.filter(user_id=pref.user_id, created_at__gte=day_start).exists()


def _claim(pref: ReminderPreference, day: dt.date) -> bool:
    """Take ``day`` for this member's reminder; False if it was taken already (by another worker)."""
    qs = ReminderPreference.objects.filter(pk=pref.pk).filter(Q(last_sent_on__isnull=True) | ~Q(last_sent_on=day))
    return qs.update(last_sent_on=day) == 1


def send_due(now: dt.datetime | None = None) -> list[Sent]:
    """Send every reminder due at ``now``; what was sent."""
    now = now or timezone.now()
    sent = []
    prefs = ReminderPreference.objects.exclude(channel=Channel.NONE).select_related("user")
    for pref in prefs:
        if not pref.user.is_active or not is_due(pref, now):
            continue
        if not _claim(pref, now.astimezone(pref.user.zone).date()):
            continue
        try:
            with translation.override(language_of_reminders(pref)):
                delivered = send_push(pref.user) if pref.channel == Channel.PUSH else send_email(pref.user)
        except Exception:
            logger.exception("reminder for member %s could not be sent", pref.user_id)
            continue
        if delivered:
            sent.append(Sent(pref.user_id, pref.channel))
    return sent


def _payload() -> str:
    """The notification, in the language active now."""
    return json.dumps({"title": str(TITLE), "body": str(BODY), "url": reverse("today:today")})


def send_push(user: User) -> int:
    """Push the reminder to each of ``user``'s devices; how many took it. Gone devices are forgotten."""
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    signer = Vapid(private_key=vapid.private_key())
    delivered = 0
    for sub in list(user.push_subscriptions.all()):
        try:
            webpush(
                subscription_info=sub.info(),
                data=_payload(),
                vapid_private_key=signer,
                vapid_claims={"sub": settings.ATTUNE_PUSH_CONTACT},
                ttl=PUSH_TTL_S,
                timeout=10,
                headers={"Urgency": "low"},
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                sub.delete()  # the browser unsubscribed: this address is gone for good
            else:
                logger.warning("push to subscription %s failed: %s", sub.pk, status)
            continue
        delivered += 1
    return delivered


def send_email(user: User) -> int:
    """The reminder by email, in the language active now."""
    if not user.email:
        return 0
    body = EMAIL_BODY % {
        "name": user.name,
        "body": BODY,
        "today": settings.SITE_URL + reverse("today:today"),
        "change": settings.SITE_URL + reverse("reminders:settings"),
    }
    return send_mail(str(EMAIL_SUBJECT), body, None, [user.email])
