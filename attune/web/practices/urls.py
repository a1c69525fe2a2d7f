from __future__ import annotations

from django.urls import path

from attune.web.practices import views

app_name = "practices"
urlpatterns = [
    path("", views.library, name="library"),
    path("pacer/", views.pacer, name="pacer"),
    path("sessions/start/", views.session_start, name="session_start"),
    path("sessions/<int:pk>/finish/", views.session_finish, name="session_finish"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/play/", views.player, name="player"),
]
