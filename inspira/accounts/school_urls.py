from django.urls import path, re_path

from inspira.accounts import closed_period_views, register_views
from inspira.accounts import school_views as views

# The schools' pages live in accounts because who may see or edit a school depends on memberships.
app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("ny/", views.school_create, name="create"),
    path("<int:school_id>/", views.school_detail, name="detail"),
    path("<int:school_id>/andra/", views.school_edit, name="edit"),
    # Breaks and study days: the municipality's, and a school's own.
    path("lov/", closed_period_views.closed_period_list, name="closed_periods"),
    path("lov/ny/", closed_period_views.closed_period_create, name="closed_period_create"),
    path("lov/<int:period_id>/andra/", closed_period_views.closed_period_edit, name="closed_period_edit"),
    path("lov/<int:period_id>/ta-bort/", closed_period_views.closed_period_delete, name="closed_period_delete"),
    path("<int:school_id>/lov/", closed_period_views.closed_period_list, name="school_closed_periods"),
    path("<int:school_id>/lov/ny/", closed_period_views.closed_period_create, name="school_closed_period_create"),
    # Skolverket's school-unit register: its units, the imports, a unit's history and successor.
    path("registret/", register_views.register_overview, name="register"),
    path("registret/importer/", register_views.register_imports, name="register_imports"),
    re_path(r"^registret/(?P<unit_code>[0-9]{8})/$", register_views.register_unit, name="register_unit"),
    re_path(r"^registret/(?P<unit_code>[0-9]{8})/efterfoljare/$", register_views.register_successor,
            name="register_successor"),
]
