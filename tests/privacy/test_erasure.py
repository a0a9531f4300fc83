import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client

from inspira.accounts.models import Membership, User
from inspira.billing.models import FeeEntry, Invoice, InvoiceLine
from inspira.certification.models import Decision, EstablishmentSupportPayment
from inspira.core.models import AuditEvent, OutboxItem
from inspira.privacy import scrub
from inspira.privacy.areas.core import CANCELLED_NOTE
from inspira.privacy.models import Erasure
from inspira.privacy.services import ErasureError, person_erase
from tests.factories import UserFactory
from tests.privacy.conftest import EMAIL, NAME, PHONE, database_text, traces_of_person


def kept_records() -> dict:
    """Everything the law keeps: it must be identical before and after an erasure."""
    return {
        "decisions": list(Decision.objects.order_by("pk").values()),
        "invoices": list(Invoice.objects.order_by("pk").values(
            "pk", "kind", "number", "sequence", "issuer_id", "recipient_school_id", "booking_id", "credits_id",
            "issue_date", "due_date", "period_start", "period_end", "recipient_name", "net_ore", "vat_ore",
            "total_ore", "bankgiro", "payment_terms", "note", "created_at")),
        "invoice_lines": list(InvoiceLine.objects.order_by("pk").values()),
        "fee_entries": list(FeeEntry.objects.order_by("pk").values()),
        "support": list(EstablishmentSupportPayment.objects.order_by("pk").values()),
    }


def test_the_world_names_the_person_everywhere(world):
    # The erasure tests below mean something only if the person is all over the database first.
    tables = {table for table, _column, _value in traces_of_person()}
    assert {"accounts_user", "core_auditevent",
            "core_outboxitem", "certification_applicationcontact", "certification_applicationstatuschange",
            "certification_contactlogentry", "certification_endorsement", "visits_booking", "visits_feedback",
            "visits_waitinglistentry", "visits_occasion", "billing_invoice", "schools_school",
            "axes_accesslog", "axes_accessattempt", "django_admin_log", "otp_totp_totpdevice",
            "catalogue_sitedocumentation", "visits_bookingoutcomechange", "federation_federatedidentity"} <= tables
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    assert Invoice.objects.filter(buyer_reference=NAME).count() >= 2


def test_after_erasure_the_person_is_nowhere_in_the_database(world, client):
    client.force_login(world.person)
    before = kept_records()

    result = person_erase(person=world.person, actor=world.administrator)

    assert traces_of_person() == []
    assert kept_records() == before  # decisions, invoices, lines, fees, support: counts and amounts as they were
    assert result.counts["emails_cancelled"] == 1
    assert result.counts["invoices_contact_replaced"] >= 2


def test_erasure_removes_the_federation_logins_so_they_no_longer_lead_to_the_account(world):
    from inspira.federation.models import (
        FederatedIdentity,
        FederationMembershipConfirmation,
        FederationMfaDevice,
        IdentityProviderTrust,
    )

    result = person_erase(person=world.person, actor=world.administrator)

    assert not FederatedIdentity.objects.filter(user=world.person).exists()
    assert not FederationMembershipConfirmation.objects.exists()
    assert not FederationMfaDevice.objects.filter(user=world.person).exists()
    assert result.counts["federation_logins_removed"] == 1
    # The administrator's trust setting is not the erased person's: it stays as it was.
    assert IdentityProviderTrust.objects.get().updated_by == world.administrator


def test_the_account_is_anonymised_and_closed(world, client):
    client.force_login(world.person)
    person = world.person
    person_erase(person=person, actor=world.administrator)

    person.refresh_from_db()
    assert person.name == scrub.ANONYMOUS_NAME
    assert person.email == f"raderad-{person.pk}@invalid.invalid"
    assert (person.phone, person.role, person.is_active, person.last_login) == ("", "", False, None)
    assert not person.has_usable_password()
    assert not Membership.objects.filter(user=person).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(person.pk)]
    assert not person.totpdevice_set.exists()
    # The session the person had is gone: their next request is anonymous.
    assert client.get("/konto/profil/").status_code == 302
    # The bookings and the application stay, tied to the anonymised account.
    assert world.booking.__class__.objects.get(pk=world.booking.pk).booked_by_id == person.pk
    assert Erasure.objects.get(user=person).erased_by == world.administrator


def test_emails_waiting_to_him_are_cancelled_and_sent_ones_emptied(world):
    person = world.person
    to_him = [i for i in OutboxItem.objects.filter(kind="email") if EMAIL in i.payload["to"]]
    waiting = [i.pk for i in to_him if i.state == OutboxItem.State.PENDING]
    sent = [i.pk for i in to_him if i.state == OutboxItem.State.DONE]
    assert len(waiting) == 1 and sent

    person_erase(person=person, actor=world.administrator)

    cancelled = OutboxItem.objects.get(pk=waiting[0])
    assert (cancelled.state, cancelled.last_error) == (OutboxItem.State.FAILED, CANCELLED_NOTE)
    for item in OutboxItem.objects.filter(pk__in=[*waiting, *sent]):
        assert item.payload["to"] == [f"raderad-{person.pk}@invalid.invalid"]
        assert (item.payload["text"], item.payload["html"], item.payload["attachments"]) == ("", "", [])
    # Emails to others that named him (the principal was asked to confirm him) keep their text, with his
    # name replaced.
    others = [i for i in OutboxItem.objects.filter(kind="email") if world.principal.email in i.payload["to"]]
    assert others and any(scrub.ANONYMOUS_NAME in i.payload["text"] for i in others)
    assert not any(NAME in i.payload["text"] for i in others)


