from django.urls import path

from lus.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("versions/<int:pk>/preview/", views.preview, name="preview"),
]
