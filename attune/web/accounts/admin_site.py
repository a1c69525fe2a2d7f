"""The admin behind attune's own sign-in: the same lockout, and a second step in the session.

``settings.INSTALLED_APPS`` names :class:`AttuneAdminConfig` instead of ``django.contrib.admin``,
so ``admin.site`` is an :class:`AttuneAdminSite`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class AttuneAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        from attune.web.accounts import mfa

        return bool(super().has_permission(request) and mfa.session_verified(request))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """attune's login page (password, then the second step); never Django's own form."""
        from attune.web.accounts import views
        from attune.web.common.redirects import safe_next

        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(safe_next(request, reverse("admin:index", current_app=self.name)))
            if not getattr(request.user, "is_staff", False):
                raise Http404  # a member who is not staff: as for anything not theirs
            # Staff whose session has not passed a second step: the middleware sends them there first.
            return HttpResponseRedirect(reverse("accounts:two_step_verify"))
        return views.login_view(request, default_next=reverse("admin:index", current_app=self.name))


class AttuneAdminConfig(AdminConfig):
    default_site = "attune.web.accounts.admin_site.AttuneAdminSite"
