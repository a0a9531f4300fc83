"""submissions pages of the teacher panel (namespace "panel", under /lararpanelen/)."""

from django.urls import path

from inspira.panel import views_submissions as views

urlpatterns = [
    path("fragor-och-exempel/", views.submission_list, name="submissions"),
    path("fragor-och-exempel/ny/", views.submission_new, name="submission_new"),
    path("fragor-och-exempel/<int:pk>/", views.submission_detail, name="submission"),
    path("fragor-och-exempel/<int:pk>/stod/", views.submission_support, name="submission_support"),
    path("goda-exempel/", views.example_list, name="examples"),
    path("fragor-och-exempel/hantera/", views.submission_queue, name="submission_queue"),
    path("fragor-och-exempel/publicera/", views.submission_publish, name="submission_publish"),
    path("fragor-och-exempel/<int:pk>/hantera/", views.submission_handle, name="submission_handle"),
    path("fragor-och-exempel/<int:pk>/publicera-exempel/", views.example_publish, name="example_publish"),
    path("goda-exempel/kanaler/", views.channels, name="channels"),
]
