"""Counts kept in the cache: password-reset e-mail flooding and other per-key rate limits.

Password-reset requests: at most ``PASSWORD_RESET_LIMIT_PER_EMAIL`` requests for one email
address and ``PASSWORD_RESET_LIMIT_PER_ADDRESS`` from one network address within
``PASSWORD_RESET_WINDOW_SECONDS``; beyond that no email is sent (the visitor sees the usual
confirmation, so nothing tells them whether the address has an account).

The counter (:func:`count_event`) is shared with other limits (beats uploads): a window opens at
the first event for a key and lasts its length in seconds. Email and network addresses are stored
only as keyed hashes. Counts live in the default cache, so several server processes need a shared
cache (Redis); the system check ``attune.E002`` says so.

Failed logins are not counted here: django-axes counts them in the database, per account and
address (see ``AXES_*`` in settings and :mod:`attune.web.accounts.lockout`).
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

_RESET_PREFIX = "attune:reset"


def _now() -> float:
    return time.time()


def digest(text: str) -> str:
    """A short keyed hash of ``text`` (case and surrounding space ignored), safe for cache keys and logs.

    Keyed with ``SECRET_KEY`` so that a log line cannot be matched to an email by hashing guesses.
    """
    normalised = text.strip().casefold()
    return salted_hmac("attune.accounts.throttle", normalised, algorithm="sha256").hexdigest()[:32]


def count_event(key: str, window: int) -> int:
    """Count one event under ``key``; return how many there have been in the current window.

    A window opens at the first event after the previous one closed and lasts ``window`` seconds by
    ``_now()``. The count itself uses the cache's atomic add and incr, so concurrent requests are
    not lost (only two requests racing at the very moment a window closes may both start a new one).
    """
    opened_key = f"{key}:opened"
    now = _now()
    opened = cache.get(opened_key)
    if opened is None:
        if cache.add(opened_key, now, timeout=window + 60):
            cache.add(key, 0, timeout=window)
    elif now >= float(opened) + window:
        cache.set(opened_key, now, timeout=window + 60)
        cache.set(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # the count expired just before its window did
        cache.set(key, 1, timeout=window)
        return 1


def window_remaining(key: str, window: int) -> float:
    """Seconds until the current window under ``key`` closes (a whole window if none is open)."""
    opened = cache.get(f"{key}:opened")
    if opened is None:
        return float(window)
    return min(float(window), max(0.0, float(opened) + window - _now()))


def forget(key: str) -> None:
    """Drop the count under ``key`` so its next event opens a fresh window."""
    cache.delete_many([key, f"{key}:opened"])


# --- Network addresses and messages ----------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The visitor's network address.

    Behind a reverse proxy every visitor arrives from the proxy's address; then set
    ``LOGIN_CLIENT_ADDRESS_HEADER`` (for example ``HTTP_X_FORWARDED_FOR``) and the last address the
    proxy appended is used. Only set it when a proxy you run always sets that header.
    """
    header = getattr(settings, "LOGIN_CLIENT_ADDRESS_HEADER", "")
    if header:
        forwarded = [part.strip() for part in str(request.META.get(header, "")).split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def wait_message(seconds: int) -> str:
    """ "Too many tries. You can try again in N minutes." (whole minutes, rounded up)."""
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many tries. You can try again in %(n)s minute.",
        "Too many tries. You can try again in %(n)s minutes.",
        minutes,
    ) % {"n": minutes}


# --- Password-reset requests --------------------------------------------------------------------


def _reset_window_seconds() -> int:
    return int(getattr(settings, "PASSWORD_RESET_WINDOW_SECONDS", 3600))


def _reset_limit_for_email() -> int:
    return int(getattr(settings, "PASSWORD_RESET_LIMIT_PER_EMAIL", 3))


def _reset_limit_for_address() -> int:
    return int(getattr(settings, "PASSWORD_RESET_LIMIT_PER_ADDRESS", 20))


def allow_reset_request(email: str, address: str) -> bool:
    """Count one password-reset request; False if the email or the address is over its limit.

    Every request counts, refused ones too, so a flood does not get through by waiting between
    refusals; the window still closes on time because it is measured from its first request.
    """
    window = _reset_window_seconds()
    email_count = count_event(f"{_RESET_PREFIX}:email:{digest(email)}", window)
    address_count = count_event(f"{_RESET_PREFIX}:addr:{digest(address)}", window)
    return email_count <= _reset_limit_for_email() and address_count <= _reset_limit_for_address()
