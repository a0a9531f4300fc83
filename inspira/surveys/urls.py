from django.urls import path

from inspira.surveys import builder_views, views

app_name = "surveys"
urlpatterns = [
    path("", builder_views.manage_list, name="manage"),
    path("ny/", builder_views.survey_create, name="create"),
    path("<int:survey_id>/", builder_views.survey_detail, name="detail"),
    path("<int:survey_id>/andra/", builder_views.survey_edit, name="edit"),
    path("<int:survey_id>/forhandsvisning/", builder_views.survey_preview, name="preview"),
    path("<int:survey_id>/fragor/ny/", builder_views.question_add, name="question_add"),
    path("<int:survey_id>/fragor/<int:question_id>/andra/", builder_views.question_edit, name="question_edit"),
    path("<int:survey_id>/fragor/<int:question_id>/ta-bort/", builder_views.question_remove,
         name="question_remove"),
    path("<int:survey_id>/fragor/<int:question_id>/flytta/", builder_views.question_move, name="question_move"),
    path("<int:survey_id>/oppna/", builder_views.survey_open, name="open"),
    path("<int:survey_id>/stang/", builder_views.survey_close, name="close"),
    path("<int:survey_id>/paminn/", builder_views.survey_remind, name="remind"),
    path("svar/tack/", views.answered, name="answered"),
    path("svar/<str:token>/", views.answer, name="answer"),
    path("<int:survey_id>/resultat/", views.results, name="results"),
    path("<int:survey_id>/resultat.<str:fmt>", views.results_export, name="export"),
    path("<int:survey_id>/fritext/", views.review, name="review"),
]
