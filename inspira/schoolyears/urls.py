from django.urls import path

from inspira.schoolyears import views

app_name = "schoolyears"
urlpatterns = [
    path("", views.school_year_list, name="list"),
    path("nytt/", views.fee_rule_create, name="create"),
    path("<int:rule_id>/andra/", views.fee_rule_edit, name="edit"),
]