def test_the_erasure_is_audited_without_personal_data(world):
    person_erase(person=world.person, actor=world.administrator)

    event = AuditEvent.objects.get(action="privacy.erased")
    assert (event.actor, event.object_type, event.object_id) == (world.administrator, "accounts.user",
                                                                 str(world.person.pk))
    assert "zettervall" not in (event.summary + str(event.data)).lower()
    assert event.data["counts"]["memberships_removed"] == 2  # his own school and the one he leads


def test_erasing_twice_changes_nothing(world):
    person_erase(person=world.person, actor=world.administrator)
    after_first = sorted(database_text())
    events = AuditEvent.objects.count()

    result = person_erase(person=world.person, actor=world.administrator)

    assert result.already
    assert sorted(database_text()) == after_first
    assert AuditEvent.objects.count() == events


def test_a_failure_at_the_end_leaves_everything_as_it_was(world, monkeypatch):
    before = sorted(database_text())

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Erasure.objects, "create", broken)
    with pytest.raises(RuntimeError):
        person_erase(person=world.person, actor=world.administrator)

    assert sorted(database_text()) == before
    world.person.refresh_from_db()
    assert world.person.name == NAME


def test_a_failure_half_way_leaves_everything_as_it_was(world, monkeypatch):
    before = sorted(database_text())
    original = scrub.Scrubber.text
    calls = {"n": 0}

    def breaks_after_some_rows(self, value):
        calls["n"] += 1
        if calls["n"] == 40:  # well into the areas: some rows are already rewritten by now
            raise RuntimeError("database went away")
        return original(self, value)

    monkeypatch.setattr(scrub.Scrubber, "text", breaks_after_some_rows)
    with pytest.raises(RuntimeError):
        person_erase(person=world.person, actor=world.administrator)

    assert calls["n"] == 40
    assert sorted(database_text()) == before
    assert not Erasure.objects.exists()


def test_an_administrator_cannot_erase_themselves(administrator):
    with pytest.raises(ErasureError, match="radera dig själv"):
        person_erase(person=administrator, actor=administrator)
    administrator.refresh_from_db()
    assert administrator.email == "admin@example.se"


def test_the_last_administrator_cannot_be_erased(administrator):
    # A retention rule (no actor) is the only way the last administrator could be reached.
    with pytest.raises(ErasureError, match="sista handläggaren"):
        person_erase(person=administrator, actor=None)
    second = UserFactory(role=User.Role.ADMINISTRATOR)
    person_erase(person=second, actor=administrator)  # one of two: allowed
    with pytest.raises(ErasureError, match="sista handläggaren"):
        person_erase(person=administrator, actor=None)


@pytest.mark.parametrize("who", ["director", "finance", "staff"])
def test_only_administrators_erase(request, who, principal):
    with pytest.raises(PermissionDenied):
        person_erase(person=principal, actor=request.getfixturevalue(who))
    principal.refresh_from_db()
    assert principal.name == "Rut Rektor"


def test_a_director_who_decided_keeps_their_name_on_the_decision(world, administrator):
    decision_before = list(Decision.objects.filter(decided_by=world.director).values())
    director_name = world.director.name

    person_erase(person=world.director, actor=administrator)

    assert list(Decision.objects.filter(decided_by=world.director).values()) == decision_before
    assert Decision.objects.get(pk=world.decision.pk).decided_by_name == director_name
    world.director.refresh_from_db()
    assert world.director.name == scrub.ANONYMOUS_NAME


def test_another_person_is_left_alone(world):
    # The principal and the school's other contact are named beside him in the same rows.
    person_erase(person=world.person, actor=world.administrator)
    world.principal.refresh_from_db()
    assert world.principal.name == "Rut Rektor"
    texts = " ".join(value for _t, _c, value in database_text())
    assert "Kim Kollega" in texts and "kim@example.se" in texts and "rektor.norra@example.se" in texts


def test_a_client_session_of_someone_else_survives(world, administrator):
    other = Client()
    other.force_login(world.principal)
    person_erase(person=world.person, actor=administrator)
    assert other.get("/konto/profil/").status_code == 200


def test_phone_and_email_alone_are_found(db):
    person = UserFactory(name="Al", email="al@example.se", phone=PHONE)
    subject = scrub.Subject.of(person)
    assert scrub.Scrubber(subject).text(f"ring {PHONE} eller maila AL@example.se") == (
        f"ring – eller maila raderad-{person.pk}@invalid.invalid")


def test_own_contact_rows_are_replaced_whole_even_for_a_short_name(administrator, school, other_school):
    from inspira.visits.models import Booking
    from tests.visits.builders import make_booking, make_certification, make_occasion

    bo = UserFactory(name="Bo", email="bo@example.se", phone="123")
    occasion = make_occasion(certification=make_certification(school=school))
    own = make_booking(occasion=occasion, school=other_school, booked_by=bo, contact_phone="123")
    by_name = make_booking(occasion=make_occasion(certification=occasion.certification), school=other_school,
                           booked_by=bo, contact_phone="123")
    someone_else = make_booking(occasion=make_occasion(certification=occasion.certification), school=other_school,
                                booked_by=bo)
    Booking.objects.filter(pk=by_name.pk).update(contact_email="expedition@example.se")
    Booking.objects.filter(pk=someone_else.pk).update(contact_name="Carl Kontakt", contact_email="carl@example.se")

    person_erase(person=bo, actor=administrator)

    rows = {b.pk: (b.contact_name, b.contact_email, b.contact_phone) for b in Booking.objects.all()}
    assert rows[own.pk] == (scrub.ANONYMOUS_NAME, f"raderad-{bo.pk}@invalid.invalid", "")
    assert rows[by_name.pk] == (scrub.ANONYMOUS_NAME, "expedition@example.se", "")
    assert rows[someone_else.pk] == ("Carl Kontakt", "carl@example.se", "")
