"""The practice library and a practice's page: browsing, filters, and broken content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from daily_factories import copy_content
from django.test import Client
from django.urls import reverse

from attune.content import registry
from attune.web.practices.library import current_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_content(tmp_path)
    settings.CONTENT_DIR = folder
    # Look at the files on every request, so a test can change them and see the effect at once.
    monkeypatch.setattr(registry._practices, "_check_interval_s", 0.0)
    return folder


def test_the_library_lists_every_practice_by_condition(owner_client: Client, content: Path) -> None:
    html = owner_client.get(reverse("practices:library")).content.decode()
    for label in ("Gentle physical connection", "Soft eye contact", "Slowing down", "Honest, safe conversation"):
        assert label in html
    for practice in current_library():
        assert reverse("practices:detail", args=[practice.slug]) in html


def test_it_filters_by_condition(owner_client: Client, content: Path) -> None:
    html = owner_client.get(reverse("practices:library"), {"condition": "beyond-people"}).content.decode()
    lib = current_library()
    for practice in lib:
        link = reverse("practices:detail", args=[practice.slug])
        assert (link in html) == (practice.condition == "beyond-people")


def test_it_filters_by_how_i_feel_now(owner_client: Client, content: Path) -> None:
    html = owner_client.get(reverse("practices:library"), {"state": "shut_down"}).content.decode()
    for practice in current_library():
        link = reverse("practices:detail", args=[practice.slug])
        assert (link in html) == ("shut_down" in practice.suits)


@pytest.mark.parametrize(("key", "value"), [("condition", "telepathy"), ("state", "ecstatic")])
def test_it_says_so_when_a_filter_is_unknown_and_shows_everything(
    owner_client: Client, content: Path, key: str, value: str
) -> None:
    response = owner_client.get(reverse("practices:library"), {key: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "We don&#x27;t know that" in html
    assert len(current_library()) == sum(reverse("practices:detail", args=[p.slug]) in html for p in current_library())


def test_a_practice_page_shows_why_duration_company_suits_safety_and_steps(owner_client: Client, content: Path) -> None:
    practice = current_library()["long-hug"]
    html = owner_client.get(reverse("practices:detail", args=["long-hug"])).content.decode()
    assert practice.why.replace("'", "&#x27;") in html
    assert "About 3 minutes" in html and "With a partner" in html and "Settled, Activated" in html
    for step in practice.steps:
        assert step.title in html
    assert "Only if you both want to" in html
    assert reverse("practices:detail", args=["holding-yourself"]) in html  # the solo alternative
    assert reverse("practices:player", args=["long-hug"]) in html


def test_a_solo_practice_has_no_consent_note(owner_client: Client, content: Path) -> None:
    html = owner_client.get(reverse("practices:detail", args=["hand-on-heart"])).content.decode()
    assert "Only if you both want to" not in html


def test_an_unknown_or_tampered_slug_is_404(owner_client: Client, content: Path) -> None:
    for slug in ("no-such-practice", "long-hug-x"):
        assert owner_client.get(reverse("practices:detail", args=[slug])).status_code == 404
        assert owner_client.get(reverse("practices:player", args=[slug])).status_code == 404
    assert owner_client.get("/practices/..%2Fsettings/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/practices/", "/practices/long-hug/", "/practices/long-hug/play/", "/practices/pacer/"]
)
def test_an_anonymous_visitor_is_sent_to_sign_in(anon_client: Client, url: str) -> None:
    response = anon_client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_broken_file_leaves_the_last_valid_library_in_place(owner_client: Client, content: Path) -> None:
    url = reverse("practices:detail", args=["long-hug"])
    assert owner_client.get(url).status_code == 200
    path = content / "practices" / "long-hug.md"
    path.write_text(path.read_text(encoding="utf-8").replace("duration_min: 3", "duration_min: lots"), encoding="utf-8")
    response = owner_client.get(url)
    assert response.status_code == 200
    assert "A long, easy hug" in response.content.decode()
    assert owner_client.get(reverse("practices:library")).status_code == 200
    assert owner_client.get(reverse("today:today")).status_code == 200


def test_a_broken_file_on_a_cold_start_takes_only_itself_away(owner_client: Client, content: Path) -> None:
    path = content / "practices" / "a-nature-sit.md"
    path.write_text("---\nslug: [unclosed\n---\n", encoding="utf-8")
    response = owner_client.get(reverse("practices:library"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("practices:detail", args=["hand-on-heart"]) in html
    assert reverse("practices:detail", args=["a-nature-sit"]) not in html


def test_a_member_reading_german_gets_the_german_practice_and_a_notice_where_there_is_none(
    owner_client: Client, content: Path, settings: Any
) -> None:
    middleware = list(settings.MIDDLEWARE)
    common = middleware.index("django.middleware.common.CommonMiddleware")
    middleware.insert(common, "django.middleware.locale.LocaleMiddleware")
    settings.MIDDLEWARE = middleware
    url = reverse("practices:detail", args=["hand-on-heart"])
    translated = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    hug = reverse("practices:detail", args=["long-hug"])
    english = owner_client.get(hug, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Eine Hand auf dem Herzen" in translated and "not yet written in" not in translated
    assert "A long, easy hug" in english
    assert "Diese Übung gibt es noch nicht auf Deutsch, darum steht sie hier auf Englisch." in english
    plain = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A hand on your heart" in plain and "not yet written" not in plain


def test_the_count_names_the_state_in_plain_words(owner_client: Client, content: Path) -> None:
    html = owner_client.get(reverse("practices:library"), {"state": "shut_down"}).content.decode()
    n = sum("shut_down" in p.suits for p in current_library())
    assert f"{n} practices that suit feeling shut down." in html
    assert "shutdown" not in html


def test_a_one_minute_practice_says_one_minute(owner_client: Client, content: Path) -> None:
    html = owner_client.get(reverse("practices:detail", args=["one-slow-minute"])).content.decode()
    assert "About 1 minute<" in html
    assert "1 minutes" not in html
