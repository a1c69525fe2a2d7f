"""Publish the built-in workbooks whose files changed: `attune manage syncbuiltin`.

`attune serve` does this in the background at start-up; run it after editing content on a server
that stays up, or to see at once what was published.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from attune.web.workbooks import actions


class Command(BaseCommand):
    help = "Publish a new version of every built-in workbook whose files changed."

    def handle(self, *args: Any, **options: Any) -> None:
        published = actions.sync_builtin()
        self.stdout.write(f"{published} new workbook version{'s' if published != 1 else ''} published")
