"""The registration services: every rule refuses with its translated message, and the waiting list
passes places down the line."""

import datetime

import pytest
from django.utils import timezone, translation

from inspira.core.models import AuditEvent, OutboxItem
from inspira.events import eligibility
from inspira.events.models import Eligibility, Registration
from inspira.events.registrations import (
    EventFull,
    RegistrationError,
    expire_offers,
    offer_accept,
    offer_decline,
    registration_cancel,
    registration_create,
    waiting_leave,
)
from inspira.events.services import event_cancel, event_update
from tests.factories import (
    DistrictFactory,
    EventFactory,
    ProgrammeCoordinatorFactory,
    RegistrationFactory,
    SchoolFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture(autouse=True)
def _english():
    # The messages are matched by their msgids.
    with translation.override("en"):
        yield


def _now():
    return timezone.now().replace(microsecond=0)


def test_a_person_registers_and_gets_a_place_with_an_audit_row():
    event, user = EventFactory(capacity=2), UserFactory()
    registration = registration_create(event=event, user=user, answers={"q1": "Ja"})
    assert (registration.status, registration.answers) == (S.CONFIRMED, {"q1": "Ja"})
    assert AuditEvent.objects.filter(action="registration.created", object_id=str(registration.pk)).exists()
    assert OutboxItem.objects.filter(key__startswith=f"event-registered:{registration.pk}:").exists()


def test_a_full_event_puts_the_person_on_the_waiting_list_with_a_position():
    event = EventFactory(capacity=1)
    registration_create(event=event, user=UserFactory())
    first = registration_create(event=event, user=UserFactory())
    second = registration_create(event=event, user=UserFactory())
    assert (first.status, second.status) == (S.WAITING, S.WAITING)
    item = OutboxItem.objects.get(key=f"event-waiting:{second.pk}")
    assert "2" in item.payload["text"]


def test_the_caller_may_ask_for_a_place_only_or_for_the_list_only():
    event = EventFactory(capacity=1)
    with pytest.raises(RegistrationError, match="free places"):
        registration_create(event=event, user=UserFactory(), waiting_list=True)
    registration_create(event=event, user=UserFactory(), waiting_list=False)
    with pytest.raises(EventFull):
        registration_create(event=event, user=UserFactory(), waiting_list=False)


def test_registration_window_before_opening_after_closing_and_default_close_at_start():
    now = _now()
    event = EventFactory(registration_opens_at=now + datetime.timedelta(days=1))
    with pytest.raises(RegistrationError, match="opens"):
        registration_create(event=event, user=UserFactory(), now=now)
    event = EventFactory(registration_closes_at=now - datetime.timedelta(hours=1))
    with pytest.raises(RegistrationError, match="closed"):
        registration_create(event=event, user=UserFactory(), now=now)
    event = EventFactory()
    with pytest.raises(RegistrationError, match="already taken place"):
        registration_create(event=event, user=UserFactory(), now=event.starts_at)


def test_a_cancelled_event_takes_no_registrations():
    event = EventFactory()
    event_cancel(event=event, actor=UserFactory(role="administrator"), reason="Sjukdom")
    with pytest.raises(RegistrationError, match="cancelled"):
        registration_create(event=event, user=UserFactory())


def test_one_open_registration_per_person():
    event, user = EventFactory(), UserFactory()
    registration_create(event=event, user=user)
    with pytest.raises(RegistrationError, match="already registered"):
        registration_create(event=event, user=user)


def test_a_person_registers_one_place_only():
    with pytest.raises(RegistrationError) as error:
        registration_create(event=EventFactory(), user=UserFactory(), participants=3)
    assert error.value.field == "participants"


def test_groups_only_by_the_principal_or_site_contact():
    school = SchoolFactory()
    event = EventFactory(capacity=20)
    with pytest.raises(RegistrationError, match="principal or site contact"):
        registration_create(event=event, user=member(school), school=school, is_group=True, participants=3)
    for role in ("principal", "site_contact"):
        group = registration_create(event=event, user=member(school, role), school=school, is_group=True,
                                    participants=3, participant_names="Ann\nBo")
        assert (group.status, group.participants, group.participant_names) == (S.CONFIRMED, 3, "Ann\nBo")


def test_a_group_needs_a_count_and_cannot_exceed_the_capacity():
    school = SchoolFactory()
    principal = member(school, "principal")
    event = EventFactory(capacity=5)
    with pytest.raises(RegistrationError, match="at least one"):
        registration_create(event=event, user=principal, school=school, is_group=True, participants=0)
    with pytest.raises(RegistrationError, match="5 places in all"):
        registration_create(event=event, user=principal, school=school, is_group=True, participants=6)


def test_a_person_registers_only_for_their_own_school():
    with pytest.raises(RegistrationError, match="confirmed staff"):
        registration_create(event=EventFactory(), user=UserFactory(), school=SchoolFactory())


def test_quota_per_school():
    school = SchoolFactory()
    event = EventFactory(capacity=10, quota_per_school=2)
    registration_create(event=event, user=member(school), school=school)
    registration_create(event=event, user=member(school), school=school)
    with pytest.raises(RegistrationError, match="at most 2 per school"):
        registration_create(event=event, user=member(school), school=school)
    other = SchoolFactory()
    registration_create(event=event, user=member(other), school=other)
    with pytest.raises(RegistrationError, match="Choose the school"):
        registration_create(event=event, user=UserFactory())


def test_eligibility_by_school_school_form_and_district():
    school, other = SchoolFactory(), SchoolFactory()
    event = EventFactory(eligibility=Eligibility.SCHOOLS)
    event.eligible_schools.add(school)
    with pytest.raises(RegistrationError, match="not open to you"):
        registration_create(event=event, user=member(other), school=other)
    registration_create(event=event, user=member(school), school=school)

    form = school.school_forms.first()
    other.school_forms.remove(form)
    event = EventFactory(eligibility=Eligibility.SCHOOL_FORMS)
    event.eligible_school_forms.add(form)
    with pytest.raises(RegistrationError, match="not open to you"):
        registration_create(event=event, user=member(other), school=other)
    registration_create(event=event, user=member(school), school=school)

    district = DistrictFactory()
    inside = SchoolFactory(district=district)
    event = EventFactory(eligibility=Eligibility.DISTRICTS)
    event.eligible_districts.add(district)
    with pytest.raises(RegistrationError, match="not open to you"):
        registration_create(event=event, user=member(other), school=other)
    registration_create(event=event, user=member(inside), school=inside)


def test_a_named_group_registered_by_another_programme():
    insiders = UserFactory.create_batch(2)
    eligibility.register_group("test:panel", "Panelen", members=lambda user: user in insiders)
    from inspira.accounts.models import User

    eligibility.register_group("test:ids", "Id-lista", members=User.objects.filter(
        pk=insiders[1].pk).values("pk"))
    try:
        assert [g.key for g in eligibility.groups() if g.key.startswith("test:")] == ["test:ids", "test:panel"]
        event = EventFactory(eligibility=Eligibility.GROUP, eligible_group="test:panel")
        with pytest.raises(RegistrationError, match="not open to you"):
            registration_create(event=event, user=UserFactory())
        registration_create(event=event, user=insiders[0])
        event = EventFactory(eligibility=Eligibility.GROUP, eligible_group="test:ids")
        with pytest.raises(RegistrationError, match="not open to you"):
            registration_create(event=event, user=insiders[0])
        registration_create(event=event, user=insiders[1])
        # A group nobody registers (its app is gone) admits nobody.
        event = EventFactory(eligibility=Eligibility.GROUP, eligible_group="gone")
        with pytest.raises(RegistrationError, match="not open to you"):
            registration_create(event=event, user=insiders[0])
    finally:
        eligibility.unregister_group("test:panel")
        eligibility.unregister_group("test:ids")


def test_cancel_until_the_deadline_then_only_the_organiser():
    now = _now()
    event = EventFactory(cancellation_deadline=now + datetime.timedelta(days=1))
    user = UserFactory()
    registration = registration_create(event=event, user=user, now=now)
    with pytest.raises(RegistrationError, match="another person"):
        registration_cancel(registration=registration, actor=UserFactory(), now=now)
    with pytest.raises(RegistrationError, match="last time to cancel"):
        registration_cancel(registration=registration, actor=user, now=now + datetime.timedelta(days=2))
    coordinator = ProgrammeCoordinatorFactory(programme=event.programme).user
    done = registration_cancel(registration=registration, actor=coordinator, reason="Dubbelbokad",
                               now=now + datetime.timedelta(days=2))
    assert done.status == S.CANCELLED
    assert AuditEvent.objects.get(action="registration.cancelled").data["by_organiser"] is True


def test_a_cancellation_offers_the_place_down_the_line_and_the_offer_is_accepted():
    now = _now()
    event = EventFactory(capacity=1)
    first = registration_create(event=event, user=UserFactory(), now=now)
    waiting = registration_create(event=event, user=UserFactory(), now=now)
    registration_cancel(registration=first, actor=first.user, now=now)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED and waiting.offer_expires_at > now
    assert OutboxItem.objects.filter(key__startswith=f"event-offer:{waiting.pk}:").exists()
    with pytest.raises(RegistrationError, match="Only the person"):
        offer_accept(registration=waiting, actor=UserFactory(), now=now)
    # The kept place is the offer's own: a newcomer joins the line instead.
    assert registration_create(event=event, user=UserFactory(), now=now).status == S.WAITING
    assert offer_accept(registration=waiting, actor=waiting.user, now=now).status == S.CONFIRMED


def test_a_declined_offer_passes_on_and_an_expired_one_too():
    now = _now()
    event = EventFactory(capacity=1)
    first = registration_create(event=event, user=UserFactory(), now=now)
    second = registration_create(event=event, user=UserFactory(), now=now)
    third = registration_create(event=event, user=UserFactory(), now=now)
    fourth = registration_create(event=event, user=UserFactory(), now=now)
    registration_cancel(registration=first, actor=first.user, now=now)
    offer_decline(registration=Registration.objects.get(pk=second.pk), actor=second.user, now=now)
    third.refresh_from_db()
    assert third.status == S.OFFERED
    assert expire_offers(now=third.offer_expires_at) == 1
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, fourth.status) == (S.EXPIRED, S.OFFERED)
    with pytest.raises(RegistrationError, match="no longer open"):
        offer_accept(registration=third, actor=third.user, now=third.offer_expires_at)


