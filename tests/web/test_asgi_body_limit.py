"""The ASGI entry point refuses an oversized body before reading it, and spools bodies in the data folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from attune.web.asgi import SpoolInDataFolder, application

pytestmark = pytest.mark.django_db


def _scope(length: int | None) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1")] + ([(b"content-length", str(length).encode())] if length is not None else [])
    return {"type": "http", "method": "POST", "path": "/imports/upload/", "headers": headers, "query_string": b"",
            "scheme": "http", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000), "asgi": {"version": "3.0"}}


async def test_an_import_may_carry_its_own_large_limit_and_others_may_not(settings: Any) -> None:
    from attune.web.common.body_limit import FORM_MARGIN_BYTES, limit_for

    settings.IMPORT_MAX_BYTES = 10_000_000
    assert limit_for("/imports/upload/") == 10_000_000 + FORM_MARGIN_BYTES
    assert limit_for("/imports/") == settings.ATTUNE_MAX_BODY_BYTES


async def test_a_body_declared_over_the_import_limit_gets_413_and_nothing_is_read(settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 10_000
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body must not be read")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(_scope(10_000 + (1 << 20) + 1), receive, send)
    assert sent[0]["status"] == 413
    assert b"too large" in sent[1]["body"]


async def test_bodies_are_spooled_in_the_data_folder(settings: Any, tmp_path: Path) -> None:
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    handler = SpoolInDataFolder()
    messages = iter([{"type": "http.request", "body": b"y" * 100, "more_body": False}])

    async def receive() -> dict[str, Any]:
        return next(messages)

    spool = await handler.read_body(receive)
    try:
        assert os.readlink(f"/proc/self/fd/{spool.fileno()}").startswith(str(tmp_path))  # unnamed, in that folder
        assert os.fstat(spool.fileno()).st_mode & 0o777 == 0o600
        assert spool.read() == b"y" * 100
    finally:
        spool.close()
