from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

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
]
