from django.urls import path

from inspira.efforts import delivery_views, overview_views, request_views, views

app_name = "efforts"

urlpatterns = [
    # The programme's page (tailor-made development, seed 001).
    path("", views.index, name="index"),
    # One effort's case (the centre and the unit's principal).
    path("<int:pk>/", views.effort_detail, name="effort_detail"),
    # The centre's overview of every tailor-made effort, late clocks first, and its exports.
    path("oversikt/", overview_views.overview, name="overview"),
    path("oversikt/insatser.csv", overview_views.overview_csv, name="overview_csv"),
    path("oversikt/insatser.xlsx", overview_views.overview_xlsx, name="overview_xlsx"),
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

from inspira.efforts import clock_views  # noqa: E402  (the proposal clock and the centre's closed days)

urlpatterns += [
    path("<int:pk>/forslagsklocka/pausa/", clock_views.clock_pause, name="clock_pause"),
    path("<int:pk>/forslagsklocka/ateruppta/", clock_views.clock_resume, name="clock_resume"),
    path("<int:pk>/forslagsklocka/forlang/", clock_views.clock_extend, name="clock_extend"),
    path("stangda-dagar/", clock_views.closed_day_list, name="closed_days"),
    path("stangda-dagar/<int:pk>/ta-bort/", clock_views.closed_day_remove, name="closed_day_remove"),
]

from inspira.efforts import yearly_views  # noqa: E402 (the yearly survey's pages, appended)

urlpatterns += [
    # The yearly survey in December (seed 001): plan, the year's page, results over the years.
    path("arlig-enkat/", yearly_views.yearly_list, name="yearly_list"),
    path("arlig-enkat/ny/", yearly_views.yearly_plan, name="yearly_plan"),
    path("arlig-enkat/resultat/", yearly_views.yearly_results, name="yearly_results"),
    path("arlig-enkat/resultat.xlsx", yearly_views.yearly_export, name="yearly_export"),
    path("arlig-enkat/<int:year>/", yearly_views.yearly_detail, name="yearly_detail"),
    path("arlig-enkat/<int:year>/andra/", yearly_views.yearly_edit, name="yearly_edit"),
]


# --- The proposal and the dialogue about it (proposal_views) ---
from inspira.efforts import proposal_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/forslag/nytt/", proposal_views.proposal_present, name="proposal_present"),
    path("forslag/<int:proposal_id>/", proposal_views.proposal_detail, name="proposal_detail"),
    path("forslag/<int:proposal_id>/godkann/", proposal_views.proposal_accept, name="proposal_accept"),
    path("forslag/<int:proposal_id>/andringar/", proposal_views.proposal_request_changes,
         name="proposal_request_changes"),
]

# The delivery (seed 001, steps 6-7): sessions, documentation, ending, the evaluation at the last session.
urlpatterns += [
    path("<int:pk>/traffar/ny/", delivery_views.session_add, name="session_add"),
    path("<int:pk>/traffar/<int:session_id>/andra/", delivery_views.session_edit, name="session_edit"),
    path("<int:pk>/traffar/<int:session_id>/stall-in/", delivery_views.session_cancel, name="session_cancel"),
    path("<int:pk>/dokumentation/", delivery_views.document_list, name="documents"),
    path("<int:pk>/dokumentation/ny/", delivery_views.document_add, name="document_add"),
    path("<int:pk>/dokumentation/<int:document_id>/fil/", delivery_views.document_download,
         name="document_download"),
    path("<int:pk>/avsluta/", delivery_views.effort_end, name="effort_end"),
    path("<int:pk>/utvardering/", delivery_views.evaluation_summary, name="evaluation_summary"),
    path("<int:pk>/utvardering/skapa/", delivery_views.evaluation_create, name="evaluation_create"),
    path("<int:pk>/utvardering/bjud-in/", delivery_views.evaluation_invite, name="evaluation_invite"),
    path("<int:pk>/utvardering/dela/", delivery_views.evaluation_share, name="evaluation_share"),
]
