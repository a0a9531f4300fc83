"""The shared capacity-and-waiting-list mechanism, driven through the visit models (an occasion is
a container, bookings hold places, waiting-list entries queue). The race under concurrent
bookings is proved in tests/visits/test_race.py."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from inspira.core.capacity import Capacity, NotEnoughPlaces
from inspira.visits.models import Booking, Occasion, WaitingListEntry
from tests.factories import SchoolFactory
from tests.visits.builders import make_booking, make_certification, make_occasion, make_waiting_entry, member

PLACES = Capacity(
    container=Occasion, holder=Booking, container_field="occasion",
    holding=Q(status__in=Booking.ACTIVE_STATUSES),
    line=WaitingListEntry, waiting=WaitingListEntry.Status.WAITING, offered=WaitingListEntry.Status.OFFERED,
    expired=WaitingListEntry.Status.EXPIRED,
)
NOW = timezone.now()


@pytest.fixture
def occasion(db):
    return make_occasion(certification=make_certification(school=SchoolFactory()), capacity=10)


def _party():
    school = SchoolFactory()
    return school, member(school)


def _book(occasion, participants, status=Booking.Status.CONFIRMED):
    school, user = _party()
    return make_booking(occasion=occasion, school=school, booked_by=user, participants=participants, status=status)


def _wait(occasion, participants, *, minutes_ago, **fields):
    school, user = _party()
    return make_waiting_entry(occasion=occasion, school=school, user=user, participants=participants,
                              created_at=NOW - timedelta(minutes=minutes_ago), **fields)


def test_places_are_counted_from_the_holding_rows_and_the_open_offers(occasion):
    _book(occasion, 3)
    _book(occasion, 2, status=Booking.Status.HELD)
    _book(occasion, 4, status=Booking.Status.CANCELLED)  # holds nothing
    offer = _wait(occasion, 1, minutes_ago=5, status=WaitingListEntry.Status.OFFERED,
                  offer_expires_at=NOW + timedelta(hours=1))
    _wait(occasion, 2, minutes_ago=4, status=WaitingListEntry.Status.OFFERED,
          offer_expires_at=NOW - timedelta(minutes=1))  # lapsed: keeps nothing

    assert PLACES.taken(occasion) == 5
    assert PLACES.offered_places(occasion, now=NOW) == 1
    assert PLACES.free(occasion, now=NOW) == 4
    assert PLACES.free(occasion, now=NOW, excluding_offer=offer) == 5


def test_check_refuses_more_than_is_free_and_says_how_many_are(occasion):
    _book(occasion, 8)
    assert PLACES.check(occasion, size=2, now=NOW) == 2
    with pytest.raises(NotEnoughPlaces) as caught:
        PLACES.check(occasion, size=3, now=NOW)
    assert caught.value.free == 2


def test_check_holds_a_party_to_its_quota(occasion):
    booking = _book(occasion, 3)
    party = {"school": booking.school}
    assert PLACES.check(occasion, size=1, now=NOW, party=party, quota=4) == 1
    with pytest.raises(NotEnoughPlaces) as caught:
        PLACES.check(occasion, size=2, now=NOW, party=party, quota=4)
    assert caught.value.free == 1
    # Another party is only held to the places left.
    other_school, _user = _party()
    assert PLACES.check(occasion, size=4, now=NOW, party={"school": other_school}, quota=4) == 4


def test_annotate_counts_every_row_in_a_fixed_number_of_queries(occasion, django_assert_num_queries):
    other = make_occasion(certification=occasion.certification, capacity=4)
    _book(occasion, 6)
    _wait(other, 2, minutes_ago=3)
    _wait(other, 1, minutes_ago=2, status=WaitingListEntry.Status.OFFERED, offer_expires_at=NOW + timedelta(hours=1))
    _book(other, 4)
    with django_assert_num_queries(1):
        rows = {o.pk: o for o in PLACES.annotate(Occasion.objects.all(), now=NOW)}
    assert (rows[occasion.pk].places_taken, rows[occasion.pk].free_places, rows[occasion.pk].waiting_count) == (6, 4, 0)
    assert (rows[other.pk].places_taken, rows[other.pk].places_offered, rows[other.pk].free_places,
            rows[other.pk].waiting_count) == (4, 1, 0, 1)


def test_position_in_line_is_first_come_first_served(occasion):
    first = _wait(occasion, 2, minutes_ago=10)
    second = _wait(occasion, 2, minutes_ago=5)
    offered = _wait(occasion, 1, minutes_ago=20, status=WaitingListEntry.Status.OFFERED,
                    offer_expires_at=NOW + timedelta(hours=1))
    assert [PLACES.position(first), PLACES.position(second), PLACES.position(offered)] == [1, 2, None]


def test_positions_are_annotated_in_one_query(occasion, django_assert_num_queries):
    other = make_occasion(certification=occasion.certification)
    first = _wait(occasion, 2, minutes_ago=10)
    second = _wait(occasion, 2, minutes_ago=5)
    offered = _wait(occasion, 1, minutes_ago=20, status=WaitingListEntry.Status.OFFERED,
                    offer_expires_at=NOW + timedelta(hours=1))
    elsewhere = _wait(other, 1, minutes_ago=30)
    with django_assert_num_queries(1):
        positions = dict(PLACES.with_position(WaitingListEntry.objects.all()).values_list("pk", "position"))
    assert positions == {first.pk: 1, second.pk: 2, offered.pk: None, elsewhere.pk: 1}
    assert [PLACES.position(e) for e in (first, second, offered, elsewhere)] == [1, 2, None, 1]


def test_free_places_pass_down_the_line_to_the_first_group_that_fits(occasion):
    _book(occasion, 7)  # 3 free
    too_big = _wait(occasion, 5, minutes_ago=10)
    fits = _wait(occasion, 2, minutes_ago=8)
    also_fits = _wait(occasion, 1, minutes_ago=6)
    after = _wait(occasion, 1, minutes_ago=4)  # nothing left for it
    told = []
    expires = NOW + timedelta(hours=24)

    offered = PLACES.offer_free_places(occasion, now=NOW, expires_at=expires, notify=told.append)

    assert [e.pk for e in offered] == [fits.pk, also_fits.pk] == [e.pk for e in told]
    for entry in (too_big, fits, also_fits, after):
        entry.refresh_from_db()
    assert [too_big.status, fits.status, also_fits.status, after.status] == ["waiting", "offered", "offered", "waiting"]
    assert fits.offer_expires_at == expires
    assert PLACES.free(occasion, now=NOW) == 0  # the offers keep the places


def test_an_offer_not_taken_in_time_expires_and_the_places_go_to_the_next(occasion):
    _book(occasion, 8)
    lapsed = _wait(occasion, 2, minutes_ago=30, status=WaitingListEntry.Status.OFFERED,
                   offer_expires_at=NOW - timedelta(minutes=1))
    nxt = _wait(occasion, 2, minutes_ago=20)

    expired = PLACES.expire_offers(now=NOW, then=lambda locked: PLACES.offer_free_places(
        locked, now=NOW, expires_at=NOW + timedelta(hours=1)))

    lapsed.refresh_from_db()
    nxt.refresh_from_db()
    assert expired == 1
    assert (lapsed.status, lapsed.closed_at) == ("expired", NOW)
    assert nxt.status == "offered"
    assert PLACES.expire_offers(now=NOW, then=lambda locked: None) == 0  # a second run finds nothing


def test_close_line_closes_only_the_open_entries(occasion):
    waiting = _wait(occasion, 2, minutes_ago=3)
    accepted = _wait(occasion, 2, minutes_ago=2, status=WaitingListEntry.Status.ACCEPTED)
    assert PLACES.close_line(occasion, status=WaitingListEntry.Status.WITHDRAWN, now=NOW) == 1
    waiting.refresh_from_db()
    accepted.refresh_from_db()
    assert (waiting.status, accepted.status) == ("withdrawn", "accepted")
