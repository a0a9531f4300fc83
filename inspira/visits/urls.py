from django.urls import path

from inspira.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.my_bookings, name="mine"),
    path("lediga/", views.free_occasions, name="free"),
    path("plats/<int:certification_id>/", views.site_occasions, name="site_occasions"),
    path("plats/<int:certification_id>/installningar/", views.site_settings, name="site_settings"),
    path("plats/<int:certification_id>/nytt/", views.occasion_create, name="occasion_create"),
    path("plats/<int:certification_id>/serie/", views.occasion_series, name="occasion_series"),
    path("tillfalle/<int:pk>/", views.occasion_detail, name="occasion"),
    path("tillfalle/<int:pk>/andra/", views.occasion_edit, name="occasion_edit"),
    path("tillfalle/<int:pk>/stall-in/", views.occasion_cancel, name="occasion_cancel"),
    path("tillfalle/<int:pk>/kalender.ics", views.occasion_calendar, name="occasion_calendar"),
    path("tillfalle/<int:pk>/boka/", views.book, name="book"),
    path("tillfalle/<int:pk>/vantelista/", views.waiting_list_join, name="waiting_list_join"),
    path("bokningar/<int:pk>/", views.booking_detail, name="booking"),
    path("bokningar/<int:pk>/avboka/", views.booking_cancel, name="booking_cancel"),
    path("bokningar/<int:pk>/godkann/", views.booking_approve, name="booking_approve"),
    path("vantelista/<int:pk>/", views.waiting_entry, name="waiting_entry"),
    path("vantelista/<int:pk>/acceptera/", views.waiting_offer_accept, name="waiting_accept"),
    path("vantelista/<int:pk>/lamna/", views.waiting_list_withdraw, name="waiting_withdraw"),
    path("skola/<int:school_id>/installningar/", views.school_settings, name="school_settings"),
    # The site's dashboard and feedback; completion; the visitors' feedback; the administration.
    path("plats/<int:certification_id>/besok/", views.site_visits, name="site_visits"),
    path("plats/<int:certification_id>/aterkoppling/", views.site_feedback, name="site_feedback"),
    path("bokningar/<int:pk>/utfall/", views.booking_outcome, name="booking_outcome"),
    path("bokningar/<int:pk>/angra-utfall/", views.booking_outcome_undo, name="booking_outcome_undo"),
    path("aterkoppling/<str:token>/", views.feedback, name="feedback"),
    path("alla/", views.all_bookings, name="all_bookings"),
    path("alla/besok.csv", views.bookings_csv, name="bookings_csv"),
    path("alla/aterkoppling/", views.feedback_list, name="feedback_list"),
    path("alla/platser/", views.sites_overview, name="sites_overview"),
]
