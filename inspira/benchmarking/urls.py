from django.urls import path

from inspira.benchmarking import views

app_name = "benchmarking"

urlpatterns = [
    # The programme's page and the teachers' interest registrations.
    path("", views.index, name="index"),
    path("omgangar/<int:pk>/intresse/", views.interest_register, name="interest_register"),
    path("mina-anmalningar/", views.mine, name="mine"),
    path("anmalningar/<int:pk>/ta-tillbaka/", views.interest_withdraw, name="interest_withdraw"),
    # The coordinators' rounds.
    path("omgangar/", views.round_list, name="round_list"),
    path("omgangar/ny/", views.round_create, name="round_create"),
    path("omgangar/<int:pk>/", views.round_detail, name="round_detail"),
    path("omgangar/<int:pk>/andra/", views.round_edit, name="round_edit"),
    # Further pages (the proposal, groups, visits, claims...) are appended below.
]

# --- Substitute costs, the closing evaluation and quotes (cost_views, quote_views) ---
from inspira.benchmarking import cost_views, quote_views  # noqa: E402

urlpatterns += [
    path("besok/<int:visit_id>/genomfort/", cost_views.visit_held, name="visit_held"),
    path("skolor/<int:school_id>/vikariekostnader/", cost_views.claims_school, name="claims_school"),
    path("omgangar/<int:round_id>/skolor/<int:school_id>/vikariekostnader/", cost_views.claim_create,
         name="claim_create"),
    path("vikariekostnader/", cost_views.finance_claims, name="finance_claims"),
    path("vikariekostnader/export.csv", cost_views.finance_claims_csv, name="finance_claims_csv"),
    path("vikariekostnader/export.xlsx", cost_views.finance_claims_xlsx, name="finance_claims_xlsx"),
    path("vikariekostnader/<int:claim_id>/", cost_views.claim_detail, name="claim_detail"),
    path("vikariekostnader/<int:claim_id>/godkann/", cost_views.claim_approve, name="claim_approve"),
    path("omgangar/<int:round_id>/avslutning/", quote_views.round_closing, name="round_closing"),
    path("omgangar/<int:round_id>/utvardering/skapa/", quote_views.evaluation_create, name="evaluation_create"),
    path("omgangar/<int:round_id>/utvardering/bjud-in/", quote_views.evaluation_invite, name="evaluation_invite"),
    path("omgangar/<int:round_id>/citat/", quote_views.quotes_mine, name="quotes_mine"),
    path("citat/<int:quote_id>/ta-tillbaka/", quote_views.quote_withdraw, name="quote_withdraw"),
    path("citat/<int:quote_id>/publicera/", quote_views.quote_publish, name="quote_publish"),
    path("citat/<int:quote_id>/avpublicera/", quote_views.quote_unpublish, name="quote_unpublish"),
]

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
