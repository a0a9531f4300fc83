"""djangosaml2's endpoints at /saml2/ (the names are djangosaml2's own). Single logout (logout/, ls/) is not
offered: logging out of Inspira ends the Inspira session only (docs/decisions.md)."""

from django.urls import path

from inspira.federation import views

urlpatterns = [
    path("login/", views.SamlLogin.as_view(), name="saml2_login"),
    path("acs/", views.AssertionConsumer.as_view(), name="saml2_acs"),
    path("metadata/", views.metadata_view, name="saml2_metadata"),
]
