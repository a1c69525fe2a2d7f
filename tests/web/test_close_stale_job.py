"""The once-a-minute job that finishes recordings left open, for every member."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from live_helpers import chunks, paced_rr

from attune.web.physio import actions
from attune.web.physio.models import Recording
from attune.web.physio.tasks import close_stale_recordings

RR = paced_rr(40, seed=5)


def _open_recording(user: Any, minutes_quiet: float) -> Recording:
    rec = actions.start_recording(user)
    for seq, group in enumerate(chunks(RR, 5), start=1):
        assert actions.append_beats(rec, seq, group).stored
    Recording.objects.filter(pk=rec.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=minutes_quiet))
    return rec


def test_it_finishes_every_members_abandoned_recordings_and_leaves_live_ones_open(owner: Any, other: Any) -> None:
    stale_minutes = actions.STALE_AFTER.total_seconds() / 60
    mine = _open_recording(owner, stale_minutes + 1)
    theirs = _open_recording(other, stale_minutes + 120)
    live = _open_recording(owner, stale_minutes - 1)

    close_stale_recordings()  # queued; run at once in the tests (Huey's immediate mode)

    ended = dict(Recording.objects.values_list("pk", "ended_at"))
    assert ended[mine.pk] is not None and ended[theirs.pk] is not None
    assert ended[live.pk] is None
    assert Recording.objects.get(pk=theirs.pk).beats == RR.size  # every stored beat kept
