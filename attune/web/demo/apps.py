from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "attune.web.demo"
    label = "demo"
    verbose_name = "Demo member"
