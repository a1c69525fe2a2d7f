"""attune's VAPID key pair (RFC 8292), which signs every push it sends: made at first use and kept in
the data folder (``vapid_private.pem``, 0600, like the secret key), so that subscriptions made
against its public key keep working across restarts."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

FILE_NAME = "vapid_private.pem"


def key_path() -> Path:
    return Path(settings.DATA_DIR) / FILE_NAME


def private_key() -> ec.EllipticCurvePrivateKey:
    path = key_path()
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it just now: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path} does not hold an elliptic-curve key")
    return loaded


def public_key_b64() -> str:
    """The public key as the browser's ``applicationServerKey``: the uncompressed point, base64url."""
    raw = private_key().public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
