from django.urls import path

from . import views

app_name = "statustalks"

urlpatterns = [
    path("<int:pk>/statussamtaler/", views.index, name="index"),
    path("<int:pk>/aftaler/", views.agreements, name="agreements"),
    path("statussamtaler/<int:pk>/", views.talk, name="talk"),
    path("statussamtaler/<int:pk>/kalender.ics", views.ics, name="ics"),
]
