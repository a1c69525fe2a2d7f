from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "attune.web.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from attune.web.accounts import settings_links
        from attune.web.accounts.signals import security_event
        from attune.web.audit import receivers

        for signal, receiver in (
            (user_logged_in, receivers.signed_in),
            (user_logged_out, receivers.signed_out),
            (user_login_failed, receivers.sign_in_failed),
            (user_locked_out, receivers.locked_out),
            (security_event, receivers.security_event),
        ):
            signal.connect(receiver, dispatch_uid=f"audit.{receiver.__name__}")
        settings_links.register(
            settings_links.SettingsLink(
                key="activity",
                label=_("Account activity"),
                url_name="audit:activity",
                hint=_("Sign-ins, changes, and each time a guide opened something you shared."),
            )
        )
