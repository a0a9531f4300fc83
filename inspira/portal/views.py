"""Pages that bring the apps together: the home page, each person's dashboard and the
administrators' outbox. Served under the ``core`` URL namespace, which these pages had before they
moved here, so links and bookmarks keep working."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inspira.accounts.models import Membership
from inspira.accounts.permissions import administrator_required
from inspira.benchmarking.permissions import may_claim_for_school
from inspira.core import outbox
from inspira.core.models import OutboxItem
from inspira.core.pagination import paginate
from inspira.portal import selectors
from inspira.programmes.catalog import PROGRAMMES, Key
from inspira.programmes.permissions import programme_is_active

# The page each programme presents itself on (the inspiration sites' links are on the home page itself).
PROGRAMME_PAGES = {Key.BENCHMARKING: "benchmarking:index", Key.TAILOR_MADE: "efforts:index",
                   Key.COOPERATION: "cooperation:index",
                   Key.TEACHER_PANEL: "panel:index"}


@require_GET
def home(request):
    # Only the programmes that are on; each says in its own words what it is. The inspiration sites'
    # section of the template has its links; the others link to their own page where they have one.
    programmes = [{"info": info, "has_links": info.key == Key.INSPIRATION_SITES, "page": PROGRAMME_PAGES.get(info.key)}
                  for info in PROGRAMMES if programme_is_active(info.key, request)]
    return render(request, "core/home.html", {"programmes": programmes})


@login_required
@require_GET
def dashboard(request):
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("school").order_by("school__name")
    )
    principal_school_ids = [
        m.school_id for m in memberships if m.is_confirmed and m.role == Membership.Role.PRINCIPAL
    ]
    waiting = Membership.objects.none()
    if request.user.is_administrator:
        waiting = Membership.objects.filter(confirmed_at__isnull=True, user__is_active=True)
    elif principal_school_ids:
        waiting = Membership.objects.filter(
            confirmed_at__isnull=True, user__is_active=True, school_id__in=principal_school_ids
        )
    waiting = waiting.select_related("user", "school").order_by("requested_at")[:20]
    inspiration_sites = programme_is_active(Key.INSPIRATION_SITES, request)
    return render(request, "core/dashboard.html", {
        "memberships": memberships, "waiting_memberships": waiting,
        "inspiration_sites": inspiration_sites,
        "sites": selectors.site_notices(memberships) if inspiration_sites else [],
        "work_waiting": selectors.work_waiting(request.user, inspiration_sites=inspiration_sites),
        # Invoices are bookkeeping: they stay whether or not the programme that earned them is on.
        "invoice_schools": [m.school for m in memberships
                            if m.is_confirmed and m.role != Membership.Role.STAFF],
        # A principal claims the school's substitute costs for benchmarking, only while the programme is on.
        "benchmarking_claim_schools": [m.school for m in memberships
                                       if m.is_confirmed and may_claim_for_school(request.user, m.school)]
        if programme_is_active(Key.BENCHMARKING, request) else [],
    })


@administrator_required
@require_GET
def outbox_list(request):
    items = OutboxItem.objects.all()
    state = request.GET.get("state", "")
    if state in OutboxItem.State.values:
        items = items.filter(state=state)
    page = paginate(request, items.only("pk", "kind", "key", "state", "attempts", "created_at", "done_at",
                                        "last_error", "payload")).page
    return render(
        request,
        "core/outbox_list.html",
        {"page_obj": page, "state": state, "states": OutboxItem.State.choices},
    )


@administrator_required
@require_GET
def outbox_detail(request, item_id):
    item = get_object_or_404(OutboxItem, pk=item_id)
    return render(request, "core/outbox_detail.html", {"item": item})


@administrator_required
@require_POST
def outbox_retry(request, item_id):
    item = get_object_or_404(OutboxItem, pk=item_id)
    if item.state != OutboxItem.State.FAILED:
        messages.info(request, _("Only failed items can be retried."))
    else:
        outbox.outbox_retry(item=item, actor=request.user)
        messages.success(request, _("The item will be tried again shortly."))
    return redirect("core:outbox_detail", item_id=item.pk)

