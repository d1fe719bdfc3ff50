from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "lus.bench"
    label = "bench"
    verbose_name = "Benchmarks"
