from django.urls import path

from inspira.certification import casework_views, views

app_name = "certification"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("ny/", views.application_start, name="start"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/steg/<int:step>/", views.application_step, name="step"),
    path("<int:pk>/ta-tillbaka/", views.application_reopen, name="reopen"),
    path("<int:pk>/bilder/<int:image_id>/ta-bort/", views.application_image_delete, name="image_delete"),
    path("<int:pk>/bilder/<int:image_id>/", views.application_picture, name="picture"),
    path("tillstyrkan/<str:token>/", views.endorse, name="endorse"),
    path("tillstyrkan/<str:token>/bilder/<int:image_id>/", views.endorse_picture, name="endorse_picture"),
    path("<int:pk>/beslut/<int:decision_id>/brev/", casework_views.decision_letter, name="decision_letter"),
    # The administration's casework
    path("handlaggning/", casework_views.queue, name="queue"),
    path("handlaggning/<int:pk>/", casework_views.case, name="case"),
    path("handlaggning/<int:pk>/paborja/", casework_views.case_start, name="case_start"),
    path("handlaggning/<int:pk>/kontakt/", casework_views.contact_add, name="contact_add"),
    path("handlaggning/<int:pk>/underlag/", casework_views.basis_edit, name="basis_edit"),
    path("handlaggning/<int:pk>/skicka/", casework_views.send_to_director, name="send_to_director"),
    path("handlaggning/<int:pk>/bilagor/", casework_views.attachment_add, name="attachment_add"),
    path("handlaggning/<int:pk>/bilagor/<int:attachment_id>/", casework_views.attachment_download,
         name="attachment_download"),
    path("handlaggning/<int:pk>/bilagor/<int:attachment_id>/ta-bort/", casework_views.attachment_delete,
         name="attachment_delete"),
    # The director's decisions
    path("beslut/", casework_views.decisions, name="decisions"),
    path("beslut/<int:pk>/", casework_views.decide, name="decide"),
    path("beslut/<int:pk>/tillbaka/", casework_views.send_back, name="send_back"),
    path("beslut/<int:pk>/rattelse/", casework_views.correct, name="correct"),
]
