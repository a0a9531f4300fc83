from django.urls import path

from inspira.efforts import overview_views, views

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
]
