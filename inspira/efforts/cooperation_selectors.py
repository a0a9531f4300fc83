"""What the cooperation programmes' pages read: the programme's efforts with what they have documented,
per unit and per area; the lessons and good examples for the closing seminar; the seminar's attendance
per unit. Each reads in a fixed number of queries, however many efforts and units there are."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from inspira.accounts.models import Membership
from inspira.efforts.models import Area, CooperationProgramme, Document, Effort, Level
from inspira.efforts.permissions import may_manage_cooperation
from inspira.events.attendance import Counts, attendance_counts
from inspira.events.models import Registration
from inspira.schools.models import School

SHARED_KINDS = (Document.Kind.LESSON, Document.Kind.GOOD_EXAMPLE)


def cooperations_for(user):
    """The programmes a person sees: all of them for those who manage them, else those they lead."""
    programmes = CooperationProgramme.objects.annotate(effort_count=Count("efforts", distinct=True))
    if not may_manage_cooperation(user):
        programmes = programmes.filter(process_leaders=user)
    return programmes.order_by("-first_year", "title", "pk")


def cooperation_with_details(pk: int):
    """The programme with its partners, areas and process leaders (for its page and its report)."""
    return (CooperationProgramme.objects.select_related("closing_seminar", "programme")
            .prefetch_related(Prefetch("partners"), Prefetch("areas", queryset=Area.objects.order_by("position",
                                                                                                          "name")),
                              "process_leaders"))


def programme_efforts(cooperation: CooperationProgramme):
    """The programme's efforts, each with its units, area, process leader, the number of notes, lessons
    and good examples it has documented, and its latest entry (title and date)."""
    latest = Document.objects.filter(effort=OuterRef("pk")).order_by("-happened_on", "-pk")
    return (Effort.objects.filter(cooperation=cooperation)
            .select_related("area", "leader")
            .prefetch_related(Prefetch("schools", queryset=School.objects.order_by("name", "pk")))
            .annotate(notes=Count("documents", filter=Q(documents__kind=Document.Kind.NOTE)),
                      lessons=Count("documents", filter=Q(documents__kind=Document.Kind.LESSON)),
                      good_examples=Count("documents", filter=Q(documents__kind=Document.Kind.GOOD_EXAMPLE)),
                      latest_title=Subquery(latest.values("title")[:1]),
                      latest_on=Subquery(latest.values("happened_on")[:1]))
            .order_by("level", "area__position", "title", "pk"))


@dataclass
class Group:
    """One row of the overview: a unit, a level without units, or an area, with its efforts."""

    label: str
    efforts: list = field(default_factory=list)
    school: School | None = None
    area: Area | None = None

    @property
    def running(self) -> int:
        return sum(1 for effort in self.efforts if effort.state == Effort.State.RUNNING)

    @property
    def ended(self) -> int:
        return sum(1 for effort in self.efforts if effort.state == Effort.State.ENDED)

    @property
    def notes(self) -> int:
        return sum(effort.notes for effort in self.efforts)

    @property
    def lessons(self) -> int:
        return sum(effort.lessons for effort in self.efforts)

    @property
    def good_examples(self) -> int:
        return sum(effort.good_examples for effort in self.efforts)


@dataclass
class Overview:
    efforts: list
    units: list[Group]  # the units, by name, then the levels without units
    areas: list[Group]  # the programme's areas, in their order


def overview(cooperation: CooperationProgramme) -> Overview:
    efforts = list(programme_efforts(cooperation))
    for effort in efforts:
        effort.is_running = effort.state == Effort.State.RUNNING
    units: dict[int, Group] = {}
    levels: dict[str, Group] = {}
    for effort in efforts:
        schools = list(effort.schools.all())
        for school in schools:
            units.setdefault(school.pk, Group(label=school.name, school=school)).efforts.append(effort)
        if not schools:
            levels.setdefault(effort.level, Group(label=str(Level(effort.level).label))).efforts.append(effort)
    unit_rows = sorted(units.values(), key=lambda g: (g.label.casefold(), g.school.pk))
    level_rows = [levels[level] for level in Level.values if level in levels]
    by_area: dict[int, list] = defaultdict(list)
    for effort in efforts:
        by_area[effort.area_id].append(effort)
    area_rows = [Group(label=area.name, area=area, efforts=by_area.get(area.pk, []))
                 for area in cooperation.areas.order_by("position", "name")]
    return Overview(efforts=efforts, units=unit_rows + level_rows, areas=area_rows)


def programme_units(cooperation: CooperationProgramme):
    """The school units the programme's efforts are for."""
    return (School.objects.filter(efforts__cooperation=cooperation).distinct().order_by("name", "pk"))


