"""Reads the event pages share."""

import datetime

from django.utils import timezone

from inspira.events.models import Event, Registration
from inspira.programmes.catalog import ORDER
from inspira.programmes.state import active_keys


def events_managed(programme_ids):
    return (Event.objects.filter(programme_id__in=programme_ids)
            .select_related("programme", "district").order_by("-starts_at", "pk"))


def public_programme_keys(request=None) -> list[str]:
    return sorted(active_keys(request), key=ORDER.get)


def public_events(*, request=None, programme: str = "", kind: str = "", district=None,
                  since: datetime.date | None = None, now=None):
    """Upcoming public events of the programmes that are on, not cancelled. ``since`` (a Stockholm
    date) moves the start of the list later, never earlier than now."""
    now = now or timezone.now()
    events = Event.objects.filter(is_public=True, cancelled_at__isnull=True, ends_at__gt=now,
                                  programme__key__in=active_keys(request))
    if programme:
        events = events.filter(programme__key=programme)
    if kind:
        events = events.filter(kind=kind)
    if district is not None:
        events = events.filter(district=district)
    if since is not None and since > timezone.localdate(now):
        events = events.filter(starts_at__gte=timezone.make_aware(datetime.datetime.combine(since, datetime.time())))
    # Only the fields a public page shows: the online link is never read for it.
    return (events.select_related("programme", "district")
            .only("title", "description", "kind", "starts_at", "ends_at", "place", "capacity", "uid", "sequence",
                  "is_public", "cancelled_at",
                  "programme__key", "district__name")
            .order_by("starts_at", "pk"))


def registrations_of(user, request=None):
    """The person's registrations (their own and the groups they registered) for events of the
    programmes that are on, latest event first, each with its place in line while it waits."""
    from inspira.events.models import Registration
    from inspira.events.places import PLACES

    return PLACES.with_position(
        Registration.objects.filter(user=user, event__programme__key__in=active_keys(request))
        .select_related("event__programme", "school")
        .order_by("-event__starts_at", "-created_at", "-pk"))


def event_registrations(event):
    """An event's registrations for its organiser: the open ones first (registered, offered, in line
    by position), then the closed ones."""
    from django.db.models import Case, IntegerField, Value, When

    from inspira.events.models import Registration
    from inspira.events.places import PLACES

    order = Case(When(status=Registration.Status.CONFIRMED, then=Value(0)),
                 When(status=Registration.Status.OFFERED, then=Value(1)),
                 When(status=Registration.Status.WAITING, then=Value(2)), default=Value(3),
                 output_field=IntegerField())
    return PLACES.with_position(Registration.objects.filter(event=event).select_related("user", "school")
                                .annotate(open_order=order).order_by("open_order", "created_at", "pk"))


def schools_not_represented(event):
    """For a closing meeting: the school units with no confirmed registration yet."""
    from inspira.events.models import Registration
    from inspira.schools.models import School

    represented = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED,
                                              school__isnull=False).values("school_id")
    return School.objects.exclude(pk__in=represented).select_related("district").order_by("name", "unit_code")


def open_registrations_of_schools(school_ids, *, now=None):
    """The places held for ``school_ids`` (registered, waiting or offered) on events not cancelled and
    not over, for the list of closed schools."""
    now = now or timezone.now()
    return (Registration.objects.filter(school_id__in=school_ids, status__in=Registration.OPEN_STATUSES,
                                        event__cancelled_at__isnull=True, event__ends_at__gte=now)
            .select_related("event__programme").order_by("event__starts_at", "pk"))
