"""What the audit log listens to: Django's sign-in signals, django-axes' lockouts, and accounts'
``security_event``. Connected in ``AuditConfig.ready``; nothing below this app imports it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from attune.web.audit import actions
from attune.web.audit.models import Kind


def _account_named(username: str) -> Any:
    """The account a sign-in was tried for, if there is one (exactly as the login form matches it)."""
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def signed_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None) is not None:
        actions.record(Kind.SIGNED_IN, account=user, request=request)


def signed_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None) is not None and user.is_authenticated:
        actions.record(Kind.SIGNED_OUT, account=user, request=request)


def sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A wrong password (or a try while locked). The name tried is kept only as a keyed hash."""
    if credentials.get("reauth"):
        return  # a signed-in member's password asked again: accounts sends "reauth_failed" itself
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    account = _account_named(username)
    ref = "" if account is not None else actions.pseudonym(f"name:{username.casefold()}")
    # A wrong second step after the right password (accounts.mfa_views) says so: the password is known.
    detail = {"step": "two_step"} if credentials.get("step") == "two_step" else None
    actions.record(Kind.SIGN_IN_FAILED, account=account, request=request, account_ref=ref, detail=detail)


def locked_out(sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any) -> None:
    name = str(username or "")
    account = _account_named(name)
    ref = "" if account is not None else actions.pseudonym(f"name:{name.casefold()}")
    actions.record(Kind.LOCKED_OUT, account=account, request=request, account_ref=ref)


def security_event(
    sender: Any,
    user: Any,
    kind: str,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    actions.record(kind, account=user, request=request, detail=detail)
