"""Two-step sign-in pages: the second step after the password, and setting it up in "You".

The second step counts its wrong answers against the same django-axes lockout as the password
(the same account and address), so a stolen password buys no more guesses at the code.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from attune.web.accounts import lockout, mfa, passkeys, reauth
from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.common.redirects import safe_next


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Type the six digits from your app, or a recovery code.")},
    )


# ------------------------------------------------------------------ after the password


def begin_second_step(request: HttpRequest, user: Any, next_url: str) -> HttpResponse:
    """Called by the login view once the password is right: remember who, and ask for the second step."""
    request.session.cycle_key()
    request.session[mfa.SESSION_PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "next": next_url,
        "at": int(time.time()),
    }
    return redirect("accounts:two_step_verify")


def _who(request: HttpRequest) -> tuple[Any, dict[str, Any] | None]:
    """The member taking the second step: one who just gave their password, or one signed in whose
    session has not passed it yet. (None, None) for anyone else."""
    if request.user.is_authenticated:
        return request.user, None
    pending = request.session.get(mfa.SESSION_PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > mfa.PENDING_MAX_AGE_S:
        return None, None
    user = get_user_model()._default_manager.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return (user, pending) if user is not None else (None, None)


def _locked(request: HttpRequest, user: Any) -> bool:
    return bool(AxesProxyHandler.is_locked(request, {"username": user.get_username()}))


def _failed(request: HttpRequest, user: Any) -> None:
    """A wrong second step: counted by django-axes (and the audit log) like a wrong password."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username(), "step": "two_step"}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        request.session.pop(mfa.SESSION_PENDING, None)


def _complete(request: HttpRequest, user: Any, pending: dict[str, Any] | None, method: str) -> str:
    """Sign in (if the password was the first step) and mark the session; returns where to go next."""
    if pending is not None:
        request.session.pop(mfa.SESSION_PENDING, None)
        login(request, user, backend=str(pending["backend"]))
        next_url = str(pending.get("next") or "")
    else:
        request.session.cycle_key()
        next_url = safe_next(request, "")
    mfa.mark_session_verified(request.session, user, method)
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user, pending = _who(request)
    if user is None:
        messages.info(request, _("Please log in again; the second step waits five minutes."))
        return redirect("accounts:login")
    if request.user.is_authenticated and mfa.session_verified(request):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not mfa.is_enrolled(user):
        return redirect("accounts:two_step")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _locked(request, user):
            request.session.pop(mfa.SESSION_PENDING, None)
            return lockout.lockout_response(request, credentials={"username": user.get_username()})
        if form.is_valid():
            checked = mfa.check_code(user, form.cleaned_data["code"])
            if checked is not None:
                if checked.method == "recovery":
                    left = mfa.recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code; %(left)d left. Make new ones in You → Two-step sign-in "
                            "if you are running low.",
                            "You used a recovery code; %(left)d left. Make new ones in You → Two-step sign-in "
                            "if you are running low.",
                            left,
                        )
                        % {"left": left},
                    )
                return HttpResponseRedirect(_complete(request, user, pending, checked.method))
            _failed(request, user)
            form.add_error(
                "code", _("That code did not work. Codes from the app change every 30 seconds, and each works once.")
            )
            status = 400
    context = {
        "form": form,
        "has_passkeys": user.passkeys.exists(),
        "has_app": mfa.has_app(user),
        "next": "" if pending is not None else safe_next(request, ""),
    }
    return render(request, "accounts/two_step_verify.html", context, status=status)


_PasskeyCall = Callable[[HttpRequest, Any, dict[str, Any] | None], HttpResponse]


def _taking_second_step(view: _PasskeyCall) -> Callable[[HttpRequest], HttpResponse]:
    """A passkey call of the second step, for the member taking it (see :func:`_who`): anyone else
    is asked in JSON to log in again. The view gets the member and the pending sign-in too."""

    @never_cache
    @require_POST
    @functools.wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        user, pending = _who(request)
        if user is None:
            return JsonResponse({"error": _("Please log in again.")}, status=403)
        return view(request, user, pending)

    return wrapped


@_taking_second_step
def verify_passkey_options(request: HttpRequest, user: Any, pending: dict[str, Any] | None) -> HttpResponse:
    try:
        return HttpResponse(passkeys.authentication_options(request, user), content_type="application/json")
    except passkeys.PasskeyError as exc:
        return JsonResponse({"error": str(exc)}, status=400)


@_taking_second_step
def verify_passkey(request: HttpRequest, user: Any, pending: dict[str, Any] | None) -> HttpResponse:
    if _locked(request, user):
        request.session.pop(mfa.SESSION_PENDING, None)
        return JsonResponse({"error": _("Too many tries. Please wait, then log in again.")}, status=429)
    try:
        ok = passkeys.authenticate(request, user, request.body.decode("utf-8", "replace"))
    except passkeys.PasskeyError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if not ok:
        _failed(request, user)
        # axes' middleware would turn a lockout into its login page; a script wants JSON.
        locked = bool(getattr(request, "axes_locked_out", False))
        request.axes_locked_out = False  # type: ignore[attr-defined]
        if locked:
            return JsonResponse({"error": _("Too many tries. Please wait, then log in again.")}, status=429)
        return JsonResponse({"error": _("That passkey did not work for this account.")}, status=400)
    return JsonResponse({"next": _complete(request, user, pending, "passkey")})


