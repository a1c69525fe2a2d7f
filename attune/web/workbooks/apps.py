from __future__ import annotations

from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "attune.web.workbooks"
    label = "workbooks"
    verbose_name = "Workbooks"

    def ready(self) -> None:
        from attune.web.accounts import relations
        from attune.web.workbooks.models import Enrolment

        # A cohort's guide may read what its members choose to share (accounts.relations).
        relations.register(
            relations.Guidance(
                name="workbook cohorts",
                guides_of=lambda member_id: Enrolment.objects.filter(
                    user_id=member_id, cohort__isnull=False
                ).values("cohort__guide_id"),
                members_of=lambda guide_id: Enrolment.objects.filter(cohort__guide_id=guide_id).values("user_id"),
            )
        )
