"""The host records whether a visit took place; an administrator may undo it, with a reason.

Completion sends ``booking_completed`` inside its transaction (the billing app records the fees from
it), so a receiver that raises leaves nothing behind. The tests work with and without the billing app
installed: the ``fee_rules`` fixture gives billing the rules it needs.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from inspira.core.models import AuditEvent, OutboxItem
from inspira.schoolyears.services import FeeRuleMissing
from inspira.visits import services
from inspira.visits.models import Booking, BookingOutcomeChange
from inspira.visits.signals import booking_completed, booking_completion_undone
from tests.appendonly import forged_copy
from tests.factories import SchoolFactory
from tests.visits.builders import make_booking, make_certification, make_occasion, member
from tests.visits.conftest import ensure_fee_rules, receiving


@pytest.fixture(autouse=True)
def _english_messages():
    """The services' messages are matched in English here; pages are checked in Swedish."""
    with translation.override("en"):
        yield

pytestmark = pytest.mark.usefixtures("fee_rules")

BILLING = apps.is_installed("inspira.billing")


def _stored(booking) -> Booking:
    return Booking.objects.get(pk=booking.pk)


# --- Completed ---------------------------------------------------------------------------------------------

def test_the_host_records_a_completed_visit_with_who_and_when(past_visit, site_contact):
    now = timezone.now()
    with receiving(booking_completed) as received:
        services.booking_complete(booking=past_visit, actor=site_contact, now=now)
    booking = _stored(past_visit)
    assert booking.status == Booking.Status.COMPLETED
    assert (booking.outcome_marked_by, booking.outcome_marked_at) == (site_contact, now)
    change = BookingOutcomeChange.objects.get(booking=booking)
    assert (change.action, change.by, change.at, change.reason) == ("completed", site_contact, now, "")
    [call] = received.calls
    assert call["booking"].pk == booking.pk and call["by"] == site_contact and call["at"] == now


def test_the_outcome_trail_is_append_only(past_visit, site_contact):
    services.booking_complete(booking=past_visit, actor=site_contact, now=timezone.now())
    change = BookingOutcomeChange.objects.get(booking=past_visit)
    with pytest.raises(IntegrityError), transaction.atomic():
        forged_copy(change, action=BookingOutcomeChange.Action.NOT_CARRIED_OUT).save()
    attempts = [
        lambda: change.save(), lambda: change.delete(),
        lambda: BookingOutcomeChange.objects.filter(pk=change.pk).update(reason="x"),
        lambda: BookingOutcomeChange.objects.all().delete(),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match="append-only"), transaction.atomic():
            attempt()
    assert BookingOutcomeChange.objects.get().action == BookingOutcomeChange.Action.COMPLETED


def test_the_principal_of_the_host_school_may_record_too(past_visit, principal):
    services.booking_complete(booking=past_visit, actor=principal)
    assert _stored(past_visit).status == Booking.Status.COMPLETED


@pytest.mark.parametrize("who", ["staff", "teacher", "visiting_principal", "administrator", "other_site_contact"])
def test_only_the_host_may_record(past_visit, who, request):
    if who == "other_site_contact":
        person = member(SchoolFactory(), "site_contact")
    else:
        person = request.getfixturevalue(who)
    with receiving(booking_completed) as received, pytest.raises(services.VisitError, match="Only the site"):
        services.booking_complete(booking=past_visit, actor=person)
    assert _stored(past_visit).status == Booking.Status.CONFIRMED
    assert received.calls == []


def test_recording_before_the_visit_day_has_passed_is_refused(certification, other_school, teacher, site_contact):
    today = timezone.localdate()
    for day in (today + timedelta(days=3), today):
        booking = make_booking(occasion=make_occasion(certification=certification, day=day), school=other_school,
                               booked_by=teacher)
        with pytest.raises(services.VisitError, match="from the day after"):
            services.booking_complete(booking=booking, actor=site_contact)
        with pytest.raises(services.VisitError, match="from the day after"):
            services.booking_mark_not_carried_out(booking=booking, actor=site_contact)
        assert _stored(booking).status == Booking.Status.CONFIRMED
        assert not BookingOutcomeChange.objects.filter(booking=booking).exists()


