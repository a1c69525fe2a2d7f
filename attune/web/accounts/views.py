"""Joining, logging in and out, the member's settings, their data, and leaving."""

from __future__ import annotations

import logging
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from attune.web.accounts import mfa, mfa_views, sessions, settings_links, throttle
from attune.web.accounts.actions import change_email, delete_account, email_change_token, email_from_token
from attune.web.accounts.export import build_export, collect_member_data, export_filename
from attune.web.accounts.forms import (
    DeleteAccountForm,
    EmailChangeForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    ReauthForm,
    SetPasswordForm,
    SignupForm,
)
from attune.web.accounts.http import AuthedRequest, signed_in
from attune.web.accounts.reauth import mark_recent_auth, require_recent_auth
from attune.web.accounts.signals import email_confirmation_needed, security_event
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


@signed_in("GET", "POST")
def settings_view(request: AuthedRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("accounts:settings")
    context = {
        "form": form,
        "links": settings_links.links(),
        "other_sessions": sessions.other_session_count(request.user, request.session),
        "idle_days": sessions.idle_words(request.user),
        "two_step": mfa.status(request.user),
    }
    return render(request, "accounts/settings.html", context)


@sensitive_post_parameters("password")
@never_cache
@signed_in("GET", "POST")
def reauth(request: AuthedRequest) -> HttpResponse:
    """Confirm the password, then go back to the page that asked (``next``, a path on this site)."""
    next_url = safe_next(request, resolve_url("accounts:settings"))
    form = ReauthForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Through authenticate(), so django-axes counts wrong passwords here as at the login page: a
        # browser left signed in gives no way around the limits. ``reauth`` tells the audit log apart.
        user = authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["password"], reauth=True
        )
        if user is not None and user.pk == request.user.pk:
            mark_recent_auth(request)
            security_event.send(sender=reauth, user=request.user, kind="reauthenticated", request=request, detail={})
            return HttpResponseRedirect(next_url)
        security_event.send(sender=reauth, user=request.user, kind="reauth_failed", request=request, detail={})
        form.add_error("password", "That isn't your password. Please try again; it is case-sensitive.")
    context = {"form": form, "next": next_url, "reauth_minutes": int(settings.REAUTH_SECONDS) // 60}
    return render(request, "accounts/reauth.html", context)


@never_cache
@login_required
@require_recent_auth
@require_http_methods(["GET", "POST"])
def email_change(request: AuthedRequest) -> HttpResponse:
    form = EmailChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["email"]
        if not new:  # removing the address needs no link
            _apply_email_change(request, "")
            messages.success(request, _("Your email is removed. We let that address know, in case it wasn't you."))
            return redirect("accounts:settings")
        path = reverse("accounts:email_confirm", kwargs={"token": email_change_token(request.user, new)})
        email_confirmation_needed.send(
            sender=email_change, user=request.user, email=new, url=f"{settings.SITE_URL}{path}", request=request
        )
        messages.info(
            request,
            _(
                "We sent a link to %(email)s. Open it within a day to start using that address; "
                "until then, nothing changes."
            )
            % {"email": new},
        )
        return redirect("accounts:settings")
    return render(request, "accounts/email_change.html", {"form": form})


def _apply_email_change(request: AuthedRequest, new: str) -> None:
    previous = request.user.email
    change_email(request.user, new)
    security_event.send(
        sender=email_change,
        user=request.user,
        kind="email_changed",
        request=request,
        detail={"removed": not new},
        previous_email=previous,
    )


@never_cache
@signed_in("GET", "POST")
def email_confirm(request: AuthedRequest, token: str) -> HttpResponse:
    """The link sent to a new address: a GET shows it, a POST makes it the member's email."""
    new = email_from_token(request.user, token)
    form = EmailChangeForm(request.user, {"email": new}) if new else None
    if new is None or form is None or not form.is_valid():
        error = form.errors["email"][0] if form is not None and form.errors.get("email") else ""
        return render(request, "accounts/email_confirm.html", {"invalid": True, "error": error}, status=400)
    if request.method == "POST":
        previous = request.user.email
        _apply_email_change(request, new)
        if previous:
            messages.success(
                request, _("Your email is changed. We let your previous address know, in case it wasn't you.")
            )
        else:
            messages.success(request, _("Your email is saved."))
        return redirect("accounts:settings")
    return render(request, "accounts/email_confirm.html", {"email": new, "token": token})


@signed_in("POST")
def sign_out_everywhere(request: AuthedRequest) -> HttpResponse:
    """End every other session of this account; this browser stays signed in, with a new session key."""
    ended = sessions.end_other_sessions(request.user, request.session)
    request.session.cycle_key()
    security_event.send(
        sender=sign_out_everywhere, user=request.user, kind="sessions_revoked", request=request, detail={"ended": ended}
    )
    messages.success(request, _("You are signed out everywhere else. This browser stays signed in."))
    return redirect("accounts:settings")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@signed_in("GET", "POST")
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        # Django would refuse the other sessions at their next request (their password hash no
        # longer matches); removing them means none is left behind.
        sessions.end_other_sessions(user, request.session)
        mark_recent_auth(request)
        security_event.send(sender=password_change, user=user, kind="password_changed", request=request, detail={})
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form})


