from django.urls import path

from inspira.efforts import views

app_name = "efforts"

urlpatterns = [
    # The programme's page (tailor-made development, seed 001).
    path("", views.index, name="index"),
    # One effort's case (the centre and the unit's principal).
    path("<int:pk>/", views.effort_detail, name="effort_detail"),
    # Further pages (the request, the planning meeting, the clock, proposals, sessions,
    # documentation, evaluation, the overview...) are appended below.
]

from inspira.efforts import clock_views  # noqa: E402  (the proposal clock and the centre's closed days)

urlpatterns += [
    path("<int:pk>/forslagsklocka/pausa/", clock_views.clock_pause, name="clock_pause"),
    path("<int:pk>/forslagsklocka/ateruppta/", clock_views.clock_resume, name="clock_resume"),
    path("<int:pk>/forslagsklocka/forlang/", clock_views.clock_extend, name="clock_extend"),
    path("stangda-dagar/", clock_views.closed_day_list, name="closed_days"),
    path("stangda-dagar/<int:pk>/ta-bort/", clock_views.closed_day_remove, name="closed_day_remove"),
]
