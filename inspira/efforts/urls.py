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

# --- The proposal and the dialogue about it (proposal_views) ---
from inspira.efforts import proposal_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/forslag/nytt/", proposal_views.proposal_present, name="proposal_present"),
    path("forslag/<int:proposal_id>/", proposal_views.proposal_detail, name="proposal_detail"),
    path("forslag/<int:proposal_id>/godkann/", proposal_views.proposal_accept, name="proposal_accept"),
    path("forslag/<int:proposal_id>/andringar/", proposal_views.proposal_request_changes,
         name="proposal_request_changes"),
]
