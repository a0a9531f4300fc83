"""The demo's history: a site certified in the previous school year and still current, whose visits
took place, were completed (some with feedback), were billed and invoiced, and one of which was undone
and credited, in the previous and the current school year.

Everything is made by the real services, each at the moment it would have happened: the loader pins the
clock (``pinned_clock``) and moves it forward, so the rows carry the dates a real year would have left
(decisions, bookings, fee entries, invoice numbers and dates, audit rows). Called by ``manage.py
load_demo``; idempotent: once Fridhemsskolan is certified, nothing here runs again.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from inspira.accounts.models import User
from inspira.billing import services as billing
from inspira.billing.models import Invoice
from inspira.certification.demo import certify_site
from inspira.certification.models import Certification, EstablishmentSupportPayment
from inspira.core import outbox
from inspira.core.democlock import Clock, pinned_clock
from inspira.core.models import OutboxItem
from inspira.schools.models import School
from inspira.schoolyears.models import school_year_start
from inspira.visits import services as visits
from inspira.visits.models import Occasion

SITE_UNIT_CODE = "72519036"  # Fridhemsskolan in fixtures/demo.json
SITE_CONTACT = "kontakt.fridhem@inspira.example"
TITLE = "Berättande skrivande med lärplattor i årskurs 4–6"
PLAN = [
    (datetime.time(8, 30), datetime.time(9, 0), "Välkomna: vi berättar hur vi kom igång"),
    (datetime.time(9, 0), datetime.time(10, 30), "Vi följer en skrivlektion i årskurs 5"),
    (datetime.time(10, 45), datetime.time(11, 30), "Eleverna visar sina berättelser"),
    (datetime.time(11, 30), datetime.time(12, 0), "Samtal med lärarna om bedömning och återkoppling"),
]
# A fixed namespace, so each demo booking has the same idempotency key on every run.
BOOKING_KEYS = uuid.UUID("3b0c2a57-5d7e-4d55-9a0e-8f1d6c4e2a91")


def _tuesday(year: int, month: int, week: int) -> datetime.date:
    """The ``week``-th Tuesday of the month: a school day clear of the usual breaks in the months used."""
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7, weeks=week - 1)


def _people() -> dict[str, User]:
    emails = {
        "host": SITE_CONTACT, "admin": "admin@inspira.example", "finance": "ekonomi@inspira.example",
        "farsta": "larare.farsta@inspira.example", "rinkeby": "larare.rinkeby@inspira.example",
        "katarina": "larare.katarina@inspira.example", "alsten": "rektor.alsten@inspira.example",
    }
    users = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    return {name: users[email] for name, email in emails.items()}


def _visit(clock: Clock, *, certification, host, visitor, day: datetime.date, participants: int):
    """Publish an occasion three weeks ahead, book it, and record the visit as completed the day after."""
    details = visits.OccasionDetails(
        slot=Occasion.Slot.MORNING, start_time=datetime.time(8, 30), end_time=datetime.time(12, 0),
        place="Fridhemsskolan, huvudentrén", capacity=8, note="Vi möts i huvudentrén.",
    )
    occasion = visits.occasion_create(certification=certification, actor=host, date=day, details=details,
                                      now=clock.set(day - datetime.timedelta(days=24), 9))
    school = visitor.memberships.filter(confirmed_at__isnull=False).get().school
    booking = visits.booking_create(
        occasion=occasion, school=school, booked_by=visitor, now=clock.set(day - datetime.timedelta(days=20), 14),
        idempotency_key=uuid.uuid5(BOOKING_KEYS, day.isoformat()),
        visitors=visits.Visitors(participants=participants, participant_names="", contact_name=visitor.name,
                                 contact_email=visitor.email, contact_phone=visitor.phone, message=""),
    )
    return visits.booking_complete(booking=booking, actor=host, now=clock.set(day + datetime.timedelta(days=1), 15))


def _central_run(clock: Clock, *, year: int, month: int, finance: User) -> None:
    first_of_next = datetime.date(year, month, 1) + datetime.timedelta(days=32)
    billing.central_invoices_issue(year=year, month=month, actor=finance,
                                   now=clock.set(first_of_next.replace(day=1), 7))


def _mark_paid(clock: Clock, *, invoice: Invoice, finance: User, after_days: int) -> None:
    paid_on = invoice.issue_date + datetime.timedelta(days=after_days)
    billing.invoice_mark_paid(invoice=invoice, actor=finance, paid_on=paid_on, now=clock.set(paid_on, 16))


def _history(clock: Clock, *, school: School, today: datetime.date) -> None:
    previous = school_year_start(today) - 1
    people = _people()
    host, finance = people["host"], people["finance"]
    clock.set(datetime.date(previous, 9, 15), 11)
    certify_site(
        school=school, applicant_email=SITE_CONTACT, principal_email="rektor.fridhem@inspira.example",
        title=TITLE, subjects="svenska", grades=["4", "5", "6"], plan=PLAN,
        plan_introduction="Vi skickar elevernas berättelser i förväg, så att ni kan läsa några.",
        description=(
            "Eleverna i årskurs 4–6 skriver, spelar in och ger varandra respons på berättelser med lärplattor. "
            "Ni ser en lektion, läser elevtexter och får våra mallar för planering och bedömning."
        ),
    )
    certification = Certification.objects.get(school=school, application__area_title=TITLE)
    payment = EstablishmentSupportPayment.objects.get(certification=certification)
    paid_on = datetime.date(previous, 10, 5)
    billing.support_payment_mark_paid(payment=payment, actor=finance, paid_on=paid_on, now=clock.set(paid_on, 13))

    # The previous school year: three visits completed and invoiced, one completed by mistake and undone.
    farsta = _visit(clock, certification=certification, host=host, visitor=people["farsta"],
                    day=_tuesday(previous, 10, 2), participants=4)
    visits.feedback_save(booking=farsta, rating=5, by=people["farsta"], now=clock.set(clock.at.date(), 19),
                         takeaways="Hur eleverna ger varandra respons, och mallen för bedömning. Vi börjar i vår "
                                   "femma redan nästa vecka.",
                         questions="Hur får ni tid att läsa alla berättelser?")
    rinkeby = _visit(clock, certification=certification, host=host, visitor=people["rinkeby"],
                     day=_tuesday(previous, 11, 3), participants=3)
    visits.feedback_save(booking=rinkeby, rating=4, by=people["rinkeby"], now=clock.set(clock.at.date(), 20),
                         takeaways="Inspelningarna: eleverna som inte vill läsa högt berättar gärna in sina texter.")
    _central_run(clock, year=previous, month=11, finance=finance)
    katarina = _visit(clock, certification=certification, host=host, visitor=people["katarina"],
                      day=_tuesday(previous + 1, 2, 1), participants=2)
    # The visit was cancelled on the day but marked completed by mistake: the administrator undoes it
    # (billing reverses the fees and credits the invoice) and the site records what happened.
    visits.booking_outcome_undo(booking=katarina, actor=people["admin"], now=clock.set(clock.at.date(), 16),
                                reason="Besöket ställdes in på morgonen på grund av sjukdom; "
                                       "markerat som genomfört av misstag.")
    visits.booking_mark_not_carried_out(booking=katarina, actor=host, now=clock.set(clock.at.date(), 17))
    _visit(clock, certification=certification, host=host, visitor=people["alsten"],
           day=_tuesday(previous + 1, 5, 2), participants=5)
    _central_run(clock, year=previous + 1, month=5, finance=finance)
    for invoice in Invoice.objects.filter(issuer=school, kind=Invoice.Kind.INVOICE, issue_date__lt=datetime.date(
            previous + 1, 1, 1)):
        _mark_paid(clock, invoice=invoice, finance=finance, after_days=21)

    # The current school year, up to yesterday: visits completed, one with feedback, the last still open
    # for it; the central invoice of the last month that has ended.
    current = previous + 1
    days = [day for day in (_tuesday(current, 9, 2), _tuesday(current, 10, 2), _tuesday(current, 11, 3))
            if day < today - datetime.timedelta(days=1)]
    for day, (name, participants) in zip(days, [("farsta", 3), ("rinkeby", 4), ("katarina", 2)], strict=False):
        booking = _visit(clock, certification=certification, host=host, visitor=people[name], day=day,
                         participants=participants)
        if name == "farsta":
            visits.feedback_save(booking=booking, rating=5, by=people[name], now=clock.set(clock.at.date(), 19),
                                 takeaways="Ännu bättre andra gången: nu såg vi hur ni bedömer muntligt berättande.")
    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    if days and days[0] <= month_end:
        _central_run(clock, year=month_end.year, month=month_end.month, finance=finance)


def _render_invoice_pdfs() -> int:
    """Render the PDFs now, by the real job, rather than leave them to the cluster: the demo should show an
    invoice PDF as soon as it starts. Jobs that already ran (tests run them inline) are left alone."""
    pending = OutboxItem.objects.filter(kind=billing.INVOICE_PDF, state=OutboxItem.State.PENDING)
    return sum(outbox.outbox_process(item_id) for item_id in pending.values_list("pk", flat=True))


def load(*, stdout) -> None:
    school = School.objects.filter(unit_code=SITE_UNIT_CODE).first()
    if school is None or Certification.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    with pinned_clock(today) as clock, transaction.atomic():
        _history(clock, school=school, today=today)
    rendered = _render_invoice_pdfs()
    invoices = Invoice.objects.filter(issuer=school)
    stdout.write(f"Made a year and a half of history at {school.name}: certified, {invoices.count()} invoices "
                 f"and credit notes ({rendered} PDFs rendered now).")
