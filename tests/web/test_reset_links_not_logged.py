"""Password-reset links never reach the server's log: not from the console mail backend, not from a 404."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.logging import DropPrivateText, scrub

CONSOLE = "attune.web.common.mail.ConsoleEmailBackend"


def _ask(client: Client) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "olive@example.test"})
    assert response.status_code == 302


def test_the_console_backend_prints_no_link_no_token_and_no_address(
    settings: Any, anon_client: Client, owner: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = CONSOLE
    _ask(anon_client)
    printed = capsys.readouterr().out
    assert "password-reset/" not in printed
    assert "olive@example.test" not in printed and "olive" not in printed
    assert "not shown" in printed and "ATTUNE_EMAIL_CONSOLE_SHOW_CONTENT" in printed


def test_the_whole_message_is_printed_only_when_asked_for_in_development(
    settings: Any, anon_client: Client, owner: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = CONSOLE
    settings.EMAIL_CONSOLE_SHOW_CONTENT = True
    _ask(anon_client)
    assert re.search(r"/accounts/password-reset/\w+/[\w-]+/", capsys.readouterr().out)


def test_djangos_own_console_backend_name_gets_the_redacting_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from attune.web import settings as attune_settings

    monkeypatch.setenv("ATTUNE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    try:
        assert importlib.reload(attune_settings).EMAIL_BACKEND == CONSOLE
    finally:
        monkeypatch.delenv("ATTUNE_EMAIL_BACKEND")
        importlib.reload(attune_settings)


@pytest.mark.parametrize(
    "message",
    [
        "Not Found: /accounts/password-reset/Mg/cxy4bb-0123456789abcdef0123456789abcdef/",
        '"GET /accounts/password-reset/MTIz/set-password/ HTTP/1.1" 200',
        "Bad Request: /accounts/password-reset/Mg/cxy4bb-0123456789abcdef/?x=1",
    ],
)
def test_a_reset_link_in_any_log_line_loses_its_token(message: str) -> None:
    cleaned = scrub(message)
    assert "cxy4bb" not in cleaned and "/Mg/" not in cleaned and "MTIz" not in cleaned
    assert "/accounts/password-reset/[token]/" in cleaned


def test_a_404_for_a_reset_link_is_logged_without_its_token(anon_client: Client) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(DropPrivateText())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        anon_client.get("/accounts/password-reset/Mg/cxy4bb-0123456789abcdef/extra/")
    finally:
        logger.removeHandler(handler)
    assert records, "Django logs a 404 for the request"
    assert all("cxy4bb" not in r.getMessage() for r in records)
