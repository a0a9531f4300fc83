"""The administration's casework and the director's decision, as services: the status flow and its
trail, the basis, the decision with its certification and support payment, corrections."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction

from inspira.certification import casework_selectors, casework_services
from inspira.certification.casework_services import (
    BasisIncomplete,
    CaseworkError,
    DecisionError,
    certification_period,
)
from inspira.certification.models import (
    Application,
    BasisDocument,
    Certification,
    ContactLogEntry,
    Decision,
    DecisionNumberSeries,
    EstablishmentSupportPayment,
)
from inspira.certification.services import ApplicationError, _status_set
from inspira.core.models import AuditEvent, OutboxItem
from inspira.schools.models import SchoolForm
from tests.appendonly import forged_copy, on_postgresql, raw_sql
from tests.factories import SchoolFactory

from .casework import (
    DECIDED,
    START,
    approve,
    endorsed,
    fee_rule,
    in_preparation,
    reject,
    sent_to_director,
)
from .conftest import at, make_application

S = Application.Status


def _trail(application):
    return list(application.status_changes.order_by("pk").values_list("from_status", "to_status", "actor__email"))


# --- The status flow and its trail ------------------------------------------------------------------

def test_start_preparing_moves_to_preparation_with_who_and_when(application, administrator):
    endorsed(application)
    basis = casework_services.casework_start(application=application, actor=administrator, now=at(2025, 9, 1))
    application.refresh_from_db()
    assert application.status == S.IN_PREPARATION
    assert basis.application == application
    change = application.status_changes.order_by("-pk").first()
    assert (change.from_status, change.to_status, change.actor, change.at) == (
        S.SUBMITTED, S.IN_PREPARATION, administrator, at(2025, 9, 1))
    assert AuditEvent.objects.filter(action="application.preparation_start", actor=administrator).exists()


def test_start_preparing_tells_the_applicant_once(application, administrator, staff):
    endorsed(application)
    casework_services.casework_start(application=application, actor=administrator)
    item = OutboxItem.objects.get(key=f"application-in-preparation:{application.pk}")
    assert item.payload["to"] == [staff.email]
    assert administrator.email in item.payload["text"]
    assert item.payload["html"]


def test_only_a_submitted_application_can_go_into_preparation(application, administrator):
    with pytest.raises(CaseworkError):
        casework_services.casework_start(application=application, actor=administrator)  # still a draft
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_only_an_administrator_starts_preparing(application, director):
    endorsed(application)
    with pytest.raises(PermissionDenied):
        casework_services.casework_start(application=application, actor=director)


def test_the_whole_flow_is_trailed(application, administrator, director):
    fee_rule()
    sent_to_director(application, administrator)
    casework_services.basis_return(application=application, actor=director, note="Add the principal's view.",
                                   now=at(2026, 2, 5))
    casework_services.basis_send_to_director(application=application, actor=administrator, now=at(2026, 2, 9))
    approve(application, director)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert _trail(application)[-5:] == [
        (S.SUBMITTED, S.IN_PREPARATION, administrator.email),
        (S.IN_PREPARATION, S.SENT_TO_DIRECTOR, administrator.email),
        (S.SENT_TO_DIRECTOR, S.IN_PREPARATION, director.email),
        (S.IN_PREPARATION, S.SENT_TO_DIRECTOR, administrator.email),
        (S.SENT_TO_DIRECTOR, S.APPROVED, director.email),
    ]
    returned = application.status_changes.get(to_status=S.IN_PREPARATION, actor=director)
    assert returned.note == "Add the principal's view."


def test_sending_back_needs_a_note(application, administrator, director):
    sent_to_director(application, administrator)
    with pytest.raises(CaseworkError):
        casework_services.basis_return(application=application, actor=director, note="  ")
    application.refresh_from_db()
    assert application.status == S.SENT_TO_DIRECTOR


def test_only_the_director_sends_back(application, administrator):
    sent_to_director(application, administrator)
    with pytest.raises(PermissionDenied):
        casework_services.basis_return(application=application, actor=administrator, note="More")


# --- The contact log and the basis ----------------------------------------------------------------------------

def test_contact_log_entry_is_added_and_audited(application, administrator):
    endorsed(application)
    entry = casework_services.contact_log_add(application=application, actor=administrator, date=date(2025, 9, 2),
                                              channel=ContactLogEntry.Channel.PHONE, note="  Booked a meeting. ")
    assert (entry.date, entry.channel, entry.note, entry.created_by) == (
        date(2025, 9, 2), "phone", "Booked a meeting.", administrator)
    assert list(casework_selectors.contact_log(application)) == [entry]
    assert AuditEvent.objects.filter(action="application.contact_log_add").count() == 1


def test_contact_log_is_for_applications_with_the_administration(application, administrator):
    with pytest.raises(CaseworkError):  # a draft is the school's own business
        casework_services.contact_log_add(application=application, actor=administrator, date=date(2025, 9, 2),
                                          channel="phone", note="Hello")
    assert not ContactLogEntry.objects.exists()


def test_basis_is_saved_and_audited(application, administrator):
    in_preparation(application, administrator)
    casework_services.basis_update(application=application, actor=administrator, fields={
        "summary": "Good", "content_assessment": "Clear plan", "recommendation": "approve",
        "proposed_start_date": START,
    })
    basis = BasisDocument.objects.get(application=application)
    assert (basis.summary, basis.content_assessment, basis.recommendation, basis.proposed_start_date) == (
        "Good", "Clear plan", "approve", START)
    assert basis.updated_by == administrator
    event = AuditEvent.objects.get(action="basis.update")
    assert set(event.data["fields"]) == {"summary", "content_assessment", "recommendation", "proposed_start_date"}


def test_basis_cannot_change_outside_preparation(application, administrator):
    sent_to_director(application, administrator)
    with pytest.raises(CaseworkError):
        casework_services.basis_update(application=application, actor=administrator, fields={"summary": "Later"})
    assert BasisDocument.objects.get(application=application).summary == "A strong site with a clear plan."


def test_sending_requires_a_recommendation(application, administrator):
    in_preparation(application, administrator)
    casework_services.basis_update(application=application, actor=administrator, fields={"summary": "Good"})
    with pytest.raises(BasisIncomplete) as exc:
        casework_services.basis_send_to_director(application=application, actor=administrator)
    assert [p.field for p in exc.value.problems] == ["recommendation"]
    application.refresh_from_db()
    assert application.status == S.IN_PREPARATION


def test_an_approval_recommendation_requires_a_proposed_start_date(application, administrator):
    in_preparation(application, administrator)
    casework_services.basis_update(application=application, actor=administrator,
                                   fields={"summary": "Good", "recommendation": "approve"})
    with pytest.raises(BasisIncomplete) as exc:
        casework_services.basis_send_to_director(application=application, actor=administrator)
    assert [p.field for p in exc.value.problems] == ["proposed_start_date"]


def test_a_rejection_recommendation_needs_no_start_date(application, administrator):
    sent_to_director(application, administrator, recommendation="reject")
    basis = BasisDocument.objects.get(application=application)
    assert basis.sent_to_director_by == administrator
    assert application.status == S.SENT_TO_DIRECTOR


# --- Certification period ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [
    (date(2024, 2, 29), date(2026, 2, 28)),  # no 29 Feb in 2026: the same date is 1 March
    (date(2025, 3, 1), date(2027, 2, 28)),
    (date(2026, 1, 1), date(2027, 12, 31)),
    (date(2026, 7, 1), date(2028, 6, 30)),
    (date(2026, 2, 28), date(2028, 2, 27)),
    (date(2026, 3, 1), date(2028, 2, 29)),  # ends on a leap day
])
def test_certification_period_runs_two_years(start, end):
    assert certification_period(start) == (start, end)


# --- The decision -------------------------------------------------------------------------------------------------

def test_approval_creates_decision_certification_and_support_payment(application, administrator, director):
    fee_rule(2025, support_ore=1_000_000)
    sent_to_director(application, administrator)
    decision = approve(application, director, start=date(2026, 8, 1))
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert decision.reference == "INSP-2026-0001"
    assert (decision.outcome, decision.start_date, decision.decided_by, decision.decided_by_name) == (
        "approve", date(2026, 8, 1), director, director.name)
    certification = Certification.objects.get(application=application)
    assert (certification.decision, certification.school, certification.starts_on, certification.ends_on) == (
        decision, application.school, date(2026, 8, 1), date(2028, 7, 31))
    payment = EstablishmentSupportPayment.objects.get(certification=certification)
    assert payment.amount_ore == 1_000_000
    assert payment.school_year.start_year == 2025
    assert payment.due_on == date(2026, 3, 10) + timedelta(days=30)
    assert OutboxItem.objects.filter(kind="decision_letter", key=f"decision-letter:{decision.pk}").exists()
    assert AuditEvent.objects.filter(action="decision.make", actor=director, object_id=str(decision.pk)).exists()


def test_certification_keeps_the_team(school, staff, administrator, director):
    fee_rule()
    application = make_application(school=school, applicant=staff, team_name="Arbetslag Ek")
    sent_to_director(application, administrator)
    approve(application, director)
    assert Certification.objects.get().team_name == "Arbetslag Ek"


def test_support_amount_comes_from_the_fee_rule_of_the_school_year_of_the_decision(application, administrator,
                                                                                    director):
    fee_rule(2010, support_ore=1_000_000)  # 2010/11, as in the programme's text
    fee_rule(2025, support_ore=1_500_000)  # today's rule says something else
    sent_to_director(application, administrator)
    approve(application, director, now=at(2011, 3, 1), start=date(2011, 8, 1))
    payment = EstablishmentSupportPayment.objects.get()
    assert payment.amount_ore == 1_000_000
    assert payment.school_year.label == "2010/11"


def test_support_amount_is_copied_so_a_later_rule_change_does_not_alter_it(application, administrator, director):
    rule = fee_rule(2025, support_ore=1_000_000)
    sent_to_director(application, administrator)
    approve(application, director)
    rule.establishment_support_ore = 2_000_000
    rule.save()
    assert EstablishmentSupportPayment.objects.get().amount_ore == 1_000_000


def test_a_missing_fee_rule_is_a_clear_error_and_nothing_is_saved(application, administrator, director):
    fee_rule(2024)  # not the school year of the decision (2025/26)
    sent_to_director(application, administrator)
    trail_before = application.status_changes.count()
    with pytest.raises(DecisionError, match="2025/26"):
        approve(application, director)
    application.refresh_from_db()
    assert application.status == S.SENT_TO_DIRECTOR
    assert application.status_changes.count() == trail_before
    assert not Decision.objects.exists()
    assert not Certification.objects.exists()
    assert not EstablishmentSupportPayment.objects.exists()
    assert not OutboxItem.objects.filter(kind="decision_letter").exists()
    # The number was not used up: the next decision still gets the first number of the year.
    assert not DecisionNumberSeries.objects.filter(last_number__gt=0).exists()


def test_rejection_needs_reasons_and_creates_no_certification(application, administrator, director):
    sent_to_director(application, administrator, recommendation="reject")
    with pytest.raises(DecisionError):
        reject(application, director, reasons="  ")
    decision = reject(application, director)
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert decision.outcome == "reject"
    assert decision.start_date is None
    assert not Certification.objects.exists()
    assert not EstablishmentSupportPayment.objects.exists()


def test_a_rejection_needs_no_fee_rule(application, administrator, director):
    sent_to_director(application, administrator, recommendation="reject")
    reject(application, director)  # no fee rule exists at all
    assert Decision.objects.count() == 1


def test_approval_needs_a_start_date_not_before_the_decision(application, administrator, director):
    fee_rule()
    sent_to_director(application, administrator)
    with pytest.raises(DecisionError):
        casework_services.decision_make(application=application, actor=director, outcome="approve", now=DECIDED)
    with pytest.raises(DecisionError):
        approve(application, director, start=date(2026, 3, 9))
    assert not Decision.objects.exists()


def test_only_the_director_decides(application, administrator):
    fee_rule()
    sent_to_director(application, administrator)
    with pytest.raises(PermissionDenied):
        approve(application, administrator)
    assert not Decision.objects.exists()


def test_an_application_not_sent_to_the_director_cannot_be_decided(application, administrator, director):
    fee_rule()
    in_preparation(application, administrator)
    with pytest.raises(DecisionError):
        approve(application, director)


def test_a_decided_application_cannot_be_decided_again_except_by_correction(application, administrator, director):
    fee_rule()
    sent_to_director(application, administrator)
    approve(application, director)
    with pytest.raises(DecisionError):
        reject(application, director)
    assert Decision.objects.count() == 1


# --- Reference numbers ------------------------------------------------------------------------------------------

def test_reference_numbers_are_sequential_per_year(school, staff, administrator, director):
    fee_rule(2025)
    fee_rule(2026)
    references = []
    for when in (at(2026, 3, 10), at(2026, 5, 2), at(2026, 12, 30), at(2027, 1, 4), at(2027, 1, 5)):
        application = make_application(school=school, applicant=staff)
        sent_to_director(application, administrator)
        references.append(approve(application, director, now=when, start=when.date()).reference)
    assert references == ["INSP-2026-0001", "INSP-2026-0002", "INSP-2026-0003", "INSP-2027-0001",
                          "INSP-2027-0002"]


def test_a_failed_decision_leaves_no_gap(school, staff, administrator, director, monkeypatch):
    fee_rule()
    first, second = (make_application(school=school, applicant=staff) for _ in range(2))
    for application in (first, second):
        sent_to_director(application, administrator)

    def fail(**kwargs):
        raise RuntimeError("the disk is full")

    # Fails after the number was taken: the whole transaction, the number with it, is rolled back.
    monkeypatch.setattr(casework_services, "_certify", fail)
    with pytest.raises(RuntimeError):
        approve(first, director)
    monkeypatch.undo()
    assert not Decision.objects.exists()
    assert approve(second, director).reference == "INSP-2026-0001"
    assert approve(first, director).reference == "INSP-2026-0002"


def test_references_are_unique_in_the_database(application, administrator, director):
    fee_rule()
    sent_to_director(application, administrator)
    decision = approve(application, director)
    with pytest.raises(IntegrityError):
        Decision.objects.create(application=application, reference=decision.reference, outcome="reject",
                                decided_by=director, decided_by_name=director.name)


# --- Immutability ------------------------------------------------------------------------------------------------

@pytest.fixture
def decision(application, administrator, director):
    fee_rule()
    sent_to_director(application, administrator)
    return approve(application, director)


def test_a_decision_cannot_be_saved_again(decision):
    decision.reasons = "Changed afterwards"
    with pytest.raises(TypeError):
        decision.save()
    decision.refresh_from_db()
    assert decision.reasons == "Well prepared."


def test_decisions_cannot_be_updated_in_bulk(decision):
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).update(outcome="reject")
    with pytest.raises(TypeError):
        Decision.objects.all().update(reasons="")
    decision.refresh_from_db()
    assert decision.outcome == "approve"


def test_a_decision_cannot_be_deleted(decision):
    with pytest.raises(TypeError):
        decision.delete()
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).delete()
    assert Decision.objects.filter(pk=decision.pk).exists()


# --- Correcting decisions ----------------------------------------------------------------------------------------

def test_a_new_decision_with_a_stored_decisions_id_does_not_overwrite_it(decision):
    with pytest.raises(IntegrityError), transaction.atomic():
        forged_copy(decision, outcome=Decision.Outcome.REJECT, reasons="Forged").save()
    decision.refresh_from_db()
    assert (decision.outcome, decision.reasons) == ("approve", "Well prepared.")


@on_postgresql
def test_the_database_refuses_to_change_or_delete_a_decision(decision, director):
    for statement in ["UPDATE certification_decision SET reasons = 'rewritten'",
                      "UPDATE certification_decision SET decided_by_name = 'Someone else'",
                      "DELETE FROM certification_decision"]:
        with pytest.raises(DatabaseError, match="append-only"):
            raw_sql(statement)
    decision.refresh_from_db()
    assert (decision.reasons, decision.decided_by_name) == ("Well prepared.", director.name)


def test_an_approval_corrected_to_a_rejection_ends_the_certification(decision, application, director):
    correction = casework_services.decision_correct(
        application=application, actor=director, outcome="reject", reasons="Approved by mistake: wrong school.",
        now=at(2026, 3, 12),
    )
    application.refresh_from_db()
    certification = Certification.objects.get(application=application)
    assert correction.corrects == decision
    assert correction.reference == "INSP-2026-0002"
    assert application.status == S.REJECTED
    assert certification.revoked_by == correction
    assert not certification.is_current(on=date(2026, 9, 1))
    assert certification not in Certification.objects.current(on=date(2026, 9, 1))
    # The first decision stays as it was made.
    decision.refresh_from_db()
    assert decision.outcome == "approve"
    assert list(casework_selectors.decisions_for(application)) == [decision, correction]
    assert casework_selectors.latest_decision(application) == correction
    assert application.status_changes.order_by("-pk").first().to_status == S.REJECTED
    assert AuditEvent.objects.filter(action="decision.correct").exists()
    assert OutboxItem.objects.filter(key=f"decision-letter:{correction.pk}").exists()


def test_a_rejection_corrected_to_an_approval_certifies(application, administrator, director):
    fee_rule()
    sent_to_director(application, administrator, recommendation="reject")
    rejection = reject(application, director)
    correction = casework_services.decision_correct(
        application=application, actor=director, outcome="approve", start_date=date(2026, 4, 1),
        reasons="Rejected by mistake.", now=at(2026, 3, 12),
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert correction.corrects == rejection
    certification = Certification.objects.get(application=application)
    assert (certification.decision, certification.starts_on, certification.ends_on) == (
        correction, date(2026, 4, 1), date(2028, 3, 31))
    assert EstablishmentSupportPayment.objects.get().certification == certification


def test_a_correction_needs_reasons(decision, application, director):
    with pytest.raises(DecisionError):
        casework_services.decision_correct(application=application, actor=director, outcome="reject", reasons="")
    assert Decision.objects.count() == 1


def test_an_approval_cannot_be_corrected_to_another_approval(decision, application, director):
    with pytest.raises(DecisionError):
        casework_services.decision_correct(application=application, actor=director, outcome="approve",
                                           start_date=date(2026, 9, 1), reasons="Other date", now=DECIDED)
    assert Decision.objects.count() == 1


def test_an_ended_certification_is_not_given_again(decision, application, director):
    casework_services.decision_correct(application=application, actor=director, outcome="reject",
                                       reasons="Mistake", now=DECIDED)
    with pytest.raises(DecisionError):
        casework_services.decision_correct(application=application, actor=director, outcome="approve",
                                           start_date=date(2026, 9, 1), reasons="Mistake again", now=DECIDED)
    assert Decision.objects.count() == 2


def test_each_decision_is_corrected_at_most_once(decision, application, director):
    first = casework_services.decision_correct(application=application, actor=director, outcome="reject",
                                               reasons="Mistake", now=DECIDED)
    second = casework_services.decision_correct(application=application, actor=director, outcome="reject",
                                                reasons="Better reasons", now=DECIDED)
    assert second.corrects == first  # the chain goes on from the decision in force
    with pytest.raises(IntegrityError):
        Decision.objects.create(application=application, reference="INSP-2026-9999", outcome="reject",
                                decided_by=director, decided_by_name="x", corrects=decision)


def test_an_undecided_application_cannot_be_corrected(application, administrator, director):
    sent_to_director(application, administrator)
    with pytest.raises(DecisionError):
        casework_services.decision_correct(application=application, actor=director, outcome="reject",
                                           reasons="Why")


def test_decided_statuses_change_only_by_decision(application):
    # The transitions out of a decision exist only for correcting decisions.
    assert Application.TRANSITIONS[S.APPROVED] == {S.REJECTED}
    assert Application.TRANSITIONS[S.REJECTED] == {S.APPROVED}
    Application.objects.filter(pk=application.pk).update(status=S.APPROVED)
    application.refresh_from_db()
    with pytest.raises(ApplicationError):
        _status_set(application, S.WITHDRAWN, actor=None, now=DECIDED)


# --- The queue -------------------------------------------------------------------------------------------------

def test_queue_shows_the_longest_waiting_first(school, staff, administrator):
    older = endorsed(make_application(school=school, applicant=staff), now=at(2025, 6, 3))
    newer = endorsed(make_application(school=school, applicant=staff), now=at(2025, 6, 10))
    # Older by submission, but in preparation only since later: it has waited less in its status.
    casework_services.casework_start(application=older, actor=administrator, now=at(2025, 9, 1))
    assert list(casework_selectors.administration_queue()) == [newer, older]


def test_queue_filters_by_status_district_and_school_form(school, other_school, staff, other_staff, administrator):
    here = endorsed(make_application(school=school, applicant=staff))
    there = endorsed(make_application(school=other_school, applicant=other_staff))
    preschool = SchoolForm.objects.get(code=SchoolForm.Code.PRESCHOOL)
    there.school_forms.set([preschool])
    casework_services.casework_start(application=here, actor=administrator)
    queue = casework_selectors.administration_queue
    assert list(queue(statuses=[S.IN_PREPARATION])) == [here]
    assert list(queue(district=other_school.district)) == [there]
    assert list(queue(school_form=preschool)) == [there]
    assert set(queue(statuses=None)) == {here, there}


def test_queue_leaves_out_drafts(school, staff):
    make_application(school=school, applicant=staff)
    SchoolFactory()
    assert not casework_selectors.administration_queue(statuses=None).exists()
