"""Private notes never reach logs."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from attune.web.checkins.models import CheckIn
from attune.web.logging import DropPrivateText, guard_all_handlers, scrub

SECRET = "the words I only tell myself"


def _explode(request: HttpRequest) -> HttpResponse:
    note = request.POST.get("note", "")
    raise IntegrityError(
        f'new row violates check constraint\nDETAIL:  Failing row contains (7, 2026-03-01, "{note}", 11).'
    )


def _explode_with_form(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"could not save {request.POST!r}")


urlpatterns = [path("explode/", _explode), path("explode-form/", _explode_with_form)]
# As in attune's own URLconf: its 500 page falls back to a bare one when the full page cannot be drawn
# (here, with none of attune's routes to link to).
handler500 = "attune.web.common.errors.server_error"


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """Everything the configured console handlers write, while the test runs."""
    buffer = io.StringIO()
    guarded = [
        handler
        for logger in [logging.getLogger(), *(logging.getLogger(n) for n in ("django", "django.request"))]
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler) and any(isinstance(f, DropPrivateText) for f in handler.filters)
    ]
    assert guarded, "the console handler from settings.LOGGING should carry the filter"
    previous = [handler.stream for handler in guarded]
    for handler in guarded:
        handler.stream = buffer
    try:
        yield buffer
    finally:
        for handler, stream in zip(guarded, previous, strict=True):
            handler.stream = stream


@pytest.mark.parametrize(
    "message",
    [
        f"POST note={SECRET}&state=settled",
        f"note={SECRET.replace(' ', '+')}",
        f"{{'note': '{SECRET}', 'state': 'settled'}}",
        f'{{"answer": "{SECRET}", "step": 3}}',
        f"<QueryDict: {{'note': ['{SECRET}'], 'felt_safety': ['7']}}>",
        f"journal: {SECRET}",
        f'{{"text": "{SECRET} with \\"quotes\\" inside"}}',
        f"DETAIL:  Failing row contains (1, 2026-03-01 08:00, {SECRET}).",
        f"DETAIL:  Failing row contains (1, 'first line\n\n{SECRET}').",
    ],
)
def test_scrub_removes_private_values(message: str) -> None:
    cleaned = scrub(message)
    for word in ("words", "myself", "only"):
        assert word not in cleaned, cleaned
    assert "[private]" in cleaned


def test_scrub_leaves_ordinary_messages_alone() -> None:
    for message in ("GET /today/ 200", "context=outdoors state=settled", "felt_safety: 7", "Notebook saved"):
        assert scrub(message) == message


def test_the_filter_cleans_a_record_and_its_traceback() -> None:
    try:
        raise ValueError(f"note='{SECRET}'")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "saving %s", (f"note={SECRET}",), None)
        record.exc_info = sys.exc_info()
    assert DropPrivateText().filter(record) is True
    formatted = logging.Formatter().format(record)
    assert SECRET not in formatted and "words" not in formatted
    assert "saving note=[private]" in formatted
    assert "ValueError" in formatted


def test_every_handler_configured_at_start_carries_the_filter() -> None:
    guard_all_handlers()  # idempotent: adding it twice must not double it
    for logger in [logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.server")]:
        for handler in logger.handlers:
            assert sum(isinstance(f, DropPrivateText) for f in handler.filters) == 1, (logger.name, handler)


@pytest.mark.urls(__name__)
def test_a_crash_while_saving_a_note_logs_no_private_words(console: io.StringIO, owner: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    assert client.post("/explode/", {"note": SECRET}).status_code == 500
    assert client.post("/explode-form/", {"note": SECRET, "state": "settled"}).status_code == 500
    logged = console.getvalue()
    assert "Internal Server Error: /explode/" in logged
    assert "Internal Server Error: /explode-form/" in logged
    assert "IntegrityError" in logged and "ValueError" in logged
    assert SECRET not in logged and "myself" not in logged


def test_saving_a_check_in_with_a_note_logs_no_private_words(console: io.StringIO, owner_client: Client) -> None:
    url = reverse("checkins:new")  # a renamed route fails here: it must never turn into a skip
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        rejected = owner_client.post(url, {"state": "settled", "felt_safety": "99", "note": SECRET})
        saved = owner_client.post(
            url,
            {
                "state": "settled",
                "felt_safety": "7",
                "breath": "3",
                "muscles": "3",
                "attention": "3",
                "felt_connection": "5",
                "note": SECRET,
            },
        )
    finally:
        root.setLevel(level)
    # Both reached the check-in view: one refused by the form, one saved with its note.
    assert rejected.status_code == 400 and saved.status_code == 302
    assert [c.note for c in CheckIn.objects.all()] == [SECRET]
    assert SECRET not in console.getvalue()
