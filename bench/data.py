"""The benchmark's data: a municipality's programme at three scales, written fast.

    S:    50 schools,    15 sites,   2 000 visits,    40 events,   1 200 registrations
    M:   500 schools,   150 sites,  20 000 visits,   400 events,  12 000 registrations
    L: 5 000 schools, 1 500 sites, 200 000 visits, 4 000 events, 120 000 registrations

Every site receives about the same number of visits at every scale (about 130 over two and a half
school years), so a page about one site has the same amount to show at S, M and L; what grows is
the number of sites, schools and visits around it.

The rows are what the product's services would have written (read models.py and services.py of
each app): schools with principals, staff and site contacts; for each site an application that went
through endorsement, casework and the director's approval (status trail, basis document, decision,
certification, establishment support, pedagogical documentation), a third of them re-certified;
occasions spread over the school years, bookings (completed, not carried out, cancelled, still to
record, coming, held), outcome trails and feedback; for every completed visit the two fee entries,
the visiting school's invoice and its line, and each host's monthly invoice to the central
administration; a few undone completions with their reversals and credit notes; applications in
every stage of the administration's and the director's queues; the outbox and audit rows of the
invoices; every programme switched on with a coordinator, its events (past and coming, some public,
a few cancelled) with their audit rows, and people's registrations on them (confirmed, cancelled,
waiting when full, attendance marked after the event). Amounts and texts come from the same fee rule
and Swedish wording the services use.

Rows are generated in Python with their primary keys and written with PostgreSQL's COPY (psycopg),
all in one transaction, so foreign keys and constraints are checked by the database at commit; the
sequences are then moved past the keys used and the tables analysed. A fixed random seed per scale
makes the data the same at every build.

The benchmark's own fixtures are ordinary rows among them: the people the load logs in as (central
roles, a host's site contact, 40 teachers who book), the site whose pages are loaded and the
occasions the booking POSTs book, the coordinator and the event whose organiser's page is loaded
(see README.md). ``build`` returns their ids.
"""

from __future__ import annotations

import datetime
import json
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class Scale:
    name: str
    schools: int
    sites: int
    visits: int
    events: int
    registrations: int


SCALES = {
    "S": Scale("S", 50, 15, 2_000, 40, 1_200),
    "M": Scale("M", 500, 150, 20_000, 400, 12_000),
    "L": Scale("L", 5_000, 1_500, 200_000, 4_000, 120_000),
}

# The booking POST books these: BOOKERS teachers, each of another school, on BENCH_OCCASIONS occasions
# of one site, each (teacher's school, occasion) pair once. Same numbers at every scale.
BOOKERS = 40
FIXED_VISITS = 150
BENCH_OCCASIONS = 400
BENCH_CAPACITY = 60
# The event whose organiser's page is loaded has as many registrations at every scale (the average
# event has registrations / events = 30): its places full, a waiting list and a few cancelled.
TARGET_EVENT_CAPACITY = 40
TARGET_EVENT_WAITING = 8
TARGET_EVENT_CANCELLED = 4
VAT_EXEMPTION = "Momsfri verksamhet enligt 3 kap. mervärdesskattelagen."
PASSWORD = "bench-password-2026"  # noqa: S105 (the benchmark's people only exist in its databases)

DISTRICTS = [
    "Bromma", "Enskede-Årsta-Vantör", "Farsta", "Hägersten-Älvsjö", "Hässelby-Vällingby", "Kungsholmen",
    "Norrmalm", "Rinkeby-Kista", "Skarpnäck", "Skärholmen", "Spånga-Tensta", "Södermalm", "Östermalm",
]
PLACES = [
    "Aspuddens", "Björkhagens", "Blackebergs", "Bredängs", "Brännkyrka", "Enskede", "Eriksdals", "Fruängens",
    "Gubbängs", "Hagsätra", "Hammarby", "Högdalens", "Johannes", "Katarina", "Kista", "Kungsholmens",
    "Liljeholmens", "Mälarhöjdens", "Nälstas", "Nytorps", "Oxhagens", "Rinkeby", "Rågsveds", "Sandåkra",
    "Skarpnäcks", "Smedshagens", "Sofia", "Solbergas", "Stureby", "Sätra", "Tallkrogens", "Tensta", "Trekantens",
    "Vasa", "Västertorps", "Vällingby", "Årsta", "Älvsjö", "Östbergas", "Örby",
]
KINDS = ["skola", "grundskola", "Södra skola", "Norra skola", "förskola", "gymnasium", "skolan"]
FIRST = ["Anna", "Erik", "Maria", "Karl", "Sara", "Johan", "Emma", "Lars", "Elin", "Ali", "Fatima", "Oskar",
         "Ida", "Nils", "Leila", "Hanna", "Mats", "Sofia", "Amir", "Klara", "Per", "Lina", "Yusuf", "Maja"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
        "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Hussein", "Berg", "Lund", "Ek", "Holm", "Ahmed"]
AREAS = [
    "Utematematik i åk 1–3", "Digitalt berättande", "Språkutvecklande arbetssätt i alla ämnen",
    "Formativ bedömning i praktiken", "Programmering med micro:bit", "Naturvetenskap med skolodling",
    "Läsfrämjande arbete med skolbiblioteket", "Rörelse i undervisningen", "Flerspråkighet som resurs",
    "Entreprenöriellt lärande", "Kollegialt lärande med lesson study", "Tillgänglig lärmiljö",
    "Hållbar utveckling i förskolan", "Matematik i vardagen", "Estetiska lärprocesser",
    "Elevinflytande och demokrati", "Kooperativt lärande", "Källkritik och digital kompetens",
]
SUBJECTS = ["matematik", "svenska", "engelska", "NO", "SO", "teknik", "bild", "musik", "idrott och hälsa",
            "svenska som andraspråk", "hem- och konsumentkunskap", "moderna språk"]
TAKEAWAYS = [
    "Vi tar med oss hur ni planerar lektionerna tillsammans och vill prova det i vårt arbetslag.",
    "Mycket inspirerande att se eleverna arbeta så självständigt. Vi börjar med utematematiken direkt.",
    "Tydligt upplägg och generöst delande av material. Tack!",
    "Vi fick konkreta idéer om bedömning som vi ska diskutera på nästa APT.",
]


# (kind, title) per programme; a title gets a theme from AREAS.
EVENT_KINDS = {
    "inspiration_sites": [("seminar", "Inspirationsseminarium: {}")],
    "benchmarking": [("kick_off", "Uppstartsmöte benchmarking: {}"), ("closing", "Avslutningsmöte benchmarking: {}")],
    "tailor_made": [("session", "Handledningstillfälle: {}"), ("kick_off", "Planeringsmöte: {}"),
                    ("seminar", "Seminarium: {}")],
    "teacher_panel": [("focus_group", "Fokusgrupp: {}"), ("chat", "Samtal med skolborgarrådet: {}")],
    "cooperation": [("closing", "Slutseminarium: {}"), ("seminar", "Processledarträff: {}")],
}


