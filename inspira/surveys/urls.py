from django.urls import path

from inspira.surveys import views

app_name = "surveys"
urlpatterns = [
    path("svar/tack/", views.answered, name="answered"),
    path("svar/<str:token>/", views.answer, name="answer"),
    path("<int:survey_id>/resultat/", views.results, name="results"),
    path("<int:survey_id>/resultat.<str:fmt>", views.results_export, name="export"),
    path("<int:survey_id>/fritext/", views.review, name="review"),
]