def test_an_offer_ends_before_the_start():
    now = _now()
    event = EventFactory(capacity=1, starts_at=now + datetime.timedelta(hours=5),
                         ends_at=now + datetime.timedelta(hours=7))
    first = registration_create(event=event, user=UserFactory(), now=now)
    waiting = registration_create(event=event, user=UserFactory(), now=now)
    registration_cancel(registration=first, actor=first.user, now=now)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == event.starts_at - datetime.timedelta(hours=2)


def test_leaving_the_waiting_list():
    event = EventFactory(capacity=1)
    registration_create(event=event, user=UserFactory())
    waiting = registration_create(event=event, user=UserFactory())
    with pytest.raises(RegistrationError):
        waiting_leave(registration=waiting, actor=UserFactory())
    with pytest.raises(RegistrationError, match="leave it instead"):
        registration_cancel(registration=waiting, actor=waiting.user)
    assert waiting_leave(registration=waiting, actor=waiting.user).status == S.WITHDRAWN
    # Then the person may register again (in line again).
    assert registration_create(event=event, user=waiting.user).status == S.WAITING


def test_a_new_registration_after_a_cancellation_continues_the_calendar_sequence():
    event, user = EventFactory(), UserFactory()
    first = registration_create(event=event, user=user)
    registration_cancel(registration=first, actor=user)
    again = registration_create(event=event, user=user)
    first.refresh_from_db()
    assert again.sequence > first.sequence


