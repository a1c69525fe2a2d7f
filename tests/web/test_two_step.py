"""Two-step sign-in: setting up an app, the second step after the password, recovery codes, turning it
off, the same lockout as passwords, and guides and staff who must use it (the admin included)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from attune.web.accounts import mfa
from attune.web.accounts.mfa_models import RecoveryCode, TotpSecret
from attune.web.audit.models import AuditEvent
from tests.web.conftest import PASSWORD
from tests.web.two_step_helpers import code_for, enrol_app

pytestmark = [pytest.mark.real_two_step, pytest.mark.django_db]

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_step_verify")
OVERVIEW = reverse("accounts:two_step")
TODAY = reverse("today:today")


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(seconds=900)


def _kinds(user: Any) -> list[str]:
    return list(AuditEvent.objects.filter(account=user).order_by("pk").values_list("kind", flat=True))


def _password(client: Client, username: str = "olive", next_url: str = "") -> Any:
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# ------------------------------------------------------------------ setting up the app


def test_a_member_sets_up_an_app_by_scanning_and_typing_a_code(owner_client: Client, owner: Any) -> None:
    start = owner_client.post(reverse("accounts:two_step_app_start"))
    assert start.status_code == 302 and start["Location"] == reverse("accounts:two_step_app")
    page = owner_client.get(reverse("accounts:two_step_app"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Type the code the app shows" in html
    secret = TotpSecret.objects.get(user=owner).secret()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html  # the key to type by hand
    assert not mfa.is_enrolled(owner)  # not until a code proves the app has it

    done = owner_client.post(reverse("accounts:two_step_app"), {"code": code_for(owner)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    assert mfa.is_enrolled(owner) and mfa.session_verified(done.wsgi_request)
    assert _kinds(owner)[-2:] == ["mfa_enabled", "recovery_codes_regenerated"]


def test_a_wrong_code_does_not_turn_the_app_on(owner_client: Client, owner: Any) -> None:
    owner_client.post(reverse("accounts:two_step_app_start"))
    wrong = str((int(code_for(owner)) + 1) % 1_000_000).zfill(6)
    response = owner_client.post(reverse("accounts:two_step_app"), {"code": wrong})
    assert response.status_code == 400
    assert "That code did not match" in response.content.decode()
    assert not mfa.is_enrolled(owner)
    assert "mfa_enabled" not in _kinds(owner)


def test_the_secret_is_sealed_and_recovery_codes_are_only_hashes(owner: Any) -> None:
    codes = enrol_app(owner)
    record = TotpSecret.objects.get(user=owner)
    assert record.secret().encode() not in bytes(record.ciphertext)
    stored = list(RecoveryCode.objects.filter(user=owner).values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code.replace("-", "") not in "".join(stored)


def test_the_page_asks_a_set_up_app_to_be_removed_before_a_new_one(owner: Any) -> None:
    enrol_app(owner)
    first = TotpSecret.objects.get(user=owner).secret()
    mfa.begin_app_setup(owner)
    assert TotpSecret.objects.get(user=owner).secret() == first


# ------------------------------------------------------------------ the second step


def test_a_member_with_an_app_gives_a_code_after_the_password(anon_client: Client, owner: Any) -> None:
    enrol_app(owner)
    first = _password(anon_client, next_url="/journal/")
    assert first.status_code == 302 and first["Location"] == VERIFY
    assert not _signed_in(anon_client)  # the password alone signs no one in
    page = anon_client.get(VERIFY)
    assert page.status_code == 200 and "One more step" in page.content.decode()
    done = anon_client.post(VERIFY, {"code": code_for(owner)})
    assert done.status_code == 302 and done["Location"] == "/journal/"
    assert anon_client.session["_auth_user_id"] == str(owner.pk)
    assert anon_client.session[mfa.SESSION_VERIFIED]["method"] == "app"
    assert _kinds(owner)[-1] == "signed_in"


def test_a_wrong_code_is_refused_and_counts_against_the_lockout(anon_client: Client, owner: Any) -> None:
    enrol_app(owner)
    _password(anon_client)
    wrong = anon_client.post(VERIFY, {"code": "000000" if code_for(owner) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "That code did not work" in wrong.content.decode()
    assert not _signed_in(anon_client)
    assert AccessAttempt.objects.get(username="olive").failures_since_start == 1
    assert _kinds(owner)[-1] == "sign_in_failed"


def test_wrong_codes_lock_the_account_from_that_address_like_wrong_passwords(owner: Any) -> None:
    enrol_app(owner)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _password(attacker)
    responses = [attacker.post(VERIFY, {"code": "12345" + str(n)}) for n in range(3)]
    assert responses[-1].status_code == 429
    assert "Too many tries" in responses[-1].content.decode()
    # Now even the right password and the right code wait out the lock.
    assert _password(attacker).status_code == 429
    assert not _signed_in(attacker)
    # The owner, from their own address, is not held back.
    mine = Client(REMOTE_ADDR="198.51.100.20")
    _password(mine)
    assert mine.post(VERIFY, {"code": code_for(owner)}).status_code == 302


def test_a_code_that_was_used_never_works_again(owner: Any) -> None:
    enrol_app(owner)
    code = code_for(owner, step_offset=1)  # one the set-up did not use
    first = Client()
    _password(first)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    replay = Client()
    _password(replay)
    again = replay.post(VERIFY, {"code": code})
    assert again.status_code == 400 and not _signed_in(replay)
    assert not mfa.verify(owner, code)


def test_a_recovery_code_works_once(owner: Any) -> None:
    codes = enrol_app(owner)
    first = Client()
    _password(first)
    used = first.post(VERIFY, {"code": codes[0].lower()})  # any case, with or without the dash
    assert used.status_code == 302 and _signed_in(first)
    assert first.session[mfa.SESSION_VERIFIED]["method"] == "recovery"
    assert mfa.recovery_codes_left(owner) == 9
    replay = Client()
    _password(replay)
    assert replay.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert not _signed_in(replay)


def test_new_recovery_codes_replace_the_old_ones(owner_client: Client, owner: Any) -> None:
    old = enrol_app(owner)
    session = owner_client.session
    mfa.mark_session_verified(session, owner, "app")
    session.save()
    response = owner_client.post(reverse("accounts:two_step_recovery_codes"))
    new = response.context["codes"]
    assert response.status_code == 200 and set(new).isdisjoint(old)
    assert not mfa.verify(owner, old[1])
    assert mfa.verify(owner, new[1])
    assert _kinds(owner).count("recovery_codes_regenerated") == 2


def test_verify_is_a_small_function_other_code_can_call(owner: Any, other: Any) -> None:
    assert not mfa.is_enrolled(owner) and not mfa.verify(owner, "123456")
    codes = enrol_app(owner)
    assert mfa.is_enrolled(owner)
    assert not mfa.verify(other, codes[2])  # an outsider's codes are not theirs
    assert mfa.verify(owner, codes[2])
    assert not mfa.verify(owner, "not a code")


def test_the_second_step_waits_only_a_few_minutes(anon_client: Client, owner: Any) -> None:
    enrol_app(owner)
    _password(anon_client)
    session = anon_client.session
    session[mfa.SESSION_PENDING]["at"] -= mfa.PENDING_MAX_AGE_S + 1
    session.save()
    response = anon_client.post(VERIFY, {"code": code_for(owner)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not _signed_in(anon_client)


def test_an_outsider_without_a_password_gets_no_second_step(anon_client: Client, owner: Any) -> None:
    enrol_app(owner)
    response = anon_client.post(VERIFY, {"code": code_for(owner)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not _signed_in(anon_client)
    options = anon_client.post(reverse("accounts:two_step_passkey_options"))
    assert options.status_code == 403


def test_a_member_without_two_step_signs_in_with_the_password_alone(anon_client: Client, owner: Any) -> None:
    response = _password(anon_client)
    assert response.status_code == 302 and response["Location"] == TODAY
    assert _signed_in(anon_client)
    assert anon_client.get(TODAY).status_code == 200


# ------------------------------------------------------------------ changing it


def test_a_member_can_turn_it_off(owner_client: Client, owner: Any) -> None:
    enrol_app(owner)
    session = owner_client.session
    mfa.mark_session_verified(session, owner, "app")
    session.save()
    response = owner_client.post(reverse("accounts:two_step_off"))
    assert response.status_code == 302
    assert not mfa.is_enrolled(owner) and not RecoveryCode.objects.filter(user=owner).exists()
    assert _kinds(owner)[-1] == "mfa_disabled"


def test_a_session_that_has_not_passed_the_second_step_cannot_change_it(owner_client: Client, owner: Any) -> None:
    enrol_app(owner)  # set up elsewhere; this session signed in before
    response = owner_client.post(reverse("accounts:two_step_off"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert mfa.is_enrolled(owner)
    assert owner_client.post(reverse("accounts:two_step_recovery_codes")).status_code == 302


def test_an_outsider_cannot_remove_someone_elses_passkey(owner: Any, other_client: Client) -> None:
    from attune.web.accounts.mfa_models import Passkey

    key = Passkey.objects.create(
        user=owner, name="Olive's phone", credential_id=b"abc", credential_hash="x" * 64, public_key=b"k"
    )
    response = other_client.post(reverse("accounts:two_step_passkey_remove", args=[key.pk]))
    assert response.status_code == 404
    assert Passkey.objects.filter(pk=key.pk).exists()


def test_the_settings_page_has_a_two_step_section(owner_client: Client) -> None:
    html = owner_client.get(reverse("accounts:settings")).content.decode()
    assert "Two-step sign-in" in html and "Set up an authenticator app" in html and "Add a passkey" in html
    assert "js/passkeys.js" in html


# ------------------------------------------------------------------ guides and staff must use it


def test_a_guide_without_a_second_step_is_sent_to_set_one_up(anon_client: Client, guide: Any) -> None:
    assert _password(anon_client, "gwen").status_code == 302
    for url in (TODAY, reverse("workbooks:guide"), reverse("retreats:guide"), reverse("accounts:settings")):
        response = anon_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(OVERVIEW), url
    page = anon_client.get(OVERVIEW)
    assert "Guides and staff need a second step before going on" in page.content.decode()
    assert "Turn off two-step sign-in" not in page.content.decode()
    anon_client.post(reverse("accounts:two_step_app_start"))
    anon_client.post(reverse("accounts:two_step_app"), {"code": code_for(guide)})
    assert anon_client.get(reverse("workbooks:guide")).status_code == 200


def test_a_guide_session_that_skipped_the_second_step_is_sent_to_it(guide: Any) -> None:
    enrol_app(guide)
    client = Client()
    client.force_login(guide)  # a session made some other way (real_two_step: not marked)
    response = client.get(reverse("workbooks:guide"))
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fworkbooks%2Fguide%2F"
    done = client.post(response["Location"], {"code": code_for(guide), "next": "/workbooks/guide/"})
    assert done["Location"] == "/workbooks/guide/"
    assert client.get("/workbooks/guide/").status_code == 200


def test_a_guide_cannot_turn_it_off_or_remove_the_last_step(guide: Any) -> None:
    enrol_app(guide)
    client = Client()
    _password(client, "gwen")
    client.post(VERIFY, {"code": code_for(guide, step_offset=1)})
    assert client.post(reverse("accounts:two_step_off")).status_code == 302
    assert client.post(reverse("accounts:two_step_app_remove")).status_code == 302
    assert mfa.is_enrolled(guide)
    assert "mfa_disabled" not in _kinds(guide)


def test_an_htmx_request_is_told_where_to_go(anon_client: Client, guide: Any) -> None:
    _password(anon_client, "gwen")
    response = anon_client.get(TODAY, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(OVERVIEW)


def _staff(username: str = "root") -> Any:
    return get_user_model().objects.create_user(
        username, f"{username}@example.test", PASSWORD, is_staff=True, is_superuser=True
    )


def test_the_admin_needs_a_second_step_in_the_session() -> None:
    root = _staff()
    client = Client()
    client.force_login(root)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(OVERVIEW)
    enrol_app(root)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_for(root, step_offset=1)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_is_attunes_with_its_second_step() -> None:
    root = _staff()
    enrol_app(root)
    client = Client()
    first = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert first.status_code == 302 and first["Location"] == VERIFY
    assert not _signed_in(client)
    done = client.post(VERIFY, {"code": code_for(root, step_offset=1)})
    assert done["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_member_who_is_not_staff_gets_404_from_the_admin_login(owner_client: Client) -> None:
    assert owner_client.get(reverse("admin:login")).status_code == 404


# ------------------------------------------------------------------ passkeys (the ceremony itself: tests/e2e)


def _passkey(user: Any, credential_id: bytes) -> Any:
    from attune.web.accounts.mfa_models import Passkey

    digest = hashlib.sha256(credential_id).hexdigest()
    return Passkey.objects.create(
        user=user, name="phone", credential_id=credential_id, credential_hash=digest, public_key=b"k"
    )


def test_passkey_options_name_this_site_and_the_members_own_passkeys_only(owner: Any, other: Any) -> None:

    enrol_app(owner)
    _passkey(owner, b"own-key")
    _passkey(other, b"not-hers")
    client = Client(HTTP_HOST="localhost")
    _password(client)
    options = json.loads(client.post(reverse("accounts:two_step_passkey_options")).content)
    assert options["rpId"] == "localhost"
    assert [c["id"] for c in options["allowCredentials"]] == ["b3duLWtleQ"]  # base64url of b"own-key"


def test_a_forged_passkey_answer_is_refused_and_counted(owner: Any) -> None:

    enrol_app(owner)
    _passkey(owner, b"own-key")
    client = Client(HTTP_HOST="localhost")
    _password(client)
    client.post(reverse("accounts:two_step_passkey_options"))
    forged = {"id": "b3duLWtleQ", "rawId": "b3duLWtleQ", "type": "public-key", "response": {}}
    response = client.post(reverse("accounts:two_step_passkey"), json.dumps(forged), content_type="application/json")
    assert response.status_code == 400 and not _signed_in(client)
    assert AccessAttempt.objects.get(username="olive").failures_since_start == 1
    # The challenge was used up: answering it again is refused before any check.
    again = client.post(reverse("accounts:two_step_passkey"), json.dumps(forged), content_type="application/json")
    assert again.status_code == 400


# ------------------------------------------------------------------ what the member reads, and the admin's help


def test_the_member_reads_that_someone_had_their_password_but_not_their_code(owner: Any) -> None:
    from attune.web.audit.actions import describe

    enrol_app(owner)
    client = Client()
    _password(client)
    client.post(VERIFY, {"code": "999999" if code_for(owner) != "999999" else "888888"})
    event = AuditEvent.objects.filter(account=owner, kind="sign_in_failed").get()
    assert event.detail == {"step": "two_step"}
    assert describe(event).startswith("Someone gave your password, then a wrong code or passkey")


def test_an_admin_can_turn_it_off_for_a_member_who_lost_everything(owner: Any) -> None:
    from attune.web.audit.actions import describe

    enrol_app(owner)
    root = _staff()
    enrol_app(root)
    admin = Client()
    admin.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    admin.post(VERIFY, {"code": code_for(root)})
    response = admin.post(
        reverse("admin:accounts_user_changelist"), {"action": "reset_two_step", "_selected_action": [owner.pk]}
    )
    assert response.status_code == 302
    assert not mfa.is_enrolled(owner) and mfa.is_enrolled(root)
    event = AuditEvent.objects.filter(account=owner, kind="mfa_disabled").get()
    assert describe(event) == "Two-step sign-in was turned off by an administrator"


def test_a_key_rotation_reseals_the_app_secret_too(owner: Any, settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    import io

    from django.core.management import call_command

    from attune.web.common import crypto

    monkeypatch.delenv("ATTUNE_JOURNAL_KEYS", raising=False)
    settings.DATA_DIR = tmp_path / "data"
    crypto.forget_keyring()
    try:
        enrol_app(owner)
        before = TotpSecret.objects.get(user=owner)
        out = io.StringIO()
        call_command("rotatejournalkeys", "--add-key", stdout=out)
        assert "authenticator app secrets: current key" in out.getvalue()
        after = TotpSecret.objects.get(user=owner)
        assert after.key_id == crypto.keyring().current_id != before.key_id
        assert after.secret() == before.secret()
        assert mfa.verify(owner, code_for(owner))
    finally:
        crypto.forget_keyring()


@pytest.mark.parametrize(
    "body",
    ["", "[]", "null", "{", "[" * 5000 + "]" * 5000, json.dumps({"credential": "x"}), json.dumps({"x": "y" * 20_000})],
)
def test_hostile_passkey_bodies_get_a_clear_4xx(owner_client: Client, owner: Any, body: str) -> None:
    enrol_app(owner)
    session = owner_client.session
    mfa.mark_session_verified(session, owner, "app")
    session.save()
    owner_client.post(reverse("accounts:two_step_passkey_add_options"), HTTP_HOST="localhost")
    added = owner_client.post(
        reverse("accounts:two_step_passkey_add"), body, content_type="application/json", HTTP_HOST="localhost"
    )
    assert added.status_code == 400 and "error" in added.json()
    _passkey(owner, b"own-key")
    anonymous = Client(HTTP_HOST="localhost")
    _password(anonymous)
    anonymous.post(reverse("accounts:two_step_passkey_options"))
    used = anonymous.post(reverse("accounts:two_step_passkey"), body, content_type="application/json")
    assert used.status_code == 400 and "error" in used.json()
