"""History with a watch's beat series: a line per day, the member's own practice still in view.

Screenshots of History and of one day's series at 390x844 go to the e2e screenshot folder.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import shot
from helpers import django_json, sign_in


def test_a_watchs_beat_series_are_a_line_a_day_beside_my_own_recording(server: Any, phone: Any) -> None:
    sign_in(server, phone.context, "history-watch")
    made = django_json(
        server,
        """
        import datetime as dt, json
        import numpy as np
        from django.contrib.auth import get_user_model
        from django.utils import timezone
        from attune.web.physio import actions
        u = get_user_model().objects.get(username="history-watch")
        noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        rng = np.random.default_rng(1)
        series = [actions.prepare_imported(u, actions.ImportedBeats(
            f"apple_health:{day}{i:036d}", noon - dt.timedelta(days=day, minutes=40 * i), 850 + rng.normal(0, 30, 70),
            "apple_health", "Apple Watch (Watch6,2)")) for day in (0, 1) for i in range(12)]
        actions.store_imported(series)
        rec = actions.start_recording(u, kind="free")
        actions.append_beats(rec, 1, 900 + rng.normal(0, 30, 200))
        rec = actions.finish_recording(rec.pk)
        print(json.dumps({"own": rec.pk}))
        """,
    )
    phone.goto(f"{server.url}/history/")
    section = phone.locator("section.history-recordings")
    assert section.locator("[data-recording]").count() == 1
    assert section.locator(f"[data-recording='{made['own']}']").count() == 1
    lines = section.locator("[data-testid='imported-days'] li")
    assert lines.count() == 2
    assert "12 heartbeat series from Apple Health (Apple Watch (Watch6,2))" in lines.first.inner_text()
    section.scroll_into_view_if_needed()
    shot(phone, "history-imported-390x844")
    lines.first.locator("a").click()
    phone.wait_for_url("**/physio/recordings/?imported=1&day=*")
    assert phone.locator("tbody tr").count() == 12
    shot(phone, "recordings-imported-day-390x844")
