from __future__ import annotations

from django.urls import path

from attune.web.workbooks import views

app_name = "workbooks"
urlpatterns = [
    path("", views.workbook_list, name="list"),
    path("guide/", views.guide_home, name="guide"),
    path("guide/upload/", views.upload, name="upload"),
    path("guide/cohorts/<int:pk>/", views.cohort_dashboard, name="cohort"),
    path("join/<str:token>/", views.join, name="join"),
    path("following/<int:pk>/", views.enrolment_progress, name="progress"),
    path("following/<int:pk>/print/", views.print_view, name="print"),
    path("following/<int:pk>/day/<int:day>/", views.day_page, name="day"),
    path("following/<int:pk>/day/<int:day>/complete/", views.complete, name="complete"),
    path("following/<int:pk>/day/<int:day>/items/<int:index>/", views.item_done, name="item_done"),
    path("following/<int:pk>/day/<int:day>/items/<int:index>/practice/", views.practice_record, name="practice"),
    path("<slug:slug>/", views.workbook_detail, name="detail"),
    path("<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("<slug:slug>/versions/", views.versions, name="versions"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/cohorts/new/", views.cohort_new, name="cohort_new"),
]
