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

        user_logged_in.connect(receivers.signed_in, dispatch_uid="audit.signed_in")
        user_logged_out.connect(receivers.signed_out, dispatch_uid="audit.signed_out")
        user_login_failed.connect(receivers.sign_in_failed, dispatch_uid="audit.sign_in_failed")
        user_locked_out.connect(receivers.locked_out, dispatch_uid="audit.locked_out")
        security_event.connect(receivers.security_event, dispatch_uid="audit.security_event")
        settings_links.register(
            settings_links.SettingsLink(
                key="activity",
                label=_("Account activity"),
                url_name="audit:activity",
                hint=_("Sign-ins, changes, and each time a guide opened something you shared."),
            )
        )
