from django.urls import path

from . import views_handover

app_name = "handover"

urlpatterns = [
    path("<int:pk>/", views_handover.answer, name="answer"),
]
