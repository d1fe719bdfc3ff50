from django.urls import path

from . import views

app_name = "bench"
urlpatterns = [
    path("floor", views.floor, name="floor"),
    path("floor-queries", views.floor_queries, name="floor_queries"),
    path("floor-layout", views.floor_layout, name="floor_layout"),
    path("bare", views.bare, name="bare"),
    path("raw", views.raw, name="raw"),
]
