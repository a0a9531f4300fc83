from django.urls import path

from inspira.benchmarking import views

app_name = "benchmarking"

urlpatterns = [
    # The programme's page and the teachers' interest registrations.
    path("", views.index, name="index"),
    path("omgangar/<int:pk>/intresse/", views.interest_register, name="interest_register"),
    path("mina-anmalningar/", views.mine, name="mine"),
    path("anmalningar/<int:pk>/ta-tillbaka/", views.interest_withdraw, name="interest_withdraw"),
    # The coordinators' rounds.
    path("omgangar/", views.round_list, name="round_list"),
    path("omgangar/ny/", views.round_create, name="round_create"),
    path("omgangar/<int:pk>/", views.round_detail, name="round_detail"),
    path("omgangar/<int:pk>/andra/", views.round_edit, name="round_edit"),
    # Further pages (the proposal, groups, visits, claims...) are appended below.
]
