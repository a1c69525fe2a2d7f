"""Seal every existing check-in note with the keyring, the way ``CheckIn.note`` does.

The associated data is written out here (not imported from the model) so that this migration
keeps doing what it did when the model changes later. Going back opens the notes again.
"""

import uuid
from typing import Any

from django.db import migrations

AAD_PREFIX = b"attune.checkins.note.v1"


def _aad(row: Any) -> bytes:
    return b"|".join([AAD_PREFIX, str(row.user_id).encode("ascii"), row.uuid.hex.encode("ascii")])


def seal(apps: Any, schema_editor: Any) -> None:
    from attune.web.common import crypto

    CheckIn = apps.get_model("checkins", "CheckIn")
    for row in CheckIn.objects.filter(uuid__isnull=True).order_by("pk").iterator(chunk_size=500):
        row.uuid = uuid.uuid4()
        fields = ["uuid"]
        if row.note:
            row.note_key_id, row.note_nonce, row.note_ciphertext = crypto.encrypt(row.note, aad=_aad(row))
            row.note = ""
            fields += ["note_key_id", "note_nonce", "note_ciphertext", "note"]
        row.save(update_fields=fields)


def unseal(apps: Any, schema_editor: Any) -> None:
    from attune.web.common import crypto

    CheckIn = apps.get_model("checkins", "CheckIn")
    for row in CheckIn.objects.exclude(note_key_id="").order_by("pk").iterator(chunk_size=500):
        row.note = crypto.decrypt(row.note_key_id, row.note_nonce, row.note_ciphertext, aad=_aad(row))
        row.note_key_id, row.note_nonce, row.note_ciphertext = "", b"", b""
        row.save(update_fields=["note", "note_key_id", "note_nonce", "note_ciphertext"])


class Migration(migrations.Migration):
    dependencies = [
        ("checkins", "0003_note_sealed_fields"),
    ]

    operations = [migrations.RunPython(seal, unseal, elidable=False)]
