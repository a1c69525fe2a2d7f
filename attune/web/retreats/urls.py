from __future__ import annotations

from django.urls import path

from attune.web.retreats import day_views, views

app_name = "retreats"
urlpatterns = [
    path("", views.retreat_list, name="list"),
    path("guide/", views.guide_home, name="guide"),
    path("guide/new/", views.new, name="new"),
    path("guide/<int:pk>/", views.manage, name="manage"),
    path("guide/<int:pk>/edit/", views.edit, name="edit"),
    path("guide/<int:pk>/questions/", views.question_add, name="question_add"),
    path("guide/<int:pk>/questions/<int:qid>/remove/", views.question_remove, name="question_remove"),
    path("guide/applications/<int:pk>/", views.application, name="application"),
    path("guide/applications/<int:pk>/decide/", views.decide, name="decide"),
    path("guide/applications/<int:pk>/payment/", views.payment, name="payment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/mine/", views.mine, name="mine"),
    path("<int:pk>/mine/consent/", views.consent, name="consent"),
    path("<int:pk>/mine/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/mine/take/", views.take, name="take"),
    # The days, and after.
    path("guide/<int:pk>/schedule/", day_views.schedule_edit, name="schedule_edit"),
    path("guide/<int:pk>/schedule/<int:item>/", day_views.item_edit, name="item_edit"),
    path("guide/<int:pk>/schedule/<int:item>/remove/", day_views.item_remove, name="item_remove"),
    path("guide/<int:pk>/schedule/tell/", day_views.schedule_tell, name="schedule_tell"),
    path("guide/<int:pk>/group/", day_views.group, name="group"),
    path("guide/<int:pk>/group/words/<int:word>/seen/", day_views.word_seen, name="word_seen"),
    path("guide/applications/<int:pk>/arc/", day_views.shared_arc, name="shared_arc"),
    path("<int:pk>/schedule/", day_views.schedule, name="schedule"),
    path("<int:pk>/schedule/link/", day_views.feed_link, name="feed_link"),
    path("<int:pk>/today/", day_views.today, name="today"),
    path("<int:pk>/today/check-in/", day_views.checkin, name="checkin"),
    path("<int:pk>/today/word/", day_views.word, name="word"),
    path("<int:pk>/arc/", day_views.arc, name="arc"),
    path("<int:pk>/arc/share/", day_views.arc_share, name="arc_share"),
    path("feed/<str:token>/schedule.ics", day_views.feed, name="feed"),
]
