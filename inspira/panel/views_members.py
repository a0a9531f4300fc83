"""The panel's own page and membership: joining with consent, settings, renewing, leaving; the consent
texts for coordinators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.panel import membership as services
from inspira.panel import permissions
from inspira.panel.forms_members import ConsentTextForm, JoinForm, LeaveForm, RenewForm, SettingsForm
from inspira.panel.models import ConsentText, Member


@require_GET
def index(request):
    """The panel's public page: what it is, and for each visitor what they may do."""
    user = request.user
    return render(request, "panel/members/index.html", {
        "member": permissions.current_member(user), "may_join": permissions.may_join(user),
        "is_teacher": permissions.is_teacher(user), "may_coordinate": permissions.may_coordinate(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    require(permissions.may_join(request.user))
    text = services.latest_consent_text()
    if text is None:
        raise PermissionDenied
    form = JoinForm(request.POST or None, initial={"consent_text": text.pk, "focus_groups": False,
                                                   "frequency_days": Member.Frequency.MONTH})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.member_join(user=request.user, school_form=data["school_form"], district=data["district"],
                             subjects=data["subjects"], frequency_days=data["frequency_days"],
                             focus_groups=data["focus_groups"], consent_text=data["consent_text"],
                             now=timezone.now())
        messages.success(request, _("Welcome to the teacher panel."))
        return redirect("panel:membership")
    return render(request, "panel/members/join.html", {"form": form, "text": text})


@login_required
@require_http_methods(["GET", "POST"])
def membership(request):
    member = permissions.current_member(request.user)
    require(member is not None)
    initial = {"school_form": member.school_form_id, "district": member.district_id,
               "subjects": list(member.subjects.values_list("pk", flat=True)),
               "frequency_days": member.frequency_days, "focus_groups": member.focus_groups}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.member_update(member=member, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("panel:membership")
    latest = services.latest_consent_text()
    return render(request, "panel/members/membership.html", {
        "form": form, "member": member, "newer_text": latest is not None and latest.pk != member.consent_text_id,
    })


@login_required
@require_http_methods(["GET", "POST"])
def renew(request):
    member = permissions.current_member(request.user)
    require(member is not None)
    text = services.latest_consent_text()
    form = RenewForm(request.POST or None, initial={"consent_text": text.pk})
    if request.method == "POST" and form.is_valid():
        member = services.member_renew(member=member, consent_text=form.cleaned_data["consent_text"])
        messages.success(request, _("Your consent is renewed until %(date)s.")
                         % {"date": timezone.localtime(member.consent_until).date()})
        return redirect("panel:membership")
    return render(request, "panel/members/renew.html", {"form": form, "text": text, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def leave(request):
    member = permissions.current_member(request.user)
    require(member is not None)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.member_leave(member=member)
        messages.success(request, _("You have left the teacher panel. You will not be asked again."))
        return redirect("panel:index")
    return render(request, "panel/members/leave.html", {"form": form})


@login_required
@require_GET
def consent_texts(request):
    """The versions, newest first, and how many agreed to each: counts only, never names."""
    require(permissions.may_coordinate(request.user))
    now = timezone.now()
    texts = ConsentText.objects.select_related("published_by").annotate(
        agreed=Count("members"),
        active=Count("members", filter=Q(members__ended_at__isnull=True, members__consent_until__gt=now)),
    ).order_by("-version")
    paginated = paginate(request, texts)
    return render(request, "panel/members/consent_texts.html", {"page": paginated.page, "query": paginated.query})


@login_required
@require_http_methods(["GET", "POST"])
def consent_text_new(request):
    require(permissions.may_coordinate(request.user))
    latest = services.latest_consent_text()
    form = ConsentTextForm(request.POST or None, initial={"body": latest.body if latest else ""})
    if request.method == "POST" and form.is_valid():
        text = services.consent_text_publish(actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Version %(version)s of the consent text is published.")
                         % {"version": text.version})
        return redirect("panel:consent_texts")
    return render(request, "panel/members/consent_text_form.html", {"form": form})
