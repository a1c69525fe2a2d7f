from __future__ import annotations

from django.urls import path

from attune.web.rooms import views

app_name = "rooms"
urlpatterns = [
    path("", views.home, name="home"),
    path("pair/", views.start_pair, name="start_pair"),
    path("join/", views.join, name="join"),
    path("j/<str:code>/", views.join_link, name="join_link"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/reading/", views.reading, name="reading"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/projector/", views.projector, name="projector"),
    path("workshops/new/", views.workshop_new, name="workshop_new"),
    path("workshops/<int:pk>/", views.workshop, name="workshop"),
    path("workshops/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("workshops/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("workshops/<int:pk>/call-off/", views.workshop_call_off, name="workshop_call_off"),
    path("workshops/<int:pk>/note/", views.workshop_note, name="workshop_note"),
    path("workshops/<int:pk>/calendar.ics", views.workshop_calendar, name="workshop_calendar"),
]
