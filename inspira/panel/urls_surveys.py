"""surveys pages of the teacher panel (namespace "panel", under /lararpanelen/)."""

from django.urls import path

from inspira.panel import views_surveys as views

urlpatterns = [
    path("enkater/", views.surveys, name="surveys"),
    path("enkater/ny/", views.survey_new, name="survey_new"),
    path("enkater/<int:pk>/", views.survey, name="survey"),
    path("enkater/<int:pk>/dragning/", views.survey_draw, name="survey_draw"),
    path("enkater/<int:pk>/skicka/", views.survey_send, name="survey_send"),
    path("enkater/<int:pk>/paminn/", views.survey_remind, name="survey_remind"),
    path("enkater/<int:pk>/export.xlsx", views.survey_export, name="survey_export"),
    path("mina-enkater/", views.my_surveys, name="my_surveys"),
    path("mina-enkater/<int:pk>/resultat/", views.survey_results, name="survey_results"),
]
