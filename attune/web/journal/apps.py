from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def check_journal_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A malformed ATTUNE_JOURNAL_KEYS stops `attune serve` before anyone writes (journal.E001)."""
    from attune.web.common import crypto
    from attune.web.env import env_secret

    try:
        configured = env_secret(crypto.ENV_NAME)
        if configured.strip():
            crypto.parse_keyring(configured, crypto.ENV_NAME)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint="See docs/journal.md, 'Keys'.", id="journal.E001")]
    return []


class JournalConfig(AppConfig):
    name = "attune.web.journal"
    label = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from attune.web.common import crypto
        from attune.web.journal.models import JournalEntry

        checks.register(check_journal_keys)
        crypto.register_sealed(crypto.SealedStore("journal entries", JournalEntry, JournalEntry._aad))
