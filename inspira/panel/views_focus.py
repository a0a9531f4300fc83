"""The focus groups' pages: the coordinators' list, the draw form, a focus group's page, and the member's
answer to an invitation. The rules are in ``focus``; these views check access and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.events.registrations import RegistrationError
from inspira.panel import focus
from inspira.panel.forms_focus import FocusDrawForm
from inspira.panel.models import Draw, FocusInvite
from inspira.panel.permissions import may_coordinate
from inspira.panel.sampling import DrawError, strata_counts


@login_required
@require_GET
def focus_groups(request):
    require(may_coordinate(request.user))
    paginated = paginate(request, focus.focus_draws())
    return render(request, "panel/focus/list.html", {"page_obj": paginated.page})


@login_required
@require_http_methods(["GET", "POST"])
def focus_new(request):
    require(may_coordinate(request.user))
    counts = strata_counts(focus.volunteers())
    labels = focus.stratum_labels(list(counts))
    strata = sorted(((key, labels[key], count) for key, count in counts.items()), key=lambda s: s[1])
    form = FocusDrawForm(request.POST or None, events=focus.focus_events(), strata=strata,
                         action=reverse("panel:focus_new"))
    if request.method == "POST" and form.is_valid():
        try:
            draw = focus.focus_draw(event=form.cleaned_data["event"], sizes=form.cleaned_data["sizes"],
                                    actor=request.user)
        except DrawError as e:
            form.add_error("event" if e.field == "event" else None, str(e))
        else:
            messages.success(request, _("The focus group is drawn: %(count)s members. Check the draw and send "
                                        "the invitations.") % {"count": draw.picks.count()})
            return redirect("panel:focus_group", draw.pk)
    return render(request, "panel/focus/new.html", {"form": form, "strata": strata,
                                                    "total": sum(counts.values())})


def _draw(pk: int) -> Draw:
    return get_object_or_404(Draw.objects.select_related("event", "made_by"), pk=pk,
                             purpose=Draw.Purpose.FOCUS_GROUP)


@login_required
@require_GET
def focus_group(request, pk: int):
    require(may_coordinate(request.user))
    draw = _draw(pk)
    strata = focus.draw_strata(draw)
    return render(request, "panel/focus/group.html", {
        "draw": draw, "strata": strata, "short_total": sum(row["short"] for row in strata),
        "uninvited": draw.picks.exclude(member__focus_invites__draw=draw).exists(),
    })


@login_required
@require_POST
def focus_group_invite(request, pk: int):
    require(may_coordinate(request.user))
    draw = _draw(pk)
    count = focus.focus_invite(draw=draw, actor=request.user)
    messages.success(request, _("%(count)s invitations were sent.") % {"count": count})
    return redirect("panel:focus_group", draw.pk)


@login_required
@require_http_methods(["GET", "POST"])
def focus_answer(request, pk: int):
    invite = get_object_or_404(FocusInvite.objects.select_related("draw__event", "member"), pk=pk)
    require(focus.may_answer(invite=invite, user=request.user))
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                focus.focus_accept(invite=invite, actor=request.user)
                messages.success(request, _("Thank you! You are registered for the focus group."))
            elif answer == "decline":
                focus.focus_decline(invite=invite, actor=request.user)
                messages.success(request, _("You declined the invitation. Thank you for letting us know."))
            else:
                messages.error(request, _("Choose to accept or decline."))
        except (focus.FocusError, RegistrationError) as e:
            messages.error(request, str(e))
        return redirect("panel:focus_answer", invite.pk)
    return render(request, "panel/focus/answer.html", {"invite": invite, "event": invite.draw.event})
