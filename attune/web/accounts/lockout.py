"""How attune answers a login that django-axes holds back, on its own page and on the admin's.

django-axes counts failed logins per account and address in the database (settings: ``AXES_*``)
and refuses further tries from that address for that account until the cool-off has passed or a
password reset lifts the lock. Its middleware then asks :func:`lockout_response` for the answer.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from attune.web.accounts import throttle


def seconds_left(request: HttpRequest, username: str) -> int:
    """Seconds until this account may be tried again from this request's address (the whole cool-off if unknown)."""
    cool_off = float(settings.AXES_COOLOFF_TIME.total_seconds())
    latest = (
        AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if latest is None:
        return math.ceil(cool_off)
    elapsed_s: float = (timezone.now() - latest).total_seconds()
    return max(1, math.ceil(cool_off - elapsed_s))


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The login page with "Too many tries. You can try again in N minutes." and status 429."""
    from attune.web.accounts.forms import LoginForm, ReauthForm

    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "accounts:reauth":
        username = request.user.get_username() if request.user.is_authenticated else ""
        context = {
            "form": ReauthForm(),
            "next": "",
            "locked_message": throttle.wait_message(seconds_left(request, username)),
            "reauth_minutes": int(settings.REAUTH_SECONDS) // 60,
        }
        return render(request, "accounts/reauth.html", context, status=429)
    username = str(request.POST.get("username", "")) if request.method == "POST" else ""
    if not username and isinstance(credentials, dict):  # a wrong second step has no username field
        username = str(credentials.get("username", ""))
    context = {
        "form": LoginForm(request, initial={"username": username}),
        "next": "",
        "locked_message": throttle.wait_message(seconds_left(request, username)),
    }
    return render(request, "accounts/login.html", context, status=429)


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address as django-axes stores it: a valid IP address, or None (PostgreSQL's inet
    column takes nothing else; a missing or garbled proxy header must not turn a login into a 500)."""
    address = throttle.client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_str(username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest) -> str:
    """How django-axes names a client in its log lines: keyed hashes, never a username or an address."""
    return f"account {throttle.digest(username or '')[:12]} from address {throttle.digest(ip_address or '')[:12]}"


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # django-axes ships no type hints
    """django-axes' check before every sign-in over HTTP.

    Code that signs someone in without a request (Django's test ``Client.login``, a shell) has no
    address to count against; axes would refuse it outright, so it is let through to the password
    check. Every HTTP sign-in (attune's form and the admin's) passes its request.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is not None:
            super().authenticate(request, *args, **kwargs)  # raises when this account is locked here
