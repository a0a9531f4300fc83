"""Each retention rule at its boundary: one day inside the period is kept, one day past it is not."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from inspira.accounts import services as account_services
from inspira.accounts.models import Membership, User
from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationStatusChange,
    Endorsement,
)
from inspira.core.models import AuditEvent, OutboxItem
from inspira.privacy import retention, tasks
from inspira.privacy.models import Erasure
from inspira.privacy.retention import apply_retention, years_before
from inspira.privacy.scrub import ANONYMOUS_NAME
from inspira.visits.models import Feedback
from tests.certification.casework import DECIDED, approve, fee_rule, reject, sent_to_director
from tests.certification.conftest import at, make_application
from tests.factories import ApplicationImageFactory, FeedbackFactory, MembershipFactory, UserFactory
from tests.privacy.conftest import traces_of_person
from tests.visits.builders import make_booking, make_certification, make_occasion

NOW = at(2030, 6, 15, 12)
DAY = timedelta(days=1)


def outcome(outcomes, key):
    return next(o for o in outcomes if o.key == key)


# --- Sign-ups never verified (RETENTION_UNVERIFIED_ACCOUNT_DAYS, 30) ---------------------------------------

def signup(school, email, *, joined):
    person = account_services.signup_create(school=school, name=f"Sam {email[:4]}", email=email,
                                            password="a-long-enough-password")
    User.objects.filter(pk=person.pk).update(date_joined=joined)
    return person


def test_sign_ups_never_verified_are_deleted_after_the_period(school):
    old = signup(school, "zoltan.gammal@example.se", joined=NOW - timedelta(days=30) - DAY)
    recent = signup(school, "ny.ung@example.se", joined=NOW - timedelta(days=30) + DAY)

    apply_retention(now=NOW)

    assert not User.objects.filter(pk=old.pk).exists()
    assert User.objects.get(pk=recent.pk).email == "ny.ung@example.se"
    # What the sign-up left behind (the audit row, the verification email) no longer names them.
    assert traces_of_person("zoltan.gammal") == []
    assert AuditEvent.objects.filter(action="privacy.erased", object_id=str(old.pk)).exists()


def test_a_verified_or_central_account_is_no_sign_up_waiting(school):
    verified = UserFactory(email="verifierad@example.se")
    central = UserFactory(email="central@example.se", role=User.Role.FINANCE, email_verified_at=None,
                          is_active=False)
    User.objects.filter(pk__in=[verified.pk, central.pk]).update(date_joined=NOW - timedelta(days=400))
    MembershipFactory(user=verified, school=school)

    apply_retention(now=NOW)

    assert User.objects.filter(pk__in=[verified.pk, central.pk]).count() == 2
    assert not Erasure.objects.exists()


# --- Accounts not used (RETENTION_INACTIVE_ACCOUNT_YEARS, 3) ------------------------------------------------

def test_accounts_without_school_or_login_are_anonymised_after_the_period(school):
    cutoff = years_before(NOW, 3)
    old = UserFactory(email="gammal@example.se", name="Greta Gammal")
    recent = UserFactory(email="nyligen@example.se", name="Nils Nyligen")
    never = UserFactory(email="aldrig@example.se", name="Alva Aldrig")
    member = MembershipFactory(school=school, user=UserFactory(email="medlem@example.se")).user
    director = UserFactory(email="dir@example.se", role=User.Role.DIRECTOR)
    User.objects.filter(pk__in=[old.pk, member.pk, director.pk]).update(last_login=cutoff - DAY)
    User.objects.filter(pk=recent.pk).update(last_login=cutoff + DAY)
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=cutoff - DAY)

    result = outcome(apply_retention(now=NOW), "inactive_accounts")

    assert (result.found, result.handled) == (2, 2)
    assert set(User.objects.filter(name=ANONYMOUS_NAME).values_list("pk", flat=True)) == {old.pk, never.pk}
    assert set(Erasure.objects.values_list("reason", flat=True)) == {Erasure.Reason.INACTIVE}
    for kept in (recent, member, director):
        kept.refresh_from_db()
        assert kept.name != ANONYMOUS_NAME
    assert Membership.objects.filter(user=member).exists()


# --- Sent emails (RETENTION_SENT_EMAIL_DAYS, 90) ----------------------------------------------------------

def email_item(key, *, state=OutboxItem.State.DONE, done_at=None):
    return OutboxItem.objects.create(kind="email", key=key, state=state, done_at=done_at, payload={
        "to": ["mottagare@example.se"], "subject": "Hej", "text": "Hej Mottagare", "html": "<p>Hej</p>",
        "attachments": [{"filename": "a.pdf", "content": "JVBE", "mimetype": "application/pdf"}]})


def test_the_content_of_sent_emails_goes_after_the_period(db):
    old = email_item("old", done_at=NOW - timedelta(days=90) - DAY)
    recent = email_item("recent", done_at=NOW - timedelta(days=90) + DAY)
    waiting = email_item("waiting", state=OutboxItem.State.PENDING)
    OutboxItem.objects.filter(pk=waiting.pk).update(created_at=NOW - timedelta(days=400))

    apply_retention(now=NOW)

    old.refresh_from_db()
    assert (old.payload["text"], old.payload["html"], old.payload["attachments"]) == ("", "", [])
    assert (old.payload["to"], old.payload["subject"]) == (["mottagare@example.se"], "Hej")  # the trail stays
    for kept in (recent, waiting):
        kept.refresh_from_db()
        assert kept.payload["text"] == "Hej Mottagare"
    # Once pruned, a row is not found again.
    assert outcome(apply_retention(now=NOW + DAY, dry_run=True), "sent_emails").found == 0


# --- Applications without a certification (RETENTION_REJECTED_APPLICATION_YEARS, 2) --------------------------

@pytest.fixture
def rejected(school, staff, administrator, director):
    application = make_application(school=school, applicant=staff, contacts=[("Kim Kontakt", "kim@example.se", "1")])
    sent_to_director(application, administrator)
    reject(application, director, now=DECIDED)
    ApplicationImageFactory(application=application, alt_text="Barn som mäter")
    return application


def test_a_rejected_application_is_kept_one_day_before_the_period_ends(rejected):
    result = outcome(apply_retention(now=years_before(DECIDED, -2) - DAY), "ended_applications")
    assert result.found == 0
    assert ApplicationContact.objects.filter(application=rejected).exists()


def test_a_rejected_application_loses_the_people_in_it_after_the_period(
        rejected, django_capture_on_commit_callbacks):
    image = rejected.images.get()
    storage, name = image.image.storage, image.image.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        result = outcome(apply_retention(now=years_before(DECIDED, -2) + DAY), "ended_applications")

    assert result.handled == 1
    rejected.refresh_from_db()
    assert (rejected.principal_name, rejected.principal_email) == ("", "")
    assert not ApplicationContact.objects.filter(application=rejected).exists()
    assert not ApplicationImage.objects.filter(application=rejected).exists() and not storage.exists(name)
    assert set(Endorsement.objects.filter(application=rejected).values_list("principal_email", flat=True)) == {""}
    assert set(ApplicationStatusChange.objects.filter(application=rejected)
               .values_list("actor_description", flat=True)) == {""}
    # The application's content and its decision stay: they are the case.
    assert rejected.area_title == "Outdoor mathematics" and rejected.decisions.count() == 1


def test_approved_applications_are_not_touched(school, staff, administrator, director):
    fee_rule(2025)
    application = make_application(school=school, applicant=staff)
    sent_to_director(application, administrator)
    approve(application, director)

    assert outcome(apply_retention(now=years_before(DECIDED, -10)), "ended_applications").found == 0
    assert ApplicationContact.objects.filter(application=application).exists()


def test_a_withdrawn_application_counts_from_its_last_change(school, staff):
    application = make_application(school=school, applicant=staff)
    last_change = at(2026, 1, 20)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN, updated_at=last_change)

    assert outcome(apply_retention(now=years_before(last_change, -2) - DAY), "ended_applications").handled == 0
    assert outcome(apply_retention(now=years_before(last_change, -2) + DAY), "ended_applications").handled == 1
    assert not ApplicationContact.objects.filter(application=application).exists()


# --- Feedback (RETENTION_FEEDBACK_YEARS, 3) ---------------------------------------------------------------

def test_feedback_texts_go_after_the_period_and_the_rating_stays(school, other_school, staff):
    site = make_certification(school=school, starts_on=date(2025, 8, 1))
    submitted = at(2025, 10, 10)
    rows = []
    for day in (6, 7):
        booking = make_booking(occasion=make_occasion(certification=site, day=date(2025, 10, day)),
                               school=other_school, booked_by=staff, status="completed")
        rows.append(FeedbackFactory(booking=booking, takeaways="Mätleken", questions="Hur?", submitted_by=staff,
                                    submitted_at=submitted))
    Feedback.objects.filter(pk=rows[1].pk).update(submitted_at=submitted + 2 * DAY)

    apply_retention(now=years_before(submitted, -3) + DAY)

    old, recent = (Feedback.objects.get(pk=f.pk) for f in rows)
    assert (old.takeaways, old.questions, old.submitted_by, old.rating) == (retention.FEEDBACK_REMOVED, "", None, 4)
    old.full_clean()  # still a valid row: the model requires a text
    assert (recent.takeaways, recent.submitted_by) == ("Mätleken", staff)


# --- The audit trail (RETENTION_AUDIT_YEARS, 10) ----------------------------------------------------------

def test_the_audit_trail_is_counted_never_deleted(administrator):
    from inspira.core.audit import audit_record

    event = audit_record(actor=administrator, action="school.create", summary="Added a school")
    result = outcome(apply_retention(now=years_before(event.at, -10) + DAY), "audit_events")

    assert (result.found, result.handled, result.acts) == (1, 0, False)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert outcome(apply_retention(now=years_before(event.at, -10) - DAY), "audit_events").found == 0


# --- Running it -----------------------------------------------------------------------------------------------

def test_a_dry_run_counts_and_changes_nothing(school):
    old = signup(school, "torr.korning@example.se", joined=NOW - timedelta(days=40))
    email_item("old", done_at=NOW - timedelta(days=100))
    outcomes = apply_retention(now=NOW, dry_run=True)

    assert outcome(outcomes, "unverified_accounts").found == 1
    assert outcome(outcomes, "sent_emails").found == 1
    assert all(o.handled == 0 for o in outcomes)
    assert User.objects.get(pk=old.pk).email == "torr.korning@example.se"
    assert not AuditEvent.objects.filter(action__startswith="privacy.").exists()


def test_the_command_reports_per_rule(school):
    signup(school, "kommando@example.se", joined=NOW)  # too new for any rule
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert text.startswith("Dry run: nothing is changed.")
    for rule in retention.RULES:
        assert f"{rule.key}: " in text
    assert "kept, for the archive to decide" in text

    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "unverified_accounts: 0 of 0 handled" in out.getvalue()


def test_a_period_of_zero_turns_a_rule_off(school, settings):
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 0
    old = signup(school, "avstangd@example.se", joined=NOW - timedelta(days=4000))

    result = outcome(apply_retention(now=NOW), "unverified_accounts")

    assert (result.found, result.acts) == (0, False)
    assert User.objects.filter(pk=old.pk).exists()


def test_the_periods_come_from_the_settings(school, settings):
    settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS = 5
    old = signup(school, "fem.dagar@example.se", joined=NOW - timedelta(days=6))
    apply_retention(now=NOW)
    assert not User.objects.filter(pk=old.pk).exists()


def test_the_daily_job_is_scheduled_and_runs(school):
    schedule = Schedule.objects.get(name="privacy-retention")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "inspira.privacy.tasks.apply_retention", Schedule.DAILY, -1)
    signup(school, "jobbet@example.se", joined=at(2000, 1, 1))
    assert tasks.apply_retention()["unverified_accounts"] == 1
    assert AuditEvent.objects.filter(action="privacy.retention").exists()
