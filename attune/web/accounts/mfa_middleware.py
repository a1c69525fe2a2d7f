"""Guides and staff pass a second step before any page: those who have none yet are sent to set one up.

Members whose session has not passed a second step (a guide who has not set one up, or a session
from before it was set up) may still open the two-step pages, log out, and reset a password.
Everything else, the admin included, sends them to the second step or to set-up first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from attune.web.accounts import mfa


@lru_cache(maxsize=1)
def _open_prefixes() -> tuple[str, ...]:
    return (
        reverse("accounts:two_step"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
        str(settings.STATIC_URL or "/static/"),
    )


class TwoStepRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and mfa.required_for(user)
            and not request.path_info.startswith(_open_prefixes())
            and not mfa.session_verified(request)
        ):
            name = "accounts:two_step_verify" if mfa.is_enrolled(user) else "accounts:two_step"
            query = urlencode({"next": request.get_full_path()}) if request.method in {"GET", "HEAD"} else ""
            target = reverse(name) + (f"?{query}" if query else "")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
