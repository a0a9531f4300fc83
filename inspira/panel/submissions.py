"""Questions raised by members and good examples: raising, supporting, handling and publishing them.

Every function takes keyword-only arguments and runs in a transaction; coordinators' actions leave an
audit row. Permissions are asked by the views (``inspira.panel.permissions``)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.workdays import working_days_after
from inspira.panel.models import Submission, SubmissionSupport
from inspira.panel.permissions import is_member, may_coordinate

State = Submission.State
# The states a coordinator may set, and the states a submission may be in before it.
HANDLED = (State.ANSWERED, State.TAKEN_UP, State.DECLINED)
OPEN = (State.RECEIVED, State.UNDER_REVIEW)


def answer_due_on(raised_on):
    """The answer deadline: the configured number of working days (weekends and Swedish holidays not
    counted) after the day the submission was raised."""
    return working_days_after(raised_on, settings.INSPIRA_PANEL_ANSWER_WORKING_DAYS)


@transaction.atomic
def submission_create(*, actor, kind: str, title: str, body: str, channels_consent: bool = False,
                      show_name: bool = False, now=None) -> Submission:
    """A member raises a question or shares a good example. Only examples carry the writer's choices
    about channels and name."""
    if not is_member(actor):
        raise PermissionDenied
    now = now or timezone.now()
    is_example = kind == Submission.Kind.EXAMPLE
    return Submission.objects.create(
        kind=kind, author=actor, title=title.strip(), body=body.strip(), created_at=now,
        state_changed_at=now, due_on=answer_due_on(timezone.localdate(now)),
        channels_consent=is_example and channels_consent, show_name=is_example and show_name,
    )


def submission_support(*, actor, submission: Submission) -> bool:
    """A member supports a submission, once: True if the support was added, False if it was there.
    The database constraint holds it even when two requests race."""
    if not is_member(actor):
        raise PermissionDenied
    try:
        with transaction.atomic():
            SubmissionSupport.objects.create(submission=submission, user=actor)
    except IntegrityError:
        return False
    return True


def support_count(submission: Submission) -> int:
    return SubmissionSupport.objects.filter(submission=submission).count()


def with_support_counts(queryset):
    """The submissions with ``support_count`` counted from the rows in the same query."""
    return queryset.annotate(support_count=Count("supports", distinct=True))


@transaction.atomic
def submission_set_state(*, actor, submission: Submission, state: str, answer: str = "", reason: str = "",
                         now=None) -> Submission:
    """A coordinator changes a submission's state: under review; answered (with the answer); taken up
    (with what it led to, kept as the answer); declined (with a required reason). A handled submission
    is final."""
    if not may_coordinate(actor):
        raise PermissionDenied
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    now = now or timezone.now()
    answer, reason = answer.strip(), reason.strip()
    if submission.state in HANDLED:
        raise ValidationError({"state": _("This submission has already been handled.")})
    if state == State.UNDER_REVIEW:
        if submission.state != State.RECEIVED:
            raise ValidationError({"state": _("This submission is already under review.")})
    elif state == State.ANSWERED:
        if not answer:
            raise ValidationError({"answer": _("Write the answer.")})
    elif state == State.TAKEN_UP:
        if not answer:
            raise ValidationError({"answer": _("Write what the submission led to.")})
    elif state == State.DECLINED:
        if not reason:
            raise ValidationError({"reason": _("Give a reason for declining.")})
    else:
        raise ValidationError({"state": _("Choose a valid state.")})
    submission.state = state
    submission.state_changed_at = now
    if state in (State.ANSWERED, State.TAKEN_UP):
        submission.answer = answer
    if state == State.DECLINED:
        submission.decline_reason = reason
    if state in HANDLED:
        submission.answered_by = actor
        submission.answered_at = now
    submission.save()
    audit_record(actor=actor, action=f"panel.submission_{state}", obj=submission,
                 summary=submission.title)
    return submission


@transaction.atomic
def answers_publish(*, actor, submission_ids, now=None) -> int:
    """Publish the answers of several handled submissions in one action: only the chosen ones that are
    answered, taken up or declined and not yet published. Returns how many were published."""
    if not may_coordinate(actor):
        raise PermissionDenied
    now = now or timezone.now()
    chosen = list(Submission.objects.select_for_update()
                  .filter(pk__in=list(submission_ids), state__in=HANDLED, published_at__isnull=True)
                  .values_list("pk", flat=True))
    if chosen:
        Submission.objects.filter(pk__in=chosen).update(published_at=now)
        audit_record(actor=actor, action="panel.submission_answers_published",
                     summary=f"{len(chosen)}", data={"submissions": chosen})
        for submission in Submission.objects.filter(pk__in=chosen).select_related("author").order_by("pk"):
            _email_writer(submission)
    return len(chosen)


# The email to the writer for each handled state.
HANDLED_EMAILS = {State.ANSWERED: "panel_submission_answered", State.TAKEN_UP: "panel_submission_taken_up",
                  State.DECLINED: "panel_submission_declined"}


def _email_writer(submission: Submission) -> None:
    """Tell the writer how their submission was handled, once per submission (the key holds it), when the
    answer is published. Written in the publishing transaction, so it goes out only if the publish commits."""
    author = submission.author
    if author is None or not author.email:
        return
    email_enqueue(key=f"panel-submission-handled:{submission.pk}", to=[author.email],
                  template=HANDLED_EMAILS[submission.state],
                  context={"name": author.name, "title": submission.title, "answer": submission.answer,
                           "reason": submission.decline_reason,
                           "submission_url": absolute_url("panel:submission", submission.pk)})


# How many working days before its deadline an open submission is flagged as due soon.
DUE_SOON_WORKING_DAYS = 3


def deadline_status(submission: Submission, today) -> str:
    """``"overdue"`` for an open submission past its deadline, ``"due_soon"`` for one due today or by the
    third working day after today (counted as the deadline is), else ``""``. Handled submissions have no
    deadline left to meet."""
    if submission.state not in OPEN:
        return ""
    if submission.due_on < today:
        return "overdue"
    if submission.due_on <= working_days_after(today, DUE_SOON_WORKING_DAYS):
        return "due_soon"
    return ""


@transaction.atomic
def example_publish(*, actor, submission: Submission, now=None) -> Submission:
    """Publish a good example on the panel's public page (its name shown only if the writer chose so)."""
    if not may_coordinate(actor):
        raise PermissionDenied
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.kind != Submission.Kind.EXAMPLE:
        raise ValidationError(_("Only good examples can be published on the public page."))
    if submission.state == State.DECLINED:
        raise ValidationError(_("A declined example cannot be published."))
    if submission.published_at is None:
        submission.published_at = now or timezone.now()
        submission.save(update_fields=["published_at"])
        audit_record(actor=actor, action="panel.example_published", obj=submission, summary=submission.title)
    return submission


def shown_name(submission: Submission) -> str:
    """The writer's name where the writer chose to show it, else empty."""
    if submission.show_name and submission.author is not None:
        return submission.author.get_full_name() or ""
    return ""
