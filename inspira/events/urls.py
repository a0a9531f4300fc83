from django.urls import path

from inspira.events import views, views_registration

app_name = "events"
urlpatterns = [
    path("traffar/", views.manage_list, name="manage"),
    path("traffar/ny/", views.event_create, name="create"),
    path("traffar/<int:pk>/", views.event_detail, name="detail"),
    path("traffar/<int:pk>/andra/", views.event_edit, name="edit"),
    path("traffar/<int:pk>/stall-in/", views.event_cancel, name="cancel"),
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
