"""The effort's sessions (seed 001, step 6: genomförande): events of the events app for the unit's
staff, who register themselves on the event's page. Each session is an ``events.Event`` of kind
SESSION open to the named group ``efforts:staff`` (the confirmed members of the units of the effort
whose session the event is), with room for the whole staff by default: the seed advises that the whole
staff take part in the same training at the same time. Moving and cancelling go through the events
app's services, which tell those registered (a new calendar file, or the cancellation)."""

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.accounts.models import Membership
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.efforts.models import Effort, Session
from inspira.efforts.permissions import may_lead_effort
from inspira.efforts.recipients import principal_emails
from inspira.events import eligibility
from inspira.events.models import Eligibility, Event, Registration
from inspira.events.rules import EventInputError
from inspira.events.services import event_cancel, event_create, event_update

GROUP_KEY = "efforts:staff"
GROUP_LABEL = gettext_lazy("Staff of the units of a development effort")


class SessionError(Exception):
    """Message is translated; views show it as is."""


def is_unit_staff(user, event=None) -> bool:
    """Whether ``user`` is a confirmed member (any role) of a unit of the effort whose session ``event``
    is. Without an event nobody is: the group only means something for a session."""
    if event is None:
        return False
    return Membership.objects.filter(user=user, confirmed_at__isnull=False,
                                     school__efforts__sessions__event=event).exists()


def register_staff_group() -> None:
    eligibility.register_group(GROUP_KEY, GROUP_LABEL, members=is_unit_staff)


def session_may_add(*, effort: Effort) -> bool:
    """Sessions are planned once the principal has accepted a proposal (the effort runs)."""
    return effort.state == Effort.State.RUNNING


def session_may_change(*, session: Session) -> bool:
    """A session of a running effort that is not cancelled."""
    return session.effort.state == Effort.State.RUNNING and not session.event.is_cancelled


def _check_actor(actor, effort: Effort) -> None:
    if not may_lead_effort(actor, effort):
        raise SessionError(_("Only those who lead the effort can plan its sessions."))


def _capacity(effort: Effort, capacity):
    if capacity is None:
        capacity = effort.staff_count
    if capacity is None:
        raise EventInputError({"capacity": [_("Give the number of places: the effort has no number of staff.")]})
    return capacity


@transaction.atomic
def session_add(*, effort: Effort, actor, title: str, starts_at, ends_at, place: str, online_link: str = "",
                capacity: int | None = None, description: str = "") -> Session:
    """A session for the unit's staff (places: the effort's number of staff unless ``capacity`` says
    otherwise). The principals are told by email, with the link where the staff register."""
    effort = Effort.objects.select_for_update().select_related("programme").get(pk=effort.pk)
    _check_actor(actor, effort)
    if not session_may_add(effort=effort):
        raise SessionError(_("Sessions are planned once the principal has accepted a proposal and the effort "
                             "is running."))
    event = event_create(
        programme=effort.programme, actor=actor, kind=Event.Kind.SESSION, title=title.strip(),
        description=description.strip(), starts_at=starts_at, ends_at=ends_at, place=place.strip(),
        online_link=online_link.strip(), capacity=_capacity(effort, capacity), is_public=False,
        eligibility=Eligibility.GROUP, eligible_group=GROUP_KEY)
    session = Session.objects.create(effort=effort, event=event)
    audit_record(actor=actor, action="effort.session_added", obj=effort, summary=f"{effort.title}: {event.title}",
                 data={"session": session.pk, "event": event.pk, "starts_at": event.starts_at.isoformat(),
                       "capacity": event.capacity})
    recipients = principal_emails(effort)
    if recipients:
        context = {"effort_title": effort.title, "session_title": event.title,
                   "when": formats.date_format(timezone.localtime(event.starts_at), "j F Y H:i"),
                   "place": event.place, "places": event.capacity,
                   "event_url": absolute_url("events:event", pk=event.pk),
                   "effort_url": absolute_url("efforts:effort_detail", pk=effort.pk)}
        transaction.on_commit(lambda: email_enqueue(key=f"effort-session-added:{session.pk}", to=recipients,
                                                    template="effort_session_added", context=context))
    return session


