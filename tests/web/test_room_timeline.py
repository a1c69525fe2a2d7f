"""The room timeline's walk (attune/web/rooms/timeline.py) on the cases the browser's copy also passes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from attune.web.rooms import timeline as tl

CASES = json.loads((Path(__file__).resolve().parents[1] / "js" / "fixtures" / "room-timeline-cases.json").read_text())


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_the_server_places_each_timeline_where_the_browser_does(case: dict[str, Any]) -> None:
    assert tl.position(CASES["plan"], case["timeline"], case["now"]).payload() == case["expect"]


def test_an_ungated_plan_never_waits_for_consent() -> None:
    plan = {**CASES["plan"], "gated": False}
    timeline = {**tl.new_timeline(), "status": tl.RUNNING, "anchor_ms": 0}
    assert tl.position(plan, timeline, 95_000).payload() == {
        "state": "running", "step": 2, "start_ms": 90_000, "end_ms": 130_000,
    }
