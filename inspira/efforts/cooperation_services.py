"""Setting up a cooperation programme (seed 004), its efforts and its closing seminar.

Every action is atomic and writes one audit row (``cooperation.<verb>``). The rules of a programme's
and an effort's details are in ``cooperation_errors`` and ``effort_errors``: the forms show their
messages at the fields, and the actions check them again, so no caller stores details that break them.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.efforts.cooperation_participants import GROUP_KEY
from inspira.efforts.models import CooperationProgramme, Effort, Level, Partner
from inspira.events import services as event_services
from inspira.events.models import Eligibility, Event
from inspira.events.rules import EventInputError, local_instant
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme

# A programme runs over years (seed 004: three); a period longer than this is a typing error.
LONGEST_PERIOD_YEARS = 10
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
# Levels whose efforts are for no school unit (the political leadership, the administration).
LEVELS_WITHOUT_UNITS = (Level.POLITICAL, Level.ADMINISTRATION)


class CooperationError(Exception):
    """Message is translated; views show it as is."""


class CooperationInputError(Exception):
    """Details that break a rule: ``errors`` maps a field of the form to its (translated) messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


def _adder(errors):
    def add(field, message):
        errors.setdefault(field, []).append(message)
    return add


# --- A programme ----------------------------------------------------------------------------------------

def cooperation_errors(fields: dict) -> dict[str, list[str]]:
    """What is wrong with a programme's details (empty when nothing is). A missing key is not checked
    here: the form has already said it is required."""
    errors: dict[str, list[str]] = {}
    add = _adder(errors)
    if "title" in fields and not (fields.get("title") or "").strip():
        add("title", _("Give the programme a title."))
    first, last = fields.get("first_year"), fields.get("last_year")
    for name, year in (("first_year", first), ("last_year", last)):
        if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
            add(name, _("Write a year between %(first)s and %(last)s.") % {"first": EARLIEST_YEAR,
                                                                           "last": LATEST_YEAR})
    if first is not None and last is not None and "last_year" not in errors:
        if last < first:
            add("last_year", _("The last year cannot be before the first."))
        elif last - first >= LONGEST_PERIOD_YEARS:
            add("last_year", _("A programme runs for at most %(n)s years.") % {"n": LONGEST_PERIOD_YEARS})
    if "areas" in fields and not fields.get("areas"):
        add("areas", _("Choose at least one development area."))
    return errors


def partner_errors(partners: list[dict]) -> list[str]:
    """What is wrong with the list of partners as a whole (each row's fields are the form's)."""
    names = [partner["name"].strip().casefold() for partner in partners]
    if len(names) != len(set(names)):
        return [_("A partner is named twice.")]
    return []


def _check_cooperation(fields: dict, partners: list[dict]) -> None:
    errors = cooperation_errors(fields)
    for partner in partners:
        if not partner.get("name", "").strip():
            errors.setdefault("partners", []).append(_("Every partner needs a name."))
            break
    if "partners" not in errors and partner_errors(partners):
        errors["partners"] = partner_errors(partners)
    if errors:
        raise CooperationInputError(errors)


def _set_partners(cooperation: CooperationProgramme, partners: list[dict]) -> None:
    cooperation.partners.all().delete()
    Partner.objects.bulk_create([
        Partner(cooperation=cooperation, name=partner["name"].strip(), role=(partner.get("role") or "").strip(),
                position=position)
        for position, partner in enumerate(partners)
    ])


def _partner_list(cooperation) -> list[dict]:
    return [{"name": p.name, "role": p.role} for p in cooperation.partners.order_by("position", "pk")]


def _cooperation_programme() -> Programme:
    return Programme.objects.get(key=Key.COOPERATION)


@transaction.atomic
def cooperation_create(*, actor, title: str, description: str = "", first_year: int, last_year: int, areas,
                       process_leaders=(), partners: list[dict] = ()) -> CooperationProgramme:
    """Set up a programme with its development areas, process leaders and partners
    (``partners``: dicts of ``name`` and ``role``, in order)."""
    partners = list(partners)
    fields = {"title": title, "first_year": first_year, "last_year": last_year, "areas": list(areas)}
    _check_cooperation(fields, partners)
    cooperation = CooperationProgramme.objects.create(
        programme=_cooperation_programme(), title=title.strip(), description=description.strip(),
        first_year=first_year, last_year=last_year, created_by=actor if actor.is_authenticated else None)
    cooperation.areas.set(areas)
    cooperation.process_leaders.set(process_leaders)
    _set_partners(cooperation, partners)
    audit_record(actor=actor, action="cooperation.created", obj=cooperation, summary=cooperation.title,
                 data={"years": [first_year, last_year], "areas": sorted(a.pk for a in areas),
                       "process_leaders": sorted(p.pk for p in process_leaders),
                       "partners": [p["name"].strip() for p in partners]})
    return cooperation


