"""Every state change by an administrator, the director or finance leaves an audit row.

Each scenario below does one thing through its page, as the role that does it, and checks the rows
it added to the trail: which actions, in order, and that the person who acted is on every one.

``test_every_central_action_is_accounted_for`` keeps the list whole: every URL the permission table
(tests/permission_table.py) lets a central role POST to must have a scenario here, or be listed in
``NOT_HERE`` with the reason. A new page for the central roles therefore fails here until someone
decides what it writes to the trail.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import AuditEvent
from inspira.schools.models import SchoolForm
from inspira.schoolyears.models import school_year_start
from tests import permission_fixtures as fx
from tests.factories import PASSWORD, DistrictFactory, FeeRuleFactory, SchoolFactory, SchoolYearFactory
from tests.permission_fixtures import (
    ADMINISTRATOR,
    ANONYMOUS,
    DIRECTOR,
    FINANCE,
    PENDING,
    PRINCIPAL,
    STAFF,
    World,
    build_world,
)
from tests.permission_table import OK, TABLE
from tests.test_permission_table import checked_patterns

CENTRAL_ROLES = (ADMINISTRATOR, DIRECTOR, FINANCE)


@dataclass
class Scenario:
    role: str
    url: str
    data: dict = field(default_factory=dict)
    # The actions written, in order; each by the scenario's role, or ``(action, role)`` for a row another
    # person's (a registration the action makes is the registered person's, as every registration is).
    expect: tuple[str | tuple[str, str], ...] = ()
    status: int = 302  # what the page answers when the action went through


# --- The scenarios: (URL name, what it shows) -> builder(world) -> Scenario --------------------------------------

def _outbox_retry(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("core:outbox_retry", args=[fx.outbox_item(w).pk]), expect=("outbox.retry",))


def _password_change(w: World) -> Scenario:
    new = "a-new-long-passphrase-2026"
    return Scenario(FINANCE, reverse("accounts:password_change"),
                    {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
                    expect=("accounts.password_changed",))


def _profile(w: World) -> Scenario:
    return Scenario(DIRECTOR, reverse("accounts:profile"), {"name": "Dana Direktör", "phone": "08-508 000 00"},
                    expect=("accounts.profile_updated",))


def _join_school(w: World) -> Scenario:
    return Scenario(DIRECTOR, reverse("accounts:join_school"), {"school": w.other_school.pk},
                    expect=("membership.requested",))


def _identity_provider_trust(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("federation:provider_edit"),
                    {"idp": fx.identity_provider(w).entity_id, "trust_school_codes": "on"},
                    expect=("federation.trust_changed",))


def _membership_confirm(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("accounts:membership_confirm", args=[w.memberships[PENDING].pk]),
                    expect=("membership.confirmed",))


def _membership_reject(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("accounts:membership_reject", args=[w.memberships[PENDING].pk]),
                    expect=("membership.rejected",))


def _membership_set_role(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("accounts:membership_set_role", args=[w.memberships[STAFF].pk]),
                    {"role": "site_contact"}, expect=("membership.role_changed",))


def _person_role(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("accounts:person_edit", args=[w.users[STAFF].pk]),
                    {"form": "person", "person-role": "finance", "person-is_active": "on"},
                    expect=("person.updated",))


def _person_membership(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("accounts:person_edit", args=[w.users[STAFF].pk]),
                    {"form": "membership", "membership-school": w.other_school.pk, "membership-role": "staff"},
                    expect=("membership.added",))


def _two_factor_reset(w: World) -> Scenario:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=w.users[DIRECTOR], name="Phone", confirmed=True)
    return Scenario(ADMINISTRATOR, reverse("accounts:two_factor_reset", args=[w.users[DIRECTOR].pk]),
                    expect=("two_factor.reset",))


def _session_end(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("accounts:session_end", args=[w.users[STAFF].pk, fx.staff_sign_in(w).pk]),
                    expect=("session.ended",))


def _sessions_end_all(w: World) -> Scenario:
    fx.staff_sign_in(w)
    return Scenario(ADMINISTRATOR, reverse("accounts:sessions_end_all", args=[w.users[STAFF].pk]),
                    expect=("session.ended_all",))


def _school_fields(school=None) -> dict:
    forms = SchoolForm.objects.filter(code__in=[SchoolForm.Code.PRESCHOOL_CLASS, SchoolForm.Code.COMPULSORY])
    return {
        "name": school.name if school else "Engelbrektsskolan",
        "unit_code": school.unit_code if school else "87654321",
        "organisation_number": "2120000142",
        "school_forms": [str(sf.pk) for sf in forms],
        "district": str(school.district_id if school else DistrictFactory(name="Norrmalm").pk),
        "street_address": "Valhallavägen 1", "postal_code": "11422", "city": "Stockholm",
        "invoice_address": "Stockholms stad\nFakturaservice\nBox 1\n105 35 Stockholm",
        "invoice_reference": "UTB1234", "invoice_email": "", "contact_email": "engelbrekt@example.se",
    }


def _school_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("schools:create"), _school_fields(), expect=("school.create",))


def _school_edit(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("schools:edit", args=[w.school.pk]),
                    _school_fields(w.school) | {"name": "Vasaskolan Norra"}, expect=("school.update",))


def _closed_period_fields() -> dict:
    return {"name": "Höstlov", "kind": "break", "starts_on": "2031-10-27", "ends_on": "2031-10-31"}


def _closed_period_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("schools:closed_period_create"), _closed_period_fields(),
                    expect=("closed_period.create",))


def _school_closed_period_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("schools:school_closed_period_create", args=[w.school.pk]),
                    _closed_period_fields() | {"name": "Studiedag", "kind": "study_day"},
                    expect=("closed_period.create",))


def _closed_period_edit(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("schools:closed_period_edit", args=[fx.closed_period(w).pk]),
                    _closed_period_fields(), expect=("closed_period.update",))


def _closed_period_delete(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("schools:closed_period_delete", args=[fx.closed_period(w).pk]),
                    expect=("closed_period.delete",))


def _fee_rule_fields(**overrides) -> dict:
    return {
        "start_year": "2031", "visit_fee_ore": "2 000", "central_share_ore": "1 000", "visiting_share_ore": "1 000",
        "establishment_support_ore": "10 000", "vat_rate_percent": "0",
        "vat_exemption_text": "Momsfri verksamhet enligt 3 kap. mervärdesskattelagen.",
    } | overrides


def _fee_rule_create(w: World) -> Scenario:
    return Scenario(FINANCE, reverse("schoolyears:create"), _fee_rule_fields(), expect=("fee_rule.create",))


def _fee_rule_edit(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("schoolyears:edit", args=[fx.fee_rule(w).pk]),
                    _fee_rule_fields(visit_fee_ore="2 500", visiting_share_ore="1 500"),
                    expect=("fee_rule.update",))


def _application(w: World):
    from tests.certification.conftest import make_application

    return make_application(school=w.school, applicant=w.users[STAFF])


def _case(name: str, *args) -> str:
    return reverse(f"certification:{name}", args=args)


def _case_start(w: World) -> Scenario:
    from tests.certification import casework

    application = casework.endorsed(_application(w))
    return Scenario(ADMINISTRATOR, _case("case_start", application.pk),
                    expect=("application.preparation_start",))


def _preparing(w: World):
    from tests.certification import casework

    return casework.world_preparing(w)[0]


def _contact_add(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, _case("contact_add", _preparing(w).pk),
                    {"date": timezone.localdate().isoformat(), "channel": "meeting", "note": "Met the team."},
                    expect=("application.contact_log_add",))


def _basis_save(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, _case("basis_edit", _preparing(w).pk),
                    {"summary": "A strong site.", "recommendation": "approve",
                     "proposed_start_date": "2031-08-01", "save": ""},
                    expect=("basis.update",))


def _basis_save_and_send(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, _case("basis_edit", _preparing(w).pk),
                    {"summary": "A strong site.", "recommendation": "approve",
                     "proposed_start_date": "2031-08-01", "send": ""},
                    expect=("basis.update", "basis.send_to_director"))


def _send_to_director(w: World) -> Scenario:
    from inspira.certification import casework_services

    application = _preparing(w)
    casework_services.basis_update(application=application, actor=w.users[ADMINISTRATOR], fields={
        "summary": "A strong site.", "recommendation": "approve", "proposed_start_date": datetime.date(2031, 8, 1)})
    return Scenario(ADMINISTRATOR, _case("send_to_director", application.pk),
                    expect=("basis.send_to_director",))


def _attachment_add(w: World) -> Scenario:
    from tests.certification.casework import pdf_bytes

    upload = SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf")
    return Scenario(ADMINISTRATOR, _case("attachment_add", _preparing(w).pk), {"title": "Plan", "file": upload},
                    expect=("basis.attachment_add",))


def _attachment_delete(w: World) -> Scenario:
    from tests.certification import casework

    application, attachment = casework.world_preparing(w)
    return Scenario(ADMINISTRATOR, _case("attachment_delete", application.pk, attachment.pk),
                    expect=("basis.attachment_delete",))


def _decide(w: World) -> Scenario:
    from tests.certification import casework

    today = timezone.localdate()
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=school_year_start(today)))
    return Scenario(DIRECTOR, _case("decide", casework.world_sent(w).pk),
                    {"outcome": "approve", "start_date": today.isoformat(), "reasons": ""},
                    expect=("decision.make",))


def _send_back(w: World) -> Scenario:
    from tests.certification import casework

    return Scenario(DIRECTOR, _case("send_back", casework.world_sent(w).pk), {"note": "Ask about capacity."},
                    expect=("basis.return",))


def _correct(w: World) -> Scenario:
    from tests.certification import casework

    return Scenario(DIRECTOR, _case("correct", casework.world_decided(w).application_id),
                    {"outcome": "reject", "reasons": "The wrong school was named."},
                    expect=("decision.correct",))


def _school_settings(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("visits:school_settings", args=[w.school.pk]),
                    {"requires_principal_approval": "on"}, expect=("visits.school_settings",))


def _invoice(w: World):
    from tests.billing.conftest import world_invoice

    return world_invoice(w)


def _outcome_undo(w: World) -> Scenario:
    # A completed visit whose fees are invoiced: undoing it credits the invoice, in the same request.
    return Scenario(ADMINISTRATOR, reverse("visits:booking_outcome_undo", args=[_invoice(w).booking_id]),
                    {"reason": "Recorded by mistake."}, expect=("credit_note.issue", "visits.outcome_undo"))


def _central_run(w: World) -> Scenario:
    from tests.billing.conftest import complete, make_booking, make_certification

    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    FeeRuleFactory(school_year=SchoolYearFactory(start_year=school_year_start(last_month)))
    site = make_certification(school=SchoolFactory(), starts_on=last_month - datetime.timedelta(days=60),
                              ends_on=last_month + datetime.timedelta(days=600))
    complete(make_booking(certification=site, day=last_month), by=w.users[fx.SITE_CONTACT], now=timezone.now())
    return Scenario(FINANCE, reverse("billing:central_run"), {"month": f"{last_month:%Y-%m}"},
                    expect=("invoice.issue", "invoice.central_run"))


def _invoice_paid(w: World) -> Scenario:
    return Scenario(FINANCE, reverse("billing:invoice_mark_paid", args=[_invoice(w).pk]),
                    {"paid_on": timezone.localdate().isoformat()}, expect=("invoice.mark_paid",))


def _support_paid(w: World) -> Scenario:
    from tests.billing.conftest import world_support_payment

    payment = world_support_payment(w)
    return Scenario(FINANCE, reverse("billing:support_mark_paid", args=[payment.pk]),
                    {f"support-{payment.pk}-paid_on": timezone.localdate().isoformat()},
                    expect=("support.mark_paid",))


def _billing_settings(w: World) -> Scenario:
    from inspira.billing.forms import BillingSettingsForm
    from inspira.billing.models import BillingSettings

    form = BillingSettingsForm(instance=BillingSettings.load())
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(bankgiro="123-4567", central_invoice_reference="UTB-4711")
    data.pop("issuers_vat_registered", None)
    return Scenario(ADMINISTRATOR, reverse("billing:settings"), data, expect=("billing_settings.update",))


def _programme_switch(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("programmes:switch", args=["teacher_panel"]), {"active": "on"},
                    expect=("programme.switched_on",))


def _coordinator_add(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("programmes:coordinator_add", args=["tailor_made"]),
                    {"person": w.users[STAFF].pk}, expect=("programme.coordinator_add",))


def _coordinator_remove(w: World) -> Scenario:
    coordinator = fx.programme_coordinator(w)
    return Scenario(ADMINISTRATOR, reverse("programmes:coordinator_remove", args=["tailor_made", coordinator.user_id]),
                    expect=("programme.coordinator_remove",))


def _survey_review(w: World) -> Scenario:
    answer = fx.closed_survey(w).questions.get(kind="text").answers.order_by("text").first()
    return Scenario(ADMINISTRATOR, reverse("surveys:review", args=[fx.closed_survey(w).pk]),
                    {"answer": answer.pk, "decision": "approve"}, expect=("survey.free_text_approved",))


def _survey_args(w: World) -> list[int]:
    return [fx.draft_survey(w).pk]


def _question_args(w: World) -> list[int]:
    return [fx.draft_survey(w).pk, fx.draft_question(w).pk]


def _survey_create(w: World) -> Scenario:
    day = timezone.localdate() + datetime.timedelta(days=14)
    return Scenario(ADMINISTRATOR, reverse("surveys:create"), {
        "programme": fx.event(w).programme_id, "title": "Utvärdering", "last_day": day.isoformat()},
        expect=("survey.create",))


def _survey_edit(w: World) -> Scenario:
    day = timezone.localdate() + datetime.timedelta(days=20)
    return Scenario(ADMINISTRATOR, reverse("surveys:edit", args=_survey_args(w)),
                    {"title": "Ny titel", "intro": "", "last_day": day.isoformat()}, expect=("survey.update",))


def _question_add(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("surveys:question_add", args=_survey_args(w)),
                    {"kind": "scale", "text": "Hur nöjd är du?", "required": "on"}, expect=("survey.question_add",))


def _question_edit(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("surveys:question_edit", args=_question_args(w)),
                    {"kind": "single", "text": "Skolform?", "choices": "Förskola\nGrundskola"},
                    expect=("survey.question_update",))


def _question_remove(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("surveys:question_remove", args=_question_args(w)),
                    expect=("survey.question_remove",))


def _question_move(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("surveys:question_move", args=_question_args(w)),
                    {"direction": "down"}, expect=("survey.question_move",))


def _survey_open(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("surveys:open", args=_survey_args(w)), expect=("survey.open",))


def _survey_close(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("surveys:close", args=[fx.open_survey(w).pk]), expect=("survey.close",))


def _survey_remind(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("surveys:remind", args=[fx.open_survey(w).pk]),
                    expect=("survey.remind",))


def _evaluation_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("events:evaluation_create", args=[fx.event(w).pk]),
                    expect=("survey.create", "event.evaluation_created"))


def _evaluation_invite(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("events:evaluation_invite", args=[fx.evaluated_event(w).pk]),
                    expect=("survey.invite",))


def _event_create(w: World) -> Scenario:
    day = timezone.localdate() + datetime.timedelta(days=30)
    return Scenario(ADMINISTRATOR, reverse("events:create"), {
        "programme": fx.event(w).programme_id, "title": "Uppstartsmöte", "kind": "kick_off", "day": day.isoformat(),
        "start_time": "09:00", "end_time": "11:00", "place": "Aulan", "capacity": "40"}, expect=("event.created",))


def _event_edit(w: World) -> Scenario:
    event = fx.event(w)
    local = timezone.localtime(event.starts_at)
    return Scenario(ADMINISTRATOR, reverse("events:edit", args=[event.pk]), {
        "title": "Nytt namn", "kind": event.kind, "day": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"), "end_time": timezone.localtime(event.ends_at).strftime("%H:%M"),
        "place": event.place, "capacity": str(event.capacity), "is_public": "on"}, expect=("event.updated",))


def _event_cancel(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("events:cancel", args=[fx.event(w).pk]), {"reason": "Sjukdom"},
                    expect=("event.cancelled",))


def _series_create(w: World) -> Scenario:
    first = timezone.localdate() + datetime.timedelta(days=30)
    return Scenario(ADMINISTRATOR, reverse("events:series_create"), {
        "programme": fx.event(w).programme_id, "title": "Nätverksträff", "kind": "session",
        "weekday": first.weekday(), "interval_weeks": 1, "first_date": first.isoformat(),
        "last_date": (first + datetime.timedelta(days=7)).isoformat(), "start_time": "15:00", "end_time": "16:30",
        "place": "Aulan", "capacity": "30", "action": "create"},
        expect=("event.created", "event.created", "event_series.created"))


def _registration_question_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("events:question_create", args=[fx.event(w).pk]), {
        "text": "Har du någon specialkost?", "kind": "text"}, expect=("registration_question.created",))


def _registration_question_edit(w: World) -> Scenario:
    question = fx.registration_question(w)
    return Scenario(ADMINISTRATOR, reverse("events:question_edit", args=[question.event_id, question.pk]), {
        "text": "Allergier?", "kind": "text"}, expect=("registration_question.updated",))


def _registration_question_delete(w: World) -> Scenario:
    question = fx.registration_question(w)
    return Scenario(ADMINISTRATOR, reverse("events:question_delete", args=[question.event_id, question.pk]),
                    expect=("registration_question.deleted",))


def _event_under_way(w: World):
    """An event that started an hour ago, with one person not yet ticked."""
    from tests.factories import EventFactory, RegistrationFactory

    start = timezone.now() - datetime.timedelta(hours=1)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    RegistrationFactory(event=event)
    return event


def _attendance_walk_in(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("events:attendance_walk_in", args=[_event_under_way(w).pk]),
                    {"name": "Greta Gäst"}, expect=("event.walk_in_added",))


def _attendance_finish(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("events:attendance_finish", args=[_event_under_way(w).pk]),
                    expect=("event.attendance_finished",))


def _event_register(w: World) -> Scenario:
    return Scenario(DIRECTOR, reverse("events:register", args=[fx.event(w).pk]), expect=("registration.created",))


def _registration_cancel(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("events:registration_cancel", args=[fx.registration(w).pk]),
                    {"reason": "Dubbelbokad"}, expect=("registration.cancelled",))


def _material_add(w: World) -> Scenario:
    from io import BytesIO

    from pypdf import PdfWriter

    pdf = BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(pdf)
    return Scenario(ADMINISTRATOR, reverse("events:material", args=[fx.event(w).pk]), {
        "title": "Bilder", "audience": "registered",
        "file": SimpleUploadedFile("bilder.pdf", pdf.getvalue(), content_type="application/pdf")},
        expect=("event.material_added",))


def _material_remove(w: World) -> Scenario:
    material = fx.event_material(w)
    return Scenario(ADMINISTRATOR, reverse("events:material_delete", args=[material.event_id, material.pk]),
                    expect=("event.material_removed",))


def _calendar_feed_renew(w: World) -> Scenario:
    return Scenario(FINANCE, reverse("events:my_feed_page"), expect=("event.calendar_feed_renewed",))


def _privacy_export(w: World) -> Scenario:
    return Scenario(FINANCE, reverse("privacy:export"), status=200, expect=("privacy.export",))


def _privacy_erase(w: World) -> Scenario:
    from inspira.core.audit import audit_record

    person = w.users[STAFF]
    # The trail mentions the person: erasure replaces the mention, and that rewrite is no new row.
    audit_record(actor=w.users[ADMINISTRATOR], action="membership.confirmed", obj=w.memberships[STAFF],
                 summary=f"{person.email} confirmed at {w.school.name}")
    return Scenario(ADMINISTRATOR, reverse("privacy:erase", args=[person.pk]), {"confirm": "on"},
                    expect=("privacy.erased",))


def _bm_round_create(w: World) -> Scenario:
    from tests.benchmarking.test_round_views import form_data

    fx.benchmarking_on(w)
    return Scenario(ADMINISTRATOR, reverse("benchmarking:round_create"), form_data(),
                    expect=("event.created", "event.created", "benchmarking.round_created"))


def _bm_round_edit(w: World) -> Scenario:
    from tests.benchmarking.test_round_views import form_data

    # The fixture's round was made without its meetings: saving the round makes them (each audited).
    round_ = fx.benchmarking_round(w)
    return Scenario(ADMINISTRATOR, reverse("benchmarking:round_edit", args=[round_.pk]),
                    form_data(title="Klasslärare i åk 1–6, vårtermin 2028"),
                    expect=("event.created", "event.created", "benchmarking.round_updated"))


def _bm_proposed(w: World):
    round_ = fx.benchmarking_proposed_round(w)
    groups = list(round_.groups.order_by("number"))
    return round_, groups, [list(g.members.order_by("pk")) for g in groups]


def _bm_proposal_start(w: World) -> Scenario:
    round_, _groups, _members = _bm_proposed(w)
    return Scenario(ADMINISTRATOR, reverse("benchmarking:proposal_start", args=[round_.pk]),
                    expect=("benchmarking.proposal_start",))


def _bm_group_move(w: World) -> Scenario:
    round_, groups, members = _bm_proposed(w)
    return Scenario(ADMINISTRATOR, reverse("benchmarking:group_move", args=[round_.pk]),
                    {"move-member": members[0][0].pk, "move-group": groups[1].pk},
                    expect=("benchmarking.member_moved",))


def _bm_group_swap(w: World) -> Scenario:
    round_, _groups, members = _bm_proposed(w)
    return Scenario(ADMINISTRATOR, reverse("benchmarking:group_swap", args=[round_.pk]),
                    {"swap-first": members[0][0].pk, "swap-second": members[1][0].pk},
                    expect=("benchmarking.members_swapped",))


def _bm_round_publish(w: World) -> Scenario:
    round_, _groups, _members = _bm_proposed(w)
    return Scenario(ADMINISTRATOR, reverse("benchmarking:round_publish", args=[round_.pk]),
                    expect=("benchmarking.round_published",))


def _bm_participant_remove(w: World) -> Scenario:
    member = fx.benchmarking_member(w)
    return Scenario(ADMINISTRATOR, reverse("benchmarking:participant_remove", args=[member.round_id, member.pk]),
                    {"confirm": "on", "reason": "Sjukskriven"}, expect=("benchmarking.participant_left",))


def _bm_visit_move(w: World) -> Scenario:
    visit = fx.benchmarking_visit(w)  # 6 September 2027; the group's next visit is a fortnight later
    return Scenario(ADMINISTRATOR, reverse("benchmarking:visit_move", args=[visit.group.round_id, visit.pk]),
                    {"date": "2027-09-08"}, expect=("benchmarking.visit_moved",))


def _bm_visit_held(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("benchmarking:visit_held", args=[fx.bm_costs(w)["visit"].pk]),
                    expect=("benchmarking.visit_held",))


def _bm_claim_approve(w: World) -> Scenario:
    return Scenario(FINANCE, reverse("benchmarking:claim_approve", args=[fx.bm_costs(w)["claim"].pk]),
                    expect=("benchmarking.claim_approved",))


def _bm_evaluation_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("benchmarking:evaluation_create", args=[fx.bm_costs(w)["round"].pk]),
                    expect=("survey.create", "event.evaluation_created", "benchmarking.evaluation_created"))


def _bm_evaluation_invite(w: World) -> Scenario:
    from inspira.benchmarking.evaluation import round_evaluation_create
    from inspira.surveys.services import survey_open

    round_ = fx.bm_costs(w)["round"]
    survey_open(survey=round_evaluation_create(round=round_, actor=w.users[ADMINISTRATOR]),
                actor=w.users[ADMINISTRATOR])
    return Scenario(ADMINISTRATOR, reverse("benchmarking:evaluation_invite", args=[round_.pk]), {"who": "everyone"},
                    expect=("survey.invite", "benchmarking.evaluation_invited"))


def _bm_quote_publish(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("benchmarking:quote_publish", args=[fx.bm_costs(w)["quote"].pk]),
                    expect=("benchmarking.quote_published",))


def _bm_quote_unpublish(w: World) -> Scenario:
    from inspira.benchmarking.quotes import quote_publish

    quote = quote_publish(quote=fx.bm_costs(w)["quote"], actor=w.users[ADMINISTRATOR])
    return Scenario(ADMINISTRATOR, reverse("benchmarking:quote_unpublish", args=[quote.pk]),
                    expect=("benchmarking.quote_unpublished",))


def _effort_clock_pause(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:clock_pause", args=[fx.effort_clock_running(w).pk]),
                    {"pause-reason": "Rektor är sjuk"}, expect=("effort.clock_paused",))


def _effort_clock_resume(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:clock_resume", args=[fx.effort_clock_paused(w).pk]),
                    expect=("effort.clock_resumed",))


def _effort_clock_extend(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:clock_extend", args=[fx.effort_clock_running(w).pk]),
                    {"extend-working_days": "2", "extend-reason": "Rektor vill förankra"},
                    expect=("effort.clock_extended",))


def _closed_day_add(w: World) -> Scenario:
    fx.efforts_on(w)
    return Scenario(ADMINISTRATOR, reverse("efforts:closed_days"),
                    {"day": fx._working_day_in(20).isoformat(), "reason": "Planeringsdag"},
                    expect=("effort.closed_day_added",))


def _closed_day_remove(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:closed_day_remove", args=[fx.closed_day(w).pk]),
                    expect=("effort.closed_day_removed",))


# The teacher panel's focus groups (part focus).
def _panel_focus_draw(w: World) -> Scenario:
    from inspira.panel.forms_focus import FocusDrawForm
    from inspira.panel.models import stratum_key

    draw = fx.focus_draw(w)
    member = draw.focus_invites.get().member
    return Scenario(ADMINISTRATOR, reverse("panel:focus_new"),
                    {"event": draw.event_id,
                     FocusDrawForm.size_field(stratum_key(member.school_form_id, member.district_id)): "1"},
                    expect=("panel.focus_draw",))


def _panel_focus_invite(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:focus_group_invite", args=[fx.focus_draw(w).pk]),
                    expect=("panel.focus_invite",))


def _yearly_plan(w: World) -> Scenario:
    fx.efforts_on(w)
    year = timezone.localdate().year + 2
    return Scenario(ADMINISTRATOR, reverse("efforts:yearly_plan"),
                    {"year": year, "send_on": f"{year}-12-01", "closes_on": f"{year}-12-20"},
                    expect=("effort.yearly_planned",))


def _yearly_edit(w: World) -> Scenario:
    year = fx.yearly_survey(w).year
    return Scenario(ADMINISTRATOR, reverse("efforts:yearly_edit", args=[year]),
                    {"send_on": f"{year}-12-02", "closes_on": f"{year}-12-21"}, expect=("effort.yearly_changed",))
# --- Development efforts: the proposal ---------------------------------------------------------------------------

def _ef_proposal_text(**changes) -> dict:
    from tests.efforts.factories import PROPOSAL_TEXT

    return PROPOSAL_TEXT | changes


def _ef_proposal_next(w: World) -> Scenario:
    effort = fx.effort_proposal(w).effort
    return Scenario(ADMINISTRATOR, reverse("efforts:proposal_present", args=[effort.pk]),
                    _ef_proposal_text(plan="Två träffar."), expect=("effort.proposal_presented",))


def _ef_proposal_first(w: World) -> Scenario:
    """The first version stops the proposal clock, which writes its own row."""
    from inspira.efforts.models import Effort
    from tests.efforts.factories import EffortFactory, clock_entry

    fx.efforts_on(w)
    effort = EffortFactory(schools=[w.school], state=Effort.State.PROPOSAL)
    clock_entry(effort, "started", timezone.localdate() - datetime.timedelta(days=3))
    return Scenario(ADMINISTRATOR, reverse("efforts:proposal_present", args=[effort.pk]), _ef_proposal_text(),
                    expect=("effort.proposal_presented", "effort.clock_met"))
def _effort_withdraw(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:withdraw", args=[fx.effort(w).pk]),
                    {"reason": "Rektor har bytt skola."}, expect=("effort.withdrawn",))


def _effort_assign_me(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:assign_me", args=[fx.effort(w).pk]), expect=("effort.assigned",))


def _effort_planning_book(w: World) -> Scenario:
    day = timezone.localdate() + datetime.timedelta(days=7)
    return Scenario(ADMINISTRATOR, reverse("efforts:planning_meeting", args=[fx.effort(w).pk]),
                    {"date": day.isoformat(), "start_time": "09:00", "end_time": "11:00", "place": "Biblioteket"},
                    expect=("event.created", ("registration.created", PRINCIPAL), "effort.planning_booked"))


def _effort_planning_notes(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:planning_notes", args=[fx.effort_met(w).pk]),
                    {"purpose": "Syfte", "goals": "Mål", "needs": "Behov", "limits": ""},
                    expect=("effort.clock_started", "effort.planning_notes"))
def _ef_session_add(w: World) -> Scenario:
    effort = fx.effort_running(w)["effort"]
    day = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    return Scenario(ADMINISTRATOR, reverse("efforts:session_add", args=[effort.pk]),
                    {"title": "Träff 2", "day": day, "start_time": "13:00", "end_time": "16:00", "place": "Aulan",
                     "capacity": "18"}, expect=("event.created", "effort.session_added"))


def _ef_session_edit(w: World) -> Scenario:
    made = fx.effort_running(w)
    day = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    return Scenario(ADMINISTRATOR, reverse("efforts:session_edit", args=[made["effort"].pk, made["session"].pk]),
                    {"title": made["session"].event.title, "day": day, "start_time": "13:00", "end_time": "16:00",
                     "place": "Aulan", "capacity": "18"}, expect=("event.updated", "effort.session_changed"))


def _ef_session_cancel(w: World) -> Scenario:
    made = fx.effort_running(w)
    return Scenario(ADMINISTRATOR, reverse("efforts:session_cancel", args=[made["effort"].pk, made["session"].pk]),
                    {"reason": "Personalen är sjuk"}, expect=("event.cancelled", "effort.session_cancelled"))


def _ef_document_add(w: World) -> Scenario:
    effort = fx.effort_running(w)["effort"]
    return Scenario(ADMINISTRATOR, reverse("efforts:document_add", args=[effort.pk]),
                    {"title": "Lärdomar", "kind": "lesson", "happened_on": "2026-11-30", "text": "Vi lärde oss mycket.",
                     "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
                    expect=("effort.documented",))


def _ef_end(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:effort_end", args=[fx.effort_running(w)["effort"].pk]),
                    expect=("effort.ended",))


def _ef_evaluation_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("efforts:evaluation_create", args=[fx.effort_running(w)["effort"].pk]),
                    expect=("survey.create", "event.evaluation_created", "effort.evaluation_created"))


def _ef_evaluation_invite(w: World) -> Scenario:
    effort = fx.effort_evaluated(w, closed=False)["effort"]
    return Scenario(ADMINISTRATOR, reverse("efforts:evaluation_invite", args=[effort.pk]),
                    expect=("survey.invite", "effort.evaluation_invited"))


def _ef_evaluation_share(w: World) -> Scenario:
    effort = fx.effort_evaluated(w, closed=True)["effort"]
    return Scenario(ADMINISTRATOR, reverse("efforts:evaluation_share", args=[effort.pk]),
                    {"summary": "Deltagarna var nöjda."}, expect=("effort.evaluation_shared",))


SCENARIOS = {
    ("core:outbox_retry", "retry"): _outbox_retry,
    ("accounts:password_change", "own password"): _password_change,
    ("accounts:profile", "own details"): _profile,
    ("accounts:join_school", "ask to join"): _join_school,
    ("accounts:membership_confirm", "confirm"): _membership_confirm,
    ("federation:provider_edit", "trust an identity provider"): _identity_provider_trust,
    ("accounts:membership_reject", "turn down"): _membership_reject,
    ("accounts:membership_set_role", "role"): _membership_set_role,
    ("accounts:person_edit", "central role"): _person_role,
    ("accounts:person_edit", "add to school"): _person_membership,
    ("accounts:two_factor_reset", "reset"): _two_factor_reset,
    ("accounts:session_end", "end a session"): _session_end,
    ("accounts:sessions_end_all", "end all sessions"): _sessions_end_all,
    ("schools:create", "add"): _school_create,
    ("schools:edit", "change"): _school_edit,
    ("schools:closed_period_create", "add a break"): _closed_period_create,
    ("schools:school_closed_period_create", "add a study day"): _school_closed_period_create,
    ("schools:closed_period_edit", "change"): _closed_period_edit,
    ("schools:closed_period_delete", "remove"): _closed_period_delete,
    ("schoolyears:create", "add"): _fee_rule_create,
    ("schoolyears:edit", "change"): _fee_rule_edit,
    ("certification:case_start", "start"): _case_start,
    ("certification:contact_add", "contact"): _contact_add,
    ("certification:basis_edit", "save"): _basis_save,
    ("certification:basis_edit", "save and send"): _basis_save_and_send,
    ("certification:send_to_director", "send"): _send_to_director,
    ("certification:attachment_add", "add"): _attachment_add,
    ("certification:attachment_delete", "remove"): _attachment_delete,
    ("certification:decide", "approve"): _decide,
    ("certification:send_back", "send back"): _send_back,
    ("certification:correct", "correct"): _correct,
    ("visits:school_settings", "approval"): _school_settings,
    ("visits:booking_outcome_undo", "undo completion"): _outcome_undo,
    ("billing:central_run", "run"): _central_run,
    ("billing:invoice_mark_paid", "paid"): _invoice_paid,
    ("billing:support_mark_paid", "paid"): _support_paid,
    ("billing:settings", "change"): _billing_settings,
    ("programmes:switch", "switch on"): _programme_switch,
    ("programmes:coordinator_add", "add"): _coordinator_add,
    ("programmes:coordinator_remove", "remove"): _coordinator_remove,
    ("surveys:review", "approve a free text"): _survey_review,
    ("events:create", "create"): _event_create,
    ("events:edit", "edit"): _event_edit,
    ("events:cancel", "cancel"): _event_cancel,
    ("surveys:create", "create"): _survey_create,
    ("surveys:edit", "change"): _survey_edit,
    ("surveys:question_add", "add a question"): _question_add,
    ("surveys:question_edit", "change a question"): _question_edit,
    ("surveys:question_remove", "remove a question"): _question_remove,
    ("surveys:question_move", "move a question"): _question_move,
    ("surveys:open", "open"): _survey_open,
    ("surveys:close", "close"): _survey_close,
    ("surveys:remind", "remind"): _survey_remind,
    ("events:evaluation_create", "create the evaluation"): _evaluation_create,
    ("events:evaluation_invite", "invite those who attended"): _evaluation_invite,
    ("events:series_create", "create a series"): _series_create,
    ("events:question_create", "add a registration question"): _registration_question_create,
    ("events:question_edit", "change a registration question"): _registration_question_edit,
    ("events:question_delete", "remove a registration question"): _registration_question_delete,
    ("events:attendance_walk_in", "add a walk-in"): _attendance_walk_in,
    ("events:attendance_finish", "finish the list"): _attendance_finish,
    ("events:register", "register"): _event_register,
    ("events:registration_cancel", "cancel a registration"): _registration_cancel,
    ("events:material", "publish"): _material_add,
    ("events:material_delete", "remove"): _material_remove,
    ("events:my_feed_page", "new calendar address"): _calendar_feed_renew,
    ("privacy:export", "own data"): _privacy_export,
    ("privacy:erase", "erase a person"): _privacy_erase,
    ("efforts:yearly_plan", "plan the yearly survey"): _yearly_plan,
    ("efforts:yearly_edit", "change the yearly survey's days"): _yearly_edit,
    ("benchmarking:round_create", "open a round"): _bm_round_create,
    ("benchmarking:round_edit", "change a round"): _bm_round_edit,
    ("benchmarking:proposal_start", "make a proposal"): _bm_proposal_start,
    ("benchmarking:group_move", "move a participant to another group"): _bm_group_move,
    ("benchmarking:group_swap", "swap two participants"): _bm_group_swap,
    ("benchmarking:round_publish", "publish the groups"): _bm_round_publish,
    ("benchmarking:participant_remove", "take a participant out"): _bm_participant_remove,
    ("benchmarking:visit_move", "move a visit"): _bm_visit_move,
    ("benchmarking:visit_held", "confirm a visit took place"): _bm_visit_held,
    ("benchmarking:claim_approve", "approve a claim"): _bm_claim_approve,
    ("benchmarking:evaluation_create", "create the round's evaluation"): _bm_evaluation_create,
    ("benchmarking:evaluation_invite", "invite to the round's evaluation"): _bm_evaluation_invite,
    ("benchmarking:quote_publish", "publish a quote"): _bm_quote_publish,
    ("benchmarking:quote_unpublish", "unpublish a quote"): _bm_quote_unpublish,
    ("efforts:clock_pause", "pause the proposal clock"): _effort_clock_pause,
    ("efforts:clock_resume", "resume the proposal clock"): _effort_clock_resume,
    ("efforts:clock_extend", "extend the time for the proposal"): _effort_clock_extend,
    ("efforts:closed_days", "add a closed day"): _closed_day_add,
    ("efforts:closed_day_remove", "remove a closed day"): _closed_day_remove,
    ("efforts:proposal_present", "present the next version"): _ef_proposal_next,
    ("efforts:proposal_present", "present the first version"): _ef_proposal_first,
    ("efforts:withdraw", "withdraw an effort"): _effort_withdraw,
    ("efforts:assign_me", "take responsibility for an effort"): _effort_assign_me,
    ("efforts:planning_meeting", "book the planning meeting"): _effort_planning_book,
    ("efforts:planning_notes", "write the planning meeting's notes"): _effort_planning_notes,
    ("efforts:session_add", "plan a session"): _ef_session_add,
    ("efforts:session_edit", "move a session"): _ef_session_edit,
    ("efforts:session_cancel", "cancel a session"): _ef_session_cancel,
    ("efforts:document_add", "add documentation"): _ef_document_add,
    ("efforts:effort_end", "end an effort"): _ef_end,
    ("efforts:evaluation_create", "create the effort's evaluation"): _ef_evaluation_create,
    ("efforts:evaluation_invite", "invite to the effort's evaluation"): _ef_evaluation_invite,
    ("efforts:evaluation_share", "share the evaluation's summary"): _ef_evaluation_share,
}

# --- Cooperation programmes (seed 004) ---

def _coop_programme_create(w: World) -> Scenario:
    from tests.efforts.test_cooperation_views import programme_data

    fx.cooperation_on(w)
    return Scenario(ADMINISTRATOR, reverse("cooperation:programme_create"), programme_data(),
                    expect=("cooperation.created",))


def _coop_programme_edit(w: World) -> Scenario:
    from tests.efforts.test_cooperation_views import programme_data

    programme = fx.cooperation_programme(w)
    data = programme_data(process_leaders=[str(fx.cooperation(w)["leader"].pk)])
    return Scenario(ADMINISTRATOR, reverse("cooperation:programme_edit", args=[programme.pk]), data,
                    expect=("cooperation.updated",))


def _coop_seminar_create(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("cooperation:seminar_create", args=[fx.cooperation_programme(w).pk]),
                    {"day": "2027-05-20", "starts": "09:00", "ends": "15:00", "place": "Stadshuset",
                     "capacity": "80"}, expect=("event.created", "cooperation.seminar_created"))


def _coop_effort_create(w: World) -> Scenario:
    from tests.efforts.test_cooperation_views import effort_data

    programme = fx.cooperation_programme(w)
    return Scenario(ADMINISTRATOR, reverse("cooperation:effort_create", args=[programme.pk]),
                    effort_data(programme, fx.cooperation(w)["leader"]), expect=("cooperation.effort_created",))


def _coop_effort_edit(w: World) -> Scenario:
    from tests.efforts.test_cooperation_views import effort_data

    effort = fx.cooperation_effort(w)
    data = effort_data(effort.cooperation, effort.leader, schools=[str(w.school.pk)], area=str(effort.area_id),
                       title="Kollegialt lärande i alla arbetslag")
    return Scenario(ADMINISTRATOR, reverse("cooperation:effort_edit", args=[effort.pk]), data,
                    expect=("cooperation.effort_updated",))


def _coop_effort_document(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("cooperation:effort_document", args=[fx.cooperation_effort(w).pk]),
                    {"kind": "good_example", "title": "Lässtunder i alla ämnen", "text": "Alla klasser läser."},
                    expect=("effort.documented",))


def _coop_effort_end(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("cooperation:effort_end", args=[fx.cooperation_effort(w).pk]),
                    expect=("cooperation.effort_ended",))


SCENARIOS.update({
    ("cooperation:programme_create", "set up a programme"): _coop_programme_create,
    ("cooperation:programme_edit", "change a programme"): _coop_programme_edit,
    ("cooperation:seminar_create", "plan the closing seminar"): _coop_seminar_create,
    ("cooperation:effort_create", "add an effort"): _coop_effort_create,
    ("cooperation:effort_edit", "change an effort"): _coop_effort_edit,
    ("cooperation:effort_document", "document an effort"): _coop_effort_document,
    ("cooperation:effort_end", "end an effort"): _coop_effort_end,
})
SCENARIOS.update({  # the teacher panel's focus groups (part focus)
    ("panel:focus_new", "draw a focus group"): _panel_focus_draw,
    ("panel:focus_group_invite", "invite a focus group"): _panel_focus_invite,
})

# --- panel: chats ---------------------------------------------------------------------------------------------

def _panel_chat_approve(w: World) -> Scenario:
    chat = fx.panel_chat(w)
    return Scenario(ADMINISTRATOR, reverse("panel:chat_moderate", args=[chat.pk]),
                    fx.panel_chat_question_data(w), expect=("panel.chat_question_approved",))


SCENARIOS.update({
    ("panel:chat_moderate", "approve a chat question"): _panel_chat_approve,
})


# --- panel: chats, second step ---------------------------------------------------------------------------------

def _panel_chat_new(w: World) -> Scenario:
    fx.panel_chats_on(w)
    return Scenario(ADMINISTRATOR, reverse("panel:chat_new"),
                    {"title": "Chatt med direktörerna", "starts_at": "2031-03-04T15:00", "ends_at": "2031-03-04T16:00",
                     "online_link": "https://exempel.se/chatt", "leadership": "directors", "leaders": ""},
                    expect=("event.created", "panel.chat_created"))


def _panel_chat_transcript_publish(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:chat_transcript_publish", kwargs=fx.panel_ended_chat_kwargs(w)),
                    expect=("panel.chat_transcript_published",))


def _panel_chat_followup_assign(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:chat_followups", kwargs=fx.panel_ended_chat_kwargs(w)),
                    fx.panel_followup_data(w), expect=("panel.chat_followup_assigned",))


SCENARIOS.update({
    ("panel:chat_new", "create a chat"): _panel_chat_new,
    ("panel:chat_transcript_publish", "publish a chat's transcript"): _panel_chat_transcript_publish,
    ("panel:chat_followups", "give a follow-up an owner"): _panel_chat_followup_assign,
})


# --- panel: members -------------------------------------------------------------------------------------------

def _panel_consent_text_publish(w: World) -> Scenario:
    fx.panel_on(w)
    return Scenario(ADMINISTRATOR, reverse("panel:consent_text_new"),
                    {"body": "Jag vill vara med i Lärarpanelen, version två."},
                    expect=("panel.consent_text_published",))


SCENARIOS.update({
    ("panel:consent_text_new", "publish a new consent text"): _panel_consent_text_publish,
})


# --- Skolverket's school-unit register ----------------------------------------------------------------------------

def _register_successor(w: World) -> Scenario:
    units = fx.register_units(w)
    return Scenario(ADMINISTRATOR, reverse("schools:register_successor", args=[units["closed"].unit_code]),
                    {"successor": units["successor"].unit_code}, expect=("register.successor_set",))


SCENARIOS.update({
    ("schools:register_successor", "record the successor of a closed unit"): _register_successor,
})


# Pages a central role may POST to that have no scenario here, and why.
NOT_HERE = {
    "events:attendance_mark": "A tick at the door (came, did not come, undo): dozens per event, undone and "
                              "sent again by phones, so not one row each; the registration keeps when it was "
                              "marked, and finishing the list (audited) records the result with its counts.",
    "accounts:two_factor_verify": "The second step of logging in: changes nothing but the session.",
    "accounts:two_factor_recovery": "Logging in with a recovery code; audited (two_factor.recovery_code_used) by "
                                    "the two-factor service and tested with it.",
    "accounts:two_factor_enrol": "A person setting up their own second step; audited (two_factor.enrolled) by the "
                                 "two-factor service and tested with it (it needs a code from the app).",
    "accounts:two_factor_codes_new": "New recovery codes for oneself; audited (two_factor.recovery_codes_renewed) "
                                     "by the two-factor service and tested with it (it needs a code from the app).",
    "federation:link": "A person linking their own login at Skolfederation after their password; audited "
                       "(federation.linked, federation.signed_in) by the federation's service and tested with it "
                       "(tests/federation/test_sign_in.py: it needs an identity provider's signed answer).",
    # panel: chats
    "panel:chat": "Members asking and supporting chat questions: a member's own contribution, not a "
                  "coordinator's action; an administrator posting here only asks (as a member would).",
}


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("key", list(SCENARIOS), ids=[f"{name} ({what})" for name, what in SCENARIOS])
def test_the_action_writes_its_audit_rows(key, world, client_for):
    scenario = SCENARIOS[key](world)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    actor = world.users[scenario.role]

    response = client_for(actor).post(scenario.url, scenario.data)

    assert response.status_code == scenario.status, f"the action did not go through: {response.status_code}"
    new = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").values_list("action", "actor_id"))
    assert new == [(action, actor.pk) if isinstance(action, str) else (action[0], world.users[action[1]].pk)
                   for action in scenario.expect]


def test_an_action_that_changes_nothing_writes_nothing(world, client_for):
    scenario = _outbox_retry(world)
    client = client_for(world.users[ADMINISTRATOR])
    client.post(scenario.url)
    count = AuditEvent.objects.count()
    client.post(scenario.url)  # the item is waiting again, not failed: nothing to retry
    assert AuditEvent.objects.count() == count


def test_saving_own_details_unchanged_writes_nothing(world, client_for):
    director = world.users[DIRECTOR]
    client_for(director).post(reverse("accounts:profile"), {"name": director.name, "phone": director.phone})
    assert not AuditEvent.objects.filter(action="accounts.profile_updated").exists()


def _central_post_names() -> set[str]:
    """URL names a central role may POST to, leaving out the public ones (logging in, reset links...),
    which are anyone's, not an action of the administration."""
    return {
        name for name, row in TABLE.items()
        if row.POST[ANONYMOUS] != OK and any(row.POST[role] == OK for role in CENTRAL_ROLES)
    }


