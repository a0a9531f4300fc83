from django.urls import path

from inspira.events import feed_views, material_views, views

app_name = "events"
urlpatterns = [
    path("traffar/", views.manage_list, name="manage"),
    path("traffar/ny/", views.event_create, name="create"),
    path("traffar/<int:pk>/", views.event_detail, name="detail"),
    path("traffar/<int:pk>/andra/", views.event_edit, name="edit"),
    path("traffar/<int:pk>/stall-in/", views.event_cancel, name="cancel"),
    path("traffar/<int:pk>/material/", material_views.material_manage, name="material"),
    path("traffar/<int:pk>/material/<int:material_id>/ta-bort/", material_views.material_delete,
         name="material_delete"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/mina/", feed_views.my_feed_page, name="my_feed_page"),
    path("kalender/mina/<str:token>.ics", feed_views.my_feed, name="my_feed"),
    path("kalender/<int:pk>/material/<int:material_id>/", material_views.material_download,
         name="material_download"),
    path("kalender/<slug:key>.ics", views.programme_feed, name="feed"),
]
