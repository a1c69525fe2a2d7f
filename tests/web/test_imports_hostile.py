"""Bad uploads get a clear, specific error and leave nothing behind: no file, no import, no job."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers, StopUpload
from django.test import Client
from django.urls import reverse
from imports_helpers import HEADER, oura_rows, zip_of

from attune.web.imports.models import Import, Measurement
from attune.web.imports.uploads import ImportUploadHandler
from attune.web.jobs.models import Job


@pytest.fixture(autouse=True)
def upload_dir(settings: Any, tmp_path: Path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return Path(settings.IMPORT_UPLOAD_DIR)


def _refused(client: Client, name: str, data: bytes, upload_dir: Path, status: int = 400) -> str:
    response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == status
    assert not Import.objects.exists() and not Job.objects.exists() and not Measurement.objects.exists()
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
    page = response.content.decode()
    start = page.index('id="upload-error">') + len('id="upload-error">')
    return page[start : page.index("</p>", start)]


def test_garbage_is_refused_naming_the_file(owner_client: Client, upload_dir: Path) -> None:
    error = _refused(owner_client, "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, upload_dir)
    assert error.startswith("photo.jpg: file: not an export attune reads")


def test_an_empty_file_is_refused(owner_client: Client, upload_dir: Path) -> None:
    assert _refused(owner_client, "export.zip", b"", upload_dir) == "export.zip: the file is empty."


def test_a_truncated_zip_is_refused(owner_client: Client, upload_dir: Path) -> None:
    whole = zip_of({"apple_health_export/export.xml": b"<HealthData>" + b"<x/>" * 5000 + b"</HealthData>"})
    error = _refused(owner_client, "export.zip", whole[: len(whole) // 2], upload_dir)
    assert error.startswith("export.zip: not a readable zip archive")


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(owner_client: Client, upload_dir: Path) -> None:
    bomb = zip_of({"apple_health_export/export.xml": b"\x00" * (50 << 20)})  # packs about a thousand times
    error = _refused(owner_client, "export.zip", bomb, upload_dir)
    assert "apple_health_export/export.xml" in error and "packed" in error and "at most 200" in error


def test_a_zip_whose_names_climb_out_is_refused(owner_client: Client, upload_dir: Path) -> None:
    data = zip_of({"../../etc/sleepmodel.csv": "\n".join([HEADER, *oura_rows(2)]).encode()})
    error = _refused(owner_client, "oura.zip", data, upload_dir)
    assert "an entry name points outside the archive" in error and "../../etc/sleepmodel.csv" in error


def test_a_zip_with_too_many_entries_is_refused(owner_client: Client, upload_dir: Path, monkeypatch: Any) -> None:
    from attune.importers.apple_health import ZipLimits
    from attune.web.imports import uploads

    monkeypatch.setattr(uploads, "LIMITS", ZipLimits(max_entries=10))
    data = zip_of({f"f{n}.csv": b"a,b\n" for n in range(11)})
    assert "11 entries; at most 10 are accepted" in _refused(owner_client, "many.zip", data, upload_dir)


def test_a_zip_holding_no_export_is_refused(owner_client: Client, upload_dir: Path) -> None:
    data = zip_of({"notes.csv": b"when,what\n2024-01-01,tea\n", "a.txt": b"hello"})
    assert "this zip holds no export attune reads" in _refused(owner_client, "stuff.zip", data, upload_dir)


def test_an_encrypted_entry_is_refused(owner_client: Client, upload_dir: Path) -> None:
    data = bytearray(zip_of({"sleepmodel.csv": "\n".join([HEADER, *oura_rows(2)]).encode()},
                            compression=zipfile.ZIP_STORED))
    # Set the "encrypted" flag in the local header and the central directory entry.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        (flags,) = struct.unpack_from("<H", data, at)
        struct.pack_into("<H", data, at, flags | 1)
    assert "the entry is encrypted" in _refused(owner_client, "oura.zip", bytes(data), upload_dir)


def test_an_oversized_upload_is_refused_and_its_part_removed(
    owner_client: Client, upload_dir: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 100_000
    data = "\n".join([HEADER, *oura_rows(2000)]).encode()
    assert len(data) > 200_000
    error = _refused(owner_client, "sleepmodel.csv", data, upload_dir, status=413)
    assert error == "This file is larger than 0.0001 GB, the most this server accepts."


def test_a_file_over_the_limit_is_stopped_while_streaming_whatever_the_request_declared(
    upload_dir: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    handler = ImportUploadHandler()
    with pytest.raises(StopFutureHandlers):  # this handler takes the file; no other stores it
        handler.new_file("file", "a.csv", "text/csv", None)
    assert handler.path is not None and handler.path.stat().st_mode & 0o777 == 0o600
    handler.receive_data_chunk(b"x" * 800, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 800, 800)
    assert handler.too_large
    assert not any(upload_dir.iterdir())


def test_a_damaged_fit_file_fails_the_job_naming_the_place_and_deletes_the_upload(
    owner_client: Client, owner: Any, upload_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    header = struct.pack("<BBHI4s", 12, 0x10, 2100, 5000, b".FIT")  # declares 5000 bytes of records
    with django_capture_on_commit_callbacks(execute=True):
        damaged = SimpleUploadedFile("ride.fit", header + b"\x00" * 40)
        response = owner_client.post(reverse("imports:upload"), {"file": damaged})
    assert response.status_code == 302
    imp = Import.objects.get(owner=owner)
    assert imp.state == "failed"
    assert imp.error.startswith("ride.fit: ")
    assert not any(upload_dir.iterdir())
    page = owner_client.get(reverse("imports:detail", args=[imp.pk])).content.decode()
    assert "ride.fit: " in page


def test_a_second_file_field_is_ignored(owner_client: Client, owner: Any, upload_dir: Path,
                                        django_capture_on_commit_callbacks: Any) -> None:
    data = "\n".join([HEADER, *oura_rows(2)]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("a.csv", data),
                                                      "other": SimpleUploadedFile("b.csv", b"x" * 1000)})
    assert Import.objects.get(owner=owner).added == 6
    assert not any(upload_dir.iterdir())


def test_an_upload_without_the_csrf_token_is_refused_and_nothing_is_kept(owner: Any, upload_dir: Path) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    data = "\n".join([HEADER, *oura_rows(2)]).encode()
    response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 403
    assert not Import.objects.exists()
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
