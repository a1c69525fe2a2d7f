from __future__ import annotations

from attune.web.accounts import relations


class WorkbooksConfig(relations.GuidingConfig):
    name = "attune.web.workbooks"
    label = "workbooks"
    verbose_name = "Workbooks"
    # A cohort's guide may read what its members choose to share (accounts.relations).
    groups = "workbook cohorts"
