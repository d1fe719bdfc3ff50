from django.urls import path

from . import views

app_name = "rounds"

urlpatterns = [
    path("runder/", views.index, name="index"),
    path("runder/<int:pk>/", views.overview, name="overview"),
    path("runder/<int:pk>/status.csv", views.overview_csv, name="overview_csv"),
    path("statistik/", views.statistics, name="statistics"),
    path("overdragelse/", views.handover, name="handover"),
]
