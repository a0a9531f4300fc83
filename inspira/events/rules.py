"""The rules an event's details must keep, in one place: the form shows their errors at the fields,
and the services refuse details that break them (a caller that skips the form gets the same rules)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

# The event's fields as the services name them -> as the event forms name them (a date and two times).
EVENT_FIELD_NAMES = {"starts_at": "start_time", "ends_at": "end_time"}


class EventInputError(Exception):
    """Details that break a rule: ``errors`` maps a field to its (translated) messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


def local_instant(day: datetime.date, at: datetime.time) -> datetime.datetime | None:
    """The aware instant of a Stockholm wall-clock time, or None for a time the clock skips or shows
    twice on a DST night (02:00–03:00 on the last Sundays of March and October): the organiser must
    choose a time that means one thing. Combining in the zone (not adding hours to midnight) keeps
    09:00 at 09:00 on the days the clocks change."""
    zone = ZoneInfo(settings.TIME_ZONE)
    naive = datetime.datetime.combine(day, at)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None  # shown twice (autumn) or skipped (spring): zoneinfo gives two offsets for either
    return first


def event_errors(fields: dict) -> dict[str, list[str]]:
    """What is wrong with an event's details (empty when nothing is). ``fields`` holds the model's
    field names; a missing key is not checked here (the form has already said it is required)."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends <= starts:
        add("ends_at", _("The event must end after it starts."))
    if "place" in fields and not (fields.get("place") or "").strip() and not (fields.get("online_link") or "").strip():
        add("place", _("Give a place, an online link or both."))
    capacity, quota = fields.get("capacity"), fields.get("quota_per_school")
    if capacity is not None and capacity < 1:
        add("capacity", _("An event needs at least one place."))
    if quota is not None and capacity is not None and quota > capacity:
        add("quota_per_school", _("A school cannot have more places than the event has."))
    opens, closes = fields.get("registration_opens_at"), fields.get("registration_closes_at")
    if opens and closes and closes <= opens:
        add("registration_closes_at", _("Registration must close after it opens."))
    if closes and starts and closes > starts:
        add("registration_closes_at", _("Registration must close before the event starts."))
    if opens and starts and opens >= starts:
        add("registration_opens_at", _("Registration must open before the event starts."))
    who = fields.get("eligibility")
    chosen = {"schools": ("eligible_schools", _("Choose the schools whose staff may register.")),
              "school_forms": ("eligible_school_forms", _("Choose the school forms whose staff may register.")),
              "districts": ("eligible_districts", _("Choose the districts whose staff may register."))}
    if who in chosen and chosen[who][0] in fields and not fields[chosen[who][0]]:
        add(chosen[who][0], chosen[who][1])
    if who == "group":
        from inspira.events.eligibility import groups

        if fields.get("eligible_group") not in {group.key for group in groups()}:
            add("eligible_group", _("Choose the group that may register."))
    deadline = fields.get("cancellation_deadline")
    if deadline and starts and deadline > starts:
        add("cancellation_deadline", _("The last time to cancel must be before the event starts."))
    return errors
