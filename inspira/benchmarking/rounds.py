"""Opening and changing a benchmarking round (seed 002), with its kick-off and closing meetings.

The two meetings are events of the events app, open to the round's admitted participants only
(``participants.GROUP_KEY``, asked per event). They are made and changed through the events'
own services, so their calendar files, sequence numbers and notices work as for any event.
Creating or changing a round is one transaction: the round and both meetings, or nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.benchmarking.models import Round
from inspira.benchmarking.participants import GROUP_KEY
from inspira.core.audit import audit_record
from inspira.events import services as event_services
from inspira.events.models import Eligibility, Event
from inspira.events.rules import EventInputError, local_instant
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme

# Each meeting is three hours (seed 002: "Kick-off, 3 h", "Avslutningsträff, 3 h").
MEETING_LENGTH = datetime.timedelta(hours=3)

ROUND_FIELDS = (
    "title", "description", "interest_opens_at", "interest_closes_at", "max_participants", "group_size",
    "visit_window_starts", "visit_window_ends", "min_days_between_visits", "max_away_per_school",
    "substitute_rate",
)
MEETING_FIELDS = ("kickoff_date", "kickoff_time", "kickoff_place", "closing_date", "closing_time", "closing_place")


class RoundError(Exception):
    """Message is translated; views show it as is."""


class RoundInputError(Exception):
    """Details that break a rule: ``errors`` maps a field of the round form to its (translated) messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


def round_errors(fields: dict) -> dict[str, list[str]]:
    """What is wrong with a round's details (empty when nothing is). ``fields`` holds the names of
    ``ROUND_FIELDS`` and ``MEETING_FIELDS``; a missing value is not checked here (the form has
    already said it is required)."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    opens, closes = fields.get("interest_opens_at"), fields.get("interest_closes_at")
    first, last = fields.get("visit_window_starts"), fields.get("visit_window_ends")
    kickoff, closing = fields.get("kickoff_date"), fields.get("closing_date")
    if opens and closes and closes <= opens:
        add("interest_closes_at", _("Interest registration must close after it opens."))
    if first and last and last < first:
        add("visit_window_ends", _("The last day of visits cannot be before the first."))
    if closes and first and first <= timezone.localtime(closes).date():
        add("visit_window_starts", _("The visits must start after interest registration has closed."))
    if kickoff and closes and kickoff <= timezone.localtime(closes).date():
        add("kickoff_date", _("The kick-off must be after interest registration has closed: the participants "
                              "are chosen then."))
    if kickoff and first and kickoff >= first:
        add("kickoff_date", _("The kick-off must be before the first day of visits."))
    if closing and last and closing <= last:
        add("closing_date", _("The closing meeting must be after the last day of visits."))
    size, most = fields.get("group_size"), fields.get("max_participants")
    if size and most and size > most:
        add("group_size", _("A group cannot be larger than the number of participants."))
    for prefix in ("kickoff", "closing"):
        day, at = fields.get(f"{prefix}_date"), fields.get(f"{prefix}_time")
        if day and at and local_instant(day, at) is None:
            add(f"{prefix}_time", _("The clocks change at this time of night; choose another time."))
        if prefix + "_place" in fields and not (fields.get(prefix + "_place") or "").strip():
            add(f"{prefix}_place", _("Say where the meeting is held."))
    return errors


def _check(fields: dict) -> None:
    missing = [name for name in (*ROUND_FIELDS, *MEETING_FIELDS) if name not in fields and name != "description"]
    if missing:
        raise TypeError(f"missing round fields {missing}")
    errors = round_errors(fields)
    if errors:
        raise RoundInputError(errors)


def _meeting_fields(kind: str, fields: dict) -> dict:
    prefix = "kickoff" if kind == Event.Kind.KICK_OFF else "closing"
    starts = local_instant(fields[f"{prefix}_date"], fields[f"{prefix}_time"])
    # Event titles are 200 characters at most, like the round's: the prefix must not overflow them.
    label = _("Kick-off: %(title)s") if kind == Event.Kind.KICK_OFF else _("Closing meeting: %(title)s")
    return {
        "title": (label % {"title": fields["title"]})[:200],
        "starts_at": starts,
        "ends_at": starts + MEETING_LENGTH,
        "place": fields[f"{prefix}_place"].strip(),
        "capacity": fields["max_participants"],
    }


def _meeting_create(*, programme, actor, kind: str, fields: dict) -> Event:
    description = (_("The kick-off of the benchmarking round: how the round works, the groups and their "
                     "timetables.") if kind == Event.Kind.KICK_OFF else
                   _("The closing meeting of the benchmarking round: the visits are evaluated and analysed."))
    return event_services.event_create(
        programme=programme, actor=actor, kind=kind, description=description, is_public=False,
        eligibility=Eligibility.GROUP, eligible_group=GROUP_KEY, **_meeting_fields(kind, fields))


def _meeting_errors(prefix: str, error: EventInputError) -> RoundInputError:
    names = {"starts_at": "time", "ends_at": "time", "place": "place", "capacity": "max_participants"}
    errors: dict[str, list[str]] = {}
    for name, messages in error.errors.items():
        field = names.get(name)
        field = field if field == "max_participants" else f"{prefix}_{field or 'date'}"
        errors.setdefault(field, []).extend(messages)
    return RoundInputError(errors)


def _benchmarking() -> Programme:
    return Programme.objects.get(key=Key.BENCHMARKING)


@transaction.atomic
def round_create(*, actor, **fields) -> Round:
    """Open a round with its two meetings. ``fields``: ``ROUND_FIELDS`` and ``MEETING_FIELDS``
    (dates and Stockholm wall-clock times of the meetings, and their places)."""
    unknown = set(fields) - {*ROUND_FIELDS, *MEETING_FIELDS}
    if unknown:
        raise TypeError(f"round_create() got unexpected fields {sorted(unknown)}")
    fields.setdefault("description", "")
    _check(fields)
    programme = _benchmarking()
    benchmarking_round = Round.objects.create(
        programme=programme, created_by=actor if actor.is_authenticated else None,
        **{name: fields[name] for name in ROUND_FIELDS})
    meetings = {}
    for kind, prefix in ((Event.Kind.KICK_OFF, "kickoff"), (Event.Kind.CLOSING, "closing")):
        try:
            meetings[prefix] = _meeting_create(programme=programme, actor=actor, kind=kind, fields=fields)
        except EventInputError as e:
            raise _meeting_errors(prefix, e) from e
    benchmarking_round.kickoff, benchmarking_round.closing = meetings["kickoff"], meetings["closing"]
    benchmarking_round.save(update_fields=["kickoff", "closing"])
    audit_record(actor=actor, action="benchmarking.round_created", obj=benchmarking_round,
                 summary=benchmarking_round.title, data={
                     "interest_closes_at": benchmarking_round.interest_closes_at.isoformat(),
                     "max_participants": benchmarking_round.max_participants,
                     "kickoff": meetings["kickoff"].pk, "closing": meetings["closing"].pk})
    return benchmarking_round


def round_may_change(*, benchmarking_round: Round) -> bool:
    """A finished round is a record: its settings and meetings stay as they were."""
    return benchmarking_round.stage != Round.Stage.FINISHED


def round_meeting_initial(benchmarking_round: Round) -> dict:
    """The meeting fields of the round form, read from the round's two events."""
    initial = {}
    for prefix, event in (("kickoff", benchmarking_round.kickoff), ("closing", benchmarking_round.closing)):
        if event is None:
            continue
        local = timezone.localtime(event.starts_at)
        initial.update({f"{prefix}_date": local.date(), f"{prefix}_time": local.time().replace(second=0,
                                                                                                microsecond=0),
                        f"{prefix}_place": event.place})
    return initial


