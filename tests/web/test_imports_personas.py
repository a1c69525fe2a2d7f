"""Every imports URL as every persona: an import is its member's alone, and no one else sees its values.

There is no sharing of imported data, so a guide (even one leading the member's cohort) sees
nothing of it, exactly like any other member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.imports.models import Import, Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def imp(owner: Any) -> Import:
    now = dt.datetime(2024, 5, 4, 7, tzinfo=dt.UTC)
    made = Import.objects.create(owner=owner, original_name="olive-sleep.csv", size_bytes=100, format="oura",
                                 created_at=now, added=3)
    for n in range(3):
        Measurement.objects.create(owner=owner, kind="rmssd", value=47.25 + n, unit="ms", context="nightly",
                                   start=now - dt.timedelta(days=n, hours=8), end=now - dt.timedelta(days=n),
                                   source="oura", key=f"oura:{n:040d}", data_import=made)
    return made


OBJECT_GETS = ("imports:detail", "imports:status")


@pytest.mark.parametrize("name", OBJECT_GETS)
@pytest.mark.parametrize("persona", ["other_client", "guide_client"])
def test_someone_elses_import_is_not_found(name: str, persona: str, imp: Import, request: Any) -> None:
    client: Client = request.getfixturevalue(persona)
    assert client.get(reverse(name, args=[imp.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["other_client", "guide_client"])
def test_someone_else_cannot_cancel_an_import(persona: str, imp: Import, request: Any) -> None:
    client: Client = request.getfixturevalue(persona)
    assert client.post(reverse("imports:cancel", args=[imp.pk])).status_code == 404


def test_the_owner_sees_their_import(owner_client: Client, imp: Import) -> None:
    assert owner_client.get(reverse("imports:detail", args=[imp.pk])).status_code == 200
    assert owner_client.get(reverse("imports:status", args=[imp.pk])).json()["added"] == 3


@pytest.mark.parametrize(
    ("name", "method"),
    [("imports:index", "get"), ("imports:body", "get"), ("imports:upload", "post"), ("imports:detail", "get"),
     ("imports:status", "get"), ("imports:cancel", "post")],
)
def test_an_anonymous_visitor_is_sent_to_sign_in(name: str, method: str, anon_client: Client, imp: Import) -> None:
    with_pk = name in ("imports:detail", "imports:status", "imports:cancel")
    url = reverse(name, args=[imp.pk]) if with_pk else reverse(name)
    response = getattr(anon_client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["other_client", "guide_client"])
def test_the_list_and_the_body_page_show_only_ones_own(persona: str, imp: Import, request: Any,
                                                      owner_client: Client) -> None:
    client: Client = request.getfixturevalue(persona)
    assert "olive-sleep.csv" in owner_client.get(reverse("imports:index")).content.decode()
    assert "olive-sleep.csv" not in client.get(reverse("imports:index")).content.decode()
    owners = owner_client.get(reverse("imports:body")).content.decode()
    theirs = client.get(reverse("imports:body")).content.decode()
    assert 'data-chart="rmssd"' in owners and "3 of 14 days" in owners
    assert 'data-chart="rmssd"' not in theirs and "No heart data yet" in theirs


def test_the_upload_and_cancel_urls_refuse_a_get(owner_client: Client, imp: Import) -> None:
    assert owner_client.get(reverse("imports:upload")).status_code == 405
    assert owner_client.get(reverse("imports:cancel", args=[imp.pk])).status_code == 405
