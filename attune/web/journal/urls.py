from __future__ import annotations

from django.urls import path

from attune.web.journal import views

app_name = "journal"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/unshare/", views.unshare, name="unshare"),
    path("shared/", views.shared, name="shared"),
    path("shared/<int:pk>/", views.shared_entry, name="shared_entry"),
]
