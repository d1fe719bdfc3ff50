"""The URLconf with the bench floor routed (as under LUS_BENCH_FLOOR=1)."""

from django.urls import include, path

from lus.urls import urlpatterns as base

urlpatterns = [*base, path("bench/", include("lus.bench.urls"))]
