"""`attune demo`: a demo member with 90 days of plausible history, so every page has something in it.

Check-ins and practice sessions, a few heart recordings from the simulated strap (marked as
simulated), a resonance assessment, a workbook followed for about ten days with journal answers,
and two free journal entries. Running it again rebuilds the demo member's data from scratch.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from attune.web.checkins.models import CheckIn
from attune.web.demo.data import (
    build_assessment,
    build_history,
    build_journal,
    build_recordings,
    build_today,
    build_workbook,
    clear_extras,
)
from attune.web.practices.library import current_library
from attune.web.practices.models import PracticeSession

USERNAME = "demo"
TIMEZONE = "Europe/London"
DAYS = 90


class Command(BaseCommand):
    help = (
        "Create (or refresh) the member 'demo' with 90 days of check-ins and practice sessions, simulated heart "
        "recordings, a resonance assessment, a workbook in progress and journal entries."
    )

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
            # Idempotent: the demo member's data is rebuilt from scratch each time.
            clear_extras(user)
            CheckIn.objects.filter(user=user).delete()
            PracticeSession.objects.filter(user=user).delete()
            seed = int(options["seed"])
            now = timezone.now()
            end = now.astimezone(tz).date()
            n_checkins, n_sessions = build_history(user, library, days=days, end=end, tz=tz, seed=seed, not_after=now)
            n_checkins += build_today(user, now=now, tz=tz) is not None
            assessed_on = end - dt.timedelta(days=16)
            assessment = build_assessment(
                user, when=dt.datetime.combine(assessed_on, dt.time(19, 30), tzinfo=tz), seed=seed
            )
            n_recordings = build_recordings(user, now=now, tz=tz, seed=seed)
            workbook = build_workbook(user, library, today=end, tz=tz, now=now, seed=seed)
            n_free = build_journal(user, now=now, tz=tz)
        verb = "Created" if created else "Refreshed"
        following = (
            f"{workbook.days_done} days of '{workbook.enrolment.version.title}' done, "
            f"{workbook.answers} journal answers"
            if workbook.enrolment is not None
            else "no built-in workbook found, so no workbook in progress"
        )
        self.stdout.write(
            f"{verb} the demo member with {days} days of history: "
            f"{n_checkins} check-ins, {n_sessions} practice sessions, "
            f"{n_recordings} simulated heart recordings, a resonance assessment "
            f"(suggested {assessment.best_rate_bpm:g} breaths a minute), {following}, "
            f"{n_free} free journal entries.\n"
            f"Sign in as:  username {USERNAME}   password {password}"
        )
