"""The production URLconf with the bench's floor endpoints added under /bench/."""

from django.urls import include, path

from lus.urls import urlpatterns as production

urlpatterns = [*production, path("bench/", include("lus.bench.urls"))]
