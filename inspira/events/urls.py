from django.urls import path

from inspira.events import views, views_attendance

app_name = "events"
urlpatterns = [
    path("traffar/", views.manage_list, name="manage"),
    path("traffar/ny/", views.event_create, name="create"),
    path("traffar/<int:pk>/", views.event_detail, name="detail"),
    path("traffar/<int:pk>/andra/", views.event_edit, name="edit"),
    path("traffar/<int:pk>/stall-in/", views.event_cancel, name="cancel"),
    path("traffar/<int:pk>/narvaro/", views_attendance.attendance_page, name="attendance"),
    path("traffar/<int:pk>/narvaro/<int:registration_id>/", views_attendance.attendance_mark,
         name="attendance_mark"),
    path("traffar/<int:pk>/narvaro/pa-plats/", views_attendance.attendance_walk_in, name="attendance_walk_in"),
    path("traffar/<int:pk>/narvaro/avsluta/", views_attendance.attendance_finish, name="attendance_finish"),
    path("traffar/<int:pk>/narvaro/narvarolista.pdf", views_attendance.attendance_pdf, name="attendance_pdf"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/<slug:key>.ics", views.programme_feed, name="feed"),
]
