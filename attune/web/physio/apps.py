from __future__ import annotations

from django.apps import AppConfig


class PhysioConfig(AppConfig):
    name = "attune.web.physio"
    label = "physio"
    verbose_name = "Heart rhythm recordings"
