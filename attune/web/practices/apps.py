from __future__ import annotations

from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "attune.web.practices"
    label = "practices"