def test_the_organiser_cancelling_the_event_closes_and_tells_everyone():
    event = EventFactory(capacity=1)
    registered = registration_create(event=event, user=UserFactory())
    waiting = registration_create(event=event, user=UserFactory())
    event_cancel(event=event, actor=UserFactory(role="administrator"), reason="Föreläsaren är sjuk")
    for registration in (registered, waiting):
        registration.refresh_from_db()
        assert registration.status == S.CANCELLED
        item = OutboxItem.objects.get(key__startswith=f"event-cancelled:{registration.pk}:")
        assert "Föreläsaren är sjuk" in item.payload["text"]
    assert OutboxItem.objects.get(key__startswith=f"event-cancelled:{registered.pk}:").payload["attachments"]
    assert not OutboxItem.objects.get(key__startswith=f"event-cancelled:{waiting.pk}:").payload["attachments"]


def test_a_change_of_time_tells_every_confirmed_person_and_a_raised_capacity_offers_places():
    event = EventFactory(capacity=1)
    registered = registration_create(event=event, user=UserFactory())
    waiting = registration_create(event=event, user=UserFactory())
    admin = UserFactory(role="administrator")
    event_update(event=event, actor=admin, place="Aulan")
    assert OutboxItem.objects.filter(key__startswith=f"event-changed:{registered.pk}:").count() == 1
    assert not OutboxItem.objects.filter(key__startswith=f"event-changed:{waiting.pk}:").exists()
    event_update(event=event, actor=admin, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_the_capacity_cannot_go_below_the_places_taken():
    from inspira.events.rules import EventInputError

    event = EventFactory(capacity=3)
    RegistrationFactory.create_batch(2, event=event)
    with pytest.raises(EventInputError):
        event_update(event=event, actor=UserFactory(role="administrator"), capacity=1)


def test_a_person_with_no_school_cannot_register_for_an_event_of_chosen_schools():
    event = EventFactory(eligibility=Eligibility.SCHOOLS)
    event.eligible_schools.add(SchoolFactory())
    with pytest.raises(RegistrationError, match="Choose the school"):
        registration_create(event=event, user=UserFactory())


def test_the_organisers_form_offers_the_registered_groups_and_saves_who_may_register():
    from inspira.events.forms import EventForm

    district = DistrictFactory()
    eligibility.register_group("test:form", "Deltagare i omgången", members=lambda user: False)
    try:
        event = EventFactory()
        local = timezone.localtime(event.starts_at)
        base = {"title": event.title, "kind": event.kind, "day": local.date().isoformat(), "start_time": "13:00",
                "end_time": "16:00", "place": event.place, "capacity": "60"}
        form = EventForm(base | {"eligibility": "group"}, instance=event, programme_ids=())
        assert ("test:form", "Deltagare i omgången") in form.fields["eligible_group"].choices
        assert not form.is_valid() and "eligible_group" in form.errors
        form = EventForm(base | {"eligibility": "districts"}, instance=event, programme_ids=())
        assert not form.is_valid() and "eligible_districts" in form.errors
        form = EventForm(base | {"eligibility": "districts", "eligible_districts": [district.pk]}, instance=event,
                         programme_ids=())
        assert form.is_valid(), form.errors
        event_update(event=event, actor=UserFactory(role="administrator"), **form.service_fields())
        event.refresh_from_db()
        assert event.eligibility == "districts" and list(event.eligible_districts.all()) == [district]
        form = EventForm(base | {"eligibility": "group", "eligible_group": "test:form"}, instance=event,
                         programme_ids=())
        assert form.is_valid(), form.errors
    finally:
        eligibility.unregister_group("test:form")
