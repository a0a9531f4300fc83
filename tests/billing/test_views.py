from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.billing.models import BillingSettings, Invoice
from inspira.certification.models import EstablishmentSupportPayment
from inspira.core.models import AuditEvent
from inspira.schoolyears.models import school_year_start
from tests.billing.conftest import (
    at,
    complete,
    complete_under_vat_then_deregister,
    make_booking,
    make_certification,
    run_pdf_job,
)
from tests.factories import FeeRuleFactory, MembershipFactory, SchoolFactory, SchoolYearFactory


@pytest.fixture
def invoice(booking, site_contact):
    complete(booking, by=site_contact)
    return Invoice.objects.get()


# --- Who sees an invoice ------------------------------------------------------------------------------------


def test_people_concerned_see_the_invoice(client, invoice, site_contact, principal, other_principal, finance,
                                          administrator):
    for user in (site_contact, principal, other_principal, finance, administrator):
        client.force_login(user)
        response = client.get(reverse("billing:invoice_detail", args=[invoice.pk]))
        assert response.status_code == 200, user
        assert invoice.number in response.content.decode()


def test_others_do_not_see_the_invoice(client, invoice, staff, director, other_school):
    other_staff = MembershipFactory(school=other_school).user
    stranger = MembershipFactory(school=SchoolFactory(), role="principal").user
    for user in (staff, director, other_staff, stranger):
        client.force_login(user)
        for name in ("billing:invoice_detail", "billing:invoice_pdf", "billing:invoice_xml"):
            assert client.get(reverse(name, args=[invoice.pk])).status_code == 403, (user, name)


def test_the_invoice_page_shows_its_state(client_for, invoice, other_principal, en,
                                          django_capture_on_commit_callbacks):
    client = client_for(other_principal)
    assert "Being prepared" in client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        run_pdf_job(invoice)

    page = client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    assert ">Sent<" in page


