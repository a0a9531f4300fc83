"""Demo data for visits: bookable occasions at the demo's certified site, and one booking.

Called by ``manage.py load_demo`` after the certification demo (apps load in INSTALLED_APPS
order); idempotent. Everything is made through the real services, so the demo shows what
they make: occasions a visitor can book in the catalogue, and a confirmed booking with its
confirmation email in the outbox.
"""

import datetime
import uuid

from django.utils import timezone

from inspira.accounts.models import User
from inspira.certification.models import Certification
from inspira.visits import services
from inspira.visits.models import Occasion

SITE_UNIT_CODE = "38164927"  # Katarina Södra skola, certified by inspira.certification.demo
HOST_EMAIL = "kontakt.katarina@inspira.example"
VISITOR_EMAIL = "larare.farsta@inspira.example"
# Fixed, so a second run finds the booking instead of making another.
BOOKING_KEY = uuid.UUID("6d1f3f7e-2b43-4c0e-9a55-3c0f9d1b2e10")
WEEKS_AHEAD = (2, 4, 6)


def _weekday_in(weeks: int, today: datetime.date, certification: Certification,
                taken: set[datetime.date]) -> datetime.date:
    """The Tuesday ``weeks`` weeks from now, or the next day after it that the occasion rules allow
    (not a holiday, not in a school break) and that is not ``taken``; past the certification's end
    if there is none."""
    day = today + datetime.timedelta(weeks=weeks)
    day += datetime.timedelta(days=(1 - day.weekday()) % 7)
    closed = services.closed_days_for(certification, [day, certification.ends_on])
    while day <= certification.ends_on and (day in taken or services.occasion_date_problems(
            certification=certification, day=day, today=today, closed=closed)):
        day += datetime.timedelta(days=1)
    return day


def load(*, stdout) -> None:
    certification = (Certification.objects.filter(school__unit_code=SITE_UNIT_CODE, revoked_by__isnull=True)
                     .order_by("-starts_on").first())
    if certification is None or Occasion.objects.filter(certification=certification).exists():
        return
    host = User.objects.get(email=HOST_EMAIL)
    today = timezone.localdate()
    details = services.OccasionDetails(
        slot=Occasion.Slot.MORNING, start_time=datetime.time(8, 30), end_time=datetime.time(12, 0),
        place="Katarina Södra skola, entrén mot Katarina Bangata", capacity=8,
        note="Vi möts i entrén. Ta med kläder för att vara ute en stund.",
    )
    days: set[datetime.date] = set()
    for weeks in WEEKS_AHEAD:
        days.add(_weekday_in(weeks, today, certification, days))
    occasions = [
        services.occasion_create(certification=certification, actor=host, date=day, details=details)
        for day in sorted(days)
        if day <= certification.ends_on
    ]
    stdout.write(f"Published {len(occasions)} demo occasions at {certification.school.name}.")

    visitor = User.objects.get(email=VISITOR_EMAIL)
    membership = visitor.memberships.filter(confirmed_at__isnull=False).select_related("school").first()
    if membership is None or not occasions:
        return
    booking = services.booking_create(
        occasion=occasions[0], school=membership.school, booked_by=visitor, idempotency_key=BOOKING_KEY,
        visitors=services.Visitors(participants=3, participant_names="Fredrik, Sara och Amir",
                                   contact_name=visitor.name, contact_email=visitor.email,
                                   contact_phone=visitor.phone, message="Vi ser fram emot besöket!"),
    )
    stdout.write(f"Booked 3 places for {membership.school.name} ({booking.get_status_display()}).")
