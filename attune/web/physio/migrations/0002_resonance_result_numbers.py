"""Resonance results store numbers only: drop the stored wording (summary, method, column texts, cells).

The pages now word the evidence from the numbers (physio/_resonance_evidence.html), so a change of
wording reaches old assessments too. The numbers themselves are kept exactly.
"""

from typing import Any

from django.db import migrations

_WORDING = ("columns", "summary", "method")


def to_numbers(apps: Any, schema_editor: Any) -> None:
    ResonanceAssessment = apps.get_model("physio", "ResonanceAssessment")
    for assessment in ResonanceAssessment.objects.exclude(result={}).only("pk", "result"):
        result = dict(assessment.result) if isinstance(assessment.result, dict) else {}
        if result.get("format") == 2:
            continue
        for key in _WORDING:
            result.pop(key, None)
        result["rates"] = [{k: v for k, v in dict(row).items() if k != "cells"} for row in result.get("rates", [])]
        result["format"] = 2
        ResonanceAssessment.objects.filter(pk=assessment.pk).update(result=result)


class Migration(migrations.Migration):
    dependencies = [("physio", "0001_initial")]

    operations = [migrations.RunPython(to_numbers, migrations.RunPython.noop)]
