"""The operator's crisis resources, shown gently when a member says they are not safe."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CrisisResource:
    name: str
    how: str


def parse_crisis_resources(text: str) -> list[CrisisResource]:
    """Parse ``Name | how to reach them`` lines; blank lines are skipped, a line without ``|`` is a name."""
    found: list[CrisisResource] = []
    for raw in text.replace("\\n", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        name, _, how = line.partition("|")
        found.append(CrisisResource(name.strip(), how.strip()))
    return found


def crisis_resources() -> list[CrisisResource]:
    return parse_crisis_resources(str(getattr(settings, "CRISIS_RESOURCES", "")))
