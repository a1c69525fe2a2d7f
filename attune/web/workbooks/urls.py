from __future__ import annotations

from django.urls import path

from attune.web.workbooks.views import guide, member

app_name = "workbooks"
urlpatterns = [
    path("", member.workbook_list, name="list"),
    path("guide/", guide.guide_home, name="guide"),
    path("guide/upload/", guide.upload, name="upload"),
    path("guide/cohorts/<int:pk>/", guide.cohort_dashboard, name="cohort"),
    path("join/<str:token>/", member.join, name="join"),
    path("following/<int:pk>/", member.enrolment_progress, name="progress"),
    path("following/answer/", member.answer, name="answer"),
    path("following/<int:pk>/print/", member.print_view, name="print"),
    path("following/<int:pk>/day/<int:day>/", member.day_page, name="day"),
    path("following/<int:pk>/day/<int:day>/complete/", member.complete, name="complete"),
    path("following/<int:pk>/day/<int:day>/items/<int:index>/", member.item_done, name="item_done"),
    path("following/<int:pk>/day/<int:day>/items/<int:index>/practice/", member.practice_record, name="practice"),
    path("<slug:slug>/", member.workbook_detail, name="detail"),
    path("<slug:slug>/enrol/", member.enrol, name="enrol"),
    path("<slug:slug>/versions/", guide.versions, name="versions"),
    path("<slug:slug>/edit/", guide.edit, name="edit"),
    path("<slug:slug>/edit/workbook/", guide.edit_head, name="edit_head"),
    path("<slug:slug>/edit/workbook/preview/", guide.preview, name="edit_head_preview"),
    path("<slug:slug>/edit/day/<int:day>/", guide.edit_day, name="edit_day"),
    path("<slug:slug>/edit/day/<int:day>/preview/", guide.preview, name="edit_day_preview"),
    path("<slug:slug>/cohorts/new/", guide.cohort_new, name="cohort_new"),
]
