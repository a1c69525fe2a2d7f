"""The error pages that need a view of their own: a stale CSRF token and a server error.

404, 403 and 400 use Django's own handlers with the templates in ``web/templates``; these two
would otherwise render without the request (so without the member's name, the site name or the
tab bar), and the CSRF page would be Django's yellow debugging page.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

log = logging.getLogger(__name__)

FALLBACK_500 = (
    "<!doctype html><html lang='en'><meta charset='utf-8'><title>Something went wrong</title>"
    "<main><h1>Something went wrong on our side</h1><p>It isn't anything you did. You might try again in a moment."
    "</p><p><a href='/'>Back to today</a></p></main></html>"
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose token was stale or missing: say so plainly, and offer the page it came from."""
    referer = request.META.get("HTTP_REFERER", "")
    host = request.get_host()
    safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure())
    return render(request, "403_csrf.html", {"back_url": referer if safe else ""}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The styled 500 page, with the request's context when that still works, else a bare page."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the error may be in the very thing a full page needs (the database, say)
        log.exception("the 500 page could not be rendered; serving the bare one")
        return HttpResponseServerError(FALLBACK_500)
