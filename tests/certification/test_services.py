"""Submission, the principal's endorsement, the status trail and the emails of each event."""

import pytest
from django.core import mail, signing
from django.db import IntegrityError, transaction

from inspira.certification import selectors, services
from inspira.certification.models import Application, ApplicationStatusChange, Endorsement
from inspira.certification.services import ApplicationError, EndorsementLinkInvalid
from inspira.core.models import OutboxItem
from tests.appendonly import forged_copy

from .conftest import at, make_application, run_outbox, submit

S = Application.Status


def _trail(application):
    return list(application.status_changes.order_by("pk").values_list("from_status", "to_status"))


def test_submission_waits_for_the_principal(application, staff):
    endorsement, _token = submit(application)
    application.refresh_from_db()
    assert application.status == S.AWAITING_ENDORSEMENT
    assert application.endorsement_round == 1
    assert application.submitted_at == at(2025, 6, 2)
    assert application.endorsed_at is None
    assert endorsement.round == 1
    assert endorsement.principal_email == "rektor@example.se"
    assert not endorsement.is_decided


def test_submission_emails_the_principal_a_link(application):
    _endorsement, token = submit(application)
    item = OutboxItem.objects.get()
    assert item.key == f"application-endorsement:{application.pk}:1"
    assert item.payload["to"] == ["rektor@example.se"]
    assert f"/ansokan/tillstyrkan/{token}/" in item.payload["text"]
    assert f"/ansokan/tillstyrkan/{token}/" in item.payload["html"]
    assert "Vasaskolan" in item.payload["subject"]


def test_the_administration_sees_an_application_only_once_endorsed(application):
    _endorsement, token = submit(application)
    assert application not in selectors.applications_for_administration()
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE, now=at(2025, 6, 3))
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.endorsed_at == at(2025, 6, 3)
    assert list(selectors.applications_for_administration()) == [application]


def test_administration_selector_excludes_drafts_and_declined(school, staff):
    draft = make_application(school=school, applicant=staff)
    declined = make_application(school=school, applicant=staff)
    _e, token = submit(declined)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.DECLINE, reason="Not yet")
    later = make_application(school=school, applicant=staff)
    for status in (S.IN_PREPARATION, S.SENT_TO_DIRECTOR, S.APPROVED, S.REJECTED):
        Application.objects.filter(pk=later.pk).update(status=status)
        assert list(selectors.applications_for_administration()) == [later]
    result = selectors.applications_for_administration()
    assert draft not in result and declined not in result


def test_endorsement_emails_the_applicant_once(application, staff):
    _endorsement, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    # Each item run twice (a retried job) does the work once.
    assert run_outbox() == 2
    assert [m.to for m in mail.outbox] == [["rektor@example.se"], [staff.email]]
    assert "/ansokan/tillstyrkan/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives  # an HTML part as well as plain text
    assert run_outbox() == 0
    assert len(mail.outbox) == 2


def test_the_same_event_is_recorded_once(application):
    endorsement, _token = submit(application)
    # Enqueuing the same round's email again (e.g. a repeated call) does not add a second one.
    from inspira.core.emails import email_enqueue
    email_enqueue(key=f"application-endorsement:{application.pk}:{endorsement.round}", to=["x@example.se"],
                  template="application_endorsed", context={})
    assert OutboxItem.objects.count() == 1


def test_decline_needs_a_reason(application):
    _endorsement, token = submit(application)
    with pytest.raises(ApplicationError):
        services.endorsement_decide(token=token, decision=Endorsement.Decision.DECLINE, reason="  ")
    application.refresh_from_db()
    assert application.status == S.AWAITING_ENDORSEMENT


def test_decline_sends_the_reason_to_the_applicant(application, staff):
    _endorsement, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.DECLINE,
                                reason="Describe the plan's last hour.")
    application.refresh_from_db()
    assert application.status == S.ENDORSEMENT_DECLINED
    assert application.is_editable
    assert application not in selectors.applications_for_administration()
    endorsement = application.endorsements.get()
    assert endorsement.decision == Endorsement.Decision.DECLINE
    assert endorsement.reason == "Describe the plan's last hour."
    run_outbox()
    declined = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(declined) == 1
    assert "Describe the plan's last hour." in declined[0].body


