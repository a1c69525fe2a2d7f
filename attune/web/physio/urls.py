from __future__ import annotations

from django.urls import path

from attune.web.physio import views

app_name = "physio"
urlpatterns = [
    path("recordings/", views.recordings, name="recordings"),
    path("recordings/<int:pk>/", views.recording, name="recording"),
    path("recordings/<int:pk>/rr.txt", views.rr_download, name="rr"),
    path("recordings/<int:pk>/beats/", views.beats, name="beats"),
    path("recordings/<int:pk>/finish/", views.finish, name="finish"),
    path("resonance/", views.resonance, name="resonance"),
    path("resonance/start/", views.resonance_start, name="resonance_start"),
    path("resonance/<int:pk>/", views.resonance_result, name="resonance_result"),
    path("resonance/<int:pk>/score/", views.resonance_score, name="resonance_score"),
    path("resonance/<int:pk>/apply/", views.resonance_apply, name="resonance_apply"),
]
