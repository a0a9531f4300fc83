from django.urls import path  # noqa: F401  (the pages come in the following commits)

app_name = "benchmarking"

urlpatterns = []

# --- The proposal, the groups, publishing and the dates (proposal_views, group_views, date_views) ---
from inspira.benchmarking import date_views, group_views, proposal_views  # noqa: E402

urlpatterns += [
    path("omgangar/<int:round_id>/forslag/", proposal_views.proposal, name="proposal"),
    path("omgangar/<int:round_id>/forslag/starta/", proposal_views.proposal_start, name="proposal_start"),
    path("omgangar/<int:round_id>/forslag/status/", proposal_views.proposal_status, name="proposal_status"),
    path("omgangar/<int:round_id>/grupper/", group_views.groups_page, name="groups"),
    path("omgangar/<int:round_id>/grupper/flytta/", group_views.group_move, name="group_move"),
    path("omgangar/<int:round_id>/grupper/byt/", group_views.group_swap, name="group_swap"),
    path("omgangar/<int:round_id>/publicera/", group_views.round_publish, name="round_publish"),
    path("omgangar/<int:round_id>/deltagare/<int:interest_id>/ta-bort/", group_views.participant_remove,
         name="participant_remove"),
    path("omgangar/<int:round_id>/datum/", date_views.date_answers, name="date_answers"),
    path("omgangar/<int:round_id>/besok/<int:visit_id>/flytta/", date_views.visit_move, name="visit_move"),
    path("mina/<int:round_id>/datum/", date_views.my_dates, name="my_dates"),
    path("mina/<int:round_id>/lamna/", date_views.my_leave, name="my_leave"),
    path("mina/besok/<int:visit_id>/kalender.ics", date_views.my_visit_ics, name="my_visit_ics"),
]
