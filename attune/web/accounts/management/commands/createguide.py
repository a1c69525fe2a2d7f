"""`attune createguide USERNAME [--email E]`: make a new guide, or make an existing member a guide."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from attune.web.accounts.models import User

#: Guides must use two-step sign-in (accounts.mfa); say so where a guide is made.
SECOND_STEP_NOTE = (
    "Guides must use two-step sign-in: unless they have it already, they are asked to set it up "
    "(an app or a passkey) at their next sign-in, before anything else."
)


class Command(BaseCommand):
    help = "Create a guide with a new password (printed once), or give an existing member the guide role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="their email, used only for password resets")

    def handle(self, *args: Any, **options: Any) -> None:
        username = str(options["username"]).strip()
        email = User.objects.normalize_email(str(options["email"] or "").strip())
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"{email!r} is not an email address.") from None
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is not None:
                fields = ["is_guide"]
                user.is_guide = True
                if email and email != user.email:
                    user.email = email
                    fields.append("email")
                user.save(update_fields=fields)
                self.stdout.write(f"{username} is now a guide. Their password is unchanged.")
                self.stdout.write(SECOND_STEP_NOTE)
                return
            similar = User.objects.filter(username__iexact=username).first()
            if similar is not None:
                raise CommandError(f"There is already a member called {similar.username!r}; use that exact name.")
            user = User(username=username, email=email, is_guide=True)
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
                raise CommandError(problems) from None
            password = secrets.token_urlsafe(15)
            user.set_password(password)
            user.save()
        self.stdout.write(f"Created the guide {username}.")
        self.stdout.write(f"Their password, shown only this once: {password}")
        self.stdout.write("Please pass it on privately; they can change it under You > Password.")
        self.stdout.write(SECOND_STEP_NOTE)