# How each table of the export reads to a person (the file names stay as they are).
# What each exported table is called on the download and delete pages (the file names stay as they are).
TABLE_LABELS = {
    "profile": gettext_lazy("profile"),
    "account_activity": gettext_lazy("account activity"),
    "jobs": gettext_lazy("jobs"),
    "checkins": gettext_lazy("check-ins"),
    "practice_sessions": gettext_lazy("practice sessions"),
    "heart_recordings": gettext_lazy("heart recordings"),
    "resonance_assessments": gettext_lazy("resonance assessments"),
    "journal_entries": gettext_lazy("journal entries"),
    "workbook_enrolments": gettext_lazy("workbook enrolments"),
    "workbook_progress": gettext_lazy("workbook progress"),
    "imports": gettext_lazy("imports"),
    "imported_measurements": gettext_lazy("imported measurements"),
    "imported_mindful_sessions": gettext_lazy("imported mindful sessions"),
    "imported_states_of_mind": gettext_lazy("imported states of mind"),
    "imported_sleep": gettext_lazy("imported sleep"),
    "imported_sleep_stages": gettext_lazy("imported sleep stages"),
    "reminders": gettext_lazy("reminders"),
    "push_devices": gettext_lazy("devices for reminders"),
    "room_places": gettext_lazy("places in rooms"),
    "rooms_hosted": gettext_lazy("rooms you hosted"),
    "retreat_applications": gettext_lazy("retreat applications"),
    "retreat_checkins": gettext_lazy("retreat check-ins"),
    "retreat_word_requests": gettext_lazy("requests for a word at a retreat"),
}


def _counts(tables: dict[str, list[Any]]) -> list[tuple[str, int]]:
    return [(str(TABLE_LABELS.get(name, name.replace("_", " "))), len(rows)) for name, rows in tables.items()]


@login_required
@require_recent_auth
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
@signed_in("GET", "POST")
def delete(request: AuthedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Recorded first, while the account exists; erasure then unlinks it from the account.
        security_event.send(sender=delete, user=request.user, kind="account_deleted", request=request, detail={})
        delete_account(request.user)
        logout(request)
        messages.info(
            request, _("Your account and everything in it are deleted. Thank you for the time you spent here.")
        )
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if request.method == "POST" and form.has_error("password", "password_incorrect"):
        # The password asked for here is this page's re-authentication.
        security_event.send(sender=delete, user=request.user, kind="reauth_failed", request=request, detail={})
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
        sessions.end_all_sessions(form.user)
        security_event.send(sender=type(self), user=form.user, kind="password_reset", request=self.request, detail={})
        return response


password_reset_confirm = _PasswordResetConfirm.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
