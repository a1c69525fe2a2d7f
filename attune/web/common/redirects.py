"""Where to send a member back to after a POST, from a ``next`` field they (or a page) supplied."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """``next`` from the POST or query string if it is a path on this site, else ``fallback``.

    Only a local absolute path counts (``/journal/``, not ``abc`` or ``//elsewhere``): anything else
    would be read as a URL name by ``redirect`` or lead off the site.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    ):
        return target
    return fallback
