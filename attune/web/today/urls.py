from __future__ import annotations

from django.urls import path

from attune.web.today import pwa, views

app_name = "today"
urlpatterns = [
    path("", views.today, name="today"),
    path("history/", views.history, name="history"),
    path("what-helps/", views.what_helps, name="what_helps"),
    path("reflection/", views.reflection, name="reflection"),
    path("about/", views.about, name="about"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("offline/pages.json", pwa.offline_list, name="offline_list"),
]
