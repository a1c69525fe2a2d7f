"""Passkeys (WebAuthn) as a second step, with py_webauthn.

A passkey is asked for after the password, never instead of it. Each ceremony's challenge is kept
in the session and used once. The relying party is this site: its host name (``localhost`` in
development; browsers refuse IP addresses) unless ``ATTUNE_WEBAUTHN_RP_ID`` names a parent domain,
and the origin must be the one the page was served from.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from attune.web.accounts.mfa_models import Passkey
from attune.web.accounts.signals import security_event

if TYPE_CHECKING:
    from attune.web.accounts.models import User

_REGISTER = "attune_webauthn_register"
_AUTHENTICATE = "attune_webauthn_authenticate"
#: A ceremony's challenge is good for this long (the browser's own timeout is 60 s).
CHALLENGE_MAX_AGE_S = 300
MAX_PASSKEYS = 10
#: A response to verify is small JSON; anything bigger is refused before parsing.
MAX_RESPONSE_CHARS = 16_000


class PasskeyError(ValueError):
    """A ceremony that did not verify; the message is safe to show."""


def rp_id(request: HttpRequest) -> str:
    configured = str(getattr(settings, "WEBAUTHN_RP_ID", "") or "")
    return configured or request.get_host().rsplit(":", 1)[0].strip("[]")


def origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _user_handle(user: User) -> bytes:
    """An opaque, stable handle for ``user`` (no name, no database id)."""
    return salted_hmac("attune.accounts.passkey.user", str(user.pk), algorithm="sha256").digest()


def _hash_id(credential_id: bytes) -> str:
    return hashlib.sha256(credential_id).hexdigest()


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    out = []
    for key in Passkey.objects.filter(user=user):
        transports = []
        for name in key.transports or []:
            try:
                transports.append(AuthenticatorTransport(name))
            except ValueError:
                continue
        out.append(PublicKeyCredentialDescriptor(id=bytes(key.credential_id), transports=transports or None))
    return out


def _remember(request: HttpRequest, slot: str, challenge: bytes, user: User) -> None:
    request.session[slot] = {"challenge": bytes_to_base64url(challenge), "user": user.pk, "at": int(time.time())}


def _take(request: HttpRequest, slot: str, user: User) -> bytes:
    """The challenge of this session's open ceremony for ``user``, removed so it works once."""
    saved = request.session.pop(slot, None)
    if not isinstance(saved, dict) or saved.get("user") != user.pk:
        raise PasskeyError(_("That took too long or was started elsewhere. Please try again."))
    if time.time() - float(saved.get("at", 0)) > CHALLENGE_MAX_AGE_S:
        raise PasskeyError(_("That took too long. Please try again."))
    return base64url_to_bytes(str(saved["challenge"]))


def _parse(body: str) -> dict[str, Any]:
    if len(body) > MAX_RESPONSE_CHARS:
        raise PasskeyError(_("That answer from the browser is too large."))
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise PasskeyError(_("That answer from the browser could not be read.")) from None
    if not isinstance(data, dict):
        raise PasskeyError(_("That answer from the browser could not be read."))
    return data


# ------------------------------------------------------------------ adding a passkey


def registration_options(request: HttpRequest, user: User) -> str:
    """The JSON options for ``navigator.credentials.create`` (the challenge is kept in the session)."""
    if Passkey.objects.filter(user=user).count() >= MAX_PASSKEYS:
        raise PasskeyError(
            _("You have %(count)d passkeys already; remove one before adding another.") % {"count": MAX_PASSKEYS}
        )
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=str(getattr(settings, "SITE_NAME", "attune")),
        user_name=user.get_username(),
        user_id=_user_handle(user),
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    _remember(request, _REGISTER, options.challenge, user)
    return str(options_to_json(options))


def add(request: HttpRequest, user: User, body: str) -> Passkey:
    """Verify the browser's answer to :func:`registration_options` and keep the new passkey."""
    data = _parse(body)
    challenge = _take(request, _REGISTER, user)
    name = str(data.get("name") or "").strip()[:60] or "Passkey"
    credential = data.get("credential")
    if not isinstance(credential, dict):
        raise PasskeyError(_("That answer from the browser could not be read."))
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id(request),
            expected_origin=origin(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise PasskeyError(_("That passkey could not be checked. Please try again.")) from None
    answer = credential.get("response")
    transports = answer.get("transports") if isinstance(answer, dict) else []
    with transaction.atomic():
        if Passkey.objects.filter(credential_hash=_hash_id(verified.credential_id)).exists():
            raise PasskeyError(_("That passkey is already added."))
        first = not Passkey.objects.filter(user=user).exists()
        key = Passkey.objects.create(
            user=user,
            name=name,
            credential_id=verified.credential_id,
            credential_hash=_hash_id(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[str(t) for t in transports][:8] if isinstance(transports, list) else [],
        )
    security_event.send(sender=add, user=user, kind="passkey_added", request=request, detail={"first": first})
    return key


def remove(request: HttpRequest, user: User, pk: int) -> bool:
    deleted, _ = Passkey.objects.filter(user=user, pk=pk).delete()
    if deleted:
        security_event.send(sender=remove, user=user, kind="passkey_removed", request=request, detail={})
    return bool(deleted)


# ------------------------------------------------------------------ signing in with one


def authentication_options(request: HttpRequest, user: User) -> str:
    """The JSON options for ``navigator.credentials.get``, allowing only ``user``'s passkeys."""
    allowed = _descriptors(user)
    if not allowed:
        raise PasskeyError(_("There is no passkey on this account."))
    options = generate_authentication_options(
        rp_id=rp_id(request),
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(request, _AUTHENTICATE, options.challenge, user)
    return str(options_to_json(options))


def authenticate(request: HttpRequest, user: User, body: str) -> bool:
    """True if the browser's answer is a signature by one of ``user``'s passkeys over this challenge."""
    data = _parse(body)
    challenge = _take(request, _AUTHENTICATE, user)
    raw_id = data.get("rawId") or data.get("id")
    try:
        credential_id = base64url_to_bytes(str(raw_id))
    except (ValueError, TypeError):
        return False
    key = Passkey.objects.filter(user=user, credential_hash=_hash_id(credential_id)).first()
    if key is None:
        return False
    try:
        verified = verify_authentication_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=origin(request),
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    Passkey.objects.filter(pk=key.pk).update(sign_count=verified.new_sign_count, last_used_at=timezone.now())
    return True
