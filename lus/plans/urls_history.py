from django.urls import path

from . import views_history

app_name = "history"

urlpatterns = [
    path("udvikling/", views_history.my_development, name="mine"),
    path("mine-ledere/<int:leader_pk>/udvikling/", views_history.leader_development, name="leader"),
]
