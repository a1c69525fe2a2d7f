from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "attune.web.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from attune.web.accounts import settings_links

        settings_links.register(
            settings_links.SettingsLink(
                key="reminders",
                label=_("Gentle reminders"),
                url_name="reminders:settings",
                hint=_("None unless you choose: at most one a day, never in your quiet hours."),
            )
        )
