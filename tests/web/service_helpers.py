"""Real `attune serve` processes against the local PostgreSQL and Redis, for the scale-out tests.

A test that needs a service fails, saying so, when the service is down: it never skips.
"""

from __future__ import annotations

import importlib.util
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


def server_class() -> Any:
    """The e2e suite's ``Server``: `attune serve` in a subprocess with its own data folder."""
    path = Path(__file__).resolve().parents[1] / "e2e" / "conftest.py"
    spec = importlib.util.spec_from_file_location("attune_e2e_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Server


def require_redis() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=3) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(16).startswith(b"+PONG")
    except (OSError, AssertionError) as exc:
        pytest.fail(f"Redis must be running at 127.0.0.1:6379 for this test (make services): {exc}")


@contextmanager
def fresh_postgres_database(label: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards; yields its URL."""
    import psycopg

    name = f"attune_{label}_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL must be running at 127.0.0.1:5432 (user postgres) for this test: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_key_prefix() -> Iterator[str]:
    """A fresh Redis key prefix for one test (so no earlier run's keys interfere), cleaned up after."""
    import redis

    require_redis()
    prefix = f"attune-test-{secrets.token_hex(4)}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        stale = list(client.scan_iter(f"{prefix}:*"))
        if stale:
            client.delete(*stale)
