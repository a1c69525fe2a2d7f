from __future__ import annotations

from django.urls import path

from attune.web.retreats import views

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
]