@transaction.atomic
def cooperation_update(*, cooperation: CooperationProgramme, actor, title: str, description: str = "",
                       first_year: int, last_year: int, areas, process_leaders=(),
                       partners: list[dict] = ()) -> CooperationProgramme:
    """Change a programme. An area or a process leader that efforts still name cannot be taken away."""
    cooperation = CooperationProgramme.objects.select_for_update().get(pk=cooperation.pk)
    partners = list(partners)
    fields = {"title": title, "first_year": first_year, "last_year": last_year, "areas": list(areas)}
    _check_cooperation(fields, partners)
    area_ids, leader_ids = {a.pk for a in areas}, {p.pk for p in process_leaders}
    errors: dict[str, list[str]] = {}
    used_areas = set(cooperation.efforts.values_list("area_id", flat=True))
    if used_areas - area_ids:
        errors["areas"] = [_("An effort of the programme works in an area you took away; change the effort first.")]
    used_leaders = set(cooperation.efforts.exclude(leader=None).values_list("leader_id", flat=True))
    if used_leaders - leader_ids:
        errors["process_leaders"] = [_("A process leader you took away leads an effort of the programme; "
                                       "give the effort another process leader first.")]
    if errors:
        raise CooperationInputError(errors)
    changed = []
    for name, value in (("title", title.strip()), ("description", description.strip()),
                        ("first_year", first_year), ("last_year", last_year)):
        if getattr(cooperation, name) != value:
            setattr(cooperation, name, value)
            changed.append(name)
    if changed:
        cooperation.save(update_fields=changed)
    if set(cooperation.areas.values_list("pk", flat=True)) != area_ids:
        cooperation.areas.set(areas)
        changed.append("areas")
    if set(cooperation.process_leaders.values_list("pk", flat=True)) != leader_ids:
        cooperation.process_leaders.set(process_leaders)
        changed.append("process_leaders")
    clean_partners = [{"name": p["name"].strip(), "role": (p.get("role") or "").strip()} for p in partners]
    if _partner_list(cooperation) != clean_partners:
        _set_partners(cooperation, clean_partners)
        changed.append("partners")
    if changed:
        audit_record(actor=actor, action="cooperation.updated", obj=cooperation, summary=cooperation.title,
                     data={"changed": changed})
    return cooperation


# --- The programme's efforts ---------------------------------------------------------------------------

def effort_errors(*, cooperation: CooperationProgramme, fields: dict) -> dict[str, list[str]]:
    """What is wrong with an effort's details under ``cooperation`` (empty when nothing is)."""
    errors: dict[str, list[str]] = {}
    add = _adder(errors)
    if "title" in fields and not (fields.get("title") or "").strip():
        add("title", _("Give the effort a title."))
    area = fields.get("area")
    if area is not None and not cooperation.areas.filter(pk=area.pk).exists():
        add("area", _("Choose one of the programme's development areas."))
    leader = fields.get("leader")
    if leader is not None and not cooperation.process_leaders.filter(pk=leader.pk).exists():
        add("leader", _("Choose one of the programme's process leaders."))
    level, schools = fields.get("level"), fields.get("schools")
    if level is not None and schools is not None:
        if level in LEVELS_WITHOUT_UNITS and schools:
            add("schools", _("An effort for the political leadership or the administration is for no school "
                             "unit: leave the units empty."))
        elif level == Level.SCHOOL_UNIT and not schools:
            add("schools", _("Choose at least one school unit."))
    return errors


def _check_effort(cooperation, fields) -> None:
    errors = effort_errors(cooperation=cooperation, fields=fields)
    if errors:
        raise CooperationInputError(errors)


@transaction.atomic
def cooperation_effort_create(*, cooperation: CooperationProgramme, actor, title: str, level: str, area, schools,
                              leader, goals: str = "", now=None) -> Effort:
    """An effort of the programme. It runs at once: there is no request or proposal here."""
    now = now or timezone.now()
    schools = list(schools)
    _check_effort(cooperation, {"title": title, "level": level, "area": area, "schools": schools,
                                "leader": leader})
    effort = Effort.objects.create(
        programme=cooperation.programme, cooperation=cooperation, level=level, title=title.strip(), area=area,
        leader=leader, goals=goals.strip(), state=Effort.State.RUNNING, state_changed_at=now)
    effort.schools.set(schools)
    audit_record(actor=actor, action="cooperation.effort_created", obj=effort,
                 summary=f"{cooperation.title}: {effort.title}",
                 data={"cooperation": cooperation.pk, "level": level, "area": area.pk,
                       "schools": sorted(s.pk for s in schools), "leader": leader.pk if leader else None})
    return effort


def cooperation_effort_may_change(*, effort: Effort) -> bool:
    """An ended effort is a record: its details stay as they were."""
    return effort.state == Effort.State.RUNNING


