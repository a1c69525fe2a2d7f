"""Cross-cutting request handling: readable bodies only, a strict Content-Security-Policy, private
pages never cached, and the member's time zone."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

# Nothing but this origin, ever: no third-party scripts, fonts, images or connections.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class MemberTimezoneMiddleware:
    """Show every time in the member's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


# The charsets a browser or attune's own scripts send bodies in (by codec name): ASCII-compatible text
# encodings only. Anything else (utf-16, or a bytes-to-bytes codec such as zlib or rot13) cannot be a
# form or JSON that attune reads, and Django would fail decoding it.
READABLE_CHARSETS = frozenset({"utf-8", "ascii", "iso8859-1"})


def readable_charset(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name in READABLE_CHARSETS
    except LookupError:
        return False


class RefuseUnreadableCharsetMiddleware:
    """Answer 400 to any request whose Content-Type names a charset attune does not read.

    Runs before anything reads the body (CSRF reads the form), anonymous requests included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = request.content_params.get("charset") if request.content_params else None
        # Django reads a form body as UTF-8 and refuses one that names any other charset, even
        # "utf8" or "us-ascii"; its error pages then read the form again for their CSRF check, and
        # that second refusal escapes as a 500. So a form body may name "utf-8" and nothing else.
        form = request.content_type == "application/x-www-form-urlencoded"
        if charset is not None and (not readable_charset(charset) or (form and charset.lower() != "utf-8")):
            return HttpResponseBadRequest(
                "attune reads request bodies in UTF-8 only.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Every answer to a signed-in member says ``Cache-Control: no-store, private``.

    Journal entries, check-ins, history, RR downloads: nothing shown behind login may stay in a
    shared computer's browser cache or a proxy's. Static files are answered before this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
