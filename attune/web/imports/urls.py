from __future__ import annotations

from django.urls import path

from attune.web.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("body/", views.body, name="body"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/status/", views.status, name="status"),
    path("<uuid:pk>/cancel/", views.cancel, name="cancel"),
]
