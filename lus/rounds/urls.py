from django.urls import path

from . import views, views_handover, views_statistics, views_todo

app_name = "rounds"

urlpatterns = [
    path("runder/", views.index, name="index"),
    path("runder/<int:pk>/", views.overview, name="overview"),
    path("runder/<int:pk>/status.csv", views.overview_csv, name="overview_csv"),
    path("runder/<int:pk>/opgaver/", views_todo.todo, name="todo"),
    path("runder/<int:pk>/opret-lus/", views_todo.create_selected, name="create_selected"),
    path("runder/<int:pk>/paamind/", views_todo.remind, name="remind"),
    path("statistik/", views_statistics.statistics, name="statistics"),
    path("overdragelse/", views_handover.handover, name="handover"),
]
