"""Two-step sign-in: an authenticator app (TOTP), recovery codes, and passkeys.

Optional for members, required for guides and staff (:func:`required_for`). What other code needs:

- :func:`is_enrolled` — has this member a second step (a confirmed authenticator app or a passkey)?
- :func:`verify` — is this a right, unused code (six digits from the app, or a recovery code)?
  Using it spends the code: the same app code or recovery code never works twice.
- :func:`session_verified` — has this browser session passed a second step (sign-in or set-up)?

Every change is sent as ``accounts.signals.security_event`` (the audit log records it; the
member can be told by email). Passkeys are in :mod:`attune.web.accounts.passkeys`; the pages in
:mod:`attune.web.accounts.mfa_views`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyotp
import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from attune.web.accounts.mfa_models import Passkey, RecoveryCode, TotpSecret
from attune.web.accounts.signals import security_event

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from attune.web.accounts.models import User

ISSUER = "attune"
TOTP_DIGITS = 6
TOTP_STEP_S = 30
#: Codes one step either side of now are accepted: a phone's clock a little off still works.
TOTP_DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
#: Ten characters of Crockford's base32 (no I, L, O or U: read aloud without lookalikes): 50 random bits.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"
RECOVERY_LENGTH = 10
SESSION_VERIFIED = "attune_two_step"
SESSION_PENDING = "attune_two_step_pending"
#: How long the second step waits after the password, before the password is asked again.
PENDING_MAX_AGE_S = 300


def required_for(user: Any) -> bool:
    """Guides and staff must use a second step; for members it is their choice."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (getattr(user, "is_guide", False) or user.is_staff or user.is_superuser)
    )


def has_app(user: User) -> bool:
    return TotpSecret.objects.filter(user=user, confirmed_at__isnull=False).exists()


def is_enrolled(user: User) -> bool:
    """A confirmed authenticator app or at least one passkey (recovery codes alone do not count)."""
    return has_app(user) or Passkey.objects.filter(user=user).exists()


# ------------------------------------------------------------------ the session


def session_verified(request: HttpRequest) -> bool:
    """True when this session's signed-in member passed a second step in it."""
    marker = request.session.get(SESSION_VERIFIED)
    user = getattr(request, "user", None)
    return bool(
        isinstance(marker, dict) and user is not None and user.is_authenticated and marker.get("user") == user.pk
    )


def mark_session_verified(session: SessionBase, user: User, method: str) -> None:
    session[SESSION_VERIFIED] = {"user": user.pk, "method": method, "at": int(time.time())}


# ------------------------------------------------------------------ authenticator app (TOTP)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_S, issuer=ISSUER)


def _digits(code: str) -> str:
    return "".join(ch for ch in str(code) if not ch.isspace() and ch != "-")


def begin_app_setup(user: User) -> TotpSecret:
    """A new secret for ``user``'s app, not counted until confirmed (replaces an unconfirmed one).

    A confirmed app is never replaced here: turn it off first.
    """
    with transaction.atomic():
        existing = TotpSecret.objects.select_for_update().filter(user=user).first()
        if existing is not None and existing.confirmed_at is not None:
            return existing
        record = existing or TotpSecret(user=user)
        record.seal(pyotp.random_base32(32))  # 160 bits, as RFC 4226 recommends
        record.created_at = timezone.now()
        record.last_step = 0
        record.save()
        return record


def pending_app(user: User) -> TotpSecret | None:
    return TotpSecret.objects.filter(user=user, confirmed_at__isnull=True).first()


def provisioning_uri(record: TotpSecret, user: User) -> str:
    return _totp(record.secret()).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def grouped_secret(record: TotpSecret) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    secret = record.secret()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(text: str) -> str:
    """An inline SVG QR code (segno), sized by CSS."""
    return str(
        segno.make(text, error="m").svg_inline(scale=1, dark="#1f2a2a", light="#ffffff", border=4, omitsize=True)
    )


