from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "attune.web.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from attune.web import checks  # noqa: F401  (registers the system checks)
        from attune.web.accounts import reauth, sessions
        from attune.web.logging import guard_all_handlers

        # Django's own console handler (used when DEBUG is on) is set up outside LOGGING; make sure
        # it, too, never writes a private note.
        guard_all_handlers()

        # Signing in starts the session's clocks and counts as having just entered the password.
        user_logged_in.connect(sessions.start, dispatch_uid="accounts.sessions.start")
        user_logged_in.connect(reauth.on_sign_in, dispatch_uid="accounts.reauth.on_sign_in")
        # Signing out closes that session's websockets in the browser's other tabs.
        user_logged_out.connect(sessions.on_sign_out, dispatch_uid="accounts.sessions.on_sign_out")

        from attune.web.accounts.mfa_models import TotpSecret
        from attune.web.common import crypto

        # Key rotation re-seals authenticator-app secrets with everything else the keyring seals.
        crypto.register_sealed(crypto.SealedStore("authenticator app secrets", TotpSecret, TotpSecret._aad))
