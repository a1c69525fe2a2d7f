from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

# Each app's pages under its prefix, tried in this order (so accounts/activity/ before accounts/).
APP_PREFIXES = (
    ("", "today"),
    ("accounts/activity/", "audit"),
    ("accounts/reminders/", "reminders"),
    ("accounts/", "accounts"),
    ("checkins/", "checkins"),
    ("practices/", "practices"),
    ("physio/", "physio"),
    ("live/", "live"),
    ("journal/", "journal"),
    ("workbooks/", "workbooks"),
    ("rooms/", "rooms"),
    ("imports/", "imports"),
    ("retreats/", "retreats"),
)

urlpatterns = [
    *(path(prefix, include(f"attune.web.{app}.urls")) for prefix, app in APP_PREFIXES),
    path("admin/", admin.site.urls),
    # Sets the language cookie from a POST and goes back (django.views.i18n.set_language).
    path("i18n/", include(([path("setlang/", set_language, name="set_language")], "i18n"))),
]

# 404, 403 and 400 use Django's handlers with templates/404.html etc.; 500 needs the request for a full page.
handler500 = "attune.web.common.errors.server_error"
