"""Notices by email when how a member signs in changes: sent by the worker, kind, never a token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from attune.web.accounts.signals import security_event
from attune.web.jobs import notices
from tests.web.conftest import PASSWORD

NEW = "another calm long passphrase"
# A reset link carries /password-reset/<uid>/<token>/; a notice never does.
RESET_LINK = re.compile(r"password-reset/[^/\s]+/[^/\s]+/")


def _change_password(client: Client) -> Any:
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    agent = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
    return client.post(reverse("accounts:password_change"), data, HTTP_USER_AGENT=agent)


def test_a_password_change_is_told_to_the_member_kindly_without_a_token(
    owner_client: Client, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _change_password(owner_client).status_code == 302
    (notice,) = mail.outbox
    assert notice.to == ["olive@example.test"]
    assert notice.subject == "attune: Your password was changed"
    body = notice.body
    assert body.startswith("Hello Olive,")
    assert "If this was you, there is nothing more to do." in body
    assert "If it was not you" in body and "Sign out everywhere else" in body
    assert reverse("accounts:password_reset") in body  # where to ask for a link, not a link itself
    assert not RESET_LINK.search(body)
    assert "Firefox" in body
    assert "(GMT)" in body or "(BST)" in body  # in the member's own time zone (Europe/London)


def test_the_notice_is_a_job_for_the_worker_not_the_request(
    owner_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _change_password(owner_client)
    assert mail.outbox == []  # nothing sent inside the request
    assert len(queued) == 1
    assert hasattr(notices.send_security_notice, "call_local")  # a task of the queue
    queued[0]()  # what the commit hands to the queue; the test queue runs it at once
    assert len(mail.outbox) == 1


def test_a_password_reset_is_told_too(owner: Any, anon_client: Client, django_capture_on_commit_callbacks: Any) -> None:
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    url = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(owner)}
    )
    form_url = anon_client.get(url)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        anon_client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    (notice,) = mail.outbox
    assert "reset link" in notice.subject
    assert not RESET_LINK.search(notice.body)


@pytest.mark.parametrize("kind", ["mfa_enabled", "mfa_disabled", "passkey_added", "recovery_codes_regenerated"])
def test_two_step_changes_sent_through_the_signal_are_told(
    owner: Any, kind: str, django_capture_on_commit_callbacks: Any
) -> None:
    """What the two-step sign-in pages will send: each gets its notice with no extra code."""
    with django_capture_on_commit_callbacks(execute=True):
        security_event.send(sender=None, user=owner, kind=kind, request=None, detail={})
    (notice,) = mail.outbox
    assert notice.subject == f"attune: {notices.NOTICES[kind][0]}"


@pytest.mark.parametrize("kind", ["export_downloaded", "reauthenticated", "sessions_revoked", "reauth_failed"])
def test_other_events_send_no_email(owner: Any, kind: str, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        security_event.send(sender=None, user=owner, kind=kind, request=None, detail={})
    assert mail.outbox == []


def test_a_member_without_an_address_is_not_written_to(owner: Any, django_capture_on_commit_callbacks: Any) -> None:
    owner.email = ""
    owner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.notify_security_change(owner, "password_changed") is False
    assert mail.outbox == []


def test_an_unknown_change_is_a_programming_error(owner: Any) -> None:
    with pytest.raises(ValueError, match="no notice"):
        notices.notify_security_change(owner, "something_new")


def test_every_two_step_kind_has_its_words() -> None:
    from attune.web.accounts.signals import SECURITY_EVENT_KINDS

    two_step = {"mfa_enabled", "mfa_disabled", "recovery_codes_regenerated", "passkey_added", "passkey_removed"}
    assert two_step <= SECURITY_EVENT_KINDS and two_step <= set(notices.NOTICES)


def _admin_client() -> Client:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.test", "a long admin password")
    client = Client()
    client.force_login(admin)
    return client


def test_a_password_an_admin_sets_ends_the_members_sessions_and_is_told(
    owner: Any, owner_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from attune.web.accounts.models import MemberSession
    from attune.web.audit.actions import describe
    from attune.web.audit.models import AuditEvent

    admin = _admin_client()
    url = reverse("admin:auth_user_password_change", args=[owner.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302
    assert not MemberSession.objects.filter(user=owner).exists()
    assert owner_client.get(reverse("accounts:settings")).status_code == 302
    (notice,) = mail.outbox
    assert notice.to == ["olive@example.test"] and "password was changed" in notice.subject
    event = AuditEvent.objects.filter(account=owner, kind="password_changed").get()
    assert describe(event) == "Your password was changed by an administrator"


def test_an_email_an_admin_changes_is_told_to_the_previous_address(
    owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = _admin_client()
    url = reverse("admin:accounts_user_change", args=[owner.pk])
    data = {
        "username": owner.username,
        "display_name": owner.display_name,
        "email": "olive.elsewhere@example.test",
        "timezone": owner.timezone,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": owner.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": owner.date_joined.strftime("%H:%M:%S"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    owner.refresh_from_db()
    assert owner.email == "olive.elsewhere@example.test"
    assert [m.to for m in mail.outbox] == [["olive@example.test"]]


def test_the_email_change_notice_does_not_send_the_reader_to_a_reset_that_would_miss_them(owner: Any) -> None:
    import datetime as dt

    body = notices.message(owner, "email_changed", "olive@example.test", dt.datetime.now(dt.UTC)).body
    assert "a reset would not reach you here" in body
    assert reverse("accounts:password_reset") not in body
