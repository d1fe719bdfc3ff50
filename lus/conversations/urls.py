from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/forberedelse/", views.prepare, name="prepare"),
    path("<int:pk>/forberedelse/del/", views.share, name="share"),
]
