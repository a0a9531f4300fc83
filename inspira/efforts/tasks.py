"""Background jobs of development efforts (django-q2 runs them by dotted path, on schedules made by data
migrations). Plain functions that can run twice safely."""

from django.db import transaction
from django.utils import timezone

from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.efforts.models import Effort
from inspira.efforts.recipients import coordinator_emails
from inspira.efforts.selectors import clock_states, open_clock_efforts
from inspira.programmes.catalog import Key
from inspira.programmes.permissions import programme_is_active


def warning_key(effort: Effort, deadline) -> str:
    return f"effort-clock-warning:{effort.pk}:{deadline.isoformat()}"


def warn_of_proposal_deadlines(now=None) -> int:
    """Daily (schedule "efforts-proposal-deadline-warnings", made by a data migration): warn the effort's
    leader (or, without one, every coordinator of tailor-made development) once the proposal's deadline is
    three working days away or nearer (the clock's ``warn_on``), or has passed without a proposal. Once per
    deadline: ``Effort.warned_for`` holds the deadline warned for, so an extended deadline warns again.
    Returns how many warnings were enqueued now."""
    if not programme_is_active(Key.TAILOR_MADE):
        return 0  # a programme that is off has no work
    today = timezone.localdate(now)
    efforts = list(open_clock_efforts().select_related("leader").prefetch_related("schools").order_by("pk"))
    clocks = clock_states(efforts)
    coordinators = None
    sent = 0
    for effort in efforts:
        clock = clocks[effort.pk]
        if not clock.is_running or clock.warn_on > today or effort.warned_for == clock.deadline:
            continue
        leader = effort.leader
        if leader is not None and leader.is_active and leader.email:
            recipients = [leader.email]
        else:
            if coordinators is None:
                coordinators = coordinator_emails()
            recipients = coordinators
        if not recipients:
            continue  # nobody to warn yet: a coordinator named later gets it
        with transaction.atomic():
            locked = Effort.objects.select_for_update().get(pk=effort.pk)
            if locked.warned_for == clock.deadline:
                continue  # another run warned meanwhile
            email_enqueue(key=warning_key(effort, clock.deadline), to=recipients, template="effort_clock_warning",
                          context={
                              "effort_title": effort.title,
                              "schools": ", ".join(school.name for school in effort.schools.all()),
                              "deadline": clock.deadline,
                              "days_left": clock.working_days_left(today),
                              "is_late": clock.is_late(today),
                              "effort_url": absolute_url("efforts:effort_detail", effort.pk),
                          })
            locked.warned_for = clock.deadline
            locked.save(update_fields=["warned_for"])
        sent += 1
    return sent


def send_due_yearly_surveys(now=None) -> int:
    """Daily: send the yearly December survey on its day (``efforts.yearly``); a second run sends nothing."""
    from inspira.efforts.yearly import send_due_yearly_surveys as send

    return send(now=now)