@transaction.atomic
def cooperation_effort_update(*, effort: Effort, actor, title: str, level: str, area, schools, leader,
                              goals: str = "") -> Effort:
    effort = Effort.objects.select_for_update(of=("self",)).select_related("cooperation").get(pk=effort.pk)
    if not cooperation_effort_may_change(effort=effort):
        raise CooperationError(_("The effort has ended and can no longer be changed."))
    schools = list(schools)
    _check_effort(effort.cooperation, {"title": title, "level": level, "area": area, "schools": schools,
                                       "leader": leader})
    changed = []
    for name, value in (("title", title.strip()), ("level", level), ("area_id", area.pk),
                        ("leader_id", leader.pk if leader else None), ("goals", goals.strip())):
        if getattr(effort, name) != value:
            setattr(effort, name, value)
            changed.append(name.removesuffix("_id"))
    if changed:
        effort.save(update_fields=changed)
    if set(effort.schools.values_list("pk", flat=True)) != {s.pk for s in schools}:
        effort.schools.set(schools)
        changed.append("schools")
    if changed:
        audit_record(actor=actor, action="cooperation.effort_updated", obj=effort, summary=effort.title,
                     data={"changed": changed})
    return effort


def cooperation_effort_may_end(*, effort: Effort) -> bool:
    return effort.cooperation_id is not None and effort.state == Effort.State.RUNNING


@transaction.atomic
def cooperation_effort_end(*, effort: Effort, actor, now=None) -> Effort:
    """The effort is done: it ends, and its documentation is shared with its units."""
    now = now or timezone.now()
    effort = Effort.objects.select_for_update().get(pk=effort.pk)
    if not cooperation_effort_may_end(effort=effort):
        raise CooperationError(_("Only a running effort can be ended."))
    effort.state, effort.state_changed_at, effort.ended_at = Effort.State.ENDED, now, now
    effort.documentation_shared_at = now
    effort.save(update_fields=["state", "state_changed_at", "ended_at", "documentation_shared_at"])
    audit_record(actor=actor, action="cooperation.effort_ended", obj=effort, summary=effort.title,
                 data={"cooperation": effort.cooperation_id})
    return effort


# --- The closing seminar --------------------------------------------------------------------------------

def closing_seminar_may_create(*, cooperation: CooperationProgramme) -> bool:
    """One closing seminar a programme (a cancelled one is still its record)."""
    return cooperation.closing_seminar_id is None


def seminar_errors(fields: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    add = _adder(errors)
    day, starts, ends = fields.get("day"), fields.get("starts"), fields.get("ends")
    if day and starts and local_instant(day, starts) is None:
        add("starts", _("The clocks change at this time of night; choose another time."))
    if day and ends and local_instant(day, ends) is None:
        add("ends", _("The clocks change at this time of night; choose another time."))
    if starts and ends and ends <= starts:
        add("ends", _("The seminar must end after it starts."))
    if "place" in fields and not (fields.get("place") or "").strip():
        add("place", _("Say where the seminar is held."))
    return errors


@transaction.atomic
def closing_seminar_create(*, cooperation: CooperationProgramme, actor, day: datetime.date,
                           starts: datetime.time, ends: datetime.time, place: str, capacity: int,
                           description: str = "") -> Event:
    """The closing seminar, where every unit presents its lessons and good examples: an event open to
    the staff of the programme's units and its process leaders (``cooperation:participants``)."""
    cooperation = CooperationProgramme.objects.select_for_update().get(pk=cooperation.pk)
    if not closing_seminar_may_create(cooperation=cooperation):
        raise CooperationError(_("The programme already has its closing seminar."))
    errors = seminar_errors({"day": day, "starts": starts, "ends": ends, "place": place})
    if errors:
        raise CooperationInputError(errors)
    title = (_("Closing seminar: %(title)s") % {"title": cooperation.title})[:200]
    try:
        event = event_services.event_create(
            programme=cooperation.programme, actor=actor, kind=Event.Kind.CLOSING, title=title,
            description=description.strip() or _("Lessons, good examples, reflections and plans for the future "
                                                  "are presented."),
            starts_at=local_instant(day, starts), ends_at=local_instant(day, ends), place=place.strip(),
            capacity=capacity, is_public=False, eligibility=Eligibility.GROUP, eligible_group=GROUP_KEY)
    except EventInputError as e:
        names = {"starts_at": "starts", "ends_at": "ends"}
        raise CooperationInputError({names.get(k, k): v for k, v in e.errors.items()}) from e
    cooperation.closing_seminar = event
    cooperation.save(update_fields=["closing_seminar"])
    audit_record(actor=actor, action="cooperation.seminar_created", obj=cooperation, summary=cooperation.title,
                 data={"event": event.pk, "starts_at": event.starts_at.isoformat()})
    return event
