"""`attune export USERNAME [-o FILE]`: write all of a member's data as a zip of JSON and CSV."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.web.accounts.export import build_export, export_filename
from attune.web.accounts.models import User
from attune.web.accounts.signals import security_event


class Command(BaseCommand):
    help = "Write all of a member's data as a zip (attune-export.json plus one CSV per table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "-o", "--output", default="", help="where to write the zip (default: ./attune-export-USER-DATE.zip)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = str(options["username"])
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no member called {username!r}.")
        path = Path(options["output"] or export_filename(user))
        if path.exists():
            raise CommandError(f"{path} already exists; choose another name with --output.")
        data = build_export(user)
        try:
            # Private data: readable by the owner of the file only.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        security_event.send(
            sender=Command, user=user, kind="export_downloaded", request=None, detail={"via": "command"}
        )
        self.stdout.write(f"Wrote {path} ({len(data)} bytes).")
