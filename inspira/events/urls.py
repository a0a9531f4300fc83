from django.urls import path

from inspira.events import evaluation_views, views, views_attendance, views_registration, views_series

app_name = "events"
urlpatterns = [
    path("traffar/", views.manage_list, name="manage"),
    path("traffar/ny/", views.event_create, name="create"),
    path("traffar/<int:pk>/", views.event_detail, name="detail"),
    path("traffar/<int:pk>/andra/", views.event_edit, name="edit"),
    path("traffar/<int:pk>/stall-in/", views.event_cancel, name="cancel"),
    path("traffar/<int:pk>/utvardering/", evaluation_views.evaluation_create, name="evaluation_create"),
    path("traffar/<int:pk>/utvardering/bjud-in/", evaluation_views.evaluation_invite, name="evaluation_invite"),
    path("traffar/serier/", views_series.series_list, name="series_list"),
    path("traffar/serier/ny/", views_series.series_create, name="series_create"),
    path("traffar/serier/<int:pk>/", views_series.series_detail, name="series_detail"),
    path("traffar/<int:pk>/fragor/", views_series.question_list, name="questions"),
    path("traffar/<int:pk>/fragor/ny/", views_series.question_create, name="question_create"),
    path("traffar/<int:pk>/fragor/<int:question_id>/andra/", views_series.question_edit, name="question_edit"),
    path("traffar/<int:pk>/fragor/<int:question_id>/ta-bort/", views_series.question_delete,
         name="question_delete"),
    path("traffar/<int:pk>/svar/", views_series.answers, name="answers"),
    path("traffar/<int:pk>/narvaro/", views_attendance.attendance_page, name="attendance"),
    path("traffar/<int:pk>/narvaro/<int:registration_id>/", views_attendance.attendance_mark,
         name="attendance_mark"),
    path("traffar/<int:pk>/narvaro/pa-plats/", views_attendance.attendance_walk_in, name="attendance_walk_in"),
    path("traffar/<int:pk>/narvaro/avsluta/", views_attendance.attendance_finish, name="attendance_finish"),
    path("traffar/<int:pk>/narvaro/narvarolista.pdf", views_attendance.attendance_pdf, name="attendance_pdf"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/<slug:key>.ics", views.programme_feed, name="feed"),
    # The participants' pages.
    path("kalender/<int:pk>/", views_registration.event_page, name="event"),
    path("kalender/<int:pk>/anmal/", views_registration.register, name="register"),
    path("kalender/<int:pk>/anmal-grupp/", views_registration.register_group, name="register_group"),
    path("anmalningar/<int:pk>/avboka/", views_registration.registration_cancel, name="registration_cancel"),
    path("anmalningar/<int:pk>/lamna-kon/", views_registration.waiting_leave, name="waiting_leave"),
    path("anmalningar/<int:pk>/tacka-ja/", views_registration.offer_accept, name="offer_accept"),
    path("anmalningar/<int:pk>/tacka-nej/", views_registration.offer_decline, name="offer_decline"),
    path("mina-traffar/", views_registration.mine, name="mine"),
]
