from django.db import migrations, models


class Migration(migrations.Migration):
    """Columns for the sealed note, and a uuid the seal is bound to (filled by 0004)."""

    dependencies = [
        ("checkins", "0002_both_opt_in"),
    ]

    operations = [
        migrations.AddField(model_name="checkin", name="uuid", field=models.UUIDField(null=True, editable=False)),
        migrations.AddField(
            model_name="checkin", name="note_key_id", field=models.CharField(blank=True, max_length=32)
        ),
        migrations.AddField(
            model_name="checkin", name="note_nonce", field=models.BinaryField(default=b"", max_length=12)
        ),
        migrations.AddField(model_name="checkin", name="note_ciphertext", field=models.BinaryField(default=b"")),
    ]
