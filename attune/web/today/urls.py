from __future__ import annotations

from django.urls import path

from attune.web.today import views

app_name = "today"
urlpatterns = [
    path("", views.today, name="today"),
    path("history/", views.history, name="history"),
    path("about/", views.about, name="about"),
]
