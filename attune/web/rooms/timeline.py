"""Where a room is on its plan at a given server time: pure functions, no Django.

The server owns a room's timeline as a few numbers (docs/rooms.md): the step that was running at
an anchor instant (``anchor_step`` began at ``anchor_ms``, server time in ms since 1970), whether
it is paused (and since when), extensions per step, and how each consent gate was answered.
Everything else follows from the plan's durations, so step changes that merely happen because
time passed need no message: every screen computes them from the same server time. The browser
does the same walk in ``static/js/room-timeline.js``; tests hold the two to the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LOBBY = "lobby"
RUNNING = "running"
PAUSED = "paused"
ENDED = "ended"
STATUSES = (LOBBY, RUNNING, PAUSED, ENDED)

PASSED = "passed"
DECLINED = "declined"


@dataclass(frozen=True)
class Position:
    """``state`` is lobby, running, paused, consent (waiting at a gate), finished or ended."""

    state: str
    step: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None

    def payload(self) -> dict[str, Any]:
        return {"state": self.state, "step": self.step, "start_ms": self.start_ms, "end_ms": self.end_ms}


def new_timeline() -> dict[str, Any]:
    return {"status": LOBBY, "anchor_step": 0, "anchor_ms": 0, "paused_ms": None, "extra": {}, "gates": {}}


def step_is_active(plan: dict[str, Any], timeline: dict[str, Any], index: int) -> bool:
    """Solo steps run only for an item whose consent was declined; its shared steps then do not."""
    step = plan["steps"][index]
    declined = bool(timeline["gates"].get(str(step["item"])) == DECLINED)
    return bool(step.get("solo")) == declined


def step_ms(plan: dict[str, Any], timeline: dict[str, Any], index: int) -> int:
    return int((plan["steps"][index]["seconds"] + timeline["extra"].get(str(index), 0)) * 1000)


def waits_for_consent(plan: dict[str, Any], timeline: dict[str, Any], index: int) -> bool:
    step = plan["steps"][index]
    gated = bool(plan.get("gated") and step.get("gate"))
    return gated and str(step["item"]) not in timeline["gates"]


def first_active(plan: dict[str, Any], timeline: dict[str, Any], index: int, direction: int = 1) -> int | None:
    """The first step at or after (or before, with ``direction=-1``) ``index`` that will run."""
    while 0 <= index < len(plan["steps"]):
        if step_is_active(plan, timeline, index):
            return index
        index += direction
    return None


def position(plan: dict[str, Any], timeline: dict[str, Any], now_ms: int) -> Position:
    """Where the room is at server time ``now_ms``."""
    status = timeline["status"]
    if status in (LOBBY, ENDED):
        return Position(status)
    t = timeline["paused_ms"] if status == PAUSED else now_ms
    index: int | None = timeline["anchor_step"]
    start = int(timeline["anchor_ms"])
    while True:
        index = first_active(plan, timeline, index if index is not None else len(plan["steps"]))
        if index is None:
            return Position("finished", start_ms=start)
        if waits_for_consent(plan, timeline, index):
            return Position("consent", index)
        end = start + step_ms(plan, timeline, index)
        if t < end:
            return Position(status, index, start, end)
        start, index = end, index + 1
