from django.urls import path

from lus.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.my_log, name="my_log"),
]
