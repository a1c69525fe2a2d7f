"""Give existing journal answers the title of the workbook they answer (journal 0002 added the column).

The journal no longer asks the workbooks app for titles; the answer carries the title it was given
when written. This fills the rows written before, from the answered version (else the latest).
"""

from typing import Any

from django.db import migrations


def fill_titles(apps: Any, schema_editor: Any) -> None:
    JournalEntry = apps.get_model("journal", "JournalEntry")
    WorkbookVersion = apps.get_model("workbooks", "WorkbookVersion")
    titles: dict[tuple[str, int | None], str] = {}
    for slug, number, title in WorkbookVersion.objects.order_by("number").values_list("workbook__slug", "number", "title"):
        titles[(slug, number)] = title
        titles[(slug, None)] = title  # the latest, since the rows come in order of number
    for entry in JournalEntry.objects.filter(kind="prompt", source_title="").only("pk", "workbook_slug", "workbook_version"):
        title = titles.get((entry.workbook_slug, entry.workbook_version)) or titles.get((entry.workbook_slug, None))
        if title:
            JournalEntry.objects.filter(pk=entry.pk).update(source_title=title)


class Migration(migrations.Migration):
    dependencies = [
        ("workbooks", "0001_initial"),
        ("journal", "0002_entry_source_title"),
    ]

    operations = [migrations.RunPython(fill_titles, migrations.RunPython.noop)]
