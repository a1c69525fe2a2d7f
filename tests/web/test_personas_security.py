"""Three people, through the pages only: a guide who must use two-step sign-in, a member who turns
it on and is asked for her password again before what matters most, and an outsider. The account
activity each of them reads is checked along the way: the member sees every time her guide opened
what she shared, and her own security changes; nobody sees anyone else's."""

from __future__ import annotations

import html
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from attune.web.accounts.reauth import AUTH_AT_KEY
from attune.web.journal import actions as journal_actions
from tests.web.conftest import PASSWORD
from tests.web.journal_helpers import cohort_led_by, journal_keys  # noqa: F401  (fixture)
from tests.web.two_step_helpers import code_for

pytestmark = [pytest.mark.real_two_step, pytest.mark.django_db, pytest.mark.usefixtures("journal_keys")]

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_step_verify")
ACTIVITY = reverse("audit:activity")
EXPORT = reverse("accounts:export")
REAUTH = reverse("accounts:reauth")
SECRET = "What I could not say at dinner, 5813."


def _sign_in(username: str) -> tuple[Client, Any]:
    client = Client()
    return client, client.post(LOGIN, {"username": username, "password": PASSWORD})


def _set_up_app(client: Client, user: Any) -> None:
    client.post(reverse("accounts:two_step_app_start"))
    # The previous step's code: the current one is then still unused for the sign-in that follows.
    done = client.post(reverse("accounts:two_step_app"), {"code": code_for(user, step_offset=-1)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10


def test_a_guide_with_two_steps_a_member_asked_again_and_an_outsider(owner: Any, guide: Any) -> None:
    outsider = get_user_model().objects.create_user("ursula", "u@example.test", PASSWORD, display_name="Ursula")
    cohort_led_by(guide, owner)
    entry = journal_actions.write_entry(owner, title="Dinner", body=SECRET)
    journal_actions.share_entry(entry, guide)
    shared = reverse("journal:shared_entry", args=[entry.pk])

    # The guide's first sign-in: nothing of a member's until a second step is set up.
    gwen, first = _sign_in("gwen")
    assert first.status_code == 302
    refused = gwen.get(shared)
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("accounts:two_step"))
    _set_up_app(gwen, guide)
    assert SECRET in gwen.get(shared).content.decode()

    # Next time the password alone is not enough: the code is asked for, then the entry opens.
    gwen2, password_only = _sign_in("gwen")
    assert password_only["Location"] == VERIFY and gwen2.get(shared).status_code == 302
    assert gwen2.post(VERIFY, {"code": code_for(guide)}).status_code == 302
    assert SECRET in gwen2.get(shared).content.decode()

    # The member turns two-step sign-in on for herself (optional for members).
    olive, signed_in = _sign_in("olive")
    assert signed_in.status_code == 302 and signed_in["Location"] != VERIFY
    _set_up_app(olive, owner)

    # Twenty minutes later she downloads her data: her password is asked for first.
    session = olive.session
    session[AUTH_AT_KEY] = int(time.time()) - 20 * 60
    session.save()
    late = olive.post(EXPORT)
    assert late.status_code == 302 and late["Location"].startswith(REAUTH)
    wrong = olive.post(f"{REAUTH}?next={EXPORT}", {"password": "not my password at all"})
    assert wrong.status_code == 200 and "That isn't your password" in html.unescape(wrong.content.decode())
    assert olive.post(f"{REAUTH}?next={EXPORT}", {"password": PASSWORD})["Location"] == EXPORT
    download = olive.post(EXPORT)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"

    # What she reads in her activity: each opening by her guide, and her own changes; no content.
    mine = olive.get(ACTIVITY).content.decode()
    assert mine.count("Gwen opened a journal entry you shared") == 2
    for line in (
        "Two-step sign-in was turned on",
        "A wrong password was entered when your password was asked for again",
        "You confirmed your password",
        "You downloaded your data",
    ):
        assert line in mine, line
    assert SECRET not in mine and "Dinner" not in mine

    # The guide's own activity shows her sign-ins and second steps, nothing of the member's.
    theirs = gwen2.get(ACTIVITY).content.decode()
    assert "Two-step sign-in was turned on" in theirs
    assert "opened a journal entry" not in theirs and "Olive" not in theirs

    # The outsider: a 404 for the entry, nothing about anyone else in her activity.
    ursula, _ = _sign_in("ursula")
    assert ursula.get(shared).status_code == 404
    assert ursula.get(reverse("journal:detail", args=[entry.pk])).status_code == 404
    hers = ursula.get(ACTIVITY).content.decode()
    assert "Gwen" not in hers and "Olive" not in hers and "Two-step" not in hers
    assert outsider.pk != owner.pk
