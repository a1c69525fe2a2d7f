"""Setting up two-step sign-in in tests the way a member does, and reading the app's current code."""

from __future__ import annotations

import time
from typing import Any

import pyotp

from attune.web.accounts import mfa
from attune.web.accounts.mfa_models import TotpSecret


def code_for(user: Any, step_offset: int = 0) -> str:
    """The six digits the member's app shows now (or ``step_offset`` steps from now)."""
    secret = TotpSecret.objects.get(user=user).secret()
    return str(pyotp.TOTP(secret).at(time.time() + step_offset * mfa.TOTP_STEP_S))


def enrol_app(user: Any) -> list[str]:
    """Turn on the authenticator app for ``user`` (as the set-up page does); returns the recovery codes."""
    mfa.begin_app_setup(user)
    # The previous step's code (still accepted, for a slow clock), so the current one stays unused.
    assert mfa.confirm_app(user, code_for(user, step_offset=-1), None)
    return mfa.new_recovery_codes(user, None)
