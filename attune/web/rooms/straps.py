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

from django.core.cache import cache

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