@pytest.mark.parametrize(("visit_day", "last_minute_of_the_day", "midnight_after"), [
    # Winter time turns to summer time in the night after 28 March 2026 (CET, UTC+1).
    (date(2026, 3, 28), datetime(2026, 3, 28, 22, 59, tzinfo=UTC),
     datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),
    # Summer time turns to winter time in the night after 24 October 2026 (CEST, UTC+2).
    (date(2026, 10, 24), datetime(2026, 10, 24, 21, 59, tzinfo=UTC),
     datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),
])
def test_the_visit_day_ends_at_midnight_in_stockholm_on_dst_weekends(
        school, site_contact, other_school, teacher, visit_day, last_minute_of_the_day, midnight_after):
    ensure_fee_rules(visit_day)
    certification = make_certification(school=school, starts_on=date(2026, 1, 1))
    booking = make_booking(occasion=make_occasion(certification=certification, day=visit_day),
                           school=other_school, booked_by=teacher)
    # In UTC both moments are still on the visit day; in Stockholm the second is the next day.
    with pytest.raises(services.VisitError):
        services.booking_complete(booking=booking, actor=site_contact, now=last_minute_of_the_day)
    services.booking_complete(booking=booking, actor=site_contact, now=midnight_after)
    assert _stored(booking).status == Booking.Status.COMPLETED


@pytest.mark.parametrize("status", [Booking.Status.CANCELLED, Booking.Status.HELD])
def test_only_a_confirmed_visit_can_be_recorded(certification, other_school, teacher, site_contact, status):
    occasion = make_occasion(certification=certification, day=timezone.localdate() - timedelta(days=2))
    booking = make_booking(occasion=occasion, school=other_school, booked_by=teacher, status=status)
    with pytest.raises(services.VisitError, match="Only a confirmed visit"):
        services.booking_complete(booking=booking, actor=site_contact)


def test_a_recorded_visit_cannot_be_recorded_again(past_visit, site_contact):
    services.booking_mark_not_carried_out(booking=past_visit, actor=site_contact)
    with receiving(booking_completed) as received:
        with pytest.raises(services.VisitError, match="already recorded"):
            services.booking_complete(booking=past_visit, actor=site_contact)
        with pytest.raises(services.VisitError, match="already recorded"):
            services.booking_mark_not_carried_out(booking=past_visit, actor=site_contact)
    assert received.calls == []
    assert BookingOutcomeChange.objects.filter(booking=past_visit).count() == 1


def test_not_carried_out_is_recorded_without_the_completion_signal(past_visit, site_contact):
    with receiving(booking_completed) as received:
        services.booking_mark_not_carried_out(booking=past_visit, actor=site_contact)
    booking = _stored(past_visit)
    assert booking.status == Booking.Status.NOT_CARRIED_OUT and booking.outcome_marked_by == site_contact
    assert BookingOutcomeChange.objects.get(booking=booking).action == "not_carried_out"
    assert received.calls == []


# --- In the transaction ---------------------------------------------------------------------------------------

def test_a_receiver_that_raises_a_domain_error_undoes_everything_and_says_why(past_visit, site_contact):
    def refuse(**kwargs):
        raise FeeRuleMissing("There is no fee rule for the school year 2010/11. An administrator must add one.")

    with receiving(booking_completed, refuse), pytest.raises(services.CompletionFailed) as caught:
        services.booking_complete(booking=past_visit, actor=site_contact)
    assert "There is no fee rule for the school year 2010/11" in str(caught.value)
    assert "Nothing has been saved" in str(caught.value)
    booking = _stored(past_visit)
    assert booking.status == Booking.Status.CONFIRMED and booking.outcome_marked_at is None
    assert not BookingOutcomeChange.objects.exists()
    assert not OutboxItem.objects.filter(key__startswith="booking-feedback:").exists()
    if BILLING:
        from inspira.billing.models import FeeEntry, Invoice

        # Billing's own receiver ran first and recorded the fees: they went with the rollback.
        assert not FeeEntry.objects.exists() and not Invoice.objects.exists()


@pytest.mark.skipif(not BILLING, reason="the billing app is not installed")
def test_without_a_fee_rule_billing_refuses_and_nothing_is_saved(past_visit, site_contact, en):
    from inspira.schoolyears.models import FeeRule

    FeeRule.objects.all().delete()
    with pytest.raises(services.CompletionFailed, match="There is no fee rule"):
        services.booking_complete(booking=past_visit, actor=site_contact)
    assert _stored(past_visit).status == Booking.Status.CONFIRMED
    assert not BookingOutcomeChange.objects.exists()


@pytest.mark.skipif(not BILLING, reason="the billing app is not installed")
def test_with_billing_a_completion_records_the_fees(past_visit, site_contact):
    from inspira.billing.models import FeeEntry

    services.booking_complete(booking=past_visit, actor=site_contact)
    assert FeeEntry.objects.filter(booking=past_visit).exists()


