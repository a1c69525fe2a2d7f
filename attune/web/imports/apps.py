from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "attune.web.imports"
    label = "imports"
    verbose_name = "Imported heart and sleep data"
