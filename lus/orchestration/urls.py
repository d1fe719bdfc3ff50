from django.urls import path

from lus.orchestration import views

app_name = "orchestration"
urlpatterns = [
    path("", views.my_data_page, name="my_data"),
    path("download/", views.my_data_download, name="my_data_download"),
]
