"""Password rules beyond Django's own: an upper bound on length.

Long passphrases are welcome (ASVS asks that at least 64 characters be allowed), but hashing a
megabyte-long "password" with Argon2 on every try costs the server, so there is a ceiling.
"""

from __future__ import annotations

from typing import Any

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
