"""focus pages of the teacher panel (namespace "panel", under /lararpanelen/)."""

from django.urls import path

from inspira.panel import views_focus, views_overview

urlpatterns = [
    path("oversikt/", views_overview.overview, name="overview"),
    path("fokusgrupper/", views_focus.focus_groups, name="focus_groups"),
    path("fokusgrupper/ny/", views_focus.focus_new, name="focus_new"),
    path("fokusgrupper/<int:pk>/", views_focus.focus_group, name="focus_group"),
    path("fokusgrupper/<int:pk>/bjud-in/", views_focus.focus_group_invite, name="focus_group_invite"),
    path("fokusgrupper/inbjudan/<int:pk>/", views_focus.focus_answer, name="focus_answer"),
]