def _stockholm(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def _school_year_start(day: datetime.date) -> int:
    return day.year if day.month >= 7 else day.year - 1


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- Writing rows with COPY ---------------------------------------------------------------------------------


class Table:
    """Rows of one model, given by attribute name (``school_id``); missing fields take the model's
    default (callables are called per row), ``auto_now`` fields the build's ``now``, nullable ones NULL
    and blank text ones "". Written with COPY every ``FLUSH_AT`` rows."""

    FLUSH_AT = 20_000

    def __init__(self, writer: Writer, model):
        from django.db import models

        self.writer, self.model = writer, model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.json = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        self.next_id = 1
        self.rows: list[tuple] = []
        self.count = 0
        self.id_index = self.names.index("id")
        self.json_index = [i for i, name in enumerate(self.names) if name in self.json]
        self._pairs = [(f.attname, self._filler(f)) for f in self.fields]

    def _filler(self, f):
        now = self.writer.now

        def missing():
            raise ValueError(f"{self.model.__name__}.{f.attname} needs a value")

        if f.primary_key:
            return missing
        if f.has_default():
            if callable(f.default):
                return f.default
            value = f.default
            return lambda: value
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return lambda: now
        if f.null:
            return lambda: None
        if f.blank and f.get_internal_type() in ("CharField", "TextField", "EmailField", "URLField", "FileField",
                                                 "ImageField"):
            return lambda: ""
        return missing

    def add(self, **values) -> int:
        """Add a row; JSON fields take a value to encode, or a ``str`` already encoded."""
        if "id" not in values:
            values["id"] = self.next_id
            self.next_id += 1
        take = values.pop
        row = [take(name) if name in values else fill() for name, fill in self._pairs]
        if values:
            raise ValueError(f"{self.model.__name__} has no fields {sorted(values)}")
        for i in self.json_index:
            if not isinstance(row[i], str):
                row[i] = json.dumps(row[i], ensure_ascii=False)
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.FLUSH_AT:
            self.flush()
        return row[self.id_index]

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        with self.writer.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in self.rows:
                copy.write_row(row)
        self.rows = []


class Writer:
    def __init__(self, cursor, now: datetime.datetime):
        self.cursor, self.now = cursor, now
        self.tables: dict[type, Table] = {}

    def __getitem__(self, model) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(self, model)
        return self.tables[model]

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()


# --- The build --------------------------------------------------------------------------------------------------


@dataclass
class SchoolRow:
    id: int
    name: str
    unit_code: str
    street: str
    postal_code: str
    reference: str
    email: str
    district_id: int
    principal: tuple[int, str, str] = (0, "", "")  # id, name, email
    staff: list[tuple[int, str, str]] = field(default_factory=list)
    requires_approval: bool = False

    def as_school(self):
        from inspira.schools.models import School

        return School(id=self.id, name=self.name, unit_code=self.unit_code, organisation_number="212000-0142",
                      street_address=self.street, postal_code=self.postal_code, city="Stockholm",
                      invoice_address=f"Stockholms stad\nFakturaservice, {self.name}\nBox 1000\n105 35 Stockholm",
                      invoice_reference=self.reference, contact_email=self.email)


@dataclass
class Site:
    school: SchoolRow
    contact: tuple[int, str, str]
    weight: float
    certifications: list[tuple[int, datetime.date, datetime.date]] = field(default_factory=list)  # oldest first
    current_application: int = 0
    documentation: bool = False


class Builder:
    def __init__(self, scale: Scale, *, writer: Writer, today: datetime.date, seed: int):
        from django.contrib.auth.hashers import make_password
        from django.utils import translation
        from django.utils.translation import gettext as _

        from inspira.billing.models import BillingSettings

        self.scale, self.w, self.today = scale, writer, today
        self.now = writer.now
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, the same at every build)
        self.password = make_password(PASSWORD)
        self.billing = BillingSettings(id=1)
        with translation.override("sv"):
            self.texts = {
                "visit_line": _("Study visit on %(date)s at %(site)s: the visiting school's share of the visit fee"),
                "visit_note": _("Fee for a completed study visit at an inspiration site."),
                "central_line": _("Study visit on %(date)s by %(school)s: the central administration's share of "
                                  "the visit fee"),
                "central_note": _("The central administration's share of the visit fees for the study visits "
                                  "completed up to %(date)s."),
                "terms": _("Pay by %(date)s to bankgiro %(bankgiro)s, quoting the invoice number %(number)s."),
                "credit_terms": _("Credits invoice %(number)s of %(date)s. Nothing to pay."),
                "credit_line": _("Credit: %(description)s"),
                "credit_note": _("Credit note for invoice %(number)s: the study visit was not completed after all."),
            }
        self.decision_numbers: dict[int, int] = defaultdict(int)
        self.emails: set[str] = set()
        self._party_cache: dict = {}
        self.targets: dict = {}

    # People and schools -----------------------------------------------------------------------------------

    def _person_name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def user(self, *, email: str, name: str | None = None, role: str = "") -> tuple[int, str, str]:
        from inspira.accounts.models import User

        assert email not in self.emails, email
        self.emails.add(email)
        name = name or self._person_name()
        joined = self.now - datetime.timedelta(days=self.rng.randint(30, 900))
        pk = self.w[User].add(email=email, name=name, phone="08-508 000 00", role=role, password=self.password,
                              email_verified_at=joined, date_joined=joined, is_active=True, is_staff=False,
                              is_superuser=False, last_login=None)
        return pk, name, email

    def membership(self, user_id: int, school_id: int, role: str, *, confirmed: bool = True) -> None:
        from inspira.accounts.models import Membership

        requested = self.now - datetime.timedelta(days=self.rng.randint(20, 800))
        self.w[Membership].add(user_id=user_id, school_id=school_id, role=role, requested_at=requested,
                               confirmed_at=requested + datetime.timedelta(days=1) if confirmed else None,
                               confirmed_by_id=self.targets.get("administrator") if confirmed else None)

    def base(self) -> None:
        from inspira.billing.models import BillingSettings
        from inspira.schools.models import District, SchoolForm
        from inspira.schoolyears.models import FeeRule, SchoolYear

        self.forms = dict(SchoolForm.objects.values_list("code", "pk"))
        self.districts = [self.w[District].add(name=name) for name in DISTRICTS]
        current = _school_year_start(self.today)
        self.school_years = {}
        for start_year in range(current - 4, current + 2):
            year_id = self.w[SchoolYear].add(start_year=start_year)
            self.school_years[start_year] = year_id
            self.w[FeeRule].add(school_year_id=year_id, visit_fee_ore=200_000, central_share_ore=100_000,
                                visiting_share_ore=100_000, establishment_support_ore=1_000_000)
        self.w[BillingSettings].add(id=1, updated_at=self.now - datetime.timedelta(days=400))
        # The central administration. The first of each role is the one the benchmark logs in as.
        self.targets["administrator"] = self.user(email="administrator@bench.example.se", role="administrator")[0]
        self.user(email="handlaggare2@bench.example.se", role="administrator")
        self.user(email="handlaggare3@bench.example.se", role="administrator")
        director = self.user(email="direktor@bench.example.se", name="Dana Direktör", role="director")
        self.director = director
        self.targets["director"] = director[0]
        self.targets["finance"] = self.user(email="ekonomi@bench.example.se", role="finance")[0]
        self.finance = self.targets["finance"]
        self.user(email="ekonomi2@bench.example.se", role="finance")

    def schools(self) -> None:
        from inspira.accounts.models import Membership
        from inspira.schools.models import School
        from inspira.visits.models import SchoolVisitSettings

        through = School.school_forms.through
        names: set[str] = set()
        self.school_rows: list[SchoolRow] = []
        for i in range(self.scale.schools):
            name = f"{self.rng.choice(PLACES)} {self.rng.choice(KINDS)}"
            if name in names:
                name = f"{name} {i}"
            names.add(name)
            row = SchoolRow(id=0, name=name, unit_code=f"{20_000_000 + i * 7:08d}",
                            street=f"{self.rng.choice(PLACES)[:-1]}vägen {self.rng.randint(1, 120)}",
                            postal_code=f"1{self.rng.randint(1000, 6999):04d}", reference=f"KST{3000 + i}",
                            email=f"skola{i}@bench.example.se", district_id=self.rng.choice(self.districts))
            school = row.as_school()
            row.id = self.w[School].add(
                name=row.name, unit_code=row.unit_code, organisation_number=school.organisation_number,
                district_id=row.district_id, street_address=row.street, postal_code=row.postal_code,
                city="Stockholm", invoice_address=school.invoice_address, invoice_reference=row.reference,
                contact_email=row.email, created_at=self.now - datetime.timedelta(days=900))
            kind = self.rng.random()
            codes = (["forskola"] if kind < 0.15 else ["gymnasieskola"] if kind < 0.25
                     else ["forskoleklass", "grundskola", "fritidshem"] if kind < 0.6 else ["grundskola"])
            for code in codes:
                self.w[through].add(school_id=row.id, schoolform_id=self.forms[code])
            row.principal = self.user(email=f"rektor{i}@bench.example.se")
            self.membership(row.principal[0], row.id, Membership.Role.PRINCIPAL)
            for n in range(2):
                person = self.user(email=f"larare{i}.{n}@bench.example.se")
                row.staff.append(person)
                self.membership(person[0], row.id, Membership.Role.STAFF)
            if self.rng.random() < 0.05:
                waiting = self.user(email=f"ny{i}@bench.example.se")
                self.membership(waiting[0], row.id, Membership.Role.STAFF, confirmed=False)
            if i > BOOKERS + 1 and self.rng.random() < 0.1:
                row.requires_approval = True
                self.w[SchoolVisitSettings].add(school_id=row.id, requires_principal_approval=True,
                                                updated_by_id=row.principal[0])
            self.school_rows.append(row)

    # Applications, casework, decisions, certifications -----------------------------------------------------

    def _trail(self, application_id: int, steps: list[tuple[str, str, datetime.datetime, int | None, str]]) -> None:
        from inspira.certification.models import ApplicationStatusChange

        for from_status, to_status, at, actor, description in steps:
            self.w[ApplicationStatusChange].add(application_id=application_id, from_status=from_status,
                                                to_status=to_status, actor_id=actor, actor_description=description,
                                                at=at)

    def application(self, school: SchoolRow, status: str, *, created: datetime.datetime, previous: int | None = None,
                    decided_on: datetime.date | None = None) -> int:
        """An application that has reached ``status``, with everything that stage has written."""
        from inspira.certification.models import (
            Application,
            ApplicationContact,
            ApplicationPlanItem,
            BasisDocument,
            ContactLogEntry,
            Endorsement,
        )

        rng = self.rng
        applicant = rng.choice(school.staff)
        area = rng.choice(AREAS)
        order = ["draft", "awaiting_endorsement", "submitted", "in_preparation", "sent_to_director", "approved"]
        reached = order.index(status) if status in order else (5 if status == "rejected" else 2)
        t = [created + datetime.timedelta(days=d) for d in (0, 6, 10, 20, 45, 60)]
        if decided_on is not None:
            # The decision is the last step: put the earlier ones before it.
            end = _stockholm(decided_on, 10)
            t = [end - datetime.timedelta(days=d) for d in (60, 54, 50, 40, 15, 0)]
        application_id = self.w[Application].add(
            school_id=school.id, applicant_id=applicant[0], status=status,
            team_name="Arbetslag Ekorren" if rng.random() < 0.1 else "",
            area_title=area,
            area_description=(f"Vi arbetar med {area.lower()} sedan flera år. Besökarna får se undervisningen, "
                              "prata med elever och lärare och ta med sig material och planeringar hem.\n\n"
                              "Vi delar gärna med oss av både det som fungerat och det vi har fått ändra på."),
            experience_since=t[0].date() - datetime.timedelta(days=rng.randint(400, 2000)),
            plan_introduction="Ett halvdagsbesök med lektionsbesök och samtal.",
            grades=rng.sample(["F", "1", "2", "3", "4", "5", "6", "7", "8", "9"], 3),
            subjects=", ".join(rng.sample(SUBJECTS, rng.randint(1, 3))),
            commits_to_five_visits=True, principal_id=school.principal[0], principal_name=school.principal[1],
            principal_email=school.principal[2], endorsement_round=1 if reached >= 1 else 0,
            previous_application_id=previous,
            created_at=t[0], updated_at=t[min(reached, 5)], submitted_at=t[1] if reached >= 1 else None,
            endorsed_at=t[2] if reached >= 2 else None,
        )
        through = Application.school_forms.through
        for code in rng.sample(["forskoleklass", "grundskola", "fritidshem"], rng.randint(1, 2)):
            self.w[through].add(application_id=application_id, schoolform_id=self.forms[code])
        start = datetime.time(8, 30)
        for position, activity in enumerate(["Välkommen och introduktion", "Lektionsbesök", "Fika",
                                             "Samtal med lärare och elever", "Sammanfattning och frågor"]):
            end = (datetime.datetime.combine(self.today, start) + datetime.timedelta(minutes=40)).time()
            self.w[ApplicationPlanItem].add(application_id=application_id, position=position, start_time=start,
                                            end_time=end, activity=activity)
            start = end
        self.w[ApplicationContact].add(application_id=application_id, position=0, name=applicant[1],
                                       email=applicant[2], phone="08-508 111 11")
        trail = [("", "draft", t[0], applicant[0], applicant[1])]
        if reached >= 1:
            trail.append(("draft", "awaiting_endorsement", t[1], applicant[0], applicant[1]))
            self.w[Endorsement].add(application_id=application_id, round=1, principal_id=school.principal[0],
                                    principal_name=school.principal[1], principal_email=school.principal[2],
                                    token_hash=uuid.uuid4().hex * 2, sent_at=t[1],
                                    decided_at=t[2] if reached >= 2 else None,
                                    decision="endorse" if reached >= 2 else "",
                                    decided_by_role="principal" if reached >= 2 else "")
        if reached >= 2:
            trail.append(("awaiting_endorsement", "submitted", t[2], school.principal[0],
                          f"{school.principal[1]} (rektor)"))
        if status == "withdrawn":
            trail.append(("submitted", "withdrawn", t[3], applicant[0], applicant[1]))
        elif reached >= 3:
            administrator = self.targets["administrator"]
            trail.append(("submitted", "in_preparation", t[3], administrator, "Handläggare"))
            for n in range(rng.randint(1, 3)):
                self.w[ContactLogEntry].add(application_id=application_id,
                                            date=(t[3] + datetime.timedelta(days=n)).date(),
                                            channel=rng.choice(["phone", "email", "meeting"]),
                                            note="Vi gick igenom upplägget för besöken.", created_by_id=administrator,
                                            created_at=t[3] + datetime.timedelta(days=n))
            sent = reached >= 4
            self.w[BasisDocument].add(
                application_id=application_id, summary="Skolan uppfyller kriterierna.",
                content_assessment="Tydligt upplägg för en halvdag.", experience_assessment="Flera års erfarenhet.",
                leadership_assessment="Rektor har tillstyrkt.", capacity_assessment="Kan ta emot fem besök per läsår.",
                recommendation="approve" if status != "rejected" else "reject",
                proposed_start_date=(t[5] + datetime.timedelta(days=14)).date() if sent else None,
                updated_at=t[4] if sent else t[3], updated_by_id=administrator,
                sent_to_director_at=t[4] if sent else None, sent_to_director_by_id=administrator if sent else None,
            )
            if sent:
                trail.append(("in_preparation", "sent_to_director", t[4], administrator, "Handläggare"))
            if reached >= 5:
                trail.append(("sent_to_director", status, t[5], self.director[0], self.director[1]))
        self._trail(application_id, trail)
        return application_id

    def decision(self, application_id: int, outcome: str, *, at: datetime.datetime,
                 start_date: datetime.date | None) -> int:
        from inspira.certification.models import Decision
        from inspira.core.models import AuditEvent

        self.decision_numbers[at.year] += 1
        reference = f"INSP-{at.year}-{self.decision_numbers[at.year]:04d}"
        pk = self.w[Decision].add(application_id=application_id, reference=reference, outcome=outcome,
                                  start_date=start_date, reasons="Ansökan uppfyller programmets krav."
                                  if outcome == "approve" else "Erfarenheten av området är för kort.",
                                  decided_by_id=self.director[0], decided_by_name=self.director[1], decided_at=at)
        self.w[AuditEvent].add(at=at, actor_id=self.director[0], action="decision.make",
                               object_type="certification.decision", object_id=str(pk),
                               summary=f"Beslut {reference}", data={"reference": reference, "outcome": outcome})
        return pk

    def certify(self, site: Site, starts_on: datetime.date, *, previous: int | None) -> tuple[int, int]:
        from inspira.certification.models import Certification, EstablishmentSupportPayment

        decided = _stockholm(starts_on - datetime.timedelta(days=14), 10)
        application_id = self.application(site.school, "approved", created=decided, previous=previous,
                                          decided_on=decided.date())
        decision_id = self.decision(application_id, "approve", at=decided, start_date=starts_on)
        ends_on = _years_later(starts_on, 2) - datetime.timedelta(days=1)
        certification_id = self.w[Certification].add(school_id=site.school.id, application_id=application_id,
                                                     decision_id=decision_id, starts_on=starts_on, ends_on=ends_on,
                                                     created_at=decided)
        due = decided.date() + datetime.timedelta(days=30)
        paid = due < self.today - datetime.timedelta(days=10)
        self.w[EstablishmentSupportPayment].add(
            certification_id=certification_id, school_year_id=self.school_years[_school_year_start(decided.date())],
            amount_ore=1_000_000, due_on=due, paid_on=due - datetime.timedelta(days=3) if paid else None,
            paid_marked_by_id=self.finance if paid else None, created_at=decided)
        site.certifications.append((certification_id, starts_on, ends_on))
        return application_id, certification_id

    def sites(self) -> None:
        from inspira.accounts.models import Membership
        from inspira.catalogue.models import SiteDocumentation

        rng = self.rng
        chosen = [self.school_rows[0], self.school_rows[1]] + rng.sample(self.school_rows[2:], self.scale.sites - 2)
        self.site_list: list[Site] = []
        for n, school in enumerate(chosen):
            contact = self.user(email=f"kontakt{school.id}@bench.example.se")
            self.membership(contact[0], school.id, Membership.Role.SITE_CONTACT)
            # Site 0 is the one whose pages the benchmark loads: an average site, documented.
            site = Site(school=school, contact=contact, weight=1.0 if n < 2 else rng.uniform(0.25, 1.75))
            starts_on = self.today - datetime.timedelta(days=300 if n < 2 else rng.randint(7, 700))
            previous = None
            if n == 0 or (n > 1 and rng.random() < 0.35):
                previous, _ = self.certify(site, _years_later(starts_on, -2), previous=None)
            site.current_application, certification_id = self.certify(site, starts_on, previous=previous)
            if n == 0 or (starts_on < self.today - datetime.timedelta(days=90) and rng.random() < 0.75):
                site.documentation = True
                published = _stockholm(starts_on + datetime.timedelta(days=60), 14)
                self.w[SiteDocumentation].add(
                    certification_id=certification_id, is_published=True, published_at=published,
                    first_published_at=published, updated_by_id=contact[0], created_at=published,
                    updated_at=published,
                    text="\n\n".join(["Så här arbetar vi, och varför: en dokumentation av arbetssättet med "
                                      "exempel från klassrummet."] * 4),
                    film_link="https://video.example.se/inspirationsplats" if rng.random() < 0.3 else "",
                )
            self.site_list.append(site)
        self.targets["site"] = self.site_list[0].certifications[-1][0]
        self.targets["host"] = self.site_list[0].contact[0]
        self.targets["booking_site"] = self.site_list[1].certifications[-1][0]

    def queues(self) -> None:
        """Applications that are not (yet) sites: in every stage of the school's, the administration's and
        the director's work."""
        rng = self.rng
        sites = {site.school.id for site in self.site_list}
        others = [s for s in self.school_rows if s.id not in sites] or self.school_rows
        n = self.scale.sites
        counts = {"submitted": max(3, n // 10), "in_preparation": max(2, n // 12), "sent_to_director": max(2, n // 16),
                  "draft": max(3, n // 5), "awaiting_endorsement": max(1, n // 15), "withdrawn": max(1, n // 20),
                  "rejected": max(1, n // 10)}
        for status, count in counts.items():
            for _i in range(count):
                school = rng.choice(others)
                if status == "rejected":
                    decided = self.now - datetime.timedelta(days=rng.randint(20, 600))
                    application_id = self.application(school, status, created=decided, decided_on=decided.date())
                    self.decision(application_id, "reject", at=decided, start_date=None)
                else:
                    created = self.now - datetime.timedelta(days=rng.randint(50, 120), hours=rng.randint(0, 23))
                    self.application(school, status, created=created)

    def numbers(self) -> None:
        from inspira.certification.models import DecisionNumberSeries

        for year, last in self.decision_numbers.items():
            self.w[DecisionNumberSeries].add(year=year, last_number=last)

    # Visits and money --------------------------------------------------------------------------------------------

    def visits(self) -> None:
        from inspira.billing.models import InvoiceNumberSeries

        self.bookers: list[tuple[int, int]] = []
        self.invoice_ids_for_pdf: list[int] = []
        # Visits from two and a half school years back to five months ahead, while the site is certified:
        # a site certified last month has had few. Each site has its own pace (``weight``); the two sites
        # whose pages the benchmark loads get the same number at every scale (FIXED_VISITS).
        window_start = self.today - datetime.timedelta(days=850)
        horizon = self.today + datetime.timedelta(days=150)
        periods_of = {}
        for site in self.site_list:
            periods_of[id(site)] = [(cid, max(s, window_start), min(e, horizon)) for cid, s, e in site.certifications
                                    if e >= window_start]
        days = {id(site): sum((e - s).days for _c, s, e in periods_of[id(site)]) for site in self.site_list}
        pace = sum(site.weight * days[id(site)] for site in self.site_list[2:]) or 1
        rest = self.scale.visits - 2 * FIXED_VISITS
        for n, site in enumerate(self.site_list):
            visits = FIXED_VISITS if n < 2 else round(rest * site.weight * days[id(site)] / pace)
            host_invoices: list[dict] = []
            central_entries: list[tuple] = []
            periods = periods_of[id(site)]
            span = days[id(site)] or 1
            for certification_id, start, end in periods:
                share = round(visits * (end - start).days / span)
                self._site_visits(site, certification_id, start, end, share, host_invoices, central_entries)
            if n == 1:
                self._bench_occasions(site, site.certifications[-1][0])
            self._central_invoices(site, central_entries, host_invoices)
            # Sequence numbers in the order of issue, per host, without gaps.
            host_invoices.sort(key=lambda inv: (inv["created_at"], inv["id"]))
            for sequence, invoice in enumerate(host_invoices, start=1):
                self._write_invoice(site, invoice, sequence)
            if host_invoices:
                self.w[InvoiceNumberSeries].add(school_id=site.school.id, last_number=len(host_invoices))
            if n == 0:
                # The invoices the load downloads: a few visit invoices, monthly invoices and a credit note.
                kinds = defaultdict(list)
                for invoice in host_invoices:
                    kinds[(invoice["kind"], invoice["recipient_kind"])].append(invoice["id"])
                for ids in kinds.values():
                    self.invoice_ids_for_pdf += ids[-4:]
        self.targets["invoices"] = self.invoice_ids_for_pdf

    def _days(self, start: datetime.date, end: datetime.date, count: int) -> list[datetime.date]:
        days = []
        span = (end - start).days
        attempts = 0
        while len(days) < count and span > 0 and attempts < count * 10:
            attempts += 1
            day = start + datetime.timedelta(days=self.rng.randrange(span))
            if day.weekday() < 5 and day.month not in (7,) and not (day.month == 8 and day.day < 15):
                days.append(day)
        return sorted(days)

    def _occasion(self, site: Site, certification_id: int, day: datetime.date, capacity: int,
                  cancelled: bool = False) -> tuple[int, datetime.datetime]:
        from inspira.visits.models import Occasion

        morning = self.rng.random() < 0.6
        start, end = ((datetime.time(8, 30), datetime.time(12)) if morning
                      else (datetime.time(13), datetime.time(16, 30)))
        created = min(self.now, _stockholm(day, 9) - datetime.timedelta(days=self.rng.randint(20, 90)))
        pk = self.w[Occasion].add(
            certification_id=certification_id, date=day, slot="morning" if morning else "afternoon",
            start_time=start, end_time=end, place=f"{site.school.name}, {site.school.street}. Samling i entrén.",
            capacity=capacity, note="Ta gärna med innesskor." if self.rng.random() < 0.2 else "",
            uid=uuid.UUID(int=self.rng.getrandbits(128), version=4), created_by_id=site.contact[0],
            created_at=created, updated_at=created,
            cancelled_at=created + datetime.timedelta(days=5) if cancelled else None,
            cancelled_by_id=site.contact[0] if cancelled else None,
            cancellation_reason="Sjukdom i arbetslaget." if cancelled else "",
        )
        return pk, datetime.datetime.combine(day, start, tzinfo=STOCKHOLM)

    def _site_visits(self, site: Site, certification_id: int, start: datetime.date, end: datetime.date, visits: int,
                     host_invoices: list, central_entries: list) -> None:
        from inspira.visits.models import WaitingListEntry

        rng = self.rng
        occasions = max(1, round(visits / 2))  # two visiting schools per occasion on average
        candidates = [s for s in self.school_rows if s.id != site.school.id]
        for day in self._days(start, end, occasions):
            cancelled = rng.random() < 0.02
            groups = rng.choice([1, 1, 2, 2, 2, 3, 3])
            schools = rng.sample(candidates, min(groups, len(candidates)))
            sizes = [rng.randint(2, 8) for _ in schools]
            future = day >= self.today
            full = future and not cancelled and rng.random() < 0.04
            capacity = sum(sizes) if full else max(20, sum(sizes) + rng.randint(0, 15))
            occasion_id, starts_at = self._occasion(site, certification_id, day, capacity, cancelled)
            for school, size in zip(schools, sizes, strict=True):
                self._booking(site, certification_id, occasion_id, starts_at, school, size, cancelled,
                              host_invoices, central_entries)
            if full:
                for school in rng.sample([s for s in candidates if s not in schools], 2):
                    booker = rng.choice(school.staff)
                    self.w[WaitingListEntry].add(
                        occasion_id=occasion_id, school_id=school.id, user_id=booker[0], participants=3,
                        contact_name=booker[1], contact_email=booker[2], status="waiting",
                        created_at=min(self.now, starts_at - datetime.timedelta(days=10)))

    def _booking(self, site: Site, certification_id: int, occasion_id: int, starts_at: datetime.datetime,
                 school: SchoolRow, size: int, occasion_cancelled: bool, host_invoices: list,
                 central_entries: list) -> None:
        from inspira.visits.models import Booking, BookingOutcomeChange, Feedback

        rng = self.rng
        booker = rng.choice(school.staff)
        created = min(self.now - datetime.timedelta(hours=1), starts_at - datetime.timedelta(days=rng.randint(7, 80)))
        day = starts_at.date()
        future = starts_at > self.now
        status = "confirmed"
        extra = {"confirmed_at": created}
        if occasion_cancelled or rng.random() < 0.05:
            status = "cancelled"
            by_host = occasion_cancelled or rng.random() < 0.3
            extra.update(cancelled_at=created + datetime.timedelta(days=3),
                         cancelled_by_id=site.contact[0] if by_host else booker[0], cancelled_by_host=by_host,
                         cancellation_reason="Vi kan tyvärr inte.")
        elif future:
            if school.requires_approval and rng.random() < 0.5 and starts_at > self.now + datetime.timedelta(days=3):
                status, extra = "held", {"hold_expires_at": self.now + datetime.timedelta(hours=48)}
        elif day < self.today - datetime.timedelta(days=45) or rng.random() < 0.8:
            status = "completed" if rng.random() < 0.96 else "not_carried_out"
        marked = _stockholm(day, 15) + datetime.timedelta(days=rng.choice([0, 0, 1, 2, 5]))
        marked = min(marked, self.now - datetime.timedelta(minutes=5))
        # A few completions of this month are undone (an administrator, with a reason) and the visit is
        # then marked not carried out: reversing entries and a credit note (see _fees).
        undone = None
        if status == "completed" and day >= self.today.replace(day=1) and rng.random() < 0.08:
            undone = min(self.now - datetime.timedelta(minutes=1), marked + datetime.timedelta(days=1))
        if status in ("completed", "not_carried_out"):
            extra.update(outcome_marked_at=undone or marked, outcome_marked_by_id=site.contact[0])
        booking_id = self.w[Booking].add(
            occasion_id=occasion_id, school_id=school.id, booked_by_id=booker[0], participants=size,
            contact_name=booker[1], contact_email=booker[2], status="not_carried_out" if undone else status,
            idempotency_key=uuid.UUID(int=rng.getrandbits(128), version=4),
            uid=uuid.UUID(int=rng.getrandbits(128), version=4), created_at=created, updated_at=created, **extra)
        if status == "not_carried_out":
            self.w[BookingOutcomeChange].add(booking_id=booking_id, action="not_carried_out", at=marked,
                                             by_id=site.contact[0])
        if status != "completed":
            return
        self.w[BookingOutcomeChange].add(booking_id=booking_id, action="completed", at=marked, by_id=site.contact[0])
        if rng.random() < 0.6:
            submitted = min(self.now, marked + datetime.timedelta(days=rng.randint(1, 10)))
            self.w[Feedback].add(booking_id=booking_id, rating=rng.choice([3, 4, 4, 5, 5, 5]),
                                 takeaways=rng.choice(TAKEAWAYS), questions="Hur gör ni med planeringstiden?",
                                 submitted_by_id=booker[0], submitted_at=submitted)
        self._fees(site, certification_id, booking_id, day, school, marked, host_invoices, central_entries, undone)

    def _fees(self, site: Site, certification_id: int, booking_id: int, day: datetime.date, school: SchoolRow,
              at: datetime.datetime, host_invoices: list, central_entries: list,
              undone: datetime.datetime | None) -> None:
        from inspira.billing.models import FeeEntry
        from inspira.visits.models import BookingOutcomeChange

        common = {
            "booking_id": booking_id, "certification_id": certification_id, "host_id": site.school.id,
            "school_year_id": self.school_years[_school_year_start(day)], "visit_date": day,
            "rule_visit_fee_ore": 200_000, "rule_central_share_ore": 100_000, "rule_visiting_share_ore": 100_000,
            "vat_rate_percent": 0, "vat_exemption_text": VAT_EXEMPTION, "recorded_at": at,
            "recorded_by_id": site.contact[0],
        }
        visiting = self.w[FeeEntry].add(payer="visiting_school", payer_school_id=school.id, amount_ore=100_000,
                                        **common)
        central = self.w[FeeEntry].add(payer="central", payer_school_id=None, amount_ore=100_000, **common)
        site_name = site.school.name
        invoice = {
            "id": self._invoice_id(), "kind": "invoice", "recipient_kind": "visiting_school", "school": school,
            "booking_id": booking_id, "created_at": at, "period": (day, day), "note": self.texts["visit_note"],
            "lines": [(visiting, self.texts["visit_line"] % {"date": day.isoformat(), "site": site_name}, day,
                       100_000)],
        }
        host_invoices.append(invoice)
        if undone is not None:
            self.w[BookingOutcomeChange].add(booking_id=booking_id, action="undone", at=undone,
                                             by_id=self.targets["administrator"], reason="Besöket blev inte av.")
            self.w[BookingOutcomeChange].add(booking_id=booking_id, action="not_carried_out", at=undone,
                                             by_id=site.contact[0])
            reversals = {}
            for entry_id, payer, payer_school in ((visiting, "visiting_school", school.id), (central, "central", None)):
                fields = {**common, "recorded_at": undone, "recorded_by_id": self.targets["administrator"]}
                reversals[payer] = self.w[FeeEntry].add(payer=payer, payer_school_id=payer_school, amount_ore=-100_000,
                                                        reverses_id=entry_id, **fields)
            host_invoices.append({
                "id": self._invoice_id(), "kind": "credit_note", "recipient_kind": "visiting_school", "school": school,
                "booking_id": booking_id, "created_at": undone, "period": (day, day), "credits": invoice,
                "lines": [(reversals["visiting_school"],
                           self.texts["credit_line"] % {"description": invoice["lines"][0][1]}, day, 100_000)],
            })
        else:
            central_entries.append((central, day, school.name))

    def _details(self, school: SchoolRow | None, *, issuer: bool) -> dict:
        """A party as the invoice services copy it onto an invoice (services._school_details)."""
        from inspira.billing import services

        key = (school.id if school else None, issuer)
        if key not in self._party_cache:
            self._party_cache[key] = (
                services._school_details(school.as_school(), issuer=issuer, billing=self.billing) if school
                else services._central_details(self.billing))
        return self._party_cache[key]

    def _invoice_id(self) -> int:
        from inspira.billing.models import Invoice

        table = self.w[Invoice]
        pk = table.next_id
        table.next_id += 1
        return pk

    def _central_invoices(self, site: Site, entries: list, host_invoices: list) -> None:
        """Each ended month's central shares on one invoice to the central administration, issued on the
        first of the next month (the monthly job)."""
        by_month = defaultdict(list)
        for entry in entries:
            by_month[entry[1].replace(day=1)].append(entry)
        this_month = self.today.replace(day=1)
        for month, items in sorted(by_month.items()):
            if month >= this_month:
                continue  # not invoiced yet: the month has not ended
            next_month = (month + datetime.timedelta(days=32)).replace(day=1)
            last = next_month - datetime.timedelta(days=1)
            items.sort(key=lambda item: (item[1], item[0]))
            host_invoices.append({
                "id": self._invoice_id(), "kind": "invoice", "recipient_kind": "central", "school": None,
                "booking_id": None, "created_at": _stockholm(next_month, 2), "period": (month, last),
                "note": self.texts["central_note"] % {"date": last.isoformat()},
                "lines": [(entry_id, self.texts["central_line"] % {"date": day.isoformat(), "school": name}, day,
                           100_000) for entry_id, day, name in items],
            })

    def _write_invoice(self, site: Site, invoice: dict, sequence: int) -> None:
        from inspira.billing import services
        from inspira.billing.models import Invoice, InvoiceLine
        from inspira.core.models import AuditEvent, OutboxItem

        rng = self.rng
        issuer = site.school
        number = f"{issuer.unit_code}-{sequence:04d}"
        invoice["number"] = number
        at: datetime.datetime = invoice["created_at"]
        issue_date = at.astimezone(STOCKHOLM).date()
        invoice["issue_date"] = issue_date
        credit = invoice["kind"] == "credit_note"
        total = sum(line[3] for line in invoice["lines"])
        recipient = invoice["school"]
        if credit:
            original = invoice["credits"]
            issuer_details, recipient_details = original["issuer_details"], original["recipient_details"]
            terms = self.texts["credit_terms"] % {"number": original["number"],
                                                 "date": original["issue_date"].isoformat()}
            note = self.texts["credit_note"] % {"number": original["number"]}
            due = None
        else:
            issuer_details = self._details(site.school, issuer=True)
            recipient_details = self._details(recipient, issuer=False)
            due = issue_date + datetime.timedelta(days=30)
            terms = self.texts["terms"] % {"date": due.isoformat(), "bankgiro": self.billing.bankgiro,
                                           "number": number}
            note = invoice["note"]
        invoice["issuer_details"], invoice["recipient_details"] = issuer_details, recipient_details
        done = at + datetime.timedelta(minutes=2)
        paid = not credit and due < self.today - datetime.timedelta(days=5) and rng.random() < 0.9
        paid_on = min(self.today, due - datetime.timedelta(days=rng.randint(0, 20))) if paid else None
        self.w[Invoice].add(
            id=invoice["id"], kind=invoice["kind"], recipient_kind=invoice["recipient_kind"], issuer_id=issuer.id,
            recipient_school_id=recipient.id if recipient else None, booking_id=invoice["booking_id"],
            credits_id=invoice["credits"]["id"] if credit else None, sequence=sequence, number=number,
            issue_date=issue_date, due_date=due, period_start=invoice["period"][0], period_end=invoice["period"][1],
            issuer_details=issuer_details, recipient_details=recipient_details,
            recipient_name=recipient_details["name"], buyer_reference=recipient_details["reference"],
            bankgiro="" if credit else self.billing.bankgiro, net_ore=total, vat_ore=0, total_ore=total,
            payment_terms=terms, note=note, created_at=at, created_by_id=None if invoice["booking_id"] is None
            else site.contact[0], rendered_at=None, sent_at=done, sent_to=recipient_details["email"],
            paid_on=paid_on, paid_marked_at=_stockholm(paid_on, 11) if paid else None,
            paid_marked_by_id=self.finance if paid else None, einvoice_handled_at=done,
            einvoice_result="Inte skickad: ingen Peppol-anslutning är inställd.",
        )
        for position, (entry_id, description, day, price) in enumerate(invoice["lines"], start=1):
            self.w[InvoiceLine].add(invoice_id=invoice["id"], position=position, fee_entry_id=entry_id,
                                    description=description[:300], visit_date=day, quantity=1, unit_price_ore=price,
                                    vat_rate_percent=0, vat_exemption_text=VAT_EXEMPTION)
        for kind, key in ((services.INVOICE_PDF, "invoice-pdf"), (services.EINVOICE_DELIVERY, "einvoice")):
            self.w[OutboxItem].add(kind=kind, key=f"{key}:{invoice['id']}", payload={"invoice_id": invoice["id"]},
                                   state="done", attempts=1, created_at=at, claimed_at=done, done_at=done)
        self.w[AuditEvent].add(at=at, actor_id=None, action="credit_note.issue" if credit else "invoice.issue",
                               object_type="billing.invoice", object_id=str(invoice["id"]),
                               summary=f"{issuer.name} fakturerade {number} till {recipient_details['name']}"[:300],
                               data={"number": number, "total_ore": total,
                                     "credits": invoice["credits"]["number"] if credit else None})

    def _bench_occasions(self, site: Site, certification_id: int) -> None:
        """The occasions the booking POST books: far enough ahead, with room for every booker's school."""
        days = []
        day = self.today + datetime.timedelta(days=14)
        while len(days) < BENCH_OCCASIONS:
            if day.weekday() < 5:
                days += [day, day]
            day += datetime.timedelta(days=1)
        self.targets["occasions"] = [self._occasion(site, certification_id, d, BENCH_CAPACITY)[0]
                                     for d in days[:BENCH_OCCASIONS]]

    def events(self) -> None:
        """Every programme on with a coordinator, its events and the registrations on them. The average
        event has 30 registrations (registrations / events at every scale), some as few as 10, some full
        with a waiting list; the event whose organiser's page is loaded has the same rows at every scale."""
        from inspira.core.models import AuditEvent
        from inspira.events.models import Event, Registration
        from inspira.programmes.models import Programme, ProgrammeCoordinator

        rng = self.rng
        # The programmes' rows come from a migration: switch them on as an administrator would.
        Programme.objects.update(is_active=True)
        programmes = dict(Programme.objects.values_list("key", "pk"))
        names = {key: str(Programme(key=key).name) for key in programmes}
        coordinators = {}
        for key, programme_id in programmes.items():
            person = self.user(email=f"samordnare.{key}@bench.example.se")
            coordinators[key] = person[0]
            self.w[ProgrammeCoordinator].add(programme_id=programme_id, user_id=person[0],
                                             created_at=self.now - datetime.timedelta(days=500))
        # The registrations per event: 30 on average, moved between events at random (the sum stays).
        counts = [self.scale.registrations // self.scale.events] * self.scale.events
        counts[0] = TARGET_EVENT_CAPACITY + TARGET_EVENT_WAITING + TARGET_EVENT_CANCELLED
        counts[1] += self.scale.registrations - sum(counts)
        for _i in range(self.scale.events * 2):
            a, b = rng.randrange(1, len(counts)), rng.randrange(1, len(counts))
            move = rng.randint(0, max(0, min(counts[a] - 10, 60 - counts[b], 15)))
            counts[a] -= move
            counts[b] += move
        people = [(person[0], school.id) for school in self.school_rows for person in (*school.staff, school.principal)]
        keys = sorted(programmes)
        for n, registrations in enumerate(counts):
            key = "tailor_made" if n == 0 else keys[n % len(keys)]
            kind, title = rng.choice(EVENT_KINDS[key])
            # A year and a half back to half a year ahead; the loaded event is a week ahead.
            day = self.today + datetime.timedelta(days=7 if n == 0 else rng.randint(-540, 180))
            starts = _stockholm(day, rng.choice([9, 13, 15]))
            ends = starts + datetime.timedelta(hours=3 if kind in ("kick_off", "closing", "seminar") else 2)
            created = starts - datetime.timedelta(days=rng.randint(20, 60))
            public = n != 0 and rng.random() < 0.5
            cancelled = n != 0 and rng.random() < 0.03
            online = kind in ("chat", "focus_group") or rng.random() < 0.2
            capacity = TARGET_EVENT_CAPACITY if n == 0 else max(registrations, rng.choice([20, 25, 30, 40, 60]))
            if key == "cooperation" and kind == "closing":
                capacity = max(capacity, 60)
            event_title = title.format(rng.choice(AREAS))
            event_id = self.w[Event].add(
                programme_id=programmes[key], title=event_title, kind=kind,
                description="Vi ses för erfarenhetsutbyte och samtal om hur arbetet går vidare.",
                starts_at=starts, ends_at=ends, place="" if online else f"{rng.choice(PLACES)} skola, aulan",
                online_link="https://moten.bench.example.se/" + uuid.UUID(int=rng.getrandbits(128)).hex
                if online else "", district_id=rng.choice(self.districts) if public else None, capacity=capacity,
                quota_per_school=4 if public else None, registration_opens_at=None,
                registration_closes_at=starts - datetime.timedelta(days=2), cancellation_deadline=None,
                is_public=public, cancelled_at=created + datetime.timedelta(days=10) if cancelled else None,
                cancellation_reason="Föreläsaren är sjuk." if cancelled else "", created_by_id=coordinators[key],
                created_at=created, uid=uuid.UUID(int=rng.getrandbits(128), version=4), sequence=1 if cancelled else 0)
            self.w[AuditEvent].add(at=created, actor_id=coordinators[key], action="event.created",
                                   object_type="events.event", object_id=str(event_id),
                                   summary=f"{event_title} ({names[key]})"[:300],
                                   data={"programme": key, "starts_at": starts.isoformat()})
            if n == 0:
                self.targets["event"] = event_id
                self.targets["coordinator"] = coordinators[key]
            past = ends < self.now
            confirmed = 0
            for m, (user_id, school_id) in enumerate(rng.sample(people, registrations)):
                at = created + datetime.timedelta(days=1, minutes=37 * m)
                if n == 0:
                    status = ("confirmed" if m < TARGET_EVENT_CAPACITY else
                              "waiting" if m < TARGET_EVENT_CAPACITY + TARGET_EVENT_WAITING else "cancelled")
                elif rng.random() < 0.06:
                    status = "cancelled"
                else:
                    status = "confirmed" if confirmed < capacity else "waiting"
                if status == "waiting" and past:
                    status = "expired"  # the line ends with the event
                confirmed += status == "confirmed"
                marked = past and status == "confirmed" and not cancelled
                self.w[Registration].add(
                    event_id=event_id, user_id=user_id, school_id=school_id, is_group=False, participants=1,
                    status=status, created_at=at, closed_at=at + datetime.timedelta(days=3)
                    if status in ("cancelled", "expired") else None,
                    attended=(rng.random() < 0.88) if marked else None,
                    attendance_marked_at=ends + datetime.timedelta(hours=2) if marked else None, answers={})

    def bookers(self) -> None:
        """Teachers, each of a different school (not the booking site's), who book in the load."""
        from inspira.accounts.models import Membership

        booking_school = self.site_list[1].school.id
        schools = [s for s in self.school_rows if s.id != booking_school and not s.requires_approval][:BOOKERS]
        assert len(schools) == BOOKERS, "not enough schools for the bookers"
        self.targets["bookers"] = []
        for n, school in enumerate(schools):
            person = self.user(email=f"bokare{n}@bench.example.se")
            self.membership(person[0], school.id, Membership.Role.STAFF)
            self.targets["bookers"].append([person[0], school.id])


def check_foreign_keys(cursor, models) -> dict[str, int]:
    """What the foreign-key triggers would have refused: one anti-join per foreign key of ``models``."""
    broken = {}
    for model in models:
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.remote_field is None or not f.db_constraint:
                continue
            target = f.target_field
            cursor.execute(
                f'SELECT count(*) FROM "{model._meta.db_table}" c WHERE c."{f.column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
                f'(SELECT 1 FROM "{target.model._meta.db_table}" p WHERE p."{target.column}" = c."{f.column}")'
            )
            missing = cursor.fetchone()[0]
            if missing:
                broken[f"{model._meta.label}.{f.name}"] = missing
    return broken


def build(scale_name: str, *, seed: int = 2026) -> dict:
    """Write the scale's data into the (migrated, empty) database of the settings. Returns the
    benchmark's targets (ids) and the row counts."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    scale = SCALES[scale_name]
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys are checked once, set-wise, after the load (check_foreign_keys) rather than by a
        # trigger per row: "replica" turns the triggers off for this transaction (a superuser may).
        cursor.execute("SET LOCAL session_replication_role = replica")
        writer = Writer(cursor.cursor, now)
        builder = Builder(scale, writer=writer, today=timezone.localdate(now), seed=seed + ord(scale_name))
        builder.base()
        builder.schools()
        builder.sites()
        builder.queues()
        builder.bookers()
        builder.visits()
        builder.numbers()
        builder.events()
        writer.flush()
        broken = check_foreign_keys(cursor, [table.model for table in writer.tables.values()])
        if broken:
            raise RuntimeError(f"rows pointing at nothing: {broken}")
    generated = time.perf_counter() - started
    # Move every sequence past the keys written here, then give the planner its statistics.
    from io import StringIO

    out = StringIO()
    labels = [config.label for config in apps.get_app_configs()]
    call_command("sqlsequencereset", *labels, stdout=out, no_color=True)
    with connection.cursor() as cursor:
        cursor.execute(out.getvalue())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # Django runs in autocommit outside atomic()
    counts = {table.model._meta.label: table.count for table in writer.tables.values()}
    return {
        "scale": scale_name,
        "targets": builder.targets,
        "rows": counts,
        "rows_total": sum(counts.values()),
        "seconds_generate_and_copy": round(generated, 1),
        "seconds_total": round(time.perf_counter() - started, 1),
    }
