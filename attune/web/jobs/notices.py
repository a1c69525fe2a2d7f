"""A short email to the member when something about how they sign in changes.

When the password, the email address or two-step sign-in changes, the member hears of it by email,
so that a change they did not make does not go unnoticed. The notice is sent by the task worker
(never inside the request), holds no link that signs anyone in or resets anything, and says what to
do if it was not them. The email-change notice goes to the *previous* address.

Anything that changes sign-in sends ``accounts.signals.security_event``; the kinds in ``NOTICES``
get a notice through :func:`on_security_event` (connected in ``JobsConfig.ready``). Code that
needs to send one directly calls :func:`notify_security_change`. A new address is confirmed
first by a link sent to it (:func:`send_email_confirmation`), the one email here with a token.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from attune.web.audit.agents import in_language, summarise
from attune.web.jobs import queue

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from attune.web.accounts.models import User

#: What changed, as the subject and first line say it (worded in the language the notice goes out in).
NOTICES: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "password_changed": (_("Your password was changed"), _("the password of your account was changed")),
    "password_reset": (_("Your password was set with a reset link"), _("a new password was set with a reset link")),
    "email_changed": (_("Your email address was changed"), _("the email address of your account was changed")),
    "mfa_enabled": (_("Two-step sign-in was turned on"), _("two-step sign-in was turned on for your account")),
    "mfa_disabled": (_("Two-step sign-in was turned off"), _("two-step sign-in was turned off for your account")),
    "recovery_codes_regenerated": (
        _("New recovery codes were made"),
        _("new recovery codes were made for your account"),
    ),
    "passkey_added": (_("A passkey was added"), _("a passkey was added to your account")),
    "passkey_removed": (_("A passkey was removed"), _("a passkey was removed from your account")),
}

BODY = _("""Hello {name},

This is a short note from {site} to let you know that {what}, on {when}{device}.

If this was you, there is nothing more to do. You can let this email go.

If it was not you, someone else may know your password. {advice}

If you need a hand, whoever runs this attune can help.

{site}
""")

ADVICE = _("""You might:
- set a new password now: ask for a reset link at {reset_url};
- then, under "You", choose "Sign out everywhere else", and look through
  "Account activity" for anything you don't recognise.""")

# A reset link would now go to the new address, so it is no help to someone reading the old one.
EMAIL_ADVICE = _(
    "Password reset links now go to the new address, so a reset would not reach you here.\n"
    'If you are still signed in somewhere, you might change your email back under "You", then your\n'
    'password, then choose "Sign out everywhere else". If you are not, the person who runs this\n'
    "attune can put your email back."
)


def _when(user: Any, at: dt.datetime) -> str:
    local = at.astimezone(user.zone)
    return str(_("{date} at {time} ({zone})")).format(
        date=formats.date_format(local, "DATE_FORMAT"), time=f"{local:%H:%M}", zone=local.tzname()
    )


def language_of(request: HttpRequest | None) -> str:
    """The language a notice goes out in: the one the member was using when it happened, if a
    request says so (the browser's, or the one chosen under You → Language); else English."""
    code = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    return code if code in dict(settings.LANGUAGES) else "en"


def message(
    user: Any, what: str, address: str, at: dt.datetime, device: str = "", language: str = "en"
) -> EmailMessage:
    """The notice for ``what`` (a key of ``NOTICES``), to ``address``, in ``language``."""
    with translation.override(language or "en"):
        subject, line = NOTICES[what]
        site = str(getattr(settings, "SITE_NAME", "attune"))
        body = str(BODY).format(
            name=user.name,
            site=site,
            what=line,
            when=_when(user, at),
            device=str(_(", from {device}")).format(device=in_language(device)) if device else "",
            advice=EMAIL_ADVICE
            if what == "email_changed"
            else str(ADVICE).format(reset_url=f"{settings.SITE_URL}{reverse('accounts:password_reset')}"),
        )
        return EmailMessage(f"{site}: {subject}", body, to=[address])


@queue.task("accounts.security_notice", retries=3, retry_delay=120)
def send_security_notice(
    user_id: int, what: str, address: str, at_iso: str, device: str = "", language: str = "en"
) -> bool:
    """The worker's half: send one notice (False if the account is gone in the meantime)."""
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return False
    message(user, what, address, dt.datetime.fromisoformat(at_iso), device, language).send()
    return True


def notify_security_change(
    user: User, what: str, *, to: str | None = None, request: HttpRequest | None = None
) -> bool:
    """Queue the notice for ``what`` to ``to`` (by default the member's address), once the current
    transaction commits. False, and nothing queued, when there is no address to write to."""
    if what not in NOTICES:
        raise ValueError(f"no notice for {what!r}; add its words to NOTICES")
    address = user.email if to is None else to
    if not address:
        return False
    device = summarise(str(request.META.get("HTTP_USER_AGENT", ""))) if request is not None else ""
    args = (user.pk, what, address, timezone.now().isoformat(), device, language_of(request))
    transaction.on_commit(lambda: send_security_notice(*args))
    return True


def on_security_event(
    sender: Any,
    user: Any,
    kind: str,
    request: HttpRequest | None = None,
    previous_email: str = "",
    **kwargs: Any,
) -> None:
    """``security_event`` receiver: a notice for each kind in ``NOTICES``.

    An email change is told to the previous address (or, when there was none, to the new one).
    """
    if kind not in NOTICES:
        return
    to = (previous_email or user.email) if kind == "email_changed" else None
    notify_security_change(user, kind, to=to, request=request)


CONFIRM_BODY = _("""Hello {name},

Someone, probably you, asked to use this address for an account on {site}. To make it the
account's email, open this link within a day and choose "Use this email":

{url}

If it wasn't you, you can let this email go: nothing changes, and the link stops working tomorrow.

{site}
""")


@queue.task("accounts.email_confirmation", retries=3, retry_delay=120)
def send_email_confirmation(user_id: int, address: str, url: str, language: str = "en") -> bool:
    """Send the link that confirms a new address (False if the account is gone in the meantime).

    The only email here that carries a token: it goes to the new address alone, and is never logged.
    """
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return False
    site = str(getattr(settings, "SITE_NAME", "attune"))
    with translation.override(language or "en"):
        body = str(CONFIRM_BODY).format(name=user.name, site=site, url=url)
        subject = _("Confirm your new email address")
        EmailMessage(f"{site}: {subject}", body, to=[address]).send()
    return True


def on_email_confirmation_needed(sender: Any, user: Any, email: str, url: str, **kwargs: Any) -> None:
    """``email_confirmation_needed`` receiver: queue the link for the new address."""
    args = (user.pk, email, url, language_of(kwargs.get("request")))
    transaction.on_commit(lambda: send_email_confirmation(*args))
