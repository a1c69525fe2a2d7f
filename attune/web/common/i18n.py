"""The language of a websocket, chosen as ``LocaleMiddleware`` chooses a request's.

A consumer does not go through Django's middleware, so nothing activates a language for it: what
it says would be in ``LANGUAGE_CODE`` whatever the member reads. :func:`language_from_scope`
reads the same things from the socket's scope that ``LocaleMiddleware`` reads from a request (the
language cookie ``settings.LANGUAGE_COOKIE_NAME``, then ``Accept-Language``, only languages in
``settings.LANGUAGES``, else ``settings.LANGUAGE_CODE``), by handing them to Django's own
``get_language_from_request``; a consumer wraps what it words in ``translation.override(...)``.

:func:`words_for_page` words the sentences a page's scripts write, for the request's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.http.cookie import parse_cookie
from django.utils import translation

if TYPE_CHECKING:
    from django.http import HttpRequest


class _ScopeAsRequest:
    """The two parts of a request that ``get_language_from_request`` reads, taken from a scope."""

    def __init__(self, cookies: Mapping[str, str], accept_language: str) -> None:
        self.COOKIES = dict(cookies)
        self.META = {"HTTP_ACCEPT_LANGUAGE": accept_language}


def _header(scope: Mapping[str, Any], name: bytes, joined_by: str = ", ") -> str:
    """A header's value (several of one name joined as HTTP joins them), or ""."""
    values = [value for key, value in scope.get("headers") or () if key.lower() == name]
    return joined_by.join(v.decode("latin-1") for v in values)


def language_from_scope(scope: Mapping[str, Any]) -> str:
    """The language a websocket's member reads, from its ASGI scope.

    The cookies are Channels' ``scope["cookies"]`` (set by ``CookieMiddleware``, part of the
    ``AuthMiddlewareStack``), else parsed from the ``cookie`` header.
    """
    cookies = scope.get("cookies")
    if not isinstance(cookies, Mapping):
        cookies = parse_cookie(_header(scope, b"cookie", "; "))
    request = _ScopeAsRequest(cookies, _header(scope, b"accept-language"))
    return translation.get_language_from_request(cast("HttpRequest", request))


def words_for_page(sentences: Iterable[str]) -> dict[str, str]:
    """The sentences a page's scripts write, each in the active language, keyed by its English.

    A view hands them to the page as ``page_words`` (its template puts them in ``#page-words``
    with ``json_script``); ``static/js/words.js`` looks each up by the English it was written in.
    """
    return {english: translation.gettext(english) for english in sentences}