@pytest.mark.django_db(transaction=True)
def test_the_signal_is_sent_inside_the_transaction_and_a_failing_receiver_rolls_it_back(fee_rules):
    # A real transaction (no test-wide one around it): what the receiver sees, and what is left after.
    from inspira.accounts.models import Membership

    host, visitor = SchoolFactory(name="Värdskolan"), SchoolFactory(name="Besöksskolan")
    contact = member(host, Membership.Role.SITE_CONTACT)
    occasion = make_occasion(certification=make_certification(school=host),
                             day=timezone.localdate() - timedelta(days=1))
    booking = make_booking(occasion=occasion, school=visitor, booked_by=member(visitor))
    seen = {}

    def look_then_fail(*, booking, **kwargs):
        seen["in_transaction"] = connection.in_atomic_block
        seen["status_in_database"] = Booking.objects.get(pk=booking.pk).status
        seen["trail_rows"] = BookingOutcomeChange.objects.filter(booking=booking).count()
        raise RuntimeError("a receiver broke")

    assert not connection.in_atomic_block
    with receiving(booking_completed, look_then_fail), pytest.raises(RuntimeError, match="a receiver broke"):
        services.booking_complete(booking=booking, actor=contact)
    assert seen == {"in_transaction": True, "status_in_database": "completed", "trail_rows": 1}
    assert _stored(booking).status == Booking.Status.CONFIRMED
    assert not BookingOutcomeChange.objects.exists()
    assert not OutboxItem.objects.filter(key=f"booking-feedback:{booking.pk}").exists()

    services.booking_complete(booking=booking, actor=contact)  # without the broken receiver it commits
    assert _stored(booking).status == Booking.Status.COMPLETED


# --- Undo ------------------------------------------------------------------------------------------------------

def test_an_administrator_undoes_a_completion_with_a_reason(past_visit, site_contact, administrator):
    services.booking_complete(booking=past_visit, actor=site_contact)
    now = timezone.now()
    with receiving(booking_completion_undone) as received:
        services.booking_outcome_undo(booking=past_visit, actor=administrator, reason=" Fel besök markerat ",
                                      now=now)
    booking = _stored(past_visit)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.outcome_marked_at is None and booking.outcome_marked_by is None
    undo = BookingOutcomeChange.objects.filter(booking=booking).last()
    assert (undo.action, undo.by, undo.reason, undo.at) == ("undone", administrator, "Fel besök markerat", now)
    [call] = received.calls
    assert call["booking"].pk == booking.pk and call["by"] == administrator and call["at"] == now
    assert call["reason"] == "Fel besök markerat"
    assert AuditEvent.objects.filter(action="visits.outcome_undo", actor=administrator,
                                     object_id=str(booking.pk)).exists()
    # The trail keeps both rows; the host may record the visit again.
    assert list(BookingOutcomeChange.objects.filter(booking=booking).values_list("action", flat=True)) == [
        "completed", "undone"]
    services.booking_complete(booking=booking, actor=site_contact)
    assert _stored(booking).status == Booking.Status.COMPLETED


@pytest.mark.parametrize("who", ["site_contact", "principal", "director", "finance"])
def test_only_an_administrator_may_undo(past_visit, site_contact, who, request):
    services.booking_complete(booking=past_visit, actor=site_contact)
    with pytest.raises(services.VisitError, match="Only an administrator"):
        services.booking_outcome_undo(booking=past_visit, actor=request.getfixturevalue(who), reason="Fel")
    assert _stored(past_visit).status == Booking.Status.COMPLETED


def test_undo_needs_a_reason(past_visit, site_contact, administrator):
    services.booking_complete(booking=past_visit, actor=site_contact)
    with pytest.raises(services.VisitError, match="Give a reason") as caught:
        services.booking_outcome_undo(booking=past_visit, actor=administrator, reason="  ")
    assert caught.value.field == "reason"
    assert _stored(past_visit).status == Booking.Status.COMPLETED


def test_undoing_not_carried_out_sends_no_signal(past_visit, site_contact, administrator):
    services.booking_mark_not_carried_out(booking=past_visit, actor=site_contact)
    with receiving(booking_completion_undone) as received:
        services.booking_outcome_undo(booking=past_visit, actor=administrator, reason="Besöket blev av")
    assert received.calls == []
    assert _stored(past_visit).status == Booking.Status.CONFIRMED


def test_nothing_to_undo_on_an_unrecorded_visit(past_visit, administrator):
    with pytest.raises(services.VisitError, match="Nothing to undo"):
        services.booking_outcome_undo(booking=past_visit, actor=administrator, reason="Fel")


