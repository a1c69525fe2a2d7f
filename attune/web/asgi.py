"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import os
import tempfile
import warnings
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler

# WhiteNoise hands Django a synchronous file iterator for static files; under ASGI Django reads it in a
# worker thread and warns once per file. That is fine for small static files, so the warning is noise.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.web.settings")
get_asgi_application()  # sets Django up


class BoundedBodyHandler(ASGIHandler):
    """Django's ASGI handler, with request bodies bounded and spooled into the data folder.

    Django reads a whole request body into a temporary file before any view runs, in the system's
    temporary folder and with no limit. attune accepts imports of up to ``IMPORT_MAX_BYTES``: a
    body declared larger is refused at once with 413, before a byte is read; one that grows past it
    without declaring a length is dropped; the spool goes to ``FILE_UPLOAD_TEMP_DIR`` (0600 files
    in the data folder), where the import's own upload is written too.
    """

    @staticmethod
    def max_body_bytes() -> int:
        return int(settings.IMPORT_MAX_BYTES) + (1 << 20)  # the file, with room for the form around it

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body_bytes():
            gb = settings.IMPORT_MAX_BYTES / 1e9
            body = f"This upload is larger than this server accepts ({gb:g} GB).\n".encode()
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": body})
            return
        await super().handle(scope, receive, send)

    async def read_body(self, receive: Any) -> Any:
        limit = self.max_body_bytes()
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115  (handed to the request, which closes it)
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b", dir=str(settings.FILE_UPLOAD_TEMP_DIR)
        )
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                spool.close()
                raise RequestAborted()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                spool.close()
                raise RequestAborted()
            if chunk:
                if getattr(spool, "_rolled", False):
                    await sync_to_async(spool.write, thread_sensitive=False)(chunk)
                else:
                    spool.write(chunk)
            if not message.get("more_body", False):
                break
        spool.seek(0)
        return spool


django_asgi_app = BoundedBodyHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from attune.web.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
