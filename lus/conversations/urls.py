from django.urls import path

from . import views, views_leaders_leader

app_name = "conversations"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/forberedelse/", views.prepare, name="prepare"),
    path("<int:pk>/forberedelse/del/", views.share, name="share"),
    path("<int:pk>/forberedelse/oversigt/", views.summary, name="summary"),
    path("<int:pk>/forberedelse/senior/", views.senior, name="senior"),
    path("<int:pk>/invitation/", views_leaders_leader.invite, name="invite"),
    path("mine-ledere/", views_leaders_leader.my_leaders, name="my_leaders"),
    path(
        "mine-ledere/<int:leader_pk>/opret/",
        views_leaders_leader.create_for_report,
        name="create_for_report",
    ),
    path("mine-ledere/spoergsmaal/", views_leaders_leader.customise, name="customise"),
]
