"""The schools that Skolverket's register says are closed, and what is still open at each: visits booked
or hosted, places in line, applications, sites in force, event registrations, benchmarking registrations,
development efforts. Nothing is deleted or cancelled here: the administration decides, case by case, and
the successor recorded by hand says where a merged school's business belongs.

It lives in the portal, above every app it reads, each through that app's own selector of what "open"
means there (``visits.selectors.open_bookings_of_schools`` and the rest). A programme that is switched off
leaves no trace: its items are not shown. One query per kind for a whole page of schools.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspira.benchmarking import selectors as benchmarking_selectors
from inspira.certification import selectors as certification_selectors
from inspira.certification.models import Application
from inspira.efforts import selectors as effort_selectors
from inspira.events import selectors as event_selectors
from inspira.programmes.catalog import Key
from inspira.programmes.state import active_keys
from inspira.schools import selectors as school_selectors
from inspira.schools.models import RegisterUnit, School
from inspira.visits import selectors as visit_selectors

# The kinds of open business, in the order the page shows them.
VISITS_MADE = "visits_made"
VISITS_HOSTED = "visits_hosted"
WAITING = "waiting"
APPLICATIONS = "applications"
SITES = "sites"
EVENTS = "events"
BENCHMARKING = "benchmarking"
EFFORTS = "efforts"
KINDS = {
    VISITS_MADE: _("Study visits the school has booked"),
    VISITS_HOSTED: _("Study visits booked at the school's sites"),
    WAITING: _("Places on waiting lists for study visits"),
    APPLICATIONS: _("Applications to become an inspiration site, not decided"),
    SITES: _("Certified inspiration sites in force"),
    EVENTS: _("Places on events to come"),
    BENCHMARKING: _("Registrations for benchmarking rounds not finished"),
    EFFORTS: _("Development efforts not ended"),
}


@dataclass(frozen=True)
class OpenItem:
    title: str
    status: str
    when: datetime.date | datetime.datetime | None = None
    url: str = ""  # where the administration can act on it; empty when it has no page of its own


@dataclass
class ClosedSchool:
    school: School
    unit: RegisterUnit | None
    groups: list[tuple[str, list[OpenItem]]] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(len(items) for _kind, items in self.groups)


def _inspiration_sites(school_ids, add, *, today) -> None:
    ids = set(school_ids)
    for booking in visit_selectors.open_bookings_of_schools(school_ids):
        site = booking.occasion.certification
        item = {"status": booking.status_label, "when": booking.occasion.starts_at,
                    "url": reverse("visits:booking", args=[booking.pk])}
        if booking.school_id in ids:
            add(booking.school_id, VISITS_MADE, OpenItem(title=site.display_name, **item))
        if site.school_id in ids:
            add(site.school_id, VISITS_HOSTED, OpenItem(title=booking.school.name, **item))
    for entry in visit_selectors.open_waiting_entries_of_schools(school_ids):
        add(entry.school_id, WAITING, OpenItem(
            title=entry.occasion.certification.display_name, status=entry.get_status_display(),
            when=entry.occasion.starts_at, url=reverse("visits:occasion", args=[entry.occasion_id])))
    for application in certification_selectors.open_applications_of_schools(school_ids):
        # Drafts and those waiting for the principal are the school's own: they have no case page yet.
        url = (reverse("certification:case", args=[application.pk])
               if application.status in Application.ADMINISTRATION_STATUSES else "")
        add(application.school_id, APPLICATIONS, OpenItem(
            title=application.area_title or application.display_name, status=application.get_status_display(),
            when=application.endorsed_at or application.created_at, url=url))
    for certification in certification_selectors.current_certifications_of_schools(school_ids, on=today):
        add(certification.school_id, SITES, OpenItem(
            title=certification.display_name, status=str(_("Certified until %(date)s") % {
                "date": certification.ends_on.isoformat()}),
            when=certification.starts_on, url=reverse("catalogue:site", args=[certification.pk])))


def _others(school_ids, add, *, active, now) -> None:
    for registration in event_selectors.open_registrations_of_schools(school_ids, now=now):
        if registration.event.programme.key in active:
            add(registration.school_id, EVENTS, OpenItem(
                title=registration.event.title, status=registration.get_status_display(),
                when=registration.event.starts_at, url=reverse("events:detail", args=[registration.event_id])))
    if Key.BENCHMARKING in active:
        for interest in benchmarking_selectors.open_interests_of_schools(school_ids):
            add(interest.school_id, BENCHMARKING, OpenItem(
                title=interest.round.title, status=interest.get_decision_display(),
                when=interest.registered_at, url=reverse("benchmarking:round_detail", args=[interest.round_id])))
    for row in effort_selectors.open_efforts_of_schools(school_ids):
        effort = row.effort
        if effort.programme.key not in active:
            continue
        url = (reverse("cooperation:programme_detail", args=[effort.cooperation_id]) if effort.cooperation_id
               else reverse("efforts:effort_detail", args=[effort.pk]))
        add(row.school_id, EFFORTS, OpenItem(title=effort.title, status=effort.get_state_display(), url=url))


def closed_school_rows(schools, *, request=None, now=None) -> list[ClosedSchool]:
    """Each of ``schools`` (a page of ``schools.selectors.closed_schools()``) with its unit in the register
    (its successor) and its open business, grouped by kind; a fixed number of queries for any page."""
    schools = list(schools)
    now = now or timezone.now()
    school_ids = [school.pk for school in schools]
    found: dict[int, dict[str, list[OpenItem]]] = defaultdict(lambda: defaultdict(list))

    def add(school_id: int, kind: str, item: OpenItem) -> None:
        found[school_id][kind].append(item)

    active = active_keys(request)
    if schools:
        if Key.INSPIRATION_SITES in active:
            _inspiration_sites(school_ids, add, today=timezone.localdate(now))
        _others(school_ids, add, active=active, now=now)
    units = school_selectors.register_units_of_schools(schools)
    return [
        ClosedSchool(school=school, unit=units.get(school.unit_code),
                     groups=[(KINDS[kind], found[school.pk][kind]) for kind in KINDS if found[school.pk][kind]])
        for school in schools
    ]
