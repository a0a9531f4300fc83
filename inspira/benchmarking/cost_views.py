"""Pages of the substitute costs: the host confirms a visit took place, the principal claims the
school's days away, finance approves and exports the claims. The rules live in ``costs``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.benchmarking import costs, permissions
from inspira.benchmarking.forms_costs import ClaimFilterForm
from inspira.benchmarking.models import Claim, Interest, Round, Visit
from inspira.core import spreadsheets
from inspira.core.money import format_sek
from inspira.core.pagination import paginate
from inspira.schools.models import School

# --- The host: a visit took place -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_held(request, visit_id):
    visit = get_object_or_404(Visit.objects.select_related("group__round", "host__user", "host__school"), pk=visit_id)
    require(permissions.may_confirm_visit_held(request.user, visit))
    if request.method == "POST":
        try:
            costs.visit_confirm_held(visit=visit, actor=request.user)
        except costs.CostError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Thank you. The visit is confirmed as held, and the group's days away "
                                        "are recorded."))
        return redirect("benchmarking:visit_held", visit_id=visit.pk)
    members = (Interest.objects.filter(group_id=visit.group_id, withdrawn_at__isnull=True)
               .select_related("user", "school").order_by("school__name", "pk"))
    return render(request, "benchmarking/visit_held.html", {
        "visit": visit, "round": visit.group.round, "members": members,
        "is_held": costs.visit_is_held(visit),
        "may_confirm": not costs.visit_is_held(visit) and costs.visit_may_confirm_held(visit=visit),
        "is_cancelled": visit.status == Visit.Status.CANCELLED,
        # The host goes back to "My benchmarking"; a coordinator to the round's dates.
        "is_host": visit.host.user_id == request.user.pk,
    })


# --- The principal: the school's claims -------------------------------------------------------------------


@login_required
@require_GET
def claims_school(request, school_id):
    school = get_object_or_404(School, pk=school_id)
    require(permissions.may_claim_for_school(request.user, school))
    paginated = paginate(request, costs.rounds_to_claim(school=school), per_page=10)
    return render(request, "benchmarking/claims_school.html", {
        "school": school, "page_obj": paginated.page,
    })


@login_required
@require_POST
def claim_create(request, round_id, school_id):
    round_ = get_object_or_404(Round, pk=round_id)
    school = get_object_or_404(School, pk=school_id)
    require(permissions.may_claim_for_school(request.user, school))
    try:
        claim = costs.claim_create(round=round_, school=school, actor=request.user)
    except costs.CostError as e:
        messages.error(request, str(e))
        return redirect("benchmarking:claims_school", school_id=school.pk)
    messages.success(request, _("The claim is sent to finance. You will get an email when it is approved."))
    return redirect("benchmarking:claim_detail", claim_id=claim.pk)


def _may_see_claim(user, claim) -> bool:
    return permissions.may_approve_claims(user) or permissions.may_claim_for_school(user, claim.school)


@login_required
@require_GET
def claim_detail(request, claim_id):
    claim = get_object_or_404(costs.claims_with_totals(), pk=claim_id)
    require(_may_see_claim(request.user, claim))
    lines = claim.lines.select_related("day_away__participant__user")
    paginated = paginate(request, lines, per_page=50)
    is_finance = permissions.may_approve_claims(request.user)
    return render(request, "benchmarking/claims_detail.html", {
        "claim": claim, "page_obj": paginated.page, "total_text": format_sek(claim.total or 0),
        "is_approved": claim.status == Claim.Status.APPROVED,
        "may_approve": is_finance and costs.claim_may_approve(claim=claim), "is_finance": is_finance,
        "is_principal": permissions.may_claim_for_school(request.user, claim.school),
    })


# --- Finance: all claims ------------------------------------------------------------------------------------


def _filtered(request):
    form = ClaimFilterForm(request.GET or None)
    filters = form.filters()
    return form, filters, costs.claims_for_finance(**filters)


@login_required
@require_GET
def finance_claims(request):
    require(permissions.may_approve_claims(request.user))
    form, filters, claims = _filtered(request)
    paginated = paginate(request, claims)
    rows = [{"claim": c, "total_text": format_sek(c.total or 0), "may_approve": costs.claim_may_approve(claim=c),
             "is_approved": c.status == Claim.Status.APPROVED} for c in paginated.page]
    totals = costs.claims_total(claims)
    return render(request, "benchmarking/finance_claims.html", {
        "filter_form": form, "page_obj": paginated.page, "rows": rows, "query": paginated.query,
        "filtered": any(filters.values()), "total_text": format_sek(totals["total"]), "total_days": totals["days"],
    })


def _export_rows(claims):
    for line in costs.claim_lines_for_export(claims).iterator(chunk_size=500):
        claim, day = line.claim, line.day_away
        yield (claim.round.title, claim.school.name, claim.school.organisation_number or "",
               costs.teacher_name(day.participant), day.date, day.get_kind_display(),
               spreadsheets.Kronor(line.amount), claim.get_status_display())


def _export_header():
    return [_("Round"), _("School"), _("Organisation number"), _("Teacher"), _("Date"), _("Kind"),
            _("Amount (kr)"), _("Status")]


@login_required
@require_GET
def finance_claims_csv(request):
    require(permissions.may_approve_claims(request.user))
    _form, _filters, claims = _filtered(request)
    return spreadsheets.csv_response("vikariekostnader.csv", _export_header(), _export_rows(claims))


@login_required
@require_GET
def finance_claims_xlsx(request):
    require(permissions.may_approve_claims(request.user))
    _form, _filters, claims = _filtered(request)
    return spreadsheets.xlsx_response("vikariekostnader.xlsx", [
        spreadsheets.Sheet(_("Substitute costs"), _export_header(), list(_export_rows(claims)))])


@login_required
@require_POST
def claim_approve(request, claim_id):
    claim = get_object_or_404(Claim.objects.select_related("school", "round"), pk=claim_id)
    require(permissions.may_approve_claims(request.user))
    try:
        costs.claim_approve(claim=claim, actor=request.user)
    except costs.CostError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The claim of %(school)s is approved; the principal is told by email.") % {
            "school": claim.school.name})
    return redirect("benchmarking:claim_detail", claim_id=claim.pk)
