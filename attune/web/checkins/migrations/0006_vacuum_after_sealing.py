"""On SQLite, rewrite the database file once after the notes were sealed (0004) and the plain column
dropped (0005), so that no freed page still holds an old plain note. PostgreSQL is left alone (its
own VACUUM reclaims dead rows; see docs/security.md). Runs outside a transaction, as VACUUM must."""

from typing import Any

from django.db import migrations


def vacuum(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("checkins", "0005_drop_plain_note"),
    ]

    operations = [migrations.RunPython(vacuum, migrations.RunPython.noop, elidable=False)]
