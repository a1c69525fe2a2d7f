"""Asking for the password again before the pages that matter most.

Downloading one's data, changing the email address, changing two-step sign-in and the like should
not be open to whoever finds a browser left signed in. Those views are wrapped in
:func:`require_recent_auth`: if the member has not entered their password in the last
``REAUTH_SECONDS`` (ten minutes by default), they are sent to a small page that asks for it, and
then back to where they were.

    from attune.web.accounts.reauth import require_recent_auth

    @login_required
    @require_recent_auth
    def turn_off_two_step(request): ...

Whatever proves it is the member (the password today; a two-step code could do the same) ends with
:func:`mark_recent_auth`. Signing in counts too (see ``AccountsConfig.ready``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

#: When the member last proved it was them (seconds since the epoch), in their session.
AUTH_AT_KEY = "_attune_auth_at"

View = TypeVar("View", bound=Callable[..., HttpResponse])


def mark_recent_auth(request: HttpRequest) -> None:
    """The member has just proved it is them (their password, or later a two-step code)."""
    request.session[AUTH_AT_KEY] = int(time.time())


def forget_recent_auth(request: HttpRequest) -> None:
    request.session.pop(AUTH_AT_KEY, None)


def has_recent_auth(request: HttpRequest) -> bool:
    """Whether the member entered their password within the last ``REAUTH_SECONDS``."""
    at = request.session.get(AUTH_AT_KEY)
    if not isinstance(at, int):
        return False
    age = time.time() - at
    return 0 <= age <= int(settings.REAUTH_SECONDS)


def reauth_url(next_path: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_path})}"


def require_recent_auth(view: View) -> View:
    """Send the member to confirm their password first, unless they did so in the last few minutes.

    Apply inside ``login_required`` (a visitor who is not signed in goes to the login page). A
    POST that arrives too late is not carried out: the member confirms, then sees the page again.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_recent_auth(request):
            return HttpResponseRedirect(reauth_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return cast(View, wrapped)


def on_sign_in(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Signing in is entering the password (``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        mark_recent_auth(request)
