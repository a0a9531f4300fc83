"""The panel's raised questions and good examples: members raise and support them, coordinators handle
and publish them, and the published good examples have a public page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts.permissions import require
from inspira.core.pagination import paginate
from inspira.core.spreadsheets import Sheet, xlsx_response
from inspira.panel import submissions as services
from inspira.panel.forms_submissions import HandleForm, QueueFilterForm, SubmissionForm
from inspira.panel.models import Submission, SubmissionSupport
from inspira.panel.permissions import may_coordinate, may_raise, may_view_submission

State = Submission.State


def _with_my_support(queryset, user):
    return queryset.annotate(supported=Exists(SubmissionSupport.objects.filter(submission=OuterRef("pk"),
                                                                              user=user)))


@login_required
@require_GET
def submission_list(request):
    """Published questions and examples with their support, and the member's own with state and deadline."""
    require(may_raise(request.user))
    published = _with_my_support(services.with_support_counts(
        Submission.objects.filter(published_at__isnull=False).select_related("author")
        .order_by("-published_at", "-pk")), request.user)
    mine = Submission.objects.filter(author=request.user).order_by("-created_at", "-pk")
    return render(request, "panel/submissions/list.html", {
        "published": paginate(request, published), "mine": paginate(request, mine, param="mine"),
        "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request):
    require(may_raise(request.user))
    form = SubmissionForm(request.POST or None, action=reverse("panel:submission_new"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submission = services.submission_create(
            actor=request.user, kind=data["kind"], title=data["title"], body=data["body"],
            channels_consent=data["channels_consent"], show_name=data["show_name"])
        messages.success(request, _("Thank you! We have received it and answer by %(date)s.") % {
            "date": submission.due_on.isoformat()})
        return redirect("panel:submission", pk=submission.pk)
    return render(request, "panel/submissions/new.html", {
        "form": form, "days": settings.INSPIRA_PANEL_ANSWER_WORKING_DAYS})


@login_required
@require_GET
def submission_detail(request, pk: int):
    submission = get_object_or_404(Submission.objects.select_related("author"), pk=pk)
    require(may_view_submission(request.user, submission))
    return render(request, "panel/submissions/detail.html", {
        "submission": submission, "support_count": services.support_count(submission),
        "supported": SubmissionSupport.objects.filter(submission=submission, user=request.user).exists(),
        "may_support": may_raise(request.user) and submission.author_id != request.user.pk,
        "may_coordinate": may_coordinate(request.user), "shown_name": services.shown_name(submission),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def submission_support(request, pk: int):
    require(may_raise(request.user))
    submission = get_object_or_404(Submission, pk=pk)
    require(may_view_submission(request.user, submission))
    if services.submission_support(actor=request.user, submission=submission):
        messages.success(request, _("Your support has been counted."))
    else:
        messages.info(request, _("You already support this."))
    return redirect("panel:submission", pk=submission.pk)


@require_GET
def example_list(request):
    """The public page of the published good examples: the writer's name only where they chose so."""
    examples = (Submission.objects.filter(kind=Submission.Kind.EXAMPLE, published_at__isnull=False)
                .exclude(state=State.DECLINED).select_related("author").order_by("-published_at", "-pk"))
    return render(request, "panel/submissions/examples.html", {"examples": paginate(request, examples)})


@login_required
@require_GET
def submission_queue(request):
    """Coordinators: the submissions by due date, filtered by kind and state, with a batch publish."""
    require(may_coordinate(request.user))
    filters = QueueFilterForm(request.GET or None)
    queryset = services.with_support_counts(Submission.objects.select_related("author")).order_by("due_on", "pk")
    filtered = False
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            queryset, filtered = queryset.filter(kind=filters.cleaned_data["kind"]), True
        if filters.cleaned_data["state"]:
            queryset, filtered = queryset.filter(state=filters.cleaned_data["state"]), True
    items = paginate(request, queryset)
    today = timezone.localdate()
    # Evaluated once, so each row carries its deadline status in words, not only in colour.
    items.page.object_list = list(items.page.object_list)
    for item in items.page.object_list:
        item.deadline_status = services.deadline_status(item, today)
    return render(request, "panel/submissions/queue.html", {
        "filters": filters, "items": items, "filtered": filtered,
        "today": today, "open_states": services.OPEN, "handled_states": services.HANDLED,
    })


@login_required
@require_POST
def submission_publish(request):
    """Coordinators: publish the answers of the chosen submissions, several at once."""
    require(may_coordinate(request.user))
    ids = [value for value in request.POST.getlist("submission") if value.isdigit()]
    if not ids:
        messages.error(request, _("Choose at least one answered, taken up or declined submission to publish."))
        return redirect("panel:submission_queue")
    count = services.answers_publish(actor=request.user, submission_ids=[int(value) for value in ids])
    messages.success(request, ngettext("%(n)s answer published.", "%(n)s answers published.", count) % {"n": count})
    return redirect("panel:submission_queue")


@login_required
@require_http_methods(["GET", "POST"])
def submission_handle(request, pk: int):
    require(may_coordinate(request.user))
    submission = get_object_or_404(Submission.objects.select_related("author"), pk=pk)
    form = HandleForm(request.POST or None, action=reverse("panel:submission_handle", args=[pk]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submission_set_state(actor=request.user, submission=submission, state=data["state"],
                                          answer=data["answer"], reason=data["reason"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The state has been changed."))
            return redirect("panel:submission_queue")
    return render(request, "panel/submissions/handle.html", {"submission": submission, "form": form})


@login_required
@require_POST
def example_publish(request, pk: int):
    require(may_coordinate(request.user))
    submission = get_object_or_404(Submission, pk=pk)
    try:
        services.example_publish(actor=request.user, submission=submission)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The good example is published on the panel's public page."))
    return redirect("panel:submission", pk=submission.pk)


def _channel_examples():
    return (Submission.objects.filter(kind=Submission.Kind.EXAMPLE, channels_consent=True)
            .exclude(state=State.DECLINED).select_related("author").order_by("-created_at", "-pk"))


@login_required
@require_GET
def channels(request):
    """Coordinators: the good examples whose writers consented to the programme's channels."""
    require(may_coordinate(request.user))
    if request.GET.get("format") == "xlsx":
        rows = ([example.title, example.body, services.shown_name(example),
                 timezone.localdate(example.created_at)] for example in _channel_examples())
        return xlsx_response("goda-exempel.xlsx", [Sheet(
            title=_("Good examples"), header=[_("Title"), _("Text"), _("Name"), _("Raised")], rows=rows)])
    return render(request, "panel/submissions/channels.html", {"examples": paginate(request, _channel_examples())})
