"""Guides edit a published workbook in the browser: GET/POST /workbooks/<slug>/edit/."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from attune.web.workbooks.models import WorkbookVersion
from tests.web.conftest import PASSWORD
from tests.web.workbook_helpers import make_zip, sources, upload

URL = reverse("workbooks:edit", args=["small-steps"])


def _form(version: WorkbookVersion, **changes: str) -> dict[str, str]:
    data = {f"file_{i}": text for i, text in enumerate(version.sources.values())}
    paths = list(version.sources)
    for path, text in changes.items():
        data[f"file_{paths.index(path)}"] = text
    return data


def test_it_shows_a_text_area_per_file(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    response = guide_client.get(URL)
    assert response.status_code == 200
    for path in ("workbook.md", "days/day-01.md", "days/day-03.md"):
        assert f"<code>{path}</code>" in response.content.decode()


def test_a_valid_edit_publishes_a_new_version(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    v1 = WorkbookVersion.objects.get()
    day1 = v1.sources["days/day-01.md"].replace("The reading for day 1.", "A gentler reading for day 1.")
    response = guide_client.post(URL, _form(v1, **{"days/day-01.md": day1}))
    assert response.status_code == 302
    v2 = WorkbookVersion.objects.get(number=2)
    assert "gentler" in v2.content.day(1).items[0].text  # type: ignore[union-attr]
    assert "gentler" not in WorkbookVersion.objects.get(number=1).content.day(1).items[0].text  # type: ignore[union-attr]


def test_adding_a_day_through_the_new_day_box_works(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    v1 = WorkbookVersion.objects.get()
    new_day = sources(days=4)["days/day-04.md"]
    response = guide_client.post(URL, {**_form(v1), "new_name": "days/day-04.md", "new_text": new_day})
    assert response.status_code == 302
    assert WorkbookVersion.objects.get(number=2).day_count == 4


def test_an_invalid_edit_shows_the_errors_keeps_the_draft_and_publishes_nothing(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    v1 = WorkbookVersion.objects.get()
    broken = v1.sources["days/day-02.md"].replace("hand-on-heart", "no-such-practice") + "\nMy unsaved draft words."
    response = guide_client.post(URL, _form(v1, **{"days/day-02.md": broken}))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was published" in text
    assert "days/day-02.md:" in text and "unknown practice" in text
    assert "My unsaved draft words." in text
    assert WorkbookVersion.objects.count() == 1


def test_the_slug_cannot_be_changed_by_editing(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    v1 = WorkbookVersion.objects.get()
    head = v1.sources["workbook.md"].replace("slug: small-steps", "slug: other-steps")
    response = guide_client.post(URL, _form(v1, **{"workbook.md": head}))
    assert response.status_code == 400
    assert "the slug must stay" in response.content.decode()
    assert WorkbookVersion.objects.count() == 1


def test_another_guide_and_a_member_get_404(guide_client: Client, owner_client: Client, db: None) -> None:
    upload(guide_client, make_zip(sources()))
    get_user_model().objects.create_user("hana", "h@example.test", PASSWORD, is_guide=True)
    other_guide = Client()
    other_guide.login(username="hana", password=PASSWORD)
    v1 = WorkbookVersion.objects.get()
    for client in (other_guide, owner_client):
        assert client.get(URL).status_code == 404
        assert client.post(URL, _form(v1)).status_code == 404
        assert client.get(reverse("workbooks:versions", args=["small-steps"])).status_code == 404
    assert WorkbookVersion.objects.count() == 1
