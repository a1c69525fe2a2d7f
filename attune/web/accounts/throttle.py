"""Slow down password guessing: count failed logins per username and per network address.

After ``LOGIN_FAILURE_LIMIT`` failures for one username (or ``LOGIN_FAILURE_LIMIT_PER_ADDRESS``
failures from one address, by default four times as many so a shared household or office is not
locked out by one forgetful person) within ``LOGIN_LOCKOUT_SECONDS``, further tries are refused
without checking the password until ``LOGIN_LOCKOUT_SECONDS`` have passed. A successful login
clears the username's count (never the address's, so an attacker cannot reset it with an account
of their own).

Counts live in the default cache, so several server processes need a shared cache (Redis); the
system check ``attune.E002`` says so.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_PREFIX = "attune:login"


def _now() -> float:
    return time.time()


def _limit_for_username() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_LIMIT", 5))


def _limit_for_address() -> int:
    return int(getattr(settings, "LOGIN_FAILURE_LIMIT_PER_ADDRESS", 4 * _limit_for_username()))


def _lockout_seconds() -> int:
    return int(getattr(settings, "LOGIN_LOCKOUT_SECONDS", 900))


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


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    # Hash so that any username (spaces, long, unicode) makes a safe cache key and none is stored.
    user_digest = hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()[:32]
    address_digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:32]
    return [
        (f"{_PREFIX}:user:{user_digest}", _limit_for_username()),
        (f"{_PREFIX}:addr:{address_digest}", _limit_for_address()),
    ]


def seconds_locked(username: str, address: str) -> int:
    """Seconds until tries are allowed again for this username or address; 0 if allowed now."""
    now = _now()
    longest = 0.0
    for key, _ in _keys(username, address):
        until = cache.get(f"{key}:until")
        if until is not None and float(until) > now:
            longest = max(longest, float(until) - now)
    return math.ceil(longest)


def record_failure(username: str, address: str) -> int:
    """Count one failed login; return the lockout in seconds if this failure started one, else 0."""
    lockout = _lockout_seconds()
    started = 0
    for key, limit in _keys(username, address):
        cache.add(key, 0, timeout=lockout)
        try:
            count = cache.incr(key)
        except ValueError:  # the count expired between add and incr
            cache.set(key, 1, timeout=lockout)
            count = 1
        if count >= limit:
            cache.set(f"{key}:until", _now() + lockout, timeout=lockout + 60)
            cache.delete(key)
            started = lockout
    return started


def clear_username(username: str) -> None:
    """Forget the failed tries for this username (after a successful login or a password reset)."""
    key, _ = _keys(username, "")[0]
    cache.delete_many([key, f"{key}:until"])


def wait_message(seconds: int) -> str:
    """ "Too many tries. You can try again in N minutes." (whole minutes, rounded up)."""
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many tries. You can try again in {minutes} {unit}."
