"""Two-step sign-in URLs, under /accounts/two-step/ in the accounts namespace."""

from __future__ import annotations

from django.urls import path

from attune.web.accounts import mfa_views

#: Pages a guide or staff member whose session has not passed a second step may still open.
PREFIX = "two-step/"

urlpatterns = [
    path(PREFIX, mfa_views.overview, name="two_step"),
    path(f"{PREFIX}verify/", mfa_views.verify, name="two_step_verify"),
    path(f"{PREFIX}verify/passkey/options/", mfa_views.verify_passkey_options, name="two_step_passkey_options"),
    path(f"{PREFIX}verify/passkey/", mfa_views.verify_passkey, name="two_step_passkey"),
    path(f"{PREFIX}app/start/", mfa_views.app_start, name="two_step_app_start"),
    path(f"{PREFIX}app/", mfa_views.app_confirm, name="two_step_app"),
    path(f"{PREFIX}app/remove/", mfa_views.app_remove, name="two_step_app_remove"),
    path(f"{PREFIX}recovery-codes/", mfa_views.recovery_codes, name="two_step_recovery_codes"),
    path(f"{PREFIX}passkeys/options/", mfa_views.passkey_options, name="two_step_passkey_add_options"),
    path(f"{PREFIX}passkeys/add/", mfa_views.passkey_add, name="two_step_passkey_add"),
    path(f"{PREFIX}passkeys/<int:pk>/remove/", mfa_views.passkey_remove, name="two_step_passkey_remove"),
    path(f"{PREFIX}off/", mfa_views.turn_off, name="two_step_off"),
]