@dataclass
class UnitShare:
    label: str
    school: School | None
    documents: list = field(default_factory=list)

    @property
    def lessons(self) -> list:
        return [d for d in self.documents if d.kind == Document.Kind.LESSON]

    @property
    def good_examples(self) -> list:
        return [d for d in self.documents if d.kind == Document.Kind.GOOD_EXAMPLE]


def lessons_by_unit(cooperation: CooperationProgramme) -> list[UnitShare]:
    """Every unit's lessons and good examples, for the closing seminar: a document goes under the unit
    it names, else under each unit of its effort; an effort for no unit (the political leadership, the
    administration) under its level. Every unit of the programme is listed, with or without entries."""
    documents = (Document.objects.filter(effort__cooperation=cooperation, kind__in=SHARED_KINDS)
                 .select_related("effort__area", "school", "author")
                 .prefetch_related(Prefetch("effort__schools", queryset=School.objects.order_by("name", "pk")))
                 .order_by("-happened_on", "-pk"))
    shares: dict = {school.pk: UnitShare(label=school.name, school=school)
                    for school in programme_units(cooperation)}
    levels: dict[str, UnitShare] = {}
    for document in documents:
        if document.school_id:
            schools = [document.school]
        else:
            schools = list(document.effort.schools.all())
        for school in schools:
            shares.setdefault(school.pk, UnitShare(label=school.name, school=school)).documents.append(document)
        if not schools:
            level = document.effort.level
            levels.setdefault(level, UnitShare(label=str(Level(level).label), school=None)).documents.append(document)
    rows = sorted(shares.values(), key=lambda s: (s.label.casefold(), s.school.pk))
    return rows + [levels[level] for level in Level.values if level in levels]


@dataclass
class UnitAttendance:
    school: School | None
    label: str
    counts: Counts

    @property
    def represented(self) -> bool:
        return self.counts.came > 0


@dataclass
class SeminarAttendance:
    units: list[UnitAttendance]
    others: Counts  # process leaders, partners and others who are not of a unit
    total: Counts

    @property
    def all_represented(self) -> bool:
        return all(unit.represented for unit in self.units)

    @property
    def not_represented(self) -> list[UnitAttendance]:
        return [unit for unit in self.units if not unit.represented]


def seminar_attendance(cooperation: CooperationProgramme) -> SeminarAttendance | None:
    """Who came to the closing seminar, per unit of the programme: registered and attended (people, as
    ``events.attendance`` counts them). A person's own registration without a school counts for the unit
    of the programme they work at. A unit nobody came from is not represented."""
    event = cooperation.closing_seminar
    if event is None:
        return None
    units = list(programme_units(cooperation))
    unit_ids = {school.pk for school in units}
    registrations = list(Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
                         .order_by("created_at", "pk"))
    users = {r.user_id for r in registrations if r.school_id is None and r.user_id}
    works_at: dict[int, int] = {}
    for user_id, school_id in (Membership.objects.filter(user_id__in=users, school_id__in=unit_ids,
                                                         confirmed_at__isnull=False)
                               .order_by("school__name", "school_id").values_list("user_id", "school_id")):
        works_at.setdefault(user_id, school_id)
    per_unit: dict = defaultdict(list)
    for registration in registrations:
        school_id = registration.school_id or works_at.get(registration.user_id)
        per_unit[school_id if school_id in unit_ids else None].append(registration)
    return SeminarAttendance(
        units=[UnitAttendance(school=school, label=school.name, counts=attendance_counts(per_unit.get(school.pk, [])))
               for school in units],
        others=attendance_counts(per_unit.get(None, [])),
        total=attendance_counts(registrations))


def documents_of_programme(cooperation: CooperationProgramme):
    """Every entry of the programme's efforts, for the report."""
    return (Document.objects.filter(effort__cooperation=cooperation)
            .select_related("effort", "school", "author").order_by("effort__title", "effort_id", "-happened_on",
                                                                   "-pk"))
