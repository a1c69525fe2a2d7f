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


class SpoolInDataFolder(ASGIHandler):
    """Django's ASGI handler, spooling request bodies into ``FILE_UPLOAD_TEMP_DIR`` (the data folder).

    Django reads a whole request body into a temporary file before any view runs, in the system's
    temporary folder. Here the spool is an unnamed 0600 file in the data folder, where an import's
    own upload is written too. How large a body may be is decided before this, for each path, by
    :class:`attune.web.common.body_limit.BodyLimit`, which refuses an oversized one with 413.
    """

    async def read_body(self, receive: Any) -> Any:
        spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115  (handed to the request, which closes it)
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b", dir=str(settings.FILE_UPLOAD_TEMP_DIR)
        )
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                spool.close()
                raise RequestAborted()
            chunk = message.get("body", b"")
            if chunk:
                if getattr(spool, "_rolled", False):
                    await sync_to_async(spool.write, thread_sensitive=False)(chunk)
                else:
                    spool.write(chunk)
            if not message.get("more_body", False):
                break
        spool.seek(0)
        return spool


django_asgi_app = SpoolInDataFolder()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from attune.web.common.body_limit import BodyLimit  # noqa: E402
from attune.web.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
