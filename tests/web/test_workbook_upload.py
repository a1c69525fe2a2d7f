"""Guides upload a workbook as a zip: POST /workbooks/guide/upload/."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from attune.web.workbooks import actions
from attune.web.workbooks.models import Enrolment, Workbook, WorkbookVersion
from tests.web.workbook_helpers import make_zip, sources, upload


def test_a_good_zip_becomes_version_one(guide_client: Client, guide: Any) -> None:
    response = upload(guide_client, make_zip(sources()))
    assert response.status_code == 302
    version = WorkbookVersion.objects.get()
    assert (version.workbook.slug, version.number, version.workbook.owner) == ("small-steps", 1, guide)
    assert version.content.day(2).title == "Day 2 title"
    assert set(version.sources) == {"workbook.md", "days/day-01.md", "days/day-02.md", "days/day-03.md"}


def test_a_zip_with_everything_inside_one_folder_is_fine(guide_client: Client) -> None:
    response = upload(guide_client, make_zip(sources(), folder="small-steps/"))
    assert response.status_code == 302
    assert WorkbookVersion.objects.get().sources["workbook.md"].startswith("---\nslug: small-steps")


def test_a_changed_upload_is_version_two_and_a_member_keeps_version_one(guide_client: Client, owner: Any) -> None:
    upload(guide_client, make_zip(sources()))
    enrolment = actions.enrol_self_paced(owner, Workbook.objects.get())
    upload(guide_client, make_zip(sources(extra="Now with more words.")))
    assert list(WorkbookVersion.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    enrolment.refresh_from_db()
    assert enrolment.version.number == 1
    assert "more words" not in enrolment.version.content.day(1).items[0].text  # type: ignore[union-attr]


def test_after_a_reupload_an_enrolled_member_still_reads_the_old_words_and_a_newcomer_the_new(
    guide_client: Client, owner: Any, other: Any, owner_client: Client, other_client: Client
) -> None:
    upload(guide_client, make_zip(sources(extra="The first wording, about a quiet harbour.")))
    started = actions.enrol_self_paced(owner, Workbook.objects.get())
    upload(guide_client, make_zip(sources(extra="The second wording, about a windy hill.")))
    day_one = owner_client.get(reverse("workbooks:day", args=[started.pk, 1])).content.decode()
    assert "quiet harbour" in day_one and "windy hill" not in day_one
    newcomer = actions.enrol_self_paced(other, Workbook.objects.get())
    fresh = other_client.get(reverse("workbooks:day", args=[newcomer.pk, 1])).content.decode()
    assert "windy hill" in fresh and "quiet harbour" not in fresh
    versions = guide_client.get(reverse("workbooks:versions", args=["small-steps"])).content.decode()
    assert versions.count("<tr><td>") == 2  # both versions are kept and listed
    assert WorkbookVersion.objects.get(number=1).sources["days/day-01.md"].count("quiet harbour") == 1


def test_the_same_upload_twice_publishes_nothing_new(guide_client: Client) -> None:
    upload(guide_client, make_zip(sources()))
    response = upload(guide_client, make_zip(sources()), name="again.zip")
    assert response.status_code == 302
    assert WorkbookVersion.objects.count() == 1


def _refused(client: Client, data: bytes) -> str:
    before = WorkbookVersion.objects.count()
    response = upload(client, data, name="bad.zip")
    assert response.status_code == 400
    assert WorkbookVersion.objects.count() == before
    text = response.content.decode()
    assert "Nothing was published" in text
    return text


def test_it_refuses_a_zip_that_climbs_out_with_dot_dot(guide_client: Client) -> None:
    files: dict[str, str | bytes] = {**sources(), "../evil.md": "x"}
    text = _refused(guide_client, make_zip(files))
    assert "climbs out of the zip" in text


def test_it_refuses_a_zip_that_unpacks_past_the_limit(guide_client: Client, settings: Any) -> None:
    settings.ATTUNE_WORKBOOK_MAX_UNPACKED_BYTES = 4096
    files: dict[str, str | bytes] = {**sources(), "days/notes.txt": "calm " * 2000}
    text = _refused(guide_client, make_zip(files))
    assert "more than the limit of 4,096" in text


def test_it_refuses_a_zip_with_too_many_files(guide_client: Client, settings: Any) -> None:
    settings.ATTUNE_WORKBOOK_MAX_FILES = 3
    text = _refused(guide_client, make_zip(sources()))
    assert "the limit is 3" in text


def test_it_refuses_broken_front_matter_naming_the_file_and_line(guide_client: Client) -> None:
    files: dict[str, str | bytes] = {**sources()}
    files["days/day-02.md"] = "---\nday: 2\ntitle: [unclosed\n---\nbody\n"
    text = _refused(guide_client, make_zip(files))
    assert "days/day-02.md:" in text


def test_it_refuses_an_unknown_practice_and_suggests_the_near_one(guide_client: Client) -> None:
    files: dict[str, str | bytes] = {**sources()}
    files["days/day-03.md"] = str(files["days/day-03.md"]).replace("hand-on-heart", "hand-on-hart")
    text = _refused(guide_client, make_zip(files))
    assert "days/day-03.md:" in text
    assert "unknown practice" in text and "hand-on-heart" in text


def test_it_refuses_something_that_is_not_a_zip(guide_client: Client) -> None:
    text = _refused(guide_client, b"just some words")
    assert "not a zip archive" in text


def test_it_refuses_a_slug_that_belongs_to_someone_else(guide_client: Client, db: None) -> None:
    Workbook.objects.create(slug="small-steps", owner=None)
    text = _refused(guide_client, make_zip(sources()))
    assert "already used by another workbook" in text


@pytest.mark.parametrize("persona", ["owner_client", "anon_client"])
def test_the_upload_page_is_not_there_for_someone_who_is_not_a_guide(persona: str, request: Any) -> None:
    client: Client = request.getfixturevalue(persona)
    response = client.get(reverse("workbooks:upload"))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert reverse("accounts:login") in response["Location"]
    assert upload(client, make_zip(sources())).status_code in (302, 404)
    assert not Enrolment.objects.exists() and not WorkbookVersion.objects.exists()


def test_it_refuses_a_nul_character_which_no_database_text_can_hold(guide_client: Client) -> None:
    files: dict[str, str | bytes] = {**sources()}
    files["days/day-02.md"] = str(files["days/day-02.md"]) + "A stray\x00 byte.\n"
    text = _refused(guide_client, make_zip(files))
    assert "days/day-02.md:" in text and "NUL character" in text


def test_it_refuses_yaml_aliases_before_expanding_them(guide_client: Client) -> None:
    laughs = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 8))
    files: dict[str, str | bytes] = {**sources()}
    files["workbook.md"] = str(files["workbook.md"]).replace("---\n", "---\nl0: &l0 lol\n" + laughs, 1)
    text = _refused(guide_client, make_zip(files))
    assert "workbook.md:2:" in text and "anchors and aliases are not allowed" in text
