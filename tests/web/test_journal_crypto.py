"""The journal keyring: sealing, opening, and where the keys live."""

from __future__ import annotations

import base64
import io
import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from journal_helpers import journal_keys  # noqa: F401  (fixture)

from attune.web.common import crypto

pytestmark = pytest.mark.usefixtures("journal_keys")

AAD = b"attune.journal.entry.v1|7|0123"


def _spec(key_id: str, byte: int) -> str:
    return f"{key_id}:" + base64.urlsafe_b64encode(bytes([byte]) * 32).decode().rstrip("=")


def test_text_survives_a_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", _spec("a", 1))
    key_id, nonce, sealed = crypto.encrypt("Ich fühle mich ruhig. 🌿", aad=AAD)
    assert key_id == "a"
    assert len(nonce) == crypto.NONCE_BYTES
    assert b"ruhig" not in sealed
    assert crypto.decrypt(key_id, nonce, sealed, aad=AAD) == "Ich fühle mich ruhig. 🌿"


def test_each_sealing_uses_a_fresh_nonce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", _spec("a", 1))
    first = crypto.encrypt("same words", aad=AAD)
    second = crypto.encrypt("same words", aad=AAD)
    assert first[1] != second[1]
    assert first[2] != second[2]


def test_it_refuses_to_open_with_different_associated_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", _spec("a", 1))
    key_id, nonce, sealed = crypto.encrypt("private words", aad=AAD)
    with pytest.raises(crypto.JournalDecryptError) as caught:
        crypto.decrypt(key_id, nonce, sealed, aad=b"attune.journal.entry.v1|8|0123")
    assert "private words" not in str(caught.value)


def test_it_refuses_a_tampered_ciphertext(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", _spec("a", 1))
    key_id, nonce, sealed = crypto.encrypt("private words", aad=AAD)
    flipped = bytes([sealed[0] ^ 1]) + sealed[1:]
    with pytest.raises(crypto.JournalDecryptError):
        crypto.decrypt(key_id, nonce, flipped, aad=AAD)


def test_it_names_a_missing_key_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", _spec("old", 1))
    key_id, nonce, sealed = crypto.encrypt("private words", aad=AAD)
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", _spec("new", 2))
    with pytest.raises(crypto.JournalKeyMissing, match="journal key 'old' is not in the keyring"):
        crypto.decrypt(key_id, nonce, sealed, aad=AAD)


def test_the_first_key_is_current_and_older_keys_still_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", _spec("old", 1))
    old = crypto.encrypt("before the rotation", aad=AAD)
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", f"{_spec('new', 2)},{_spec('old', 1)}")
    assert crypto.encrypt("after", aad=AAD)[0] == "new"
    assert crypto.decrypt(*old, aad=AAD) == "before the rotation"


def test_keys_can_come_from_a_file_named_by_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    secret = tmp_path / "journal-secret"
    secret.write_text(_spec("filed", 3) + "\n")
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS_FILE", str(secret))
    assert crypto.keyring().ids == ("filed",)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nocolon", "must look like id:base64-key"),
        ("a:" + base64.urlsafe_b64encode(b"short").decode(), "it must be 32 random bytes"),
        ("a:!!!not-base64!!!", "is not URL-safe base64"),
        (f"{_spec('a', 1)},{_spec('a', 2)}", "appears twice"),
        ("bad id:" + _spec("x", 1).split(":")[1], "has an id that is not"),
    ],
)
def test_it_explains_a_malformed_key_list_without_showing_the_key(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("ATTUNE_JOURNAL_KEYS", value)
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        crypto.keyring()
    encoded = value.split(":", 1)[-1].split(",")[0]
    assert len(encoded) < 8 or encoded not in str(caught.value)


def test_without_configuration_it_creates_a_private_key_file_in_the_data_folder(settings: Any) -> None:
    data_dir = Path(settings.DATA_DIR)
    path = data_dir / crypto.KEY_FILE_NAME
    assert not path.exists()
    ring = crypto.keyring()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(ring.key(ring.current_id)) == crypto.KEY_BYTES
    assert [p.name for p in data_dir.iterdir()] == [crypto.KEY_FILE_NAME]  # no temporary left behind
    crypto.forget_keyring()
    assert crypto.keyring().keys == ring.keys  # read again, not made again


def test_the_keyring_never_shows_its_keys() -> None:
    ring = crypto.parse_keyring(_spec("a", 7), "test")
    assert base64.urlsafe_b64encode(bytes([7]) * 32).decode().rstrip("=") not in repr(ring)


def test_a_generated_key_spec_parses_back() -> None:
    spec = crypto.generate_key_spec("k2")
    ring = crypto.parse_keyring(spec, "test")
    assert ring.ids == ("k2",)
    assert len(ring.key("k2")) == crypto.KEY_BYTES


def test_rotation_with_the_generated_key_file_adds_a_key_and_reseals(owner: Any, settings: Any) -> None:
    from django.core.management import call_command

    from attune.web.journal.actions import write_entry

    entry = write_entry(owner, body="words to keep")
    first_id = entry.key_id
    out = io.StringIO()
    call_command("rotatejournalkeys", "--add-key", stdout=out)
    path = Path(settings.DATA_DIR) / crypto.KEY_FILE_NAME
    ring = crypto.keyring()
    assert ring.ids[1] == first_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "re-encrypted 1, already current 0" in out.getvalue()
    assert f"no entry uses {first_id!r} any more" in out.getvalue()
    entry.refresh_from_db()
    entry._opened = None
    assert (entry.key_id, entry.text) == (ring.current_id, "words to keep")


def test_rotation_prints_a_new_key_that_the_keyring_accepts() -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("rotatejournalkeys", "--print-new-key", stdout=out)
    assert len(crypto.parse_keyring(out.getvalue(), "test").ids) == 1


def test_writing_an_entry_logs_nothing_of_its_text(owner: Any, caplog: pytest.LogCaptureFixture) -> None:
    from attune.web.journal.actions import write_entry

    with caplog.at_level(logging.DEBUG):
        logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
        try:
            from django.db import connection

            connection.force_debug_cursor = True
            write_entry(owner, title="a quiet title", body="a very particular sentence")
        finally:
            connection.force_debug_cursor = False
            logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    assert "INSERT" in caplog.text  # the SQL was logged, with its parameters
    assert "particular sentence" not in caplog.text
    assert "quiet title" not in caplog.text
