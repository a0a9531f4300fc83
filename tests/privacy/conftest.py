"""A person who has done everything Inspira records, made through the real services where they exist.

Örjan D'Zettervall (an apostrophe and a non-ASCII letter, so HTML and JSON escaping are exercised)
signs up at Katarina Norra skola, is confirmed by the principal, applies to become a site (he is also a
contact person), has the application endorsed, prepared and approved; books a study visit at
Vasaskolan's site (as its contact person), which is completed, undone (a credit note) and completed
again; gives feedback; waits on a waiting list; and is named in a contact-log note, an occasion's note,
the school's invoice details, emails, the audit trail, login records and the Django admin's log.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from inspira.accounts import services as account_services
from inspira.accounts.models import Membership, User
from inspira.certification import casework_services
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process
from inspira.visits import services as visit_services
from inspira.visits.models import Booking
from tests.certification.casework import approve, fee_rule, sent_to_director
from tests.certification.conftest import at, make_application
from tests.factories import MembershipFactory, SchoolFactory, SiteDocumentationFactory, UserFactory, member
from tests.visits.builders import make_booking, make_certification, make_occasion, make_waiting_entry

NAME = "Örjan D'Zettervall"
EMAIL = "orjan.zettervall@skola.example.se"
PHONE = "070-123 45 67"
# What must be found nowhere after erasure: the surname is in the name and the address, in any escaping.
TRACES = ("zettervall", "123 45 67")
FEDERATION_IDP = "https://idp.skola.example.se/idp"


@dataclass
class World:
    person: User
    principal: User
    host_contact: User
    administrator: User
    director: User
    decision: object
    booking: Booking


def make_world(*, school, other_school, administrator, director) -> World:
    other_school.invoice_reference = NAME
    other_school.invoice_email = EMAIL
    other_school.save(update_fields=["invoice_reference", "invoice_email"])
    principal = member(other_school, Membership.Role.PRINCIPAL, email="rektor.norra@example.se", name="Rut Rektor")
    host_contact = member(school, Membership.Role.SITE_CONTACT, email="kontakt@example.se", name="Kim Kontakt")

    # The account: sign-up, verification, confirmation by the principal.
    person = account_services.signup_create(school=other_school, name=NAME, email=EMAIL, phone=PHONE,
                                            password="a-long-enough-password")
    account_services.email_verify(user=person)
    account_services.membership_confirm(membership=person.memberships.get(), actor=principal)
    person.refresh_from_db()

    # An application: made, endorsed, prepared, approved (a decision, a certification, support).
    fee_rule(2025)
    application = make_application(school=other_school, applicant=person, principal=principal,
                                   contacts=[(NAME, EMAIL, PHONE), ("Kim Kollega", "kim@example.se", "08-2")])
    sent_to_director(application, administrator)
    casework_services.contact_log_add(application=application, actor=administrator, date=date(2025, 9, 2),
                                      channel="phone", note=f"Called {NAME} ({PHONE}) about the plan.")
    decision = approve(application, director)
    # He is also the principal of another school, whose application is sent to him for endorsement.
    from tests.certification.conftest import submit

    farsta = SchoolFactory(name="Farsta grundskola")
    MembershipFactory(school=farsta, user=person, role=Membership.Role.PRINCIPAL)
    submit(make_application(school=farsta, applicant=UserFactory(), principal=person))

    # A visit at Vasaskolan's site: booked with him as contact, completed, undone, completed again.
    site = make_certification(school=school, starts_on=date(2025, 8, 1))
    occasion = make_occasion(certification=site, day=date(2025, 10, 6), note=f"Ask for {NAME} at the door.")
    booking = make_booking(occasion=occasion, school=other_school, booked_by=person, contact_phone=PHONE,
                           participant_names=f"{NAME}\nKim Kollega", message=f"Greetings from {NAME}",
                           confirmed_at=at(2025, 9, 20))
    visit_services.booking_complete(booking=booking, actor=host_contact, now=at(2025, 10, 7))
    visit_services.booking_outcome_undo(booking=booking, actor=administrator, now=at(2025, 10, 8),
                                        reason=f"{NAME} said the group did not come")
    visit_services.booking_complete(booking=booking, actor=host_contact, now=at(2025, 10, 9))
    visit_services.feedback_save(booking=booking, rating=5, takeaways=f"{NAME} takes home the measuring games",
                                 questions="How do you plan the rounds?", by=person, now=at(2025, 10, 10))
    full = make_occasion(certification=site, day=date(2026, 5, 4), capacity=1)
    make_waiting_entry(occasion=full, school=other_school, user=person, contact_phone=PHONE)
    SiteDocumentationFactory(certification=site, text=f"Thanks to {NAME} for the visit.")

    # Emails: those to him that are waiting are sent, except one (cancelled at erasure).
    to_him = [i for i in OutboxItem.objects.filter(kind="email").order_by("pk") if EMAIL in i.payload["to"]]
    assert len(to_him) >= 3
    for item in to_him[:-1]:
        outbox_process(item.pk)

    # Login records, a two-factor device, the Django admin's log.
    AccessLog.objects.create(username=EMAIL, ip_address="10.0.0.1", user_agent="Firefox", http_accept="*/*",
                             path_info="/konto/logga-in/")
    AccessAttempt.objects.create(username=EMAIL, ip_address="10.0.0.2", user_agent="Firefox", http_accept="*/*",
                                 path_info="/konto/logga-in/", get_data="", post_data=f"username={EMAIL}",
                                 failures_since_start=1)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=person, name=f"{NAME}s telefon", confirmed=True)
    LogEntry.objects.create(user=administrator, content_type=ContentType.objects.get_for_model(User),
                            object_id=str(person.pk), object_repr=NAME, action_flag=CHANGE,
                            change_message=f'[{{"changed": {{"name": "{NAME}"}}}}]')

    # Sign-in through Skolfederation: his login linked (his ePPN is his address), a membership the identity
    # provider confirmed, the MFA it performed, and a trust setting the administrator changed.
    from inspira.federation.models import (
        FederatedIdentity,
        FederationMembershipConfirmation,
        FederationMfaDevice,
        IdentityProviderTrust,
    )

    FederatedIdentity.objects.create(user=person, idp_entity_id=FEDERATION_IDP, eppn=EMAIL,
                                     proposed_school_codes=[farsta.unit_code], last_login_at=at(2025, 10, 11))
    FederationMembershipConfirmation.objects.create(membership=person.memberships.get(school=farsta),
                                                    idp_entity_id=FEDERATION_IDP)
    FederationMfaDevice.objects.create(user=person, idp_entity_id=FEDERATION_IDP, name=FEDERATION_IDP[:64],
                                       confirmed=True)
    IdentityProviderTrust.objects.create(entity_id=FEDERATION_IDP, name="Skolans kommun", trust_mfa=True,
                                         updated_by=administrator)
    return World(person=person, principal=principal, host_contact=host_contact, administrator=administrator,
                 director=director, decision=decision, booking=booking)


@pytest.fixture
def world(school, other_school, administrator, director):
    return make_world(school=school, other_school=other_school, administrator=administrator, director=director)


def database_text() -> list[tuple[str, str, str]]:
    """(table, column, text) of every text-like value in every table of the database."""
    import json

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                for column, value in zip(columns, values, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str):
                        found.append((table, column, value))
    return found


def traces_of_person(*traces) -> list[tuple[str, str, str]]:
    """Where any of ``traces`` (case-insensitive) is still in the database."""
    traces = [t.lower() for t in (traces or TRACES)]
    return [(table, column, value[:120]) for table, column, value in database_text()
            if any(t in value.lower() for t in traces)]
