from django.urls import path

from inspira.accounts import school_views as views

# The schools' pages live in accounts because who may see or edit a school depends on memberships.
app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("ny/", views.school_create, name="create"),
    path("<int:school_id>/", views.school_detail, name="detail"),
    path("<int:school_id>/andra/", views.school_edit, name="edit"),
]
