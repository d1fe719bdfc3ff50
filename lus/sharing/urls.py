from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("oevebaner/deling/", views.mine, name="mine"),
    path("oevebaner/deling/<int:pk>/stop/", views.revoke, name="revoke"),
    path("oevebaner/delt-med-mig/", views.shared_with_me, name="shared_with_me"),
]
