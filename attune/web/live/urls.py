from __future__ import annotations

from django.urls import path

from attune.web.live import views

app_name = "live"
urlpatterns = [
    path("", views.practice, name="practice"),
    path("resonance/", views.resonance, name="resonance"),
    path("morning/", views.morning, name="morning"),
    path("recordings/start/", views.start_recording, name="start_recording"),
]
