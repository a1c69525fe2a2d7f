"""A cap on request bodies, enforced in front of Django (ASGI), so an oversized body is never stored.

Django's ASGI handler reads the whole body into a temporary file before any view, middleware or
CSRF check runs: without a cap, an anonymous 2 GB POST becomes a 2 GB file. :class:`BodyLimit`
wraps the HTTP application and answers 413 instead:

* at once, without reading anything, when the ``Content-Length`` header announces too much;
* as soon as the bytes received pass the limit, when there is no header or it lied.

Ordinary requests may carry at most ``ATTUNE_MAX_BODY_BYTES``. The upload endpoints (the URL names
in :data:`UPLOAD_LIMITS`) carry up to the setting named there: ``ATTUNE_MAX_UPLOAD_BYTES`` for
workbooks, ``IMPORT_MAX_BYTES`` (plus room for the form around the file) for an import. Limits are
read from settings on each request, so tests can change them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.urls import Resolver404, resolve

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: URL names whose requests may carry an upload, and the setting that bounds each: the workbook zip
#: and the in-browser workbook editor (which posts every file of a workbook at once), and an export
#: file to import. An app that adds an upload endpoint adds its URL name here; every other path gets
#: the small limit.
UPLOAD_LIMITS: dict[str, str] = {
    "workbooks:upload": "ATTUNE_MAX_UPLOAD_BYTES",
    "workbooks:edit": "ATTUNE_MAX_UPLOAD_BYTES",
    "imports:upload": "IMPORT_MAX_BYTES",
}
#: Room for the multipart framing and form fields around an uploaded file.
FORM_MARGIN_BYTES = 1 << 20

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _upload_setting(path: str) -> str | None:
    try:
        return UPLOAD_LIMITS.get(resolve(path).view_name)
    except Resolver404:
        return None


def limit_for(path: str) -> int:
    """The most bytes a request body to ``path`` may carry."""
    setting = _upload_setting(path)
    if setting == "ATTUNE_MAX_UPLOAD_BYTES":
        return int(getattr(settings, setting, DEFAULT_MAX_UPLOAD_BYTES))
    if setting is not None:
        return int(getattr(settings, setting)) + FORM_MARGIN_BYTES
    return int(getattr(settings, "ATTUNE_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def refuse(send: Send, limit: int) -> None:
    """Answer 413 with a one-line reason."""
    text = f"That request is too large: this server accepts at most {limit} bytes here.\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": text})


class BodyLimit:
    """ASGI middleware: refuse (413) an HTTP request whose body passes its path's limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope.get("path", ""))
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await refuse(send, limit)
            return
        received = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer now, then tell the application the client has gone: Django's body
                    # reader stops there and never serves the request.
                    refused = True
                    await refuse(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)
