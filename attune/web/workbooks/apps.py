from __future__ import annotations

from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "attune.web.workbooks"
    label = "workbooks"
    verbose_name = "Workbooks"
