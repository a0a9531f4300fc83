"""Rows that change only through the services are shown in the Django admin, never changed there."""

import pytest
from django.apps import apps
from django.contrib import admin

from tests.factories import UserFactory

READ_ONLY = [
    "billing.FeeEntry", "billing.Invoice", "billing.InvoiceNumberSeries", "billing.BillingSettings",
    "catalogue.SiteDocumentation",
    "certification.Application", "certification.ApplicationStatusChange", "certification.Decision",
    "certification.Certification", "certification.DecisionNumberSeries",
    "schools.SchoolForm",
    "visits.Occasion", "visits.Booking", "visits.BookingOutcomeChange", "visits.Feedback",
]


@pytest.mark.parametrize("label", READ_ONLY)
def test_not_even_a_superuser_adds_changes_or_deletes(rf, db, label):
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[apps.get_model(label)]
    for each in [model_admin, *model_admin.get_inline_instances(request)]:
        assert not each.has_add_permission(request, None)
        assert not each.has_change_permission(request)
        assert not each.has_delete_permission(request)
        assert each.has_view_permission(request)
