"""Where a recording's endpoints are: what the pages and scripts that drive a recording are given."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from attune.web.physio.models import Recording


def ws_urls(request: HttpRequest, rec: Recording) -> dict[str, str]:
    path = f"/ws/live/{rec.pk}/"
    scheme = "wss" if request.is_secure() else "ws"
    return {"ws_path": path, "ws_url": f"{scheme}://{request.get_host()}{path}"}


def recording_payload(request: HttpRequest, rec: Recording) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "kind": rec.kind,
        "pacer_bpm": rec.pacer_bpm,
        "simulated": rec.simulated,
        "acked_seq": rec.acked_seq,
        "assessment": rec.assessment_id,
        "segment_rate_bpm": rec.segment_rate_bpm,
        **ws_urls(request, rec),
        "detail_url": reverse("physio:recording", args=[rec.pk]),
        "finish_url": reverse("physio:finish", args=[rec.pk]),
        "beats_url": reverse("physio:beats", args=[rec.pk]),
        "rr_url": reverse("physio:rr", args=[rec.pk]),
    }
