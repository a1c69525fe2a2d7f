from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "attune.web.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from attune.web.accounts.signals import email_confirmation_needed, security_event
        from attune.web.jobs import notices

        # A change to how the member signs in is told to them by email, from the worker.
        security_event.connect(notices.on_security_event, dispatch_uid="jobs.notices.security_event")
        email_confirmation_needed.connect(
            notices.on_email_confirmation_needed, dispatch_uid="jobs.notices.email_confirmation_needed"
        )
