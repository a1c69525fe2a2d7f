import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """Every note is sealed now (0004): the plain column goes, the uuid becomes required."""

    dependencies = [
        ("checkins", "0004_seal_existing_notes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkin", name="uuid", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.RemoveField(model_name="checkin", name="note"),
    ]
