from django.urls import path

from inspira.certification import views

app_name = "certification"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("ny/", views.application_start, name="start"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/steg/<int:step>/", views.application_step, name="step"),
    path("<int:pk>/ta-tillbaka/", views.application_reopen, name="reopen"),
    path("<int:pk>/bilder/<int:image_id>/ta-bort/", views.application_image_delete, name="image_delete"),
    path("tillstyrkan/<str:token>/", views.endorse, name="endorse"),
]
