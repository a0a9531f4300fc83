from django.urls import path

from inspira.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("ny/", views.school_create, name="create"),
    path("<int:school_id>/", views.school_detail, name="detail"),
    path("<int:school_id>/andra/", views.school_edit, name="edit"),
]
