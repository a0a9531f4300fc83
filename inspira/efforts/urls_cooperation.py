from django.urls import path

from inspira.efforts import cooperation_views

app_name = "cooperation"

urlpatterns = [
    # The cooperation programmes (seed 004).
    path("", cooperation_views.index, name="index"),
    # Further pages are appended below.
]