def test_pdf_download_before_and_after_the_job(client_for, invoice, site_contact, django_capture_on_commit_callbacks):
    client = client_for(site_contact)
    url = reverse("billing:invoice_pdf", args=[invoice.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("billing:invoice_detail",
                                                                           args=[invoice.pk])

    with django_capture_on_commit_callbacks(execute=True):
        run_pdf_job(invoice)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert f"faktura-{invoice.number}.pdf" in response["Content-Disposition"]


def test_xml_download(client_for, invoice, other_principal):
    response = client_for(other_principal).get(reverse("billing:invoice_xml", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.startswith(b"<?xml")
    assert invoice.number.encode() in response.content


def _kept_out_of_the_browser_cache(response) -> bool:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives and not any(d.startswith("max-age=") and d != "max-age=0"
                                                              for d in directives)


def test_invoice_pdf_and_xml_are_kept_out_of_the_browser_cache(client_for, invoice, site_contact,
                                                               django_capture_on_commit_callbacks):
    # A school's shared computer must not keep another person's invoice on disk.
    with django_capture_on_commit_callbacks(execute=True):
        run_pdf_job(invoice)
    client = client_for(site_contact)
    for name in ("billing:invoice_pdf", "billing:invoice_xml", "billing:invoice_detail"):
        response = client.get(reverse(name, args=[invoice.pk]))
        assert response.status_code == 200, name
        assert _kept_out_of_the_browser_cache(response), (name, response["Cache-Control"])


# --- Marking paid --------------------------------------------------------------------------------------------


def test_finance_marks_an_invoice_paid(client_for, invoice, finance, en):
    client = client_for(finance)
    today = timezone.localdate()
    response = client.post(reverse("billing:invoice_mark_paid", args=[invoice.pk]),
                           {"paid_on": today.isoformat()}, follow=True)

    assert "is marked as paid" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.paid_on == today and invoice.paid_marked_by == finance
    assert AuditEvent.objects.filter(action="invoice.mark_paid", actor=finance).exists()


def test_a_payment_date_in_the_future_is_shown_next_to_the_field(client_for, invoice, finance, en):
    future = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = client_for(finance).post(reverse("billing:invoice_mark_paid", args=[invoice.pk]),
                                        {"paid_on": future.isoformat()})

    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.paid_on is None


@pytest.mark.parametrize("role", ["administrator", "site_contact", "other_principal"])
def test_only_finance_marks_paid(client, invoice, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("billing:invoice_mark_paid", args=[invoice.pk]), {"paid_on": "2011-03-30"})
    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.paid_on is None


def test_the_payment_form_is_shown_only_to_finance(client, invoice, finance, administrator):
    client.force_login(finance)
    assert 'name="paid_on"' in client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    client.force_login(administrator)
    assert 'name="paid_on"' not in client.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()


# --- Lists --------------------------------------------------------------------------------------------------


def _invoices(n, site, site_contact):
    for i in range(n):
        complete(make_booking(certification=site, day=date(2011, 3, 1 + i)), by=site_contact)


def test_finance_invoice_list_queries_do_not_grow(client_for, finance, site, site_contact, rule_2010,
                                                  django_assert_num_queries):
    client = client_for(finance)
    _invoices(2, site, site_contact)
    client.get(reverse("billing:invoices"))  # warm the session and the settings row
    # (finance is a central role: one of the queries is the two-factor device)
    with django_assert_num_queries(6):
        client.get(reverse("billing:invoices"))
    _invoices(8, site, site_contact)
    with django_assert_num_queries(6):
        response = client.get(reverse("billing:invoices"))
    assert response.context["page_obj"].paginator.count == 10


def test_invoice_list_filters_by_state(client_for, finance, site, site_contact, rule_2010):
    _invoices(3, site, site_contact)
    first = Invoice.objects.order_by("sequence").first()
    Invoice.objects.filter(pk=first.pk).update(sent_at=at(2011, 3, 5), paid_on=date(2011, 3, 20))
    client = client_for(finance)

    paid = client.get(reverse("billing:invoices") + "?state=paid").context["page_obj"]
    preparing = client.get(reverse("billing:invoices") + "?state=preparing").context["page_obj"]

    assert [i.pk for i in paid] == [first.pk]
    assert len(preparing) == 2


def test_the_invoice_list_has_an_empty_state(client_for, finance, en):
    assert "No invoices yet" in client_for(finance).get(reverse("billing:invoices")).content.decode()


@pytest.mark.parametrize("role", ["staff", "director", "principal"])
def test_the_finance_invoice_list_is_for_finance_and_administrators(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("billing:invoices")).status_code == 403


def test_school_invoices_page(client, site, site_contact, principal, staff, school, other_school, rule_2010):
    complete(make_booking(certification=site, school=other_school), by=site_contact)  # issued by school
    other_site = make_certification(school=other_school)
    complete(make_booking(certification=other_site, school=school, day=date(2011, 3, 15)), by=site_contact)
    url = reverse("billing:school_invoices", args=[school.pk])

    client.force_login(site_contact)
    shown = {i.issuer_id for i in client.get(url).context["page_obj"]}
    assert shown == {school.pk}  # a site contact handles what the school issues, not what it receives
    client.force_login(principal)
    assert len(client.get(url).context["page_obj"]) == 2  # the principal sees both
    client.force_login(staff)
    assert client.get(url).status_code == 403


def test_school_invoices_queries_do_not_grow(client_for, principal, site, site_contact, school, rule_2010,
                                             django_assert_num_queries):
    client = client_for(principal)
    url = reverse("billing:school_invoices", args=[school.pk])
    _invoices(1, site, site_contact)
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url)
    _invoices(6, site, site_contact)
    with django_assert_num_queries(6):
        client.get(url)


# --- The monthly run button ------------------------------------------------------------------------------------


def test_finance_runs_the_central_invoices_for_a_month(client_for, finance, site_contact, en):
    last_month = timezone.localdate().replace(day=1) - timezone.timedelta(days=1)
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=school_year_start(last_month)))
    site = make_certification(school=SchoolFactory(), starts_on=last_month - timezone.timedelta(days=60),
                              ends_on=last_month + timezone.timedelta(days=600))
    complete(make_booking(certification=site, day=last_month), by=site_contact, now=timezone.now())
    client = client_for(finance)
    month = f"{last_month.year}-{last_month.month:02d}"

    response = client.post(reverse("billing:central_run"), {"month": month}, follow=True)
    again = client.post(reverse("billing:central_run"), {"month": month}, follow=True)

    assert "1 invoice to the central administration was issued" in response.content.decode()
    assert "nothing new to invoice" in again.content.decode()
    assert Invoice.objects.filter(recipient_kind="central").count() == 1
    assert AuditEvent.objects.filter(action="invoice.central_run").count() == 2


def test_a_host_whose_lines_mix_vat_categories_stops_no_other_host(client_for, finance, site_contact, en):
    """A school year's lines that mix "not subject to VAT" with 25 % VAT once answered 500 for every host."""
    last_month = timezone.localdate().replace(day=1) - timezone.timedelta(days=1)
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=school_year_start(last_month)))
    period = {"starts_on": last_month - timezone.timedelta(days=60),
              "ends_on": last_month + timezone.timedelta(days=600)}
    mixed = SchoolFactory(name="Blandskolan")
    complete_under_vat_then_deregister(certification=make_certification(school=mixed, **period), by=site_contact,
                                       days=[last_month.replace(day=1), last_month.replace(day=2)], now=timezone.now())
    fine = SchoolFactory(name="Klarskolan")
    complete(make_booking(certification=make_certification(school=fine, **period), day=last_month),
             by=site_contact, now=timezone.now())

    response = client_for(finance).post(reverse("billing:central_run"), {"month": f"{last_month:%Y-%m}"}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 invoice to the central administration was issued" in page
    assert "Blandskolan" in page and "not registered for VAT" in page
    assert list(Invoice.objects.filter(recipient_kind="central").values_list("issuer__name", flat=True)) == [
        "Klarskolan"]


def test_the_current_month_cannot_be_chosen(client_for, finance):
    today = timezone.localdate()
    response = client_for(finance).post(reverse("billing:central_run"), {"month": f"{today.year}-{today.month:02d}"})
    assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.parametrize("role", ["administrator", "director", "principal"])
def test_only_finance_runs_the_central_invoices(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("billing:central_run")).status_code == 403


# --- Establishment support ------------------------------------------------------------------------------------


@pytest.fixture
def support(rule_2010):
    site = make_certification(school=SchoolFactory(name="Björkhagens skola"))
    return EstablishmentSupportPayment.objects.create(certification=site, school_year=rule_2010.school_year,
                                                      amount_ore=1_000_000, due_on=date(2010, 9, 1))


def test_finance_lists_and_marks_support_paid(client_for, finance, support, en):
    client = client_for(finance)
    page = client.get(reverse("billing:support_list")).content.decode()
    assert "Björkhagens skola" in page and "10\u00a0000\u00a0kr" in page

    response = client.post(reverse("billing:support_mark_paid", args=[support.pk]),
                           {f"support-{support.pk}-paid_on": "2010-09-01"}, follow=True)

    assert "is marked as paid" in response.content.decode()
    support.refresh_from_db()
    assert support.paid_on == date(2010, 9, 1) and support.paid_marked_by == finance
    assert AuditEvent.objects.filter(action="support.mark_paid", actor=finance).exists()
    due = client.get(reverse("billing:support_list") + "?state=due").context["page_obj"]
    assert len(due) == 0


def test_support_mark_paid_error_is_shown_at_the_field(client_for, finance, support, en):
    response = client_for(finance).post(reverse("billing:support_mark_paid", args=[support.pk]),
                                        {f"support-{support.pk}-paid_on": "not a date"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


def test_administrators_see_the_support_list_but_do_not_mark_it_paid(client_for, administrator, support):
    client = client_for(administrator)
    assert client.get(reverse("billing:support_list")).status_code == 200
    response = client.post(reverse("billing:support_mark_paid", args=[support.pk]),
                           {f"support-{support.pk}-paid_on": "2010-09-01"})
    assert response.status_code == 403


def test_support_list_queries_do_not_grow(client_for, finance, support, rule_2010, django_assert_num_queries):
    client = client_for(finance)
    client.get(reverse("billing:support_list"))
    # (finance is a central role: one of the queries is the two-factor device)
    with django_assert_num_queries(5):
        client.get(reverse("billing:support_list"))
    for i in range(5):
        EstablishmentSupportPayment.objects.create(certification=make_certification(school=SchoolFactory()),
                                                   school_year=rule_2010.school_year, amount_ore=1_000_000,
                                                   due_on=date(2010, 9, 2 + i))
    with django_assert_num_queries(5):
        client.get(reverse("billing:support_list"))


# --- The overview ------------------------------------------------------------------------------------------------


def test_overview_totals_and_commitment(client_for, director, site, site_contact, school, rule_2010, en):
    behind_site = make_certification(school=SchoolFactory(name="Hägerstens skola"))
    for i in range(5):
        complete(make_booking(certification=site, day=date(2011, 3, 1 + i)), by=site_contact)
    complete(make_booking(certification=behind_site, day=date(2011, 3, 10)), by=site_contact)
    make_booking(certification=behind_site, day=date(2011, 5, 10))  # booked, but the year is over

    response = client_for(director).get(reverse("billing:overview") + "?year=2010")

    data = response.context["data"]
    rows = {row.name: row for row in data.sites}
    assert rows[school.name].completed == 5 and not rows[school.name].behind
    assert rows[school.name].earned_ore == 1_000_000
    assert rows["Hägerstens skola"].completed == 1 and rows["Hägerstens skola"].behind
    assert data.central_ore == 600_000 and data.visiting_ore == 600_000 and data.total_ore == 1_200_000
    assert data.central_visits == 6 and data.visiting_visits == 6
    page = response.content.decode()
    assert "1 site is behind" in page
    # The chart is drawn on the server, with a title and a description, beside a table of the same numbers.
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert '<title id="sites-chart-title">Completed visits per inspiration site</title>' in page
    assert '<desc id="sites-chart-desc">' in page
    assert "<script>" not in page and 'style="' not in page


def test_overview_counts_visits_booked_ahead_against_the_commitment(client_for, finance, site, site_contact, db):
    today = timezone.localdate()
    year = school_year_start(today)
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=year))
    current = make_certification(school=SchoolFactory(), starts_on=date(year, 7, 1), ends_on=date(year + 2, 6, 30))
    for i in range(5):
        make_booking(certification=current, day=today + timezone.timedelta(days=1 + i))

    data = client_for(finance).get(reverse("billing:overview")).context["data"]

    row = next(r for r in data.sites if r.certification_id == current.pk)
    assert row.completed == 0 and row.booked == 5 and not row.behind


def test_overview_queries_do_not_grow(client_for, finance, site, site_contact, rule_2010, django_assert_num_queries,
                                      settings):
    settings.FINANCE_OVERVIEW_CACHE_SECONDS = 0  # the sums added up on every view, as after each change
    client = client_for(finance)
    url = reverse("billing:overview") + "?year=2010"
    complete(make_booking(certification=site, day=date(2011, 3, 1)), by=site_contact)
    client.get(url)
    # (finance is a central role: one of the queries is the two-factor device; the visiting schools are
    # read whole, one query, for the kept sums)
    with django_assert_num_queries(10):
        client.get(url)
    for i in range(4):
        other = make_certification(school=SchoolFactory())
        complete(make_booking(certification=other, day=date(2011, 3, 2 + i)), by=site_contact)
    with django_assert_num_queries(10):
        client.get(url)


def test_the_overview_keeps_its_sums_until_something_they_add_up_changes(
        client_for, finance, site, site_contact, rule_2010, django_assert_num_queries,
        django_capture_on_commit_callbacks):
    client = client_for(finance)
    url = reverse("billing:overview") + "?year=2010"
    with django_capture_on_commit_callbacks(execute=True):
        complete(make_booking(certification=site, day=date(2011, 3, 1)), by=site_contact)
    assert client.get(url).context["data"].completed == 1
    # Kept: the session, the person, the two-factor device and the school years, and no sums.
    with django_assert_num_queries(5):
        assert client.get(url).context["data"].completed == 1
    # A completed visit commits fee entries: the next view adds up afresh.
    with django_capture_on_commit_callbacks(execute=True):
        complete(make_booking(certification=site, day=date(2011, 3, 2)), by=site_contact)
    response = client.get(url)
    assert response.context["data"].completed == 2
    assert [row.completed for row in response.context["sites"]] == [2]
    assert response.context["page_obj"].paginator.count == 2  # the visiting schools


@pytest.mark.parametrize("role", ["staff", "principal"])
def test_the_overview_is_for_the_central_administration(client, role, request):
    client.force_login(request.getfixturevalue(role))
    for name in ("billing:overview", "billing:overview_csv", "billing:overview_xlsx"):
        assert client.get(reverse(name)).status_code == 403


def test_an_empty_school_year_has_empty_states(client_for, finance, en):
    page = client_for(finance).get(reverse("billing:overview") + "?year=2030").content.decode()
    assert page.count('class="empty-state"') == 2


# --- Settings --------------------------------------------------------------------------------------------------


def test_finance_keeps_the_billing_settings(client_for, finance, en):
    client = client_for(finance)
    assert "have not been checked yet" in client.get(reverse("billing:invoices")).content.decode()
    form = client.get(reverse("billing:settings")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(bankgiro="123-4567", central_invoice_reference="UTB-4711", issuers_vat_registered="on")

    response = client.post(reverse("billing:settings"), data, follow=True)

    assert "are saved" in response.content.decode()
    settings_row = BillingSettings.load()
    assert settings_row.bankgiro == "123-4567" and settings_row.central_invoice_reference == "UTB-4711"
    assert settings_row.updated_by == finance
    assert AuditEvent.objects.filter(action="billing_settings.update").exists()
    assert "have not been checked yet" not in client.get(reverse("billing:invoices")).content.decode()


def test_a_bad_bankgiro_number_is_refused(client_for, finance, en):
    client = client_for(finance)
    data = {name: value for name, value in client.get(reverse("billing:settings")).context["form"].initial.items()
            if value is not None}
    data["bankgiro"] = "12"
    response = client.post(reverse("billing:settings"), data)
    assert response.status_code == 200
    assert "Enter a bankgiro number" in response.content.decode()


def test_settings_changes_do_not_change_issued_invoices(client_for, finance, invoice):
    from inspira.billing import services

    services.billing_settings_update(actor=finance, bankgiro="123-4567")
    invoice.refresh_from_db()
    assert invoice.bankgiro == "5050-1055"


@pytest.mark.parametrize("role", ["director", "principal", "staff"])
def test_settings_are_for_finance_and_administrators(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("billing:settings")).status_code == 403


def test_anonymous_people_are_sent_to_log_in(client, invoice):
    for url in (reverse("billing:invoices"), reverse("billing:overview"),
                reverse("billing:invoice_detail", args=[invoice.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/" in response["Location"]


def test_the_dashboard_links_to_the_invoices(client, principal, staff, finance, director, school, en):
    def dashboard(user) -> str:
        client.force_login(user)
        return client.get(reverse("core:dashboard")).content.decode()

    school_invoices = reverse("billing:school_invoices", args=[school.pk])
    assert school_invoices in dashboard(principal)
    assert school_invoices not in dashboard(staff)
    page = dashboard(finance)
    assert reverse("billing:invoices") in page and reverse("billing:overview") in page
    page = dashboard(director)
    assert reverse("billing:overview") in page and reverse("billing:invoices") not in page
