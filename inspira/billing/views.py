from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.billing import charts, selectors, services
from inspira.billing import permissions as perms
from inspira.billing.documents import invoice_xml
from inspira.billing.forms import (
    BillingSettingsForm,
    CentralRunForm,
    InvoiceFilterForm,
    PaidForm,
    SchoolYearForm,
    SupportFilterForm,
)
from inspira.billing.models import BillingSettings, Invoice
from inspira.certification.models import EstablishmentSupportPayment
from inspira.core import spreadsheets
from inspira.core.pagination import paginate
from inspira.schools.models import School
from inspira.schoolyears.models import SchoolYear


def _settings_warning(request) -> bool:
    return not BillingSettings.load().is_checked


# --- Invoices ----------------------------------------------------------------------------------------


@login_required
@require_GET
def invoice_list(request):
    """Finance's list of every invoice and credit note, by state."""
    require(perms.can_view_finance_lists(request.user))
    form = InvoiceFilterForm(request.GET or None)
    state = kind = ""
    if form.is_valid():
        state, kind = form.cleaned_data["state"], form.cleaned_data["kind"]
    today = timezone.localdate()
    page = paginate(request, selectors.invoices(state=state, kind=kind, today=today)).page
    return render(request, "billing/invoice_list.html", {
        "form": form, "page_obj": page, "today": today, "filtered": bool(state or kind),
        "can_run": perms.can_run_central_invoices(request.user),
        "settings_unchecked": _settings_warning(request),
    })


@login_required
@require_GET
def school_invoices(request, school_id):
    """One school's invoices: those it issued as a host (site contacts, principal) and, for the
    principal, those it received as a visiting school."""
    school = get_object_or_404(School, pk=school_id)
    require(perms.can_view_school_invoices(request.user, school))
    received = perms.can_see_received_invoices(request.user, school)
    page = paginate(request, selectors.school_invoices(school, issued=True, received=received)).page
    return render(request, "billing/school_invoices.html", {
        "school": school, "page_obj": page, "shows_received": received, "today": timezone.localdate(),
    })


def _invoice_page(request, invoice: Invoice, *, paid_form=None, status=200):
    can_mark = (perms.can_mark_paid(request.user) and invoice.kind == Invoice.Kind.INVOICE
                and invoice.paid_on is None)
    back_school = None
    if not perms.can_view_finance_lists(request.user):
        back_school = invoice.issuer if perms.handles_billing_of(request.user, invoice.issuer_id) \
            else invoice.recipient_school
    return render(request, "billing/invoice_detail.html", {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "credit_notes": list(invoice.credit_notes.all()),
        "paid_form": (paid_form or PaidForm(action=reverse("billing:invoice_mark_paid", args=[invoice.pk])))
        if can_mark else None,
        "back_school": back_school,
        "today": timezone.localdate(),
    }, status=status)


@login_required
@require_GET
def invoice_detail(request, invoice_id):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    require(perms.can_view_invoice(request.user, invoice))
    return _invoice_page(request, selectors.invoice_detail(invoice.pk))


@login_required
@require_GET
def invoice_pdf(request, invoice_id):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    require(perms.can_view_invoice(request.user, invoice))
    if not invoice.pdf:
        messages.info(request, _("The PDF is being prepared. Try again in a minute."))
        return redirect("billing:invoice_detail", invoice.pk)
    return FileResponse(invoice.pdf.open("rb"), as_attachment=True, filename=f"{invoice.filename_stem}.pdf",
                        content_type="application/pdf")


@login_required
@require_GET
def invoice_xml_download(request, invoice_id):
    """The e-invoice (Peppol BIS Billing 3.0 UBL), built from the issued invoice."""
    invoice = get_object_or_404(Invoice.objects.select_related("credits").prefetch_related("lines"), pk=invoice_id)
    require(perms.can_view_invoice(request.user, invoice))
    response = HttpResponse(invoice_xml(invoice), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invoice.filename_stem}.xml"'
    return response


