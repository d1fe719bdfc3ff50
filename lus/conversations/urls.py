from django.urls import path

from . import views, views_conductor

app_name = "conversations"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/forberedelse/", views.prepare, name="prepare"),
    path("<int:pk>/forberedelse/del/", views.share, name="share"),
    path("<int:pk>/invitation/", views_conductor.invite, name="invite"),
    path("mine-ledere/", views_conductor.my_leaders, name="my_leaders"),
    path(
        "mine-ledere/<int:leader_pk>/opret/",
        views_conductor.create_for_report,
        name="create_for_report",
    ),
    path("mine-ledere/spoergsmaal/", views_conductor.customise, name="customise"),
]
