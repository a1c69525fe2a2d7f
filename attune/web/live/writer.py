"""Database access for the live websocket: one long-lived connection and group commit for beats.

Every message used to cost a thread hop, a fresh connection (Django closes it after each
``database_sync_to_async`` call unless CONN_MAX_AGE is set) and a commit. Here, calls run in the
one thread that asgiref keeps for thread-sensitive work and keep their connection; a broken
connection is closed and the call retried once (appends are idempotent by ``seq``, so a retry
never counts a beat twice). Beats that arrive while a transaction is being written wait and go,
together, into the next one (group commit), so a busy server makes fewer, larger transactions
instead of a queue of small ones; an idle writer waits ``GROUP_COMMIT_WAIT_S`` for company first.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import InterfaceError, OperationalError, connection

from attune.web.physio import actions, codec

P = ParamSpec("P")
T = TypeVar("T")
MAX_BATCH = 256
#: How long the first message to reach an idle writer waits for others to share its transaction.
#: Each transaction costs a hop to the database thread and back, a commit, and a burst of work
#: when the answers come back; with this window a busy server does that once for many messages
#: (measured in process with bench/bench_live_cpu.py, 500 sessions: about 30 % less CPU per
#: message; at 2,000, where messages share transactions anyway, little), at the price of at most
#: this much latency per beat.
GROUP_COMMIT_WAIT_S = 0.010


def _with_live_connection(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    try:
        return fn(*args, **kwargs)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        return fn(*args, **kwargs)


# Made once: building asgiref's wrapper for every call showed up in the per-message profile.
_in_db_thread = sync_to_async(_with_live_connection, thread_sensitive=True)


async def run_db(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn`` in the thread-sensitive executor, keeping its database connection between calls."""
    return await _in_db_thread(fn, *args, **kwargs)


Item = tuple[int, int, codec.FloatArray, "asyncio.Future[actions.AppendResult]"]


class BeatWriter:
    """Group commit of ``beats`` messages for one event loop."""

    def __init__(self) -> None:
        self._pending: list[Item] = []
        self._task: asyncio.Task[None] | None = None

    async def append(self, recording_id: int, seq: int, rr_ms: codec.FloatArray) -> actions.AppendResult:
        fut: asyncio.Future[actions.AppendResult] = asyncio.get_running_loop().create_future()
        self._pending.append((recording_id, seq, rr_ms, fut))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())
        return await fut

    async def _drain(self) -> None:
        await asyncio.sleep(GROUP_COMMIT_WAIT_S)
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            rows = [(rid, seq, rr) for rid, seq, rr, _ in batch]
            try:
                results = await run_db(actions.append_many, rows)
            except Exception:
                # One bad item must not sink the others: write them one by one, each on its own.
                for item in batch:
                    await self._one(item)
                continue
            for (*_, fut), result in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(result)

    @staticmethod
    async def _one(item: Item) -> None:
        rid, seq, rr, fut = item
        try:
            result = await run_db(actions.append_beats, rid, seq, rr)
        except Exception as exc:
            if not fut.done():
                fut.set_exception(exc)
        else:
            if not fut.done():
                fut.set_result(result)


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BeatWriter] = weakref.WeakKeyDictionary()


def writer() -> BeatWriter:
    """The writer of the running event loop (one per server process, one per test loop)."""
    loop = asyncio.get_running_loop()
    w = _writers.get(loop)
    if w is None:
        w = _writers[loop] = BeatWriter()
    return w
