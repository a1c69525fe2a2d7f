"""What two-step sign-in keeps: an authenticator app's secret, recovery codes, and passkeys.

- The authenticator app's secret is sealed with the journal's keyring (AES-256-GCM, the owner's id
  in the associated data), so a copy of the database alone does not give anyone the codes.
- Recovery codes are stored only as SHA-256 hashes: each is 50 random bits, too many to guess
  from a hash, and each works once.
- A passkey keeps its credential id and public key (neither is secret) and its signature count.

The logic lives in :mod:`attune.web.accounts.mfa`; these models are imported by ``models.py`` so
Django finds them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from attune.web.common import crypto

_TOTP_AAD = b"attune.accounts.totp"


class TotpSecret(models.Model):
    """The secret an authenticator app shares with attune (one per member).

    ``confirmed_at`` is empty while the member is still setting it up: it counts only once they
    have typed a code from their app. ``last_step`` is the 30-second step of the last code
    accepted, so the same code (or an older one) never works twice.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_secret")
    key_id = models.CharField(max_length=32)
    nonce = models.BinaryField(max_length=crypto.NONCE_BYTES)
    ciphertext = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:  # never the secret
        return f"authenticator app of member {self.user_id}"

    def _aad(self) -> bytes:
        if self.user_id is None:
            raise ValueError("a secret needs its member before it can be sealed")
        return b"|".join([_TOTP_AAD, str(self.user_id).encode("ascii")])

    def seal(self, secret: str) -> None:
        self.key_id, self.nonce, self.ciphertext = crypto.encrypt(secret, aad=self._aad())

    def secret(self) -> str:
        return crypto.decrypt(self.key_id, self.nonce, self.ciphertext, aad=self._aad())


class RecoveryCode(models.Model):
    """One single-use recovery code, as a hash."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_once_per_user"),)

    def __str__(self) -> str:
        return f"recovery code of member {self.user_id}"


class Passkey(models.Model):
    """A WebAuthn credential (a passkey or a security key) the member registered as a second step."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=60)
    credential_id = models.BinaryField(max_length=1023)
    credential_hash = models.CharField(max_length=64, unique=True)  # sha256 of the id: for lookups
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"passkey {self.name!r} of member {self.user_id}"