def _accept_app_code(record: TotpSecret, code: str, now: float | None = None) -> bool:
    """Accept ``code`` if it belongs to a step after the last one used (so never twice)."""
    digits = _digits(code)
    if len(digits) != TOTP_DIGITS or not digits.isdigit():
        return False
    totp = _totp(record.secret())
    current = int((time.time() if now is None else now) // TOTP_STEP_S)
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if step > record.last_step and secrets.compare_digest(totp.generate_otp(step), digits):
            # Claim the step atomically: two requests racing with one code cannot both pass.
            return TotpSecret.objects.filter(pk=record.pk, last_step__lt=step).update(last_step=step) == 1
    return False


def confirm_app(user: User, code: str, request: HttpRequest | None) -> bool:
    """Turn the pending app on when ``code`` comes from it; records ``mfa_enabled``."""
    record = pending_app(user)
    if record is None or not _accept_app_code(record, code):
        return False
    first = not is_enrolled(user)
    TotpSecret.objects.filter(pk=record.pk).update(confirmed_at=timezone.now())
    security_event.send(
        sender=confirm_app, user=user, kind="mfa_enabled", request=request, detail={"method": "app", "first": first}
    )
    return True


def remove_app(user: User, request: HttpRequest | None) -> bool:
    deleted, _ = TotpSecret.objects.filter(user=user, confirmed_at__isnull=False).delete()
    if deleted:
        security_event.send(
            sender=remove_app, user=user, kind="mfa_disabled", request=request, detail={"method": "app"}
        )
    return bool(deleted)


# ------------------------------------------------------------------ recovery codes


def _normalise_recovery(code: str) -> str:
    # Crockford: O reads as zero, I and L as one (the alphabet has none of them).
    return _digits(code).upper().translate(str.maketrans("OIL", "011"))


def _hash_recovery(user: User, code: str) -> str:
    return hashlib.sha256(f"attune.recovery|{user.pk}|{_normalise_recovery(code)}".encode()).hexdigest()


def format_recovery(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def new_recovery_codes(user: User, request: HttpRequest | None) -> list[str]:
    """Replace every recovery code with ten new ones; returns them once, to show (never stored)."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash_recovery(user, c)) for c in codes])
    security_event.send(
        sender=new_recovery_codes, user=user, kind="recovery_codes_regenerated", request=request, detail={}
    )
    return [format_recovery(c) for c in codes]


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _use_recovery_code(user: User, code: str) -> bool:
    normalised = _normalise_recovery(code)
    if len(normalised) != RECOVERY_LENGTH:
        return False
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_hash_recovery(user, normalised), used_at__isnull=True
    ).update(used_at=timezone.now())
    return spent == 1


# ------------------------------------------------------------------ checking a code


@dataclass(frozen=True)
class Verified:
    method: str  # "app" or "recovery"


def check_code(user: User, code: str) -> Verified | None:
    """Spend ``code`` if it is right: six digits from the app, or an unused recovery code."""
    digits = _digits(code)
    if len(digits) == TOTP_DIGITS and digits.isdigit():
        record = TotpSecret.objects.filter(user=user, confirmed_at__isnull=False).first()
        if record is not None and _accept_app_code(record, digits):
            return Verified("app")
        return None
    if _use_recovery_code(user, code):
        return Verified("recovery")
    return None


def verify(user: User, code: str) -> bool:
    """True if ``code`` is a right, unused app code or recovery code for ``user`` (and spends it)."""
    return check_code(user, code) is not None


# ------------------------------------------------------------------ turning it off


def turn_off(user: User, request: HttpRequest | None, via: str = "") -> None:
    """Remove the app, every passkey and every recovery code (the member's own view refuses guides;
    an administrator may do it for anyone, ``via="admin"``)."""
    with transaction.atomic():
        TotpSecret.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
    detail = {"method": "all", **({"via": via} if via else {})}
    security_event.send(sender=turn_off, user=user, kind="mfa_disabled", request=request, detail=detail)


@dataclass(frozen=True)
class Status:
    """What the settings page shows."""

    required: bool
    enrolled: bool
    has_app: bool
    app_pending: bool
    passkeys: tuple[Passkey, ...]
    recovery_left: int
    recovery_made: bool


def status(user: User) -> Status:
    record = TotpSecret.objects.filter(user=user).first()
    passkeys = tuple(Passkey.objects.filter(user=user))
    app = record is not None and record.confirmed_at is not None
    return Status(
        required=required_for(user),
        enrolled=app or bool(passkeys),
        has_app=app,
        app_pending=record is not None and record.confirmed_at is None,
        passkeys=passkeys,
        recovery_left=recovery_codes_left(user),
        recovery_made=RecoveryCode.objects.filter(user=user).exists(),
    )
