from __future__ import annotations

from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "attune.web.today"
    label = "today"
