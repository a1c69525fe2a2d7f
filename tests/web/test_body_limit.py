"""Request bodies are capped in front of Django: an oversized one is refused with 413 before it is stored.

Through the real ASGI application, with hand-made ``receive`` and ``send`` so the test sees how much
of a body was read and what was answered.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from attune.web.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 64 * 1024


class Body:
    """An ASGI ``receive`` that hands out ``total`` bytes in chunks and counts what was taken."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0
        self.finished = False

    async def __call__(self) -> dict[str, Any]:
        if self.finished:  # a client that keeps the connection open while it waits for the answer
            await asyncio.sleep(60)
            return {"type": "http.disconnect"}
        size = min(CHUNK, self.total - self.sent)
        self.sent += size
        more = self.sent < self.total
        self.finished = not more
        return {"type": "http.request", "body": b"x" * size, "more_body": more}


def _scope(path: str, length: int | None, content_type: bytes = b"application/x-www-form-urlencoded") -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1"), (b"content-type", content_type)]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _post(path: str, total: int, *, declare: bool) -> tuple[int, bytes, Body]:
    body = Body(total)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(_scope(path, total if declare else None), body, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], content, body


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> Iterator[None]:
    settings.ATTUNE_MAX_BODY_BYTES = 256 * 1024
    settings.ATTUNE_MAX_UPLOAD_BYTES = 1024 * 1024
    yield


async def test_an_anonymous_post_declaring_a_huge_body_is_refused_before_any_of_it_is_read() -> None:
    status, content, body = await _post("/about/", 2 * 1024**3, declare=True)
    assert status == 413
    assert body.sent == 0
    assert b"at most 262144 bytes" in content


async def test_a_body_with_no_length_is_refused_as_soon_as_it_passes_the_limit() -> None:
    status, _, body = await _post("/about/", 2 * 1024**3, declare=False)
    assert status == 413
    assert 256 * 1024 < body.sent <= 256 * 1024 + CHUNK


async def test_a_body_that_lies_about_its_length_is_cut_off_too() -> None:
    body = Body(8 * 1024 * 1024)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(_scope("/about/", 1000), body, send)
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [413]
    assert body.sent <= 256 * 1024 + CHUNK


async def test_an_ordinary_body_under_the_limit_reaches_django() -> None:
    status, _, body = await _post("/about/", 1000, declare=True)
    assert status == 403  # Django's CSRF check answered: the body went through
    assert body.sent == 1000


async def test_the_workbook_upload_has_its_own_larger_limit() -> None:
    status, _, body = await _post("/workbooks/guide/upload/", 512 * 1024, declare=True)
    assert status == 403
    assert body.sent == 512 * 1024
    status, content, body = await _post("/workbooks/guide/upload/", 2 * 1024 * 1024, declare=True)
    assert status == 413 and body.sent == 0
    assert b"at most 1048576 bytes" in content


async def test_the_upload_limit_does_not_leak_to_other_paths() -> None:
    for path in ("/workbooks/guide/upload/more/", "/workbooks/guide/", "/accounts/login/"):
        status, _, _ = await _post(path, 512 * 1024, declare=True)
        assert status == 413, path


async def test_the_workbook_editor_posts_every_file_so_it_gets_the_upload_limit() -> None:
    status, _, body = await _post("/workbooks/small-steps/edit/", 512 * 1024, declare=True)
    assert status == 403 and body.sent == 512 * 1024