def test_every_central_action_is_accounted_for():
    covered = {name for name, _what in SCENARIOS}
    missing = sorted(_central_post_names() - covered - set(NOT_HERE))
    assert not missing, ("A central role can POST to these pages: add a scenario to tests/core/"
                         f"test_audit_coverage.py (and an audit_record call), or say why not in NOT_HERE: {missing}")


def test_the_lists_name_only_urls_that_exist():
    names, _unnamed = checked_patterns()
    gone = sorted(({name for name, _what in SCENARIOS} | set(NOT_HERE)) - set(names))
    assert not gone, f"No such URL any more: {gone}"


# --- panel: submissions (raised questions and good examples) --------------------------------------------

def _panel_handle(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:submission_handle", args=[fx.panel_submission(w)["pk"]]),
                    {"state": "declined", "reason": "Utanför förvaltningens ansvar."},
                    expect=("panel.submission_declined",))


def _panel_publish(w: World) -> Scenario:
    from inspira.panel.models import Submission

    pk = fx.panel_submission(w)["pk"]
    Submission.objects.filter(pk=pk).update(state="answered", answer="Svar")
    return Scenario(ADMINISTRATOR, reverse("panel:submission_publish"), {"submission": [str(pk)]},
                    expect=("panel.submission_answers_published",))


