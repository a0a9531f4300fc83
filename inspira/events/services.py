"""Creating, changing and cancelling events: each atomic, each with its audit row. The details are
checked by ``rules.event_errors`` here too, so no caller can store an event that breaks them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.events import registrations
from inspira.events.models import Event
from inspira.events.places import PLACES
from inspira.events.rules import EventInputError, event_errors


class EventError(Exception):
    """Message is translated; views show it as is."""


# A change to one of these moves the event in people's calendars, so the calendar file's SEQUENCE rises.
CALENDAR_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "online_link")
EDITABLE_FIELDS = (
    "title", "description", "kind", "starts_at", "ends_at", "place", "online_link", "district", "capacity",
    "quota_per_school", "registration_opens_at", "registration_closes_at", "cancellation_deadline", "is_public",
    "eligibility", "eligible_group", *("eligible_schools", "eligible_school_forms", "eligible_districts"),
)
# Who may register, as many-to-many fields: set after the row is saved, compared as sets of ids.
ELIGIBLE_SETS = ("eligible_schools", "eligible_school_forms", "eligible_districts")


def _ids(values) -> set[int]:
    return {getattr(value, "pk", value) for value in (values or ())}


def _current(event: Event, name: str):
    if name in ELIGIBLE_SETS:
        return _ids(getattr(event, name).all()) if event.pk else set()
    return getattr(event, name)


def _differs(event: Event, name: str, value) -> bool:
    current = _current(event, name)
    return current != (_ids(value) if name in ELIGIBLE_SETS else value)


def _check(fields: dict) -> None:
    errors = event_errors(fields)
    if errors:
        raise EventInputError(errors)


@transaction.atomic
def event_create(*, programme, actor, **fields) -> Event:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"event_create() got unexpected fields {sorted(unknown)}")
    fields.setdefault("place", "")
    fields.setdefault("online_link", "")
    _check(fields)
    sets = {name: fields.pop(name) for name in ELIGIBLE_SETS if name in fields}
    event = Event.objects.create(programme=programme, created_by=actor if actor.is_authenticated else None, **fields)
    for name, values in sets.items():
        getattr(event, name).set(values or [])
    audit_record(actor=actor, action="event.created", obj=event, summary=f"{event.title} ({programme.name})",
                 data={"programme": programme.key, "starts_at": event.starts_at.isoformat()})
    return event


@transaction.atomic
def event_update(*, event: Event, actor, **fields) -> Event:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"event_update() got unexpected fields {sorted(unknown)}")
    # Lock the row: two organisers saving at once must each raise the sequence.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError(_("A cancelled event cannot be changed."))
    changed = [name for name, value in fields.items() if _differs(event, name, value)]
    if not changed:
        return event  # nothing changes, so nothing goes on record
    merged = {name: _current(event, name) for name in EDITABLE_FIELDS} | fields
    _check(merged)
    now = timezone.now()
    if "capacity" in changed:
        held = PLACES.taken(event) + PLACES.offered_places(event, now=now)
        if fields["capacity"] < held:
            raise EventInputError({"capacity": [
                _("%(held)s places are already registered or offered; the event cannot have fewer.") % {"held": held}]})
    for name in changed:
        if name in ELIGIBLE_SETS:
            getattr(event, name).set(fields[name] or [])
        else:
            setattr(event, name, fields[name])
    update_fields = [name for name in changed if name not in ELIGIBLE_SETS]
    if any(name in CALENDAR_FIELDS for name in changed):
        event.sequence += 1
        update_fields.append("sequence")
    if update_fields:
        event.save(update_fields=update_fields)
    audit_record(actor=actor, action="event.updated", obj=event, summary=event.title,
                 data={"changed": sorted(changed), "sequence": event.sequence})
    if any(name in CALENDAR_FIELDS for name in changed):
        registrations.tell_confirmed_of_change(event)
    if "capacity" in changed:
        registrations.offer_places_after_change(event, now=now)
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor, reason: str, now=None) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        raise EventError(_("The event is already cancelled."))
    reason = reason.strip()
    if not reason:
        raise EventInputError({"reason": [_("Say why the event is cancelled: the participants are told.")]})
    event.cancelled_at = now or timezone.now()
    event.cancellation_reason = reason
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "cancellation_reason", "sequence"])
    told = registrations.close_for_cancelled_event(event, now=event.cancelled_at)
    audit_record(actor=actor, action="event.cancelled", obj=event, summary=event.title,
                 data={"reason": reason, "sequence": event.sequence, "registrations_closed": told})
    return event
