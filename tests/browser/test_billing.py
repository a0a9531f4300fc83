"""The billing pages in a real browser: axe and Inspira's own accessibility rules, with data on them.
(Kept here, beside the browser fixtures; the data builders are billing's: tests/billing/conftest.py.)"""

from datetime import date

import pytest
from django.urls import reverse

from inspira.billing import services
from inspira.billing.models import Invoice
from inspira.certification.models import EstablishmentSupportPayment
from tests.billing.conftest import at, complete, make_booking, make_certification
from tests.browser.helpers import assert_accessible, login
from tests.factories import FeeRuleFactory, SchoolFactory, SchoolYearFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def money(school, other_school, site_contact):
    rule = FeeRuleFactory(school_year=SchoolYearFactory(start_year=2010))
    site = make_certification(school=school)
    for i in range(3):
        complete(make_booking(certification=site, school=other_school, day=date(2011, 3, 1 + i)), by=site_contact)
    make_certification(school=SchoolFactory(name="Hägerstens skola"))
    services.central_invoices_issue(year=2011, month=3, now=at(2011, 4, 1))
    EstablishmentSupportPayment.objects.create(certification=site, school_year=rule.school_year,
                                               amount_ore=1_000_000, due_on=date(2010, 9, 1))
    return Invoice.objects.filter(recipient_kind="visiting_school").first()


def test_finance_pages_are_accessible(page, live_server, finance, money, subtests):
    login(page, live_server, finance)
    for url in (
        reverse("billing:overview") + "?year=2010",
        reverse("billing:invoices"),
        reverse("billing:invoice_detail", args=[money.pk]),
        reverse("billing:central_run"),
        reverse("billing:support_list"),
        reverse("billing:settings"),
    ):
        with subtests.test(url=url):
            assert page.goto(live_server.url + url).status == 200
            assert_accessible(page)


def test_the_principals_invoice_pages_are_accessible(page, live_server, principal, school, money):
    login(page, live_server, principal)
    for url in (reverse("billing:school_invoices", args=[school.pk]),
                reverse("billing:invoice_detail", args=[money.pk])):
        assert page.goto(live_server.url + url).status == 200
        assert_accessible(page)
