from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("attune.web.today.urls")),
    path("accounts/activity/", include("attune.web.audit.urls")),
    path("accounts/reminders/", include("attune.web.reminders.urls")),
    path("accounts/", include("attune.web.accounts.urls")),
    path("checkins/", include("attune.web.checkins.urls")),
    path("practices/", include("attune.web.practices.urls")),
    path("physio/", include("attune.web.physio.urls")),
    path("live/", include("attune.web.live.urls")),
    path("journal/", include("attune.web.journal.urls")),
    path("workbooks/", include("attune.web.workbooks.urls")),
    path("rooms/", include("attune.web.rooms.urls")),
    path("imports/", include("attune.web.imports.urls")),
    path("retreats/", include("attune.web.retreats.urls")),
    path("admin/", admin.site.urls),
    # Sets the language cookie from a POST and goes back (django.views.i18n.set_language).
    path("i18n/", include(([path("setlang/", set_language, name="set_language")], "i18n"))),
]

# 404, 403 and 400 use Django's handlers with templates/404.html etc.; 500 needs the request for a full page.
handler500 = "attune.web.common.errors.server_error"
