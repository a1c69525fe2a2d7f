from __future__ import annotations

from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "attune.web.checkins"
    label = "checkins"
