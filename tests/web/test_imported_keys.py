"""Which beat series a member already has is looked up in the key's index, not by reading every recording.

Found from a profile of a 1 GB Apple Health import: each batch asked which of its series were
already stored with ``import_key IN (...)``, and SQLite answered by reading every recording of the
member (``recording_user_started``), because the unique index on ``(user, import_key)`` is partial
(``WHERE NOT (import_key = '')``) and a query can use a partial index only when it states the index's
condition. The later batches of a large import each took longer than the one before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attune.web.physio import actions

pytestmark = pytest.mark.django_db


def _store(owner: Any, keys: list[str]) -> None:
    at = timezone.now() - dt.timedelta(days=1)
    rr = 850 + np.random.default_rng(3).normal(0, 30, size=70)
    actions.store_imported(
        [actions.prepare_imported(owner, actions.ImportedBeats(k, at - dt.timedelta(minutes=5 * n), rr,
                                                               "apple_health", "Apple Watch"))
         for n, k in enumerate(keys)]
    )


def test_imported_keys_answers_which_keys_are_stored(owner: Any, other: Any) -> None:
    _store(owner, ["apple_health:a", "apple_health:b"])
    _store(other, ["apple_health:c"])
    live = actions.start_recording(owner, kind="free")  # a recording of the member's own: no key
    assert live.import_key == ""
    assert actions.imported_keys(owner, ["apple_health:a", "apple_health:c", "apple_health:z", ""]) == {
        "apple_health:a"
    }
    assert actions.imported_keys(other, ["apple_health:a", "apple_health:c"]) == {"apple_health:c"}


def test_imported_keys_searches_the_key_index(owner: Any) -> None:
    _store(owner, ["apple_health:a"])
    with CaptureQueriesContext(connection) as queries:
        actions.imported_keys(owner, ["apple_health:a", "apple_health:b"])
    (query,) = queries.captured_queries
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        else:  # PostgreSQL prefers reading a tiny table whole: ask it what it would do on a large one
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan = " ".join(str(row[0]) for row in cursor.fetchall())
    assert "recording_imported_once" in plan, plan
