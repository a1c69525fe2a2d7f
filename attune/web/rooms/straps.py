"""Straps in a room: what each connection last knew, and the guide's view of the room as a whole.

Each screen with a strap (or the demo strap) sends its RR intervals over the room's websocket; its
connection keeps a :class:`attune.core.StreamingMeter` and writes the latest coherence to the
shared cache under the person's place, for a short while. The guide's console asks for the room's
summary every few seconds: how many are connected, and the median coherence only from
:data:`MIN_STRAPS` readings up. One person's numbers are never sent to the guide.
"""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np
from django.core.cache import cache

from attune.core import Synchrony, heart_rate_synchrony

MIN_STRAPS = 5  # the same floor as the room's shift: a median of fewer would point at people
FRESH_S = 15  # a strap silent for longer counts as gone
SUMMARY_EVERY_S = 5.0


def key(room_id: int, participant_id: int) -> str:
    return f"attune:roomstrap:{room_id}:{participant_id}"


async def remember(room_id: int, participant_id: int, coherence: float | None, demo: bool) -> None:
    await cache.aset(key(room_id, participant_id), {"coherence": coherence, "demo": demo}, timeout=FRESH_S)


async def forget(room_id: int, participant_id: int) -> None:
    await cache.adelete(key(room_id, participant_id))


def summary(readings: list[dict[str, Any]]) -> dict[str, Any]:
    """Count and median of the fresh readings; the median only from ``MIN_STRAPS`` coherences."""
    values = [float(r["coherence"]) for r in readings if r.get("coherence") is not None]
    shown = len(values) >= MIN_STRAPS
    return {
        "connected": len(readings),
        "demo": sum(1 for r in readings if r.get("demo")),
        "ready": len(values),
        "min_straps": MIN_STRAPS,
        "median_coherence": round(statistics.median(values), 2) if shown else None,
    }


async def room_summary(room_id: int, participant_ids: list[int]) -> dict[str, Any]:
    found = await cache.aget_many([key(room_id, pk) for pk in participant_ids])
    return summary(list(found.values()))


# ---------------------------------------------------------------------------------------------
# Pairs: the shared beats of each partner (only while they share), for the synchrony figure.

HEART_KEEP_MS = 75_000
SYNCHRONY_EVERY_MS = 2_000


def heart_key(room_id: int, participant_id: int) -> str:
    return f"attune:roomheart:{room_id}:{participant_id}"


async def add_shared_beats(room_id: int, participant_id: int, rr_ms: tuple[float, ...], end_ms: int) -> None:
    """Keep the last 75 s of this partner's shared beats, as (server ms, RR ms), for 20 s."""
    key = heart_key(room_id, participant_id)
    beats: list[list[float]] = await cache.aget(key) or []
    t = float(end_ms)
    batch = []
    for rr in reversed(rr_ms):
        batch.append([t, rr])
        t -= rr
    beats = [b for b in beats if b[0] < batch[-1][0]] + batch[::-1]
    beats = [b for b in beats if b[0] >= end_ms - HEART_KEEP_MS]
    await cache.aset(key, beats, timeout=20)


async def stop_sharing(room_id: int, participant_id: int) -> None:
    await cache.adelete(heart_key(room_id, participant_id))


async def shared_pair(room_id: int, a: int, b: int) -> tuple[list[list[float]], list[list[float]]] | None:
    found = await cache.aget_many([heart_key(room_id, a), heart_key(room_id, b)])
    if len(found) < 2:
        return None
    return found[heart_key(room_id, a)], found[heart_key(room_id, b)]


def pair_synchrony(a: list[list[float]], b: list[list[float]]) -> Synchrony:
    """The pair's synchrony over the last minute both have beats for (attune.core, docs/hrv.md).

    ``a`` is the shared beats of the screen asking, ``b`` its partner's, as ``shared_pair`` gives them.
    """
    ta, ra = np.array([x[0] for x in a]) / 1000.0, np.array([x[1] for x in a])
    tb, rb = np.array([x[0] for x in b]) / 1000.0, np.array([x[1] for x in b])
    end_s = float(min(ta[-1], tb[-1])) if ta.size and tb.size else 0.0
    return heart_rate_synchrony(ta, ra, tb, rb, end_s=end_s)


def synchrony_payload(s: Synchrony) -> dict[str, Any]:
    """The ``synchrony`` message (docs/rooms.md); its ``reason`` is core's English, which each screen's
    consumer words again for its member (``rooms.synchrony``)."""
    return {
        "type": "synchrony",
        "calibrating": s.calibrating,
        "reason": s.reason,
        "r": None if s.r is None else round(s.r, 2),
        "null_p95": None if s.null_p95 is None else round(s.null_p95, 2),
        "p_value": None if s.p_value is None else round(s.p_value, 3),
        "window_s": s.window_s,
    }