@login_required
@require_POST
def invoice_mark_paid(request, invoice_id):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    require(perms.can_view_invoice(request.user, invoice) and perms.can_mark_paid(request.user))
    form = PaidForm(request.POST, action=reverse("billing:invoice_mark_paid", args=[invoice.pk]))
    if form.is_valid():
        try:
            services.invoice_mark_paid(invoice=invoice, actor=request.user, paid_on=form.cleaned_data["paid_on"])
        except services.BillingActionError as exc:
            form.add_error("paid_on", str(exc))
        else:
            messages.success(request, _("Invoice %(number)s is marked as paid.") % {"number": invoice.number})
            return redirect("billing:invoice_detail", invoice.pk)
    return _invoice_page(request, selectors.invoice_detail(invoice.pk), paid_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def central_run(request):
    """Finance issues the central administration's invoices for an ended month (also a monthly job)."""
    require(perms.can_run_central_invoices(request.user))
    form = CentralRunForm(request.POST or None)
    if form.is_valid():
        year, month = form.year_month()
        try:
            run = services.central_invoices_issue(year=year, month=month, actor=request.user)
        except services.BillingActionError as exc:
            form.add_error("month", str(exc))
        else:
            issued = run.issued
            if issued:
                messages.success(request, ngettext(
                    "%(count)s invoice to the central administration was issued.",
                    "%(count)s invoices to the central administration were issued.", len(issued),
                ) % {"count": len(issued)})
            elif not run.refused:
                messages.success(request, _("There was nothing new to invoice for that month: every completed visit "
                                            "up to its end is already invoiced."))
            # A host whose invoice cannot be made stops no other; finance is told what to correct.
            for refusal in run.refused:
                messages.error(request, refusal.reason)
            return redirect("billing:invoices")
    recent = (Invoice.objects.filter(kind=Invoice.Kind.INVOICE, recipient_kind=Invoice.Recipient.CENTRAL)
              .select_related("issuer").order_by("-period_start", "issuer__name")[:10])
    return render(request, "billing/central_run.html", {"form": form, "recent": recent})


# --- Establishment support -----------------------------------------------------------------------------


def _support_form(payment, data=None) -> PaidForm:
    return PaidForm(data, prefix=f"support-{payment.pk}",
                    action=reverse("billing:support_mark_paid", args=[payment.pk]))


def _support_page(request, *, bound: tuple[int, PaidForm] | None = None, status=200):
    filter_form = SupportFilterForm(request.GET or None)
    state = filter_form.cleaned_data["state"] if filter_form.is_valid() else ""
    page = paginate(request, selectors.support_payments(state=state)).page
    can_mark = perms.can_mark_paid(request.user)
    rows = []
    for payment in page:
        form = None
        if can_mark and payment.paid_on is None:
            form = bound[1] if bound and bound[0] == payment.pk else _support_form(payment)
            form.fields["paid_on"].help_text = ""
        rows.append((payment, form))
    return render(request, "billing/support_list.html", {
        "filter_form": filter_form, "page_obj": page, "rows": rows, "state": state, "today": timezone.localdate(),
    }, status=status)


@login_required
@require_GET
def support_list(request):
    require(perms.can_view_finance_lists(request.user))
    return _support_page(request)


@login_required
@require_POST
def support_mark_paid(request, payment_id):
    payment = get_object_or_404(EstablishmentSupportPayment.objects.select_related("certification__school"),
                                pk=payment_id)
    require(perms.can_mark_paid(request.user))
    form = _support_form(payment, data=request.POST)
    if form.is_valid():
        try:
            services.support_payment_mark_paid(payment=payment, actor=request.user,
                                               paid_on=form.cleaned_data["paid_on"])
        except services.BillingActionError as exc:
            form.add_error("paid_on", str(exc))
        else:
            messages.success(request, _("The establishment support of %(site)s is marked as paid.") % {
                "site": payment.certification.display_name})
            return redirect("billing:support_list")
    return _support_page(request, bound=(payment.pk, form), status=400)


@login_required
@require_GET
def support_export(request):
    require(perms.can_view_finance_lists(request.user))
    rows = (
        (p.certification.display_name, p.certification.school.unit_code, p.certification.school.organisation_number,
         p.school_year.label, spreadsheets.Kronor(p.amount_ore), p.due_on, p.paid_on,
         p.paid_marked_by.name if p.paid_marked_by else "")
        for p in selectors.support_payments().iterator(chunk_size=500)
    )
    header = [_("Inspiration site"), _("School unit code"), _("Organisation number"), _("School year"),
              _("Amount (kr)"), _("Due"), _("Paid"), _("Marked as paid by")]
    return spreadsheets.csv_response("etableringsstod.csv", header, rows)


# --- Finance overview ----------------------------------------------------------------------------------


def _school_year(request) -> tuple[SchoolYearForm, SchoolYear]:
    form = SchoolYearForm(request.GET or None)
    start_year = form.start_year()
    school_year = SchoolYear.objects.filter(start_year=start_year).first() or SchoolYear(start_year=start_year)
    return form, school_year


# The sites of the overview are paged apart from the visiting schools (``page``).
SITES_PAGE = "sites_page"


@login_required
@require_GET
def overview(request):
    require(perms.can_view_overview(request.user))
    form, school_year = _school_year(request)
    data, visiting_schools = selectors.overview_for_page(school_year)
    # A page of sites at a time, chart and table alike: with hundreds of sites, one table and a chart of
    # hundreds of bars took longer to draw than all the rest of the page (bench/RESULTS.md). The totals
    # and the number of sites behind are still over every site; the exports have every row.
    sites = paginate(request, data.sites, param=SITES_PAGE).page
    chart = charts.bar_chart([(row.name, row.completed, row.behind) for row in sites],
                             target=selectors.VISIT_COMMITMENT)
    visiting = paginate(request, visiting_schools).page
    return render(request, "billing/overview.html", {
        "form": form, "school_year": school_year, "data": data, "chart": chart, "page_obj": visiting,
        "sites": sites, "sites_page": SITES_PAGE,
        "commitment": selectors.VISIT_COMMITMENT, "is_finance": perms.can_view_finance_lists(request.user),
    })


def _overview_rows(school_year):
    data = selectors.overview(school_year)
    return data, selectors.visiting_schools(school_year)


@login_required
@require_GET
def overview_csv(request):
    require(perms.can_view_overview(request.user))
    _form, school_year = _school_year(request)
    data, visiting = _overview_rows(school_year)
    header = [_("Part"), _("Name"), _("School unit code"), _("Visits completed"), _("Visits booked"),
              _("Amount (kr)"), _("Of which visiting schools' shares (kr)"),
              _("Of which the central administration's shares (kr)"), _("Behind the commitment")]
    site, visitor, central = _("Inspiration site"), _("Visiting school"), _("Central administration")

    def rows():
        for row in data.sites:
            yield (site, row.name, row.unit_code, row.completed, row.booked, spreadsheets.Kronor(row.earned_ore),
                   spreadsheets.Kronor(row.visiting_ore), spreadsheets.Kronor(row.central_ore), row.behind)
        for item in visiting:
            yield (visitor, item["payer_school__name"], item["payer_school__unit_code"], item["visits"], "",
                   spreadsheets.Kronor(item["total"]), "", "", "")
        yield (central, "", "", data.central_visits, "", spreadsheets.Kronor(data.central_ore), "", "", "")

    return spreadsheets.csv_response(f"ekonomi-{school_year.start_year}-{(school_year.start_year + 1) % 100:02d}.csv",
                                header, rows())


@login_required
@require_GET
def overview_xlsx(request):
    require(perms.can_view_overview(request.user))
    _form, school_year = _school_year(request)
    data, visiting = _overview_rows(school_year)
    sheets = [
        spreadsheets.Sheet(
            _("Inspiration sites"),
            [_("Inspiration site"), _("School unit code"), _("Visits completed"), _("Visits booked"),
             _("Earned (kr)"), _("Visiting schools' shares (kr)"), _("Central administration's shares (kr)"),
             _("Behind the commitment")],
            [(row.name, row.unit_code, row.completed, row.booked, spreadsheets.Kronor(row.earned_ore),
              spreadsheets.Kronor(row.visiting_ore), spreadsheets.Kronor(row.central_ore), row.behind)
             for row in data.sites],
        ),
        spreadsheets.Sheet(
            _("Visiting schools"),
            [_("Visiting school"), _("School unit code"), _("Visits completed"), _("Share of the fees (kr)")],
            [(item["payer_school__name"], item["payer_school__unit_code"], item["visits"],
              spreadsheets.Kronor(item["total"])) for item in visiting],
        ),
        spreadsheets.Sheet(
            _("Central administration"),
            [_("School year"), _("Visits completed"), _("Share of the fees (kr)")],
            [(school_year.label, data.central_visits, spreadsheets.Kronor(data.central_ore))],
        ),
    ]
    return spreadsheets.xlsx_response(
        f"ekonomi-{school_year.start_year}-{(school_year.start_year + 1) % 100:02d}.xlsx", sheets)


# --- Settings ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def billing_settings(request):
    require(perms.can_edit_billing_settings(request.user))
    form = BillingSettingsForm(request.POST or None, instance=BillingSettings.load())
    if form.is_valid():
        services.billing_settings_update(actor=request.user, **form.service_kwargs())
        messages.success(request, _("The billing settings are saved. Invoices issued from now on use them."))
        return redirect("billing:settings")
    return render(request, "billing/settings_form.html", {"form": form})
