"""`attune demo`: a demo member with 90 days of plausible history, created idempotently."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.web.checkins.models import CheckIn
from attune.web.practices.models import PracticeSession

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_it_creates_a_demo_member_with_90_days_and_prints_a_working_password() -> None:
    output = run_demo()
    password = re.search(r"password (\S+)", output)
    assert password is not None
    user = get_user_model().objects.get(username="demo")
    assert user.check_password(password.group(1))
    checkins = CheckIn.objects.filter(user=user)
    first = checkins.order_by("created_at").first()
    assert first is not None
    assert 60 <= checkins.count() <= 140
    assert timezone.now() - first.created_at < dt.timedelta(days=91)
    assert not checkins.filter(created_at__gt=timezone.now()).exists()
    sessions = PracticeSession.objects.filter(user=user)
    assert sessions.count() >= 30
    assert sessions.filter(before_safety__isnull=False, after_safety__isnull=False).count() >= 20
    assert sessions.filter(pacer_inhale_s__isnull=False).exists()


def test_running_it_twice_leaves_one_demo_member_with_the_same_amount_of_history() -> None:
    run_demo()
    counts = (CheckIn.objects.count(), PracticeSession.objects.count())
    output = run_demo()
    assert "Refreshed" in output
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert (CheckIn.objects.count(), PracticeSession.objects.count()) == counts


def test_it_leaves_other_members_alone(owner: object) -> None:
    from daily_factories import make_checkin

    make_checkin(owner)
    run_demo()
    run_demo()
    assert CheckIn.objects.filter(user=owner).count() == 1


def test_every_page_is_filled_for_the_demo_member() -> None:
    run_demo()
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    history = client.get(reverse("today:history")).content.decode()
    assert "safety-data" in history and "Day by day" in history and '<table class="changes">' in history
    assert re.search(r"[+-]\d\.\d</strong>", history)
    assert client.get(reverse("today:today")).status_code == 200


def test_no_page_a_demo_member_can_reach_fails() -> None:
    """Follow every same-site link two clicks deep from Today as the demo member: nothing 500s."""
    run_demo()
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    skip = ("/accounts/logout", "/admin", "/static/", "#")
    seen: dict[str, int] = {}
    frontier = ["/", "/physio/recordings/", "/workbooks/"]
    for _depth in range(2):
        found: list[str] = []
        for url in frontier:
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for href in re.findall(r'href="(/[^"#]*)', response.content.decode()):
                href = href.replace("&amp;", "&")
                if href not in seen and href not in found and not href.startswith(skip):
                    found.append(href)
        frontier = found
    for url in frontier:
        seen[url] = client.get(url).status_code
    assert len(seen) > 20, sorted(seen)
    assert {u: s for u, s in seen.items() if s >= 500} == {}
    assert seen["/history/"] == 200 and seen["/practices/"] == 200 and seen["/physio/recordings/"] == 200
