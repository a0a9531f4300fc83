from django.urls import path

from inspira.events import evaluation_views, views

app_name = "events"
urlpatterns = [
    path("traffar/", views.manage_list, name="manage"),
    path("traffar/ny/", views.event_create, name="create"),
    path("traffar/<int:pk>/", views.event_detail, name="detail"),
    path("traffar/<int:pk>/andra/", views.event_edit, name="edit"),
    path("traffar/<int:pk>/stall-in/", views.event_cancel, name="cancel"),
    path("traffar/<int:pk>/utvardering/", evaluation_views.evaluation_create, name="evaluation_create"),
    path("traffar/<int:pk>/utvardering/bjud-in/", evaluation_views.evaluation_invite, name="evaluation_invite"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/<slug:key>.ics", views.programme_feed, name="feed"),
]
