"""A console e-mail backend that keeps what it prints out of the server's log.

With no mail server configured, attune "sends" e-mail by printing it, and that output goes to the
server's log. A password-reset e-mail carries a link that lets whoever holds it set the account's
password, and its recipient is an address: neither belongs in a log. This backend prints only that
a message was not sent, its subject and how many recipients it had. The whole message (link,
addresses and all) is printed only when ``EMAIL_CONSOLE_SHOW_CONTENT`` is set
(``ATTUNE_EMAIL_CONSOLE_SHOW_CONTENT=true``), which is meant for development on your own machine.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

HIDDEN = (
    "[attune] e-mail not sent (no mail server configured): subject {subject!r}, {count} recipient(s); "
    "addresses and content not shown. Set ATTUNE_EMAIL_CONSOLE_SHOW_CONTENT=true in development to see them.\n"
)


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        if getattr(settings, "EMAIL_CONSOLE_SHOW_CONTENT", False):
            super().write_message(message)
            return
        subject = " ".join(str(message.subject).split())[:120]
        self.stream.write(HIDDEN.format(subject=subject, count=len(message.recipients())))