def _tell_principals(session: Session, *, cancelled: bool) -> None:
    """The unit's principals learn of a moved or cancelled session as they learnt of the planned one (the
    events app tells those registered; the principal need not be one of them). Once per change: the
    event's sequence rises with every change a calendar sees."""
    effort, event = session.effort, session.event
    recipients = principal_emails(effort)
    if not recipients:
        return
    context = {"effort_title": effort.title, "session_title": event.title, "cancelled": cancelled,
               "when": formats.date_format(timezone.localtime(event.starts_at), "j F Y H:i"),
               "place": event.place, "reason": event.cancellation_reason,
               "event_url": absolute_url("events:event", pk=event.pk),
               "effort_url": absolute_url("efforts:effort_detail", pk=effort.pk)}
    key = f"effort-session-changed:{session.pk}:{event.sequence}"
    transaction.on_commit(lambda: email_enqueue(key=key, to=recipients, template="effort_session_changed",
                                                context=context))


def _locked(session: Session) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("effort", "event").get(pk=session.pk)


@transaction.atomic
def session_update(*, session: Session, actor, title: str, starts_at, ends_at, place: str, online_link: str = "",
                   capacity: int | None = None, description: str = "") -> Session:
    """Move or change a session through ``events.services.event_update`` (those registered get the new
    time in a calendar file)."""
    session = _locked(session)
    _check_actor(actor, session.effort)
    if not session_may_change(session=session):
        raise SessionError(_("Only a planned session of a running effort can be changed."))
    before = session.event.sequence, session.event.capacity, session.event.description
    event = event_update(event=session.event, actor=actor, title=title.strip(), description=description.strip(),
                         starts_at=starts_at, ends_at=ends_at, place=place.strip(), online_link=online_link.strip(),
                         capacity=_capacity(session.effort, capacity))
    session.event = event
    if event.sequence != before[0]:
        _tell_principals(session, cancelled=False)
    if (event.sequence, event.capacity, event.description) != before:
        audit_record(actor=actor, action="effort.session_changed", obj=session.effort,
                     summary=f"{session.effort.title}: {event.title}",
                     data={"session": session.pk, "event": event.pk, "starts_at": event.starts_at.isoformat(),
                           "capacity": event.capacity})
    return session


@transaction.atomic
def session_cancel(*, session: Session, actor, reason: str, now=None) -> Session:
    """Cancel a session through ``events.services.event_cancel`` (those registered are told why)."""
    session = _locked(session)
    _check_actor(actor, session.effort)
    if not session_may_change(session=session):
        raise SessionError(_("Only a planned session of a running effort can be cancelled."))
    session.event = event_cancel(event=session.event, actor=actor, reason=reason, now=now)
    _tell_principals(session, cancelled=True)
    audit_record(actor=actor, action="effort.session_cancelled", obj=session.effort,
                 summary=f"{session.effort.title}: {session.event.title}",
                 data={"session": session.pk, "event": session.event.pk, "reason": session.event.cancellation_reason})
    return session


def sessions_of(effort: Effort):
    """The effort's sessions in time order, each with ``registered``: the places confirmed (a group's
    registration counts its participants). One query, however many sessions."""
    confirmed = Q(event__registrations__status=Registration.Status.CONFIRMED)
    return (Session.objects.filter(effort=effort).select_related("event")
            .annotate(registered=Coalesce(Sum("event__registrations__participants", filter=confirmed), 0))
            .order_by("event__starts_at", "pk"))


def last_session(effort: Effort) -> Session | None:
    """The effort's last session that is not cancelled: where its evaluation is answered."""
    return (Session.objects.filter(effort=effort, event__cancelled_at__isnull=True).select_related("event")
            .order_by("-event__starts_at", "-pk").first())
