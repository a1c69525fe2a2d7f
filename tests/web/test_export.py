"""Download your data: GET and POST /accounts/settings/export/, and `attune export`."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import reverse

from attune.cli import main
from attune.web.accounts.export import build_export, collect_member_data, table_csv, to_jsonable

URL = reverse("accounts:export")


@pytest.fixture(autouse=True)
def _django_is_already_set_up(monkeypatch: Any) -> None:
    """pytest-django has set Django up; a second ``django.setup()`` from the CLI would rebuild the
    logging handlers around this test's captured stderr, which is closed after the test."""
    import django

    monkeypatch.setattr(django, "setup", lambda *args, **kwargs: None)


def _checkin(user: Any, note: str) -> Any:
    """A check-in for ``user`` if the check-ins app has its model yet, else None."""
    try:
        CheckIn = apps.get_model("checkins", "CheckIn")
    except LookupError:
        return None
    return CheckIn.objects.create(
        user=user,
        created_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC),
        state="settled",
        felt_safety=7,
        breath=4,
        muscles=4,
        attention=3,
        felt_connection=6,
        note=note,
    )


def _download(client: Client) -> zipfile.ZipFile:
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_an_anonymous_visitor_is_sent_to_log_in(anon_client: Client) -> None:
    for response in (anon_client.get(URL), anon_client.post(URL)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_says_what_is_inside(owner_client: Client, owner: Any) -> None:
    _checkin(owner, "a quiet morning")
    response = owner_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Profile" in html and "1 record" in html
    assert "Your password is not included" in html


def test_the_zip_holds_the_json_a_readme_and_a_csv_per_table(owner_client: Client, owner: Any) -> None:
    archive = _download(owner_client)
    names = set(archive.namelist())
    assert {"attune-export.json", "README.txt", "profile.csv"} <= names
    document = json.loads(archive.read("attune-export.json"))
    assert document["format"] == "attune-export/1"
    assert document["username"] == "olive"
    assert "everything attune holds about you" in document["about"]
    assert dt.datetime.fromisoformat(document["exported_at"]).utcoffset() is not None
    assert {f"{name}.csv" for name in document["tables"]} <= names
    profile = document["tables"]["profile"]
    assert len(profile) == 1
    assert profile[0]["username"] == "olive" and profile[0]["timezone"] == "Europe/London"
    joined = dt.datetime.fromisoformat(profile[0]["date_joined"])
    assert joined.utcoffset() is not None
    rows = list(csv.DictReader(io.StringIO(archive.read("profile.csv").decode("utf-8"))))
    assert rows[0]["username"] == "olive" and rows[0]["is_guide"] == "false"


def test_the_download_is_named_for_the_member_and_the_day(owner_client: Client) -> None:
    response = owner_client.post(URL)
    assert response["Content-Disposition"].startswith('attachment; filename="attune-export-olive-20')


def test_another_members_data_never_appears(owner_client: Client, owner: Any, other: Any) -> None:
    mine = _checkin(owner, "my own quiet words")
    _checkin(other, "oscar's private words")
    archive = _download(owner_client)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert "oscar" not in everything.lower()
    assert "America/New_York" not in everything
    if mine is not None:
        document = json.loads(archive.read("attune-export.json"))
        assert [row["note"] for row in document["tables"]["checkins"]] == ["my own quiet words"]


def test_it_never_includes_the_password_hash(owner_client: Client, owner: Any) -> None:
    archive = _download(owner_client)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert owner.password not in everything
    assert "password" not in json.loads(archive.read("attune-export.json"))["tables"]["profile"][0]


def test_every_app_that_keeps_rows_for_a_member_exports_them() -> None:
    user_model = get_user_model()
    for config in apps.get_app_configs():
        if not config.name.startswith("attune.web.") or config.label == "accounts":
            continue
        owns_rows = any(
            isinstance(field, models.ForeignKey | models.OneToOneField) and field.related_model is user_model
            for model in config.get_models()
            for field in model._meta.get_fields()
        )
        if owns_rows:
            module = importlib.import_module(f"{config.name}.data_export")
            assert callable(module.export_member_data), config.name


def test_the_json_and_csv_hold_the_same_rows(owner: Any) -> None:
    _checkin(owner, '=SUM(A1:A9) and a comma, and a "quote"')
    archive = zipfile.ZipFile(io.BytesIO(build_export(owner)))
    document = json.loads(archive.read("attune-export.json"))
    for name, rows in document["tables"].items():
        parsed = list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8"))))
        assert len(parsed) == len(rows), name
    if "checkins" in document["tables"]:
        assert document["tables"]["checkins"][0]["note"].startswith("=SUM")
        row = next(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode("utf-8"))))
        assert row["note"] == '\'=SUM(A1:A9) and a comma, and a "quote"'


def test_values_become_plain_json_with_the_members_offset() -> None:
    london = dt.timezone(dt.timedelta(hours=1))
    moment = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    assert to_jsonable(moment, london) == "2026-06-01T13:00:00+01:00"
    assert to_jsonable(dt.date(2026, 6, 1), london) == "2026-06-01"
    assert to_jsonable(float("nan"), london) is None
    assert to_jsonable({"a": (1, 2.5, None)}, london) == {"a": [1, 2.5, None]}
    with pytest.raises(TypeError, match="cannot export a value of type bytes"):
        to_jsonable(b"raw", london)


def test_a_table_with_no_rows_is_an_empty_csv_and_columns_are_the_union() -> None:
    assert table_csv([]) == ""
    text = table_csv([{"a": 1}, {"b": True, "a": None}])
    assert text.splitlines() == ["a,b", "1,", ",true"]


def test_two_apps_cannot_export_the_same_table(owner: Any, monkeypatch: Any) -> None:
    from attune.web.accounts import data_export, export

    monkeypatch.setattr(export, "member_data_modules", lambda: iter([data_export, data_export]))
    with pytest.raises(ValueError, match="already exports a table named 'profile'"):
        collect_member_data(owner)


def test_the_command_writes_a_private_zip(owner: Any, other: Any, tmp_path: Path) -> None:
    target = tmp_path / "olive.zip"
    assert main(["export", "olive", "-o", str(target)]) == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    document = json.loads(zipfile.ZipFile(target).read("attune-export.json"))
    assert document["tables"]["profile"][0]["username"] == "olive"


def test_the_command_names_the_file_by_default(owner: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "olive"]) == 0
    [written] = list(tmp_path.glob("attune-export-olive-*.zip"))
    assert zipfile.ZipFile(written).testzip() is None


def test_the_command_refuses_an_unknown_member_or_an_existing_file(owner: Any, tmp_path: Path, capsys: Any) -> None:
    assert main(["export", "nobody", "-o", str(tmp_path / "x.zip")]) == 2
    assert "There is no member called 'nobody'" in capsys.readouterr().err
    existing = tmp_path / "there.zip"
    existing.write_bytes(b"keep me")
    assert main(["export", "olive", "-o", str(existing)]) == 2
    assert existing.read_bytes() == b"keep me"
