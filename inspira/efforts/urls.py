from django.urls import path

from inspira.efforts import request_views, views

app_name = "efforts"

urlpatterns = [
    # The programme's page (tailor-made development, seed 001).
    path("", views.index, name="index"),
    # One effort's case (the centre and the unit's principal).
    path("<int:pk>/", views.effort_detail, name="effort_detail"),
    # Further pages (the request, the planning meeting, the clock, proposals, sessions,
    # documentation, evaluation, the overview...) are appended below.
    # The principal's request and their units' efforts (seed 001, steps 1, 2 and 4).
    path("bestall/", request_views.effort_request, name="request"),
    path("vara/", request_views.mine, name="mine"),
    path("<int:pk>/aterkalla/", request_views.withdraw, name="withdraw"),
    path("<int:pk>/ta-ansvar/", request_views.assign_me, name="assign_me"),
    # The first planning meeting (step 3): booking or moving it, and its notes.
    path("<int:pk>/planeringsmote/", request_views.planning_meeting, name="planning_meeting"),
    path("<int:pk>/planeringsmote/anteckningar/", request_views.planning_notes, name="planning_notes"),
]
