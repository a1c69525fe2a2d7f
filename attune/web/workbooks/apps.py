from __future__ import annotations

from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "attune.web.workbooks"
    label = "workbooks"
    verbose_name = "Workbooks"

    def ready(self) -> None:
        from attune.web.accounts import relations
        from attune.web.workbooks.models import guides_of, members_of

        # A cohort's guide may read what its members choose to share (accounts.relations).
        relations.register(relations.Guidance(name="workbook cohorts", guides_of=guides_of, members_of=members_of))
