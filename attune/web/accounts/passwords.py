"""Password rules beyond Django's own: an upper bound on length, and no leaked password.

Long passphrases are welcome (ASVS asks that at least 64 characters be allowed), but hashing a
megabyte-long "password" with Argon2 on every try costs the server, so there is a ceiling.

Passwords that have leaked from other sites are the first ones guessers try. Two lists ship with
attune and are checked here, with no network call: Django's 20,000 common passwords (from Royce
Williams' list, drawn from leaks) and ``breached_passwords.txt`` (about 1,100 more of 10 characters
or more, from the list zxcvbn ships; see its header and scripts/breached_passwords.py). That is
what is covered, and no more: a password leaked somewhere but missing from both lists gets through.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

MAX_PASSWORD_CHARS = 256


class MaximumLengthValidator:
    def __init__(self, max_length: int = MAX_PASSWORD_CHARS) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Please keep your password to {self.max_length} characters or fewer.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."


BREACHED_LIST = Path(__file__).with_name("breached_passwords.txt")


@lru_cache(maxsize=1)
def _breached() -> frozenset[str]:
    lines = BREACHED_LIST.read_text(encoding="utf-8").splitlines()
    shipped = {line for line in lines if line and not line.startswith("#")}
    return frozenset(shipped | set(CommonPasswordValidator().passwords))


def is_breached(password: str) -> bool:
    """Whether ``password`` (ignoring case and surrounding spaces) is on a shipped list of leaked passwords."""
    return password.lower().strip() in _breached()


class BreachedPasswordValidator:
    """Refuse a password found on the leaked-password lists that ship with attune (no network)."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_breached(password):
            raise ValidationError(
                "This password has turned up in leaks from other websites, so it is one of the first that "
                "people who guess passwords try. Please choose another; a few unrelated words work well.",
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return "Your password can't be one that has leaked from other websites."
