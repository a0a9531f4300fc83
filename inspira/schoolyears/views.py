from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.models import User
from inspira.accounts.permissions import central_required, role_required
from inspira.core.pagination import paginate
from inspira.schoolyears import services
from inspira.schoolyears.forms import FeeRuleForm
from inspira.schoolyears.models import FeeRule, SchoolYear, school_year_start

# Fee rules decide money: the administrators who run the programme and finance set them.
FEE_RULE_ROLES = (User.Role.ADMINISTRATOR, User.Role.FINANCE)
fee_rule_editor_required = role_required(*FEE_RULE_ROLES)


def can_edit_fee_rules(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in FEE_RULE_ROLES


@central_required
@require_GET
def school_year_list(request):
    current_start = school_year_start(timezone.localdate())
    years = SchoolYear.objects.select_related("fee_rule").order_by("-start_year")
    page = paginate(request, years).page
    current_rule = FeeRule.objects.filter(school_year__start_year=current_start).first()
    return render(request, "schoolyears/school_year_list.html", {
        "page_obj": page,
        "current_start": current_start,
        "current_label": SchoolYear(start_year=current_start).label,
        "current_rule_missing": current_rule is None,
        "can_edit": can_edit_fee_rules(request.user),
    })


def _initial_for_new_rule(asked_for: str | None) -> dict:
    """Suggest the year asked for (a link from the list), else the first school year from today
    without a rule; and the latest rule's amounts, which rarely change from year to year."""
    if asked_for and asked_for.isdigit():
        start = int(asked_for)
    else:
        start = school_year_start(timezone.localdate())
        taken = set(FeeRule.objects.filter(school_year__start_year__gte=start)
                    .values_list("school_year__start_year", flat=True))
        while start in taken:
            start += 1
    initial = {"start_year": start}
    latest = FeeRule.objects.order_by("-school_year__start_year").first()
    if latest is not None:
        initial.update({name: getattr(latest, name) for name in services.FEE_RULE_FIELDS})
    return initial


@fee_rule_editor_required
@require_http_methods(["GET", "POST"])
def fee_rule_create(request):
    if request.method == "POST":
        form = FeeRuleForm(request.POST)
    else:
        form = FeeRuleForm(initial=_initial_for_new_rule(request.GET.get("start_year")))
    if form.is_valid():
        try:
            rule = services.fee_rule_create(
                actor=request.user, start_year=form.cleaned_data["start_year"], **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The fee rule for %(year)s is saved.") % {"year": rule.school_year.label}
            )
            return redirect("schoolyears:list")
    return render(request, "schoolyears/fee_rule_form.html", {"form": form, "rule": None})


@fee_rule_editor_required
@require_http_methods(["GET", "POST"])
def fee_rule_edit(request, rule_id):
    rule = get_object_or_404(FeeRule.objects.select_related("school_year"), pk=rule_id)
    form = FeeRuleForm(request.POST if request.method == "POST" else None, instance=rule)
    if form.is_valid():
        if not form.has_changed():
            messages.info(request, _("Nothing was changed."))
            return redirect("schoolyears:list")
        try:
            rule = services.fee_rule_update(rule=rule, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The fee rule for %(year)s is saved.") % {"year": rule.school_year.label}
            )
            return redirect("schoolyears:list")
    return render(request, "schoolyears/fee_rule_form.html", {"form": form, "rule": rule})
