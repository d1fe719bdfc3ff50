from django.urls import path

from . import views

app_name = "inputs"

urlpatterns = [
    path("hr/forberedelsesdata/", views.hr_import, name="hr_import"),
    path("lus/forberedelsesdata/", views.mine, name="mine"),
    path("lus/forberedelsesdata/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("lus/forberedelsesdata/<int:pk>/slet/", views.delete, name="delete"),
]
