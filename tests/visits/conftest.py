from contextlib import contextmanager

import pytest

from inspira.accounts.models import Membership
from tests.support import run_outbox  # noqa: F401 (the visits tests import it here)
from tests.visits.builders import make_certification, make_occasion, member


@pytest.fixture
def site_contact(school):
    return member(school, Membership.Role.SITE_CONTACT, email="kontakt@example.se", name="Kim Kontakt")


@pytest.fixture
def certification(school, site_contact):
    """The host site: Vasaskolan (``school``), certified from 30 days ago for two years."""
    return make_certification(school=school)


@pytest.fixture
def teacher(other_school):
    """Staff of the visiting school (``other_school``)."""
    return member(other_school, email="besokare@example.se", name="Vera Besökare")


@pytest.fixture
def visiting_principal(other_school):
    return member(other_school, Membership.Role.PRINCIPAL, email="rektor2@example.se", name="Rolf Rektor")


@pytest.fixture
def occasion(certification):
    return make_occasion(certification=certification)


# --- Completion and feedback ---------------------------------------------------------------------------------

def ensure_fee_rules(*days):
    """Fee rules for the school years of ``days`` (today when none): the billing app, when installed,
    records the fees of a completed visit by the rule of its school year, and refuses without one."""
    from django.utils import timezone

    from inspira.schoolyears.models import FeeRule, school_year_start
    from tests.factories import FeeRuleFactory, SchoolYearFactory

    for day in days or (timezone.localdate(),):
        start = school_year_start(day)
        if not FeeRule.objects.filter(school_year__start_year=start).exists():
            FeeRuleFactory(school_year=SchoolYearFactory(start_year=start))


@pytest.fixture
def fee_rules(db):
    """Fee rules for this school year and the last (a visit yesterday may be in either)."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    ensure_fee_rules(today, today - timedelta(days=1), today - timedelta(days=60))


@pytest.fixture
def past_visit(certification, other_school, teacher):
    """A confirmed visit of ``other_school`` (booked by ``teacher``) to the site, yesterday."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.visits.builders import make_booking

    occasion = make_occasion(certification=certification, day=timezone.localdate() - timedelta(days=1))
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher, participants=3,
                           confirmed_at=timezone.now() - timedelta(days=20))
    # The group's contact is someone else than the booker, without an account.
    booking.contact_name, booking.contact_email = "Carl Kontakt", "carl@example.se"
    booking.save(update_fields=["contact_name", "contact_email"])
    return booking


class Received:
    """The calls a signal receiver got (see ``receiving``)."""

    def __init__(self):
        self.calls = []


@contextmanager
def receiving(signal, action=None):
    """Connect a receiver to ``signal`` for the block; it records each call's keyword arguments and
    then calls ``action(**kwargs)`` (which may raise, as a failing receiver would)."""
    from inspira.visits.models import Booking

    received = Received()

    def receiver(sender, **kwargs):
        received.calls.append(kwargs)
        if action is not None:
            action(**kwargs)

    signal.connect(receiver, sender=Booking, weak=False, dispatch_uid="tests.visits.receiving")
    try:
        yield received
    finally:
        signal.disconnect(sender=Booking, dispatch_uid="tests.visits.receiving")