# ------------------------------------------------------------------ setting it up


def _needs_fresh_step(request: AuthedRequest) -> bool:
    """A session that has not passed a second step may not change an account that has one."""
    return mfa.is_enrolled(request.user) and not mfa.session_verified(request)


def _guard(view: Any) -> Any:
    """A change to two-step sign-in needs a session past the second step and a recent password.

    Without a recent password the member confirms it first and comes back to the two-step page (a
    POST is not carried out then; a passkey's script is told in JSON where to go).
    """

    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _needs_fresh_step(request):
            return HttpResponseRedirect(f"{reverse('accounts:two_step_verify')}?next={reverse('accounts:two_step')}")
        if not reauth.has_recent_auth(request):
            confirm = reauth.reauth_url(reverse("accounts:two_step"))
            if request.content_type == "application/json":
                message = _("Please confirm your password first, then try again.")
                return JsonResponse({"error": message, "reauth": confirm}, status=403)
            return HttpResponseRedirect(confirm)
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@never_cache
@signed_in("GET")
def overview(request: AuthedRequest) -> HttpResponse:
    """"Two-step sign-in": what is on, and the buttons to change it (also a section of "You")."""
    return render(request, "accounts/two_step.html", {"two_step": mfa.status(request.user)})


@signed_in("POST")
@_guard
def app_start(request: AuthedRequest) -> HttpResponse:
    mfa.begin_app_setup(request.user)
    return redirect("accounts:two_step_app")


@sensitive_post_parameters("code")
@never_cache
@signed_in("GET", "POST")
@_guard
def app_confirm(request: AuthedRequest) -> HttpResponse:
    record = mfa.pending_app(request.user)
    if record is None:
        return redirect("accounts:two_step")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if mfa.confirm_app(request.user, form.cleaned_data["code"], request):
            mfa.mark_session_verified(request.session, request.user, "app")
            if not mfa.status(request.user).recovery_made:
                codes = mfa.new_recovery_codes(request.user, request)
                return render(request, "accounts/two_step_codes.html", {"codes": codes, "first": True})
            messages.success(request, _("Your authenticator app is on."))
            return redirect("accounts:two_step")
        form.add_error("code", _("That code did not match. Check the app shows attune, and type the newest code."))
        status = 400
    elif request.method == "POST":
        status = 400
    uri = mfa.provisioning_uri(record, request.user)
    context = {"form": form, "qr": mfa.qr_svg(uri), "secret": mfa.grouped_secret(record)}
    return render(request, "accounts/two_step_app.html", context, status=status)


@signed_in("POST")
@_guard
def app_remove(request: AuthedRequest) -> HttpResponse:
    s = mfa.status(request.user)
    if s.required and not s.passkeys:
        messages.error(request, _("Guides and staff keep a second step: add a passkey before removing the app."))
        return redirect("accounts:two_step")
    mfa.remove_app(request.user, request)
    messages.success(request, _("The authenticator app is removed."))
    return redirect("accounts:two_step")


@never_cache
@signed_in("POST")
@_guard
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    if not mfa.is_enrolled(request.user):
        return redirect("accounts:two_step")
    codes = mfa.new_recovery_codes(request.user, request)
    return render(request, "accounts/two_step_codes.html", {"codes": codes, "first": False})


@never_cache
@signed_in("POST")
@_guard
def passkey_options(request: AuthedRequest) -> HttpResponse:
    try:
        return HttpResponse(passkeys.registration_options(request, request.user), content_type="application/json")
    except passkeys.PasskeyError as exc:
        return JsonResponse({"error": str(exc)}, status=400)


@never_cache
@signed_in("POST")
@_guard
def passkey_add(request: AuthedRequest) -> HttpResponse:
    try:
        passkeys.add(request, request.user, request.body.decode("utf-8", "replace"))
    except passkeys.PasskeyError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    mfa.mark_session_verified(request.session, request.user, "passkey")
    messages.success(request, _("Your passkey is added."))
    return JsonResponse({"next": reverse("accounts:two_step")})


@signed_in("POST")
@_guard
def passkey_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    s = mfa.status(request.user)
    if s.required and not s.has_app and len(s.passkeys) <= 1:
        messages.error(request, _("Guides and staff keep a second step: set up the app or another passkey first."))
        return redirect("accounts:two_step")
    if not passkeys.remove(request, request.user, pk):
        return HttpResponse(status=404)
    messages.success(request, _("The passkey is removed."))
    return redirect("accounts:two_step")


@signed_in("POST")
@_guard
def turn_off(request: AuthedRequest) -> HttpResponse:
    if mfa.required_for(request.user):
        messages.error(
            request, _("Guides and staff keep two-step sign-in on: it protects what members share with you.")
        )
        return redirect("accounts:two_step")
    mfa.turn_off(request.user, request)
    request.session.pop(mfa.SESSION_VERIFIED, None)
    messages.success(request, _("Two-step sign-in is off. Your password alone signs you in."))
    return redirect("accounts:two_step")