def test_resubmission_starts_a_new_round_and_the_old_link_stops_working(application):
    _first, old_token = submit(application)
    services.endorsement_decide(token=old_token, decision=Endorsement.Decision.DECLINE, reason="Fix the plan")
    services.application_update(application=application, actor=application.applicant, step=services.STEP_SITE,
                                fields={"area_title": "Outdoor mathematics, years 1–3"})
    second, new_token = submit(application, now=at(2025, 6, 10))
    assert second.round == 2
    assert new_token != old_token
    with pytest.raises(EndorsementLinkInvalid) as exc:
        services.endorsement_from_token(old_token)
    assert exc.value.reason == EndorsementLinkInvalid.USED
    assert services.endorsement_from_token(new_token) == second
    keys = set(OutboxItem.objects.values_list("key", flat=True))
    assert f"application-endorsement:{application.pk}:2" in keys


def test_reopened_application_invalidates_the_undecided_link(application, staff):
    _endorsement, token = submit(application)
    services.application_reopen(application=application, actor=staff)
    application.refresh_from_db()
    assert application.status == S.DRAFT
    with pytest.raises(EndorsementLinkInvalid) as exc:
        services.endorsement_from_token(token)
    assert exc.value.reason == EndorsementLinkInvalid.REPLACED
    _second, new_token = submit(application)
    with pytest.raises(EndorsementLinkInvalid) as exc:
        services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    assert exc.value.reason == EndorsementLinkInvalid.REPLACED
    services.endorsement_decide(token=new_token, decision=Endorsement.Decision.ENDORSE)


def test_a_used_link_cannot_decide_again(application):
    _endorsement, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    with pytest.raises(EndorsementLinkInvalid) as exc:
        services.endorsement_decide(token=token, decision=Endorsement.Decision.DECLINE, reason="Changed my mind")
    assert exc.value.reason == EndorsementLinkInvalid.USED
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_a_tampered_link_is_refused(application):
    endorsement, token = submit(application)
    forged = signing.dumps({"e": endorsement.pk, "r": endorsement.round}, salt="another.salt")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "nonsense"):
        with pytest.raises(EndorsementLinkInvalid) as exc:
            services.endorsement_from_token(bad)
        assert exc.value.reason == EndorsementLinkInvalid.DAMAGED


def test_an_expired_link_is_refused(application, settings):
    _endorsement, token = submit(application)
    settings.ENDORSEMENT_LINK_MAX_AGE = -1
    with pytest.raises(EndorsementLinkInvalid) as exc:
        services.endorsement_from_token(token)
    assert exc.value.reason == EndorsementLinkInvalid.EXPIRED


def test_every_status_change_is_in_the_trail(application, staff, principal):
    assert _trail(application) == [("", S.DRAFT)]
    _e, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.DECLINE, reason="Plan unclear")
    _e, token = submit(application)
    services.application_reopen(application=application, actor=staff)
    _e, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    assert _trail(application) == [
        ("", S.DRAFT),
        (S.DRAFT, S.AWAITING_ENDORSEMENT),
        (S.AWAITING_ENDORSEMENT, S.ENDORSEMENT_DECLINED),
        (S.ENDORSEMENT_DECLINED, S.AWAITING_ENDORSEMENT),
        (S.AWAITING_ENDORSEMENT, S.DRAFT),
        (S.DRAFT, S.AWAITING_ENDORSEMENT),
        (S.AWAITING_ENDORSEMENT, S.SUBMITTED),
    ]
    changes = list(application.status_changes.order_by("pk"))
    assert changes[1].actor == staff
    assert changes[2].actor == principal
    assert changes[2].actor_description == "Rut Rektor <rektor@example.se>"
    assert changes[2].note == "Plan unclear"


def test_principal_with_an_account_is_recorded_as_the_actor(application, principal):
    _e, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    assert application.status_changes.order_by("pk").last().actor == principal


def test_the_trail_cannot_be_changed_or_deleted(application):
    change = application.status_changes.get()
    change.note = "rewritten"
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        ApplicationStatusChange.objects.filter(pk=change.pk).update(note="x")
    with pytest.raises(TypeError):
        ApplicationStatusChange.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        forged_copy(change, to_status=Application.Status.APPROVED).save()
    assert application.status_changes.get().to_status == change.to_status


def test_a_failed_status_change_writes_no_trail(application):
    with pytest.raises(ApplicationError), transaction.atomic():
        services.endorsement_decide(token="bad", decision=Endorsement.Decision.ENDORSE)
    assert application.status_changes.count() == 1