@transaction.atomic
def round_update(*, benchmarking_round: Round, actor, **fields) -> Round:
    """Change a round and, through ``events.services.event_update``, its meetings (whose calendar
    files then rise in sequence and whose registered participants are told, as for any event).
    A meeting that has gone (its event deleted) is made again."""
    unknown = set(fields) - {*ROUND_FIELDS, *MEETING_FIELDS}
    if unknown:
        raise TypeError(f"round_update() got unexpected fields {sorted(unknown)}")
    benchmarking_round = Round.objects.select_for_update(of=("self",)).select_related("kickoff", "closing").get(
        pk=benchmarking_round.pk)
    if not round_may_change(benchmarking_round=benchmarking_round):
        raise RoundError(_("A finished round cannot be changed."))
    fields.setdefault("description", benchmarking_round.description)
    _check(fields)
    changed = [name for name in ROUND_FIELDS if getattr(benchmarking_round, name) != fields[name]]
    for name in changed:
        setattr(benchmarking_round, name, fields[name])
    if changed:
        benchmarking_round.save(update_fields=changed)
    meetings_changed = []
    for kind, prefix in ((Event.Kind.KICK_OFF, "kickoff"), (Event.Kind.CLOSING, "closing")):
        event = getattr(benchmarking_round, prefix)
        if event is not None and event.is_cancelled:
            continue  # cancelled on the events' pages: a record now, the round's changes leave it be
        try:
            if event is None:
                event = _meeting_create(programme=benchmarking_round.programme, actor=actor, kind=kind,
                                        fields=fields)
                setattr(benchmarking_round, prefix, event)
                benchmarking_round.save(update_fields=[prefix])
                meetings_changed.append(prefix)
                continue
            before = event.sequence, event.capacity, event.place
            event = event_services.event_update(event=event, actor=actor, **_meeting_fields(kind, fields))
        except EventInputError as e:
            raise _meeting_errors(prefix, e) from e
        except event_services.EventError as e:
            raise RoundInputError({f"{prefix}_date": [str(e)]}) from e
        if (event.sequence, event.capacity, event.place) != before:
            meetings_changed.append(prefix)
    if changed or meetings_changed:
        audit_record(actor=actor, action="benchmarking.round_updated", obj=benchmarking_round,
                     summary=benchmarking_round.title, data={"changed": changed, "meetings": meetings_changed})
    return benchmarking_round
