from __future__ import annotations

from django.urls import path

from attune.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.activity, name="activity"),
]
