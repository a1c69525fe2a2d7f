"""`attune demo`: a demo member with 90 days of plausible history, so every page has something in it."""

from __future__ import annotations

import secrets
import zoneinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from attune.web.checkins.models import CheckIn
from attune.web.practices.library import current_library
from attune.web.practices.models import PracticeSession
from attune.web.today.demo_data import build_history

USERNAME = "demo"
TIMEZONE = "Europe/London"
DAYS = 90


class Command(BaseCommand):
    help = "Create (or refresh) the member 'demo' with 90 days of check-ins and practice sessions."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=DAYS, help="days of history (default 90)")
        parser.add_argument("--seed", type=int, default=7, help="random seed for the history")

    def handle(self, *args: Any, **options: Any) -> None:
        days = int(options["days"])
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660")
        password = secrets.token_urlsafe(12)
        tz = zoneinfo.ZoneInfo(TIMEZONE)
        library = current_library()
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(
                username=USERNAME,
                defaults={"display_name": "Sam", "timezone": TIMEZONE, "email": "demo@example.invalid"},
            )
            user.display_name = "Sam"
            user.timezone = TIMEZONE
            user.default_pacer_bpm = 5.5
            user.set_password(password)
            user.save()
            # Idempotent: the demo history is rebuilt from scratch each time.
            CheckIn.objects.filter(user=user).delete()
            PracticeSession.objects.filter(user=user).delete()
            end = timezone.now().astimezone(tz).date()
            n_checkins, n_sessions = build_history(
                user, library, days=days, end=end, tz=tz, seed=int(options["seed"]), not_after=timezone.now()
            )
        verb = "Created" if created else "Refreshed"
        self.stdout.write(
            f"{verb} the demo member with {days} days of history: "
            f"{n_checkins} check-ins, {n_sessions} practice sessions.\n"
            f"Sign in as:  username {USERNAME}   password {password}"
        )
