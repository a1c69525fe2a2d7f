"""A clock that end-to-end tests can move: never set in production.

With ``ATTUNE_TEST_CLOCK_FILE`` set, ``django.utils.timezone.now`` returns the real time plus the
number of seconds written in that file (0 when the file is missing or empty). A browser test
writes the file to step a whole server, its worker and its ``manage`` commands through days or
weeks, then removes it. The system check ``attune.W005`` warns whenever it is set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

_installed: dict[str, Callable[[], dt.datetime]] = {}


def offset_seconds(path: str) -> float:
    try:
        text = open(path, encoding="ascii").read().strip()  # noqa: SIM115  (tiny file, read each call)
    except OSError:
        return 0.0
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0


def install(path: str) -> None:
    """Make ``timezone.now`` follow the offset in ``path`` (idempotent)."""
    from django.utils import timezone

    if "now" in _installed:
        return
    real = timezone.now
    _installed["now"] = real

    def now() -> dt.datetime:
        return real() + dt.timedelta(seconds=offset_seconds(path))

    timezone.now = now
