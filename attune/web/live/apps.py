from __future__ import annotations

from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "attune.web.live"
    label = "live"
    verbose_name = "Live biofeedback"
