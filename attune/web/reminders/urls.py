from __future__ import annotations

from django.urls import path

from attune.web.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("devices/", views.add_device, name="add_device"),
    path("devices/forget/", views.forget_devices, name="forget_devices"),
]