def _panel_example_publish(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:example_publish", args=[fx.panel_submission(w)["pk"]]),
                    expect=("panel.example_published",))


SCENARIOS.update({
    ("panel:submission_handle", "decline a raised question"): _panel_handle,
    ("panel:submission_publish", "publish answers"): _panel_publish,
    ("panel:example_publish", "publish a good example"): _panel_example_publish,
})


# --- panel: short surveys (part surveys) -----------------------------------------------------------------------

def _panel_survey_draw(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:survey_draw", args=[fx.panel_survey_draft(w)["pk"]]),
                    {"mode": "all"}, expect=("panel.survey_draw",))


def _panel_survey_send(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:survey_send", args=[fx.panel_survey_drawn(w)["pk"]]),
                    {"confirm": "yes"}, expect=("survey.open", "survey.invite", "panel.survey_send"))


def _panel_survey_remind(w: World) -> Scenario:
    return Scenario(ADMINISTRATOR, reverse("panel:survey_remind", args=[fx.panel_survey_sent(w)["pk"]]),
                    expect=("survey.remind",))


def _panel_survey_new(w: World) -> Scenario:
    fx.panel_on(w)
    return Scenario(ADMINISTRATOR, reverse("panel:survey_new"),
                    {"title": "Läxor", "last_day": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()},
                    expect=("survey.create",))


SCENARIOS.update({
    ("panel:survey_new", "create a panel survey"): _panel_survey_new,
    ("panel:survey_draw", "draw who is asked in a panel survey"): _panel_survey_draw,
    ("panel:survey_send", "send a panel survey to those drawn"): _panel_survey_send,
    ("panel:survey_remind", "remind those who have not answered a panel survey"): _panel_survey_remind,
})

