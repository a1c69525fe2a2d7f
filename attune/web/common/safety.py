"""The operator's crisis resources, shown gently when a member says they are not safe.

An operator's own list is shown as they wrote it; the default one (settings.CRISIS_RESOURCES) is
worded in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class CrisisResource:
    name: str
    how: str


# settings.CRISIS_RESOURCES's default line, "Emergency services | call your local emergency number".
DEFAULT = (gettext_noop("Emergency services"), gettext_noop("call your local emergency number"))


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
    """The configured resources, the default one in the active language."""
    found = parse_crisis_resources(str(getattr(settings, "CRISIS_RESOURCES", "")))
    return [CrisisResource(gettext(r.name), gettext(r.how)) if (r.name, r.how) == DEFAULT else r for r in found]
