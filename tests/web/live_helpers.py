"""Shared helpers for the live websocket and recording tests (not a test module)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from asgiref.testing import ApplicationCommunicator
from django.test import Client

ORIGIN = (b"origin", b"http://localhost")


def session_cookie(user: Any) -> bytes:
    """A session cookie header value for ``user``, as a browser that signed in would send."""
    c = Client()
    c.force_login(user)
    return f"sessionid={c.cookies['sessionid'].value}".encode()


def paced_rr(seconds: float, *, breath_hz: float = 0.1, depth_ms: float = 60.0, mean_ms: float = 900.0,
             seed: int = 0) -> np.ndarray:
    """RR intervals whose length swings with a slow breath, rounded to a strap's 1/1024 s units."""
    rng = np.random.default_rng(seed)
    out: list[float] = []
    t = 0.0
    while t < seconds:
        rr = mean_ms + depth_ms * math.sin(2 * math.pi * breath_hz * t) + rng.normal(0.0, 4.0)
        rr = round(rr * 1.024) / 1.024  # k/1024 s, exactly representable in float32
        out.append(rr)
        t += rr / 1000.0
    return np.array(out, dtype=np.float64)


def chunks(rr: np.ndarray, size: int) -> list[list[float]]:
    return [[float(x) for x in rr[i : i + size]] for i in range(0, rr.size, size)]


class WebsocketClient(ApplicationCommunicator):  # type: ignore[misc]
    """A websocket conversation with an ASGI app, in-process.

    (channels.testing's communicator would do, but its package imports daphne, which attune
    does not install.)
    """

    def __init__(self, application: Any, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        scope = {"type": "websocket", "path": path, "query_string": b"", "headers": headers, "subprotocols": []}
        super().__init__(application, scope)

    async def connect(self, timeout: float = 3) -> tuple[bool, Any]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, response.get("subprotocol")

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def send_json_to(self, data: Any) -> None:
        await self.send_to(text_data=json.dumps(data))

    async def receive_json_from(self, timeout: float = 3) -> Any:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 3) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)
