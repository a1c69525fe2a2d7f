from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse

from attune.web.accounts import mfa, sessions
from attune.web.accounts.actions import delete_account
from attune.web.accounts.models import User
from attune.web.accounts.signals import security_event


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "email", "is_guide", "is_staff", "is_active", "date_joined")
    list_filter = ("is_guide", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Profile", {"fields": ("display_name", "email", "timezone", "default_pacer_bpm")}),
        ("Role", {"fields": ("is_guide",)}),
        (
            "Permissions",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "classes": ("collapse",),
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "timezone", "is_guide", "usable_password", "password1", "password2"),
            },
        ),
    )
    actions = ("make_guide", "remove_guide", "reset_two_step")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """An email changed here is told to the member (at the previous address) and audited."""
        previous = form.initial.get("email", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            security_event.send(
                sender=type(self),
                user=obj,
                kind="email_changed",
                request=request,
                detail={"removed": not obj.email, "via": "admin"},
                previous_email=previous,
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """A password set here ends the member's sessions (all but this one, if it is the admin's
        own), is told to the member and audited, as when they change it themself."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                sessions.end_other_sessions(user, request.session if user.pk == request.user.pk else None)
                security_event.send(
                    sender=type(self), user=user, kind="password_changed", request=request, detail={"via": "admin"}
                )
        return response

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        """Deleting a member here erases them as their own deletion does (files, audit pseudonyms)."""
        security_event.send(
            sender=type(self), user=obj, kind="account_deleted", request=request, detail={"via": "admin"}
        )
        delete_account(obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for user in list(queryset):
            self.delete_model(request, user)

    @admin.action(description="Make the selected members guides")
    def make_guide(self, request: HttpRequest, queryset: Any) -> None:
        count = queryset.update(is_guide=True)
        self.message_user(request, f"{count} member(s) can now lead programs.", messages.SUCCESS)

    @admin.action(description="Remove the guide role from the selected members")
    def remove_guide(self, request: HttpRequest, queryset: Any) -> None:
        count = queryset.update(is_guide=False)
        self.message_user(request, f"{count} member(s) are no longer guides.", messages.SUCCESS)

    @admin.action(description="Turn off two-step sign-in for the selected members (they lost their phone and codes)")
    def reset_two_step(self, request: HttpRequest, queryset: Any) -> None:
        """For a member who lost every second step: check it is them first, outside attune. Guides and
        staff are asked to set one up again at their next sign-in."""
        users = list(queryset)
        for user in users:
            mfa.turn_off(user, request, via="admin")
        self.message_user(request, f"Two-step sign-in is off for {len(users)} member(s).", messages.SUCCESS)

