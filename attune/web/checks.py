"""Django system checks that catch a misconfigured deployment before it serves anyone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.compatibility)
def check_scale_out(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if getattr(settings, "SERVER_PROCESSES", 1) > 1:
        # What each process would keep to itself, as (the backend configured, the per-process kind, why it matters).
        per_process: list[tuple[str, str, Error | Warning]] = [
            # Rooms broadcast through the channel layer: an in-memory layer reaches only its own
            # process, so two people in one room served by different processes would not see each other.
            (
                settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", ""),
                "InMemoryChannelLayer",
                Error(
                    "An in-memory channel layer cannot serve more than one server process: people in one "
                    "room on different processes would not reach each other.",
                    hint=(
                        "Set ATTUNE_REDIS_URL so the processes share a Redis channel layer, "
                        "or set ATTUNE_SERVER_PROCESSES=1."
                    ),
                    id="attune.E001",
                ),
            ),
            (
                settings.CACHES.get("default", {}).get("BACKEND", ""),
                "LocMemCache",
                Error(
                    "A per-process cache cannot count password-reset requests and beats uploads "
                    "across several server processes.",
                    hint="Set ATTUNE_REDIS_URL so the cache is shared.",
                    id="attune.E002",
                ),
            ),
            (
                settings.DATABASES["default"]["ENGINE"],
                "sqlite3",
                Warning(
                    "Several server processes share one SQLite file; PostgreSQL serves concurrent writers better.",
                    hint="Set ATTUNE_DATABASE_URL=postgres://... for a scale-out deployment.",
                    id="attune.W001",
                ),
            ),
        ]
        problems += [problem for backend, kind, problem in per_process if backend.endswith(kind)]
    if not settings.DEBUG and "*" in settings.ALLOWED_HOSTS:
        problems.append(Warning("ATTUNE_ALLOWED_HOSTS contains '*', so any host name is accepted.", id="attune.W002"))
    data_dir = Path(settings.DATA_DIR)
    if data_dir.is_dir() and data_dir.stat().st_mode & 0o077:
        problems.append(
            Warning(
                f"The data folder {str(data_dir)!r} can be read by other users of this machine.",
                hint=f"It holds the database and keys: chmod 700 {str(data_dir)!r}.",
                id="attune.W004",
            )
        )
    if getattr(settings, "EMAIL_CONSOLE_SHOW_CONTENT", False) and not settings.DEBUG:
        problems.append(
            Warning(
                "ATTUNE_EMAIL_CONSOLE_SHOW_CONTENT prints whole e-mails, password-reset links included, to the log.",
                hint="Use it only in development (with ATTUNE_DEBUG=true), or configure a mail server.",
                id="attune.W003",
            )
        )
    if getattr(settings, "TEST_CLOCK_FILE", ""):
        problems.append(
            Warning(
                "ATTUNE_TEST_CLOCK_FILE is set: the server's clock follows a file, for end-to-end tests only.",
                hint="Unset it anywhere real people use attune.",
                id="attune.W005",
            )
        )
    return problems
