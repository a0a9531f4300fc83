"""Load the demo data (fixtures/demo.json) and print the demo logins.

Safe to run again: the fixture has fixed primary keys, so a second run updates the same
rows, and the fee rules of the current and the previous school year are only created if
they are missing. Then, through the real services: Stockholm's school units come from the
recorded answer of Skolverket's register (fixtures/skolenhetsregistret/, inspira.schools.demo),
Katarina Södra skola is certified today with occasions ahead and a booking
(inspira.certification.demo, inspira.visits.demo), and
Fridhemsskolan holds a year and a half of history with the money it made
(inspira.portal.demo). Every programme is switched on with a coordinator of its own
(inspira.programmes.demo) and has events past and coming, registrations, attendance and one closed
evaluation survey (inspira.events.demo). Benchmarking holds a round in progress (published groups, visits
behind and ahead, one held, a claim waiting for finance) and the finished round a year before it
(inspira.benchmarking.demo). Pedagogcentrum has tailor-made efforts in every state, and the cooperation
programme "Samverkan för bästa skola" is in its third year with its closing seminar held
(inspira.efforts.demo). The teacher panel has members, a closed survey with results, a past chat with its
transcript and open follow-ups, and a published good example (inspira.panel.demo).
"""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.benchmarking import demo as benchmarking_demo
from inspira.certification import demo as certification_demo
from inspira.efforts import demo as efforts_demo
from inspira.events import demo as events_demo
from inspira.panel import demo as panel_demo
from inspira.portal import demo as history_demo
from inspira.programmes import demo as programmes_demo
from inspira.schools import demo as schools_demo
from inspira.schools.models import District, School
from inspira.schoolyears.models import FeeRule, SchoolYear, school_year_start
from inspira.visits import demo as visits_demo

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"

# The password of every demo person; the fixture stores its Argon2 hash.
DEMO_PASSWORD = "inspira-demo-2010"  # noqa: S105

# The programme's amounts for 2010/11 (in öre), used for the current school year too.
DEMO_FEES = {
    "visit_fee_ore": 200_000,
    "central_share_ore": 100_000,
    "visiting_share_ore": 100_000,
    "establishment_support_ore": 1_000_000,
}

# The field (or fields) that identify a row besides its primary key. loaddata overwrites
# whatever row has the fixture's primary key, so a row that is not the demo's own must
# never sit on one of those keys, and the demo's rows must not clash with unique values.
IDENTITY = {
    "schools.district": (District, ("name",)),
    "schools.school": (School, ("unit_code",)),
    "accounts.user": (User, ("email",)),
    "accounts.membership": (Membership, ("user", "school")),
    "schoolyears.schoolyear": (SchoolYear, ("start_year",)),
    "schoolyears.feerule": (FeeRule, ("school_year",)),
}


def _conflicts(objects: list[dict]) -> list[str]:
    problems = []
    for obj in objects:
        if obj["model"] not in IDENTITY:
            continue
        model, fields = IDENTITY[obj["model"]]
        key = {
            (f"{name}_id" if model._meta.get_field(name).is_relation else name): obj["fields"][name]
            for name in fields
        }
        label = f"{obj['model']} {key}"
        if model.objects.filter(**key).exclude(pk=obj["pk"]).exists():
            problems.append(f"{label} already exists with another id than the demo's {obj['pk']}")
        if model.objects.filter(pk=obj["pk"]).exclude(**key).exists():
            problems.append(f"{obj['model']} id {obj['pk']} is taken by a row that is not the demo's {key}")
    return problems


class Command(BaseCommand):
    help = "Load the demo schools, people and fee rules, and print the demo logins."

    def handle(self, *args, **options):
        objects = json.loads(FIXTURE.read_text(encoding="utf-8"))
        with transaction.atomic():
            problems = _conflicts(objects)
            if problems:
                raise CommandError(
                    "The database holds data that the demo would overwrite or clash with; "
                    "load the demo into an empty database.\n" + "\n".join(problems)
                )
            call_command("loaddata", str(FIXTURE), verbosity=0)
            year, rule_created = self._ensure_fee_rules()
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo data from {FIXTURE.name}."))
        if rule_created:
            self.stdout.write(f"Created the fee rule for the current school year {year.label}.")
        self._load_app_demos()
        self._print_logins()

    def _load_app_demos(self) -> None:
        # The history enqueues dozens of jobs; one line each would bury the logins printed below.
        jobs_log = logging.getLogger("django-q")
        level = jobs_log.level
        jobs_log.setLevel(max(level, logging.WARNING))
        try:
            schools_demo.load(stdout=self.stdout)
            schools_demo.load_register(stdout=self.stdout)
            programmes_demo.load(stdout=self.stdout)
            events_demo.load(stdout=self.stdout)
            benchmarking_demo.load(stdout=self.stdout)
            efforts_demo.load(stdout=self.stdout)
            panel_demo.load(stdout=self.stdout)
            certification_demo.load(stdout=self.stdout)
            visits_demo.load(stdout=self.stdout)
            history_demo.load(stdout=self.stdout)
        finally:
            jobs_log.setLevel(level)

    def _ensure_fee_rules(self) -> tuple[SchoolYear, bool]:
        """The current school year and whether its fee rule was created now.

        The current school year moves with the calendar, so it cannot be in the fixture. The
        previous one holds the demo's history, whose visits need a fee rule to be billed."""
        current = school_year_start(timezone.localdate())
        previous, _created = SchoolYear.objects.get_or_create(start_year=current - 1)
        FeeRule.objects.get_or_create(school_year=previous, defaults=DEMO_FEES)
        year, _created = SchoolYear.objects.get_or_create(start_year=current)
        _rule, created = FeeRule.objects.get_or_create(school_year=year, defaults=DEMO_FEES)
        return year, created

    def _print_logins(self) -> None:
        pks = [obj["pk"] for obj in json.loads(FIXTURE.read_text(encoding="utf-8"))
               if obj["model"] == "accounts.user"]
        extra = [email for email, _name, _school in benchmarking_demo.EXTRA_TEACHERS] + list(efforts_demo.EXTRA_LOGINS)
        rows = []
        people = User.objects.filter(Q(pk__in=pks) | Q(email__in=extra)).prefetch_related(
            "memberships__school", "programme_coordinations__programme", "led_cooperations").order_by("pk")
        for user in people:
            if user.role:
                rows.append((user.email, str(user.get_role_display()), ""))
            for coordination in user.programme_coordinations.all():
                rows.append((user.email, f"Coordinator of {coordination.programme.name}", ""))
            for cooperation in user.led_cooperations.all():
                rows.append((user.email, f"Process leader of {cooperation.title}", ""))
            for m in user.memberships.all():
                role = str(m.get_role_display())
                if not m.is_confirmed:
                    role += " (waiting for confirmation)"
                rows.append((user.email, role, m.school.name))
        widths = [max(len(row[i]) for row in [("Email", "Role", "School"), *rows]) for i in range(3)]
        self.stdout.write("")
        for row in [("Email", "Role", "School"), tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write("")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
