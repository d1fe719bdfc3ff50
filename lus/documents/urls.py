from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("lus/<int:pk>/", views.document, name="document"),
    path("lus/<int:pk>/udkast.pdf", views.preview, name="preview"),
    path("lus/<int:pk>/journaliser/", views.file, name="file"),
    path("lus/<int:pk>/skema.pdf", views.blank_form, name="blank_form"),
    path("arkiv/<int:pk>/", views.download, name="download"),
    path("arkiv/<int:pk>/gensend/", views.retry, name="retry"),
]
