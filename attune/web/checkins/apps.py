from __future__ import annotations

from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "attune.web.checkins"
    label = "checkins"

    def ready(self) -> None:
        from attune.web.checkins.models import CheckIn
        from attune.web.common import crypto

        # Key rotation re-seals notes with the journal's entries and the intake answers.
        crypto.register_sealed(
            crypto.SealedStore(
                "check-in notes",
                CheckIn,
                CheckIn.note_aad,
                key_field="note_key_id",
                nonce_field="note_nonce",
                cipher_field="note_ciphertext",
            )
        )
