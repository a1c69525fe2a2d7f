"""Joining, logging in and out, the member's settings, their data, and leaving."""

from __future__ import annotations

import logging
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from attune.web.accounts import mfa, mfa_views, settings_links, throttle
from attune.web.accounts.actions import delete_account
from attune.web.accounts.export import build_export, collect_member_data, export_filename
from attune.web.accounts.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignupForm,
)
from attune.web.accounts.http import AuthedRequest
from attune.web.accounts.signals import security_event
from attune.web.common.redirects import safe_next

logger = logging.getLogger(__name__)


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not getattr(settings, "ALLOW_SIGNUP", True):
        return render(request, "accounts/signup_closed.html", status=403)
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Take your time looking around; there is nothing you have to do."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", {"form": form})


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest, default_next: str = "") -> HttpResponse:
    next_url = safe_next(request, default_next)
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    # django-axes (AxesStandaloneBackend) refuses a locked account and address inside is_valid(), and
    # its middleware answers those with lockout.lockout_response; a success clears the failures.
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if mfa.is_enrolled(user):  # the password was right; now the second step (mfa_views.verify)
            return mfa_views.begin_second_step(request, user, next_url)
        login(request, user)
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out. Come back whenever you like."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("accounts:settings")
    context = {"form": form, "links": settings_links.links(), "two_step": mfa.status(request.user)}
    return render(request, "accounts/settings.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        security_event.send(sender=password_change, user=user, kind="password_changed", request=request, detail={})
        messages.success(request, "Your password is changed.")
        return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form})


# How each table of the export reads to a person (the file names stay as they are).
TABLE_LABELS = {"checkins": "check-ins"}


def _counts(tables: dict[str, list[Any]]) -> list[tuple[str, int]]:
    return [(TABLE_LABELS.get(name, name.replace("_", " ")), len(rows)) for name, rows in tables.items()]


@login_required
@require_http_methods(["GET", "POST"])
def export(request: AuthedRequest) -> HttpResponse:
    if request.method == "GET":
        tables = collect_member_data(request.user)
        counts = _counts(tables)
        return render(request, "accounts/export.html", {"counts": counts})
    security_event.send(sender=export, user=request.user, kind="export_downloaded", request=request, detail={})
    response = HttpResponse(build_export(request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(request.user)}"'
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Recorded first, while the account exists; erasure then unlinks it from the account.
        security_event.send(sender=delete, user=request.user, kind="account_deleted", request=request, detail={})
        delete_account(request.user)
        logout(request)
        messages.info(request, "Your account and everything in it are deleted. Thank you for the time you spent here.")
        return redirect(settings.LOGOUT_REDIRECT_URL)
    tables = collect_member_data(request.user)
    counts = _counts(tables)
    return render(request, "accounts/delete.html", {"form": form, "counts": counts})


# Password reset uses Django's views (they handle the signed, single-use tokens) with our forms,
# templates and URL names.
class _PasswordReset(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = str(form.cleaned_data["email"])
        if throttle.allow_reset_request(email, throttle.client_address(self.request)):
            return super().form_valid(form)
        # Over the limit: send nothing, but answer exactly as usual so the page never tells
        # whether the address has an account. Log a keyed hash, never the address itself.
        logger.info("password reset request not sent: too many requests (email hash %s)", throttle.digest(email))
        return HttpResponseRedirect(self.get_success_url())


password_reset = _PasswordReset.as_view(extra_email_context={"site_title": getattr(settings, "SITE_NAME", "attune")})
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")


class _PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # Whoever can read the account's email may try again at once, from anywhere.
        axes_reset(username=form.user.get_username())
        response = super().form_valid(form)
        security_event.send(sender=type(self), user=form.user, kind="password_reset", request=self.request, detail={})
        return response


password_reset_confirm = _PasswordResetConfirm.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
