from django.urls import path  # noqa: F401  (the pages come in the following commits)

app_name = "benchmarking"

urlpatterns = []