def test_a_receiver_of_the_undo_that_raises_undoes_the_undo(past_visit, site_contact, administrator):
    services.booking_complete(booking=past_visit, actor=site_contact)

    def refuse(**kwargs):
        raise FeeRuleMissing("No rule.")

    with receiving(booking_completion_undone, refuse), pytest.raises(services.CompletionFailed, match="No rule"):
        services.booking_outcome_undo(booking=past_visit, actor=administrator, reason="Fel")
    assert _stored(past_visit).status == Booking.Status.COMPLETED
    assert BookingOutcomeChange.objects.filter(booking=past_visit).count() == 1
    assert not AuditEvent.objects.filter(action="visits.outcome_undo").exists()


# --- The pages -------------------------------------------------------------------------------------------------

def outcome_url(booking):
    return reverse("visits:booking_outcome", args=[booking.pk])


def test_the_host_records_from_the_page_and_returns_to_the_visits_to_record(client_for, past_visit, site_contact,
                                                                             en):
    client = client_for(site_contact)
    page = client.get(outcome_url(past_visit)).content.decode()
    assert 'type="radio"' in page and "Did the visit take place?" in page
    response = client.post(outcome_url(past_visit), {"outcome": "completed"})
    site_visits = reverse("visits:site_visits", args=[past_visit.occasion.certification_id])
    assert response["Location"] == f"{site_visits}?visa=att-registrera"
    assert "The visit is recorded as completed" in client.get(response["Location"]).content.decode()
    assert _stored(past_visit).status == Booking.Status.COMPLETED


def test_the_host_records_not_carried_out_from_the_page(client_for, past_visit, site_contact, en):
    response = client_for(site_contact).post(outcome_url(past_visit), {"outcome": "not_carried_out"})
    assert response.status_code == 302
    assert _stored(past_visit).status == Booking.Status.NOT_CARRIED_OUT


def test_the_page_asks_again_without_a_choice(client_for, past_visit, site_contact, en):
    response = client_for(site_contact).post(outcome_url(past_visit), {})
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"] == ["Choose whether the visit took place."]


def test_the_host_sees_why_a_completion_failed_and_nothing_is_saved(client_for, past_visit, site_contact, en):
    def refuse(**kwargs):
        raise FeeRuleMissing("There is no fee rule for the school year 2010/11. An administrator must add one.")

    with receiving(booking_completed, refuse):
        response = client_for(site_contact).post(outcome_url(past_visit), {"outcome": "completed"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is no fee rule for the school year 2010/11" in body
    assert 'role="alert"' in body
    assert _stored(past_visit).status == Booking.Status.CONFIRMED


def test_a_visit_before_its_day_shows_when_it_can_be_recorded(client_for, certification, other_school, teacher,
                                                              site_contact, en):
    booking = make_booking(occasion=make_occasion(certification=certification), school=other_school,
                           booked_by=teacher)
    page = client_for(site_contact).get(outcome_url(booking)).content.decode()
    assert "You can record whether it took place from the day after" in page
    assert 'type="radio"' not in page


def test_the_booking_page_offers_recording_to_the_host_and_undo_to_administrators(
        client_for, past_visit, site_contact, administrator, teacher, en):
    booking_url = reverse("visits:booking", args=[past_visit.pk])
    assert outcome_url(past_visit) in client_for(site_contact).get(booking_url).content.decode()
    assert outcome_url(past_visit) not in client_for(teacher).get(booking_url).content.decode()
    services.booking_complete(booking=past_visit, actor=site_contact)
    undo_url = reverse("visits:booking_outcome_undo", args=[past_visit.pk])
    admin_page = client_for(administrator).get(booking_url).content.decode()
    assert undo_url in admin_page and "Marked as completed" in admin_page
    assert undo_url not in client_for(site_contact).get(booking_url).content.decode()


def test_an_administrator_undoes_from_the_page(client_for, past_visit, site_contact, administrator, en):
    services.booking_complete(booking=past_visit, actor=site_contact)
    client = client_for(administrator)
    url = reverse("visits:booking_outcome_undo", args=[past_visit.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(url, {"reason": "Skolan kom inte"})
    assert response["Location"] == reverse("visits:booking", args=[past_visit.pk])
    assert _stored(past_visit).status == Booking.Status.CONFIRMED


def test_undo_of_a_completion_never_happens_on_a_get(client_for, past_visit, site_contact, administrator):
    services.booking_complete(booking=past_visit, actor=site_contact)
    client_for(administrator).get(reverse("visits:booking_outcome_undo", args=[past_visit.pk]))
    assert _stored(past_visit).status == Booking.Status.COMPLETED