def test_a_submitted_application_cannot_be_edited(application, staff):
    submit(application)
    with pytest.raises(ApplicationError):
        services.application_update(application=application, actor=staff, step=services.STEP_SITE,
                                    fields={"area_title": "Changed"})
    application.refresh_from_db()
    assert application.area_title == "Outdoor mathematics"


def test_status_changes_follow_the_allowed_paths(application, staff):
    # Taking back is only possible while the principal has it.
    with pytest.raises(ApplicationError):
        services.application_reopen(application=application, actor=staff)
    assert _trail(application) == [("", S.DRAFT)]


def test_plan_rows_are_replaced_and_sorted(application, staff):
    from datetime import time
    services.application_update(
        application=application, actor=staff, step=services.STEP_PLAN, fields={"plan_introduction": "Hi"},
        plan_items=[{"start_time": time(10), "end_time": time(12), "activity": "Lesson"},
                    {"start_time": time(9), "end_time": time(10), "activity": "Welcome"}],
    )
    assert list(application.plan_items.values_list("activity", "position")) == [("Welcome", 0), ("Lesson", 1)]


# --- Only the school's confirmed principal endorses ----------------------------------------------------------

def test_a_teacher_cannot_name_herself_as_the_principal(application, staff):
    with pytest.raises(ApplicationError, match="skolans rektorer"):
        services.application_update(application=application, actor=staff, step=services.STEP_CONTACTS,
                                    fields={"principal": staff})
    application.refresh_from_db()
    assert application.principal != staff


def test_the_link_goes_to_the_chosen_principal_whatever_address_the_draft_holds(application, principal, staff):
    # Even an address slipped into the stored draft is not where the link goes.
    Application.objects.filter(pk=application.pk).update(principal_email=staff.email)
    application.refresh_from_db()
    endorsement, _token = submit(application)
    assert endorsement.principal == principal
    assert OutboxItem.objects.get(key=f"application-endorsement:{application.pk}:1").payload["to"] == [
        principal.email]


def test_a_principal_who_stepped_down_cannot_endorse(application, principal, school):
    _e, token = submit(application)
    principal.memberships.filter(school=school).update(role="staff")
    with pytest.raises(ApplicationError, match="bekräftad rektor"):
        services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    application.refresh_from_db()
    assert application.status == S.AWAITING_ENDORSEMENT and application.endorsed_at is None


def test_an_endorsement_naming_someone_else_is_refused(application, staff):
    endorsement, token = submit(application)
    Endorsement.objects.filter(pk=endorsement.pk).update(principal=staff)
    with pytest.raises(ApplicationError, match="bekräftad rektor"):
        services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    Endorsement.objects.filter(pk=endorsement.pk).update(principal=None)
    with pytest.raises(ApplicationError, match="bekräftad rektor"):
        services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    assert Application.objects.get(pk=application.pk).status == S.AWAITING_ENDORSEMENT


def test_the_endorsing_principal_and_role_are_recorded(application, principal):
    endorsement, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE)
    endorsement.refresh_from_db()
    assert (endorsement.principal, endorsement.decided_by_role) == (principal, "principal")


def test_a_school_without_a_principal_cannot_submit(school, staff):
    application = make_application(school=school, applicant=staff, principal=None)
    with pytest.raises(services.ApplicationIncomplete) as error:
        submit(application)
    [problem] = [p for p in error.value.problems if p.field == "principal"]
    assert "Be förvaltningen lägga till skolans rektor" in problem.message
    assert not Endorsement.objects.exists()


def test_someone_logged_in_cannot_answer_with_the_principals_link(application, staff, principal):
    _e, token = submit(application)
    with pytest.raises(ApplicationError, match="inloggad som någon annan"):
        services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE, signed_in_as=staff)
    assert Application.objects.get(pk=application.pk).status == S.AWAITING_ENDORSEMENT
    services.endorsement_decide(token=token, decision=Endorsement.Decision.ENDORSE, signed_in_as=principal)
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_contact_addresses_are_stored_in_the_one_normalised_form(application, staff):
    services.application_update(
        application=application, actor=staff, step=services.STEP_CONTACTS, fields={},
        contacts=[{"name": "Eva Ek", "email": " Eva.Ek@Skola.SE ", "phone": ""}],
    )
    assert list(application.contacts.values_list("email", flat=True)) == ["eva.ek@skola.se"]
