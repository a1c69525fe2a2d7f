"""The keyring: AES-256-GCM keys kept outside the database, for everything attune seals.

It is called the journal's keyring (its variables and key file keep that name) because the
journal was first; check-in notes and retreat intake answers are sealed with the same keys. Each
app that seals a column registers it with :func:`register_sealed`, so that
``attune manage rotatejournalkeys`` re-encrypts all of them, not only the journal.

Where the keys come from, in order:

1. ``ATTUNE_JOURNAL_KEYS`` (or the file named by ``ATTUNE_JOURNAL_KEYS_FILE``): a comma- or
   newline-separated list of ``id:key`` pairs, where ``key`` is 32 random bytes in URL-safe
   base64 (padding optional). The FIRST key is the current one: new text is encrypted with it.
   The others are kept only to read older entries until ``rotatejournalkeys`` has re-encrypted
   them.
2. Otherwise the key file ``DATA_DIR/journal.keys`` (same format, one pair per line), created on
   first use with mode 0600.

Each piece of text is sealed with a fresh random 96-bit nonce. The associated data (AAD) names
the entry's owner and the entry's own uuid, so a ciphertext copied into another row, or moved to
another member, no longer opens. See ``docs/journal.md`` for the design and its limits.

Nothing here ever puts plain text or key material into an exception message or a log record.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from attune.web.env import env_secret

__all__ = [
    "ENV_NAME",
    "KEY_BYTES",
    "KEY_FILE_NAME",
    "NONCE_BYTES",
    "JournalDecryptError",
    "JournalKeyMissing",
    "Keyring",
    "SealedStore",
    "decrypt",
    "encrypt",
    "forget_keyring",
    "generate_key_spec",
    "key_file_path",
    "keyring",
    "parse_keyring",
    "register_sealed",
    "sealed_stores",
]

ENV_NAME = "ATTUNE_JOURNAL_KEYS"
KEY_FILE_NAME = "journal.keys"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is designed for
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class JournalKeyMissing(LookupError):
    """An entry was sealed with a key id that is not in the keyring."""

    def __init__(self, key_id: str) -> None:
        super().__init__(
            f"journal key {key_id!r} is not in the keyring; put it back in {ENV_NAME} (or the key file) "
            "to read entries sealed with it, then run `attune manage rotatejournalkeys`"
        )
        self.key_id = key_id


class JournalDecryptError(ValueError):
    """A ciphertext did not open: wrong key for that id, a moved ciphertext, or damage."""


@dataclass(frozen=True)
class Keyring:
    """Keys by id, in order; the first is the current key."""

    keys: tuple[tuple[str, bytes], ...]
    source: str

    def __post_init__(self) -> None:
        if not self.keys:
            raise ImproperlyConfigured(f"the journal keyring from {self.source} holds no keys")

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(key_id for key_id, _ in self.keys)

    def key(self, key_id: str) -> bytes:
        for candidate, key in self.keys:
            if candidate == key_id:
                return key
        raise JournalKeyMissing(key_id)

    def __repr__(self) -> str:  # never show key material
        return f"Keyring(ids={self.ids!r}, source={self.source!r})"


def _decode_key(encoded: str, key_id: str, source: str) -> bytes:
    text = encoded.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"journal key {key_id!r} in {source} is not URL-safe base64") from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"journal key {key_id!r} in {source} is {len(raw)} bytes; it must be {KEY_BYTES} random bytes "
            "(make one with `attune manage rotatejournalkeys --print-new-key`)"
        )
    return raw


def parse_keyring(text: str, source: str) -> Keyring:
    """Read ``id:key`` pairs separated by commas or new lines (``#`` starts a comment line).

    Raises
    ------
    ImproperlyConfigured
        For an empty list, a malformed pair, a bad id, a key that is not 32 bytes, or a repeated
        id. Messages name the key id and the source, never the key.
    """
    keys: list[tuple[str, bytes]] = []
    lines = [line for line in text.splitlines() if not line.strip().startswith("#")]
    for number, part in enumerate(p.strip() for line in lines for p in line.split(",")):
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        key_id = key_id.strip()
        if not sep:
            raise ImproperlyConfigured(f"journal key number {number + 1} in {source} must look like id:base64-key")
        if not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"journal key number {number + 1} in {source} has an id that is not 1 to 32 letters, digits, . _ or -"
            )
        if any(existing == key_id for existing, _ in keys):
            raise ImproperlyConfigured(f"journal key id {key_id!r} appears twice in {source}")
        keys.append((key_id, _decode_key(encoded, key_id, source)))
    return Keyring(tuple(keys), source)


def generate_key_spec(key_id: str | None = None) -> str:
    """A fresh ``id:key`` pair (32 bytes from the OS's random source)."""
    key_id = key_id or f"k{secrets.token_hex(4)}"
    if not _KEY_ID.match(key_id):
        raise ValueError("a key id is 1 to 32 letters, digits, . _ or -")
    encoded = base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii").rstrip("=")
    return f"{key_id}:{encoded}"


def key_file_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE_NAME


def _create_key_file(path: Path) -> None:
    """Write a new key file atomically with mode 0600; a concurrent creator wins without harm."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".journal-keys-", dir=path.parent)  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write("# attune journal keys: the first is current. Keep this file out of database backups.\n")
            handle.write(generate_key_spec() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        with contextlib.suppress(FileExistsError):  # another process made the file first: use theirs
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)


def _load() -> Keyring:
    configured = env_secret(ENV_NAME)
    if configured.strip():
        source = f"{ENV_NAME}_FILE" if os.environ.get(f"{ENV_NAME}_FILE") else ENV_NAME
        return parse_keyring(configured, source)
    path = key_file_path()
    if not path.exists():
        _create_key_file(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"the journal key file {str(path)!r} cannot be read: {exc}") from None
    return parse_keyring(text, str(path))


_cache: tuple[tuple[str | None, str | None, str], Keyring] | None = None


def keyring() -> Keyring:
    """The keyring in effect, read once per configuration.

    It is read again whenever ``ATTUNE_JOURNAL_KEYS``, ``ATTUNE_JOURNAL_KEYS_FILE`` or ``DATA_DIR``
    change in this process; a changed key *file* needs a restart (or :func:`forget_keyring`).
    """
    global _cache
    marker = (os.environ.get(ENV_NAME), os.environ.get(f"{ENV_NAME}_FILE"), str(settings.DATA_DIR))
    if _cache is None or _cache[0] != marker:
        _cache = (marker, _load())
    return _cache[1]


def forget_keyring() -> None:
    """Drop the cached keyring so the next use reads the configuration again."""
    global _cache
    _cache = None


def encrypt(plaintext: str, *, aad: bytes, ring: Keyring | None = None) -> tuple[str, bytes, bytes]:
    """Seal ``plaintext`` with the current key.

    Returns
    -------
    (key_id, nonce, ciphertext)
        ``ciphertext`` carries GCM's 16-byte tag at its end.
    """
    ring = ring or keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.current_id)).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return ring.current_id, nonce, sealed


def decrypt(
    key_id: str, nonce: bytes | memoryview, ciphertext: bytes | memoryview, *, aad: bytes, ring: Keyring | None = None
) -> str:
    """Open a ciphertext made by :func:`encrypt`.

    ``nonce`` and ``ciphertext`` may be memoryviews: that is how some database backends (PostgreSQL)
    hand back a ``BinaryField``.

    Raises
    ------
    JournalKeyMissing
        If ``key_id`` is not in the keyring.
    JournalDecryptError
        If the ciphertext does not open with that key and ``aad`` (wrong key, moved, or damaged).
    """
    ring = ring or keyring()
    key = ring.key(key_id)
    try:
        plain = AESGCM(key).decrypt(bytes(nonce), bytes(ciphertext), aad)
    except InvalidTag:
        raise JournalDecryptError(
            f"a journal ciphertext sealed with key {key_id!r} did not open: the key under that id differs, "
            "the ciphertext was moved to another entry, or it is damaged"
        ) from None
    return plain.decode("utf-8")


@dataclass(frozen=True)
class SealedStore:
    """A model whose rows hold text sealed with this keyring, for key rotation.

    ``aad`` gives a row's associated data; the three field names say where its key id, nonce and
    ciphertext live. A row whose key id is empty holds nothing sealed and is left alone.
    """

    label: str
    model: Any  # a Django model class (kept Any: this module does not import the ORM)
    aad: Callable[[Any], bytes]
    key_field: str = "key_id"
    nonce_field: str = "nonce"
    cipher_field: str = "ciphertext"


_stores: dict[str, SealedStore] = {}


def register_sealed(store: SealedStore) -> None:
    """Let key rotation find ``store`` (call it from an app's ``ready()``; registering twice is harmless)."""
    _stores[store.label] = store


def sealed_stores() -> tuple[SealedStore, ...]:
    return tuple(_stores.values())
