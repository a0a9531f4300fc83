"""The product's URLs plus the benchmark's ceiling, ``/bench/bare/``: never part of inspira.urls."""

from django.urls import include, path

from bench.views import bare

urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("inspira.urls")),
]
