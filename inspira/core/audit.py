"""The audit trail: call ``audit_record`` inside the transaction that makes the change.

Every state change made by an administrator, the director or finance writes one row (tests/core/
test_audit_coverage.py holds the list). Rows are never changed or deleted (``AuditEvent``).
Administrators read the trail on the audit page (``inspira.portal.audit_views``).
"""

from contextlib import contextmanager

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from inspira.core.models import AuditEvent
from inspira.core.search import text_matches

# What each action code means, for people reading the trail. A code missing here is shown as it is,
# so a new action is readable at once, if not in the nicest words: add it here when you add it.
ACTION_LABELS = {
    # panel: chats
    "panel.chat_created": _("Created a chat of the teacher panel"),
    "panel.chat_question_approved": _("Approved a chat question"),
    "panel.chat_question_merged": _("Merged a chat question into another"),
    "panel.chat_question_declined": _("Declined a chat question"),
    "panel.chat_question_pinned": _("Pinned a chat question"),
    "panel.chat_question_answered": _("Answered a chat question"),
    "panel.chat_transcript_published": _("Published a chat's transcript"),
    "panel.chat_followup_assigned": _("Gave an unanswered chat question an owner and a deadline"),
    # accounts
    "accounts.signup": _("Created an account"),
    "accounts.email_verified": _("Verified their email address"),
    "accounts.password_changed": _("Changed their password"),
    "accounts.profile_updated": _("Changed their own details"),
    "membership.requested": _("Asked to join a school"),
    "membership.confirmed": _("Confirmed a person at a school"),
    "membership.rejected": _("Turned down a request to join a school"),
    "membership.role_changed": _("Changed a person's role at a school"),
    "membership.added": _("Added a person to a school"),
    "person.updated": _("Changed a person's central role or access"),
    "two_factor.enrolled": _("Set up two-factor sign-in"),
    "two_factor.recovery_code_used": _("Signed in with a recovery code"),
    "two_factor.recovery_codes_renewed": _("Got new recovery codes"),
    "two_factor.reset": _("Reset a person's two-factor sign-in"),
    "session.ended": _("Ended one of a person's sessions"),
    "session.ended_all": _("Ended all of a person's sessions"),
    # sign-in through Skolfederation
    "federation.account_created": _("Got an account by signing in through Skolfederation"),
    "federation.signed_in": _("Signed in through Skolfederation"),
    "federation.linked": _("Linked a login at Skolfederation to their account"),
    "federation.membership_confirmed": _("Was confirmed at a school by Skolfederation (a trusted login service)"),
    "federation.trust_changed": _("Changed what a login service of Skolfederation is trusted for"),
    "federation.metadata_refresh_failed": _("Skolfederation's metadata could not be refreshed (the last good copy "
                                            "stays)"),
    # schools, school years and fee rules
    "school.create": _("Added a school"),
    "school.update": _("Changed a school"),
    "register.successor_set": _("Recorded the successor of a closed school unit"),
    "register.successor_removed": _("Removed the successor of a closed school unit"),
    "closed_period.create": _("Added a school break or study day"),
    "closed_period.update": _("Changed a school break or study day"),
    "closed_period.delete": _("Removed a school break or study day"),
    "fee_rule.create": _("Added a fee rule"),
    "fee_rule.update": _("Changed a fee rule"),
    # programmes
    "programme.switched_on": _("Switched a programme on"),
    "programme.switched_off": _("Switched a programme off"),
    "programme.coordinator_add": _("Named a programme coordinator"),
    "programme.coordinator_remove": _("Removed a programme coordinator"),
    "survey.create": _("Created a survey"),
    "survey.open": _("Opened a survey"),
    "survey.close": _("Closed a survey"),
    "survey.update": _("Changed a survey"),
    "survey.question_add": _("Added a question to a survey"),
    "survey.question_update": _("Changed a question of a survey"),
    "survey.question_remove": _("Removed a question from a survey"),
    "survey.question_move": _("Moved a question of a survey"),
    "survey.invite": _("Invited people to a survey"),
    "survey.remind": _("Reminded people about a survey"),
    "survey.free_text_approved": _("Approved a free-text survey answer"),
    "survey.free_text_rejected": _("Rejected a free-text survey answer"),
    # panel surveys (part: surveys)
    "panel.survey_draw": _("Drew who is asked in a panel survey"),
    "panel.survey_send": _("Sent a panel survey to those drawn"),
    # events
    "event.created": _("Created an event"),
    "event.updated": _("Changed an event"),
    "event.cancelled": _("Cancelled an event"),
    "event.evaluation_created": _("Created an event's evaluation"),
    "event_series.created": _("Created a series of events"),
    "registration.created": _("Registered for an event"),
    "registration.waiting": _("Joined an event's waiting list"),
    "registration.waiting_left": _("Left an event's waiting list"),
    "registration.offer_accepted": _("Accepted an offered place on an event"),
    "registration.offer_declined": _("Declined an offered place on an event"),
    "registration.cancelled": _("Cancelled a registration for an event"),
    "registration_question.created": _("Added a registration question to an event"),
    "registration_question.updated": _("Changed an event's registration question"),
    "registration_question.deleted": _("Removed an event's registration question"),
    "event.walk_in_added": _("Added a walk-in to an event's attendance list"),
    "event.attendance_finished": _("Finished an event's attendance list (no-shows recorded)"),
    "event.material_added": _("Published material from an event"),
    "event.material_removed": _("Removed material from an event"),
    "event.calendar_feed_renewed": _("Made a new address for their calendar feed"),
    # benchmarking
    "benchmarking.round_created": _("Opened a benchmarking round"),
    "benchmarking.round_updated": _("Changed a benchmarking round"),
    "benchmarking.interest_registered": _("Registered interest in a benchmarking round"),
    "benchmarking.interest_withdrawn": _("Withdrew an interest registration in a benchmarking round"),
    # certification
    "application.preparation_start": _("Started preparing an application"),
    "application.contact_log_add": _("Logged a contact with a school"),
    "basis.update": _("Changed a basis document"),
    "basis.attachment_add": _("Added an attachment to a basis document"),
    "basis.attachment_delete": _("Removed an attachment from a basis document"),
    "basis.send_to_director": _("Sent a basis document to the director"),
    "basis.return": _("Sent a basis document back for more work"),
    "decision.make": _("Made a decision"),
    "decision.correct": _("Corrected a decision"),
    # visits
    "visits.school_settings": _("Changed a school's booking approval"),
    "visits.outcome_undo": _("Undid what a site recorded for a visit"),
    # billing
    "invoice.issue": _("Issued an invoice"),
    "credit_note.issue": _("Issued a credit note"),
    "invoice.central_run": _("Ran the central administration's invoices"),
    "invoice.mark_paid": _("Marked an invoice as paid"),
    "support.mark_paid": _("Marked establishment support as paid"),
    "billing_settings.update": _("Changed the billing settings"),
    # core
    "outbox.retry": _("Retried an outbox item"),
    # privacy
    "privacy.export": _("Downloaded their own personal data"),
    "privacy.erased": _("Erased a person's personal data"),
    "privacy.retention": _("Applied a retention rule"),
    # benchmarking: substitute costs, the closing evaluation and quotes
    "benchmarking.visit_held": _("Confirmed that a benchmarking visit took place"),
    "benchmarking.claim_created": _("Claimed substitute costs for benchmarking"),
    "benchmarking.claim_approved": _("Approved a claim for substitute costs for benchmarking"),
    "benchmarking.evaluation_created": _("Created a benchmarking round's evaluation"),
    "benchmarking.evaluation_invited": _("Invited participants to a benchmarking round's evaluation"),
    "benchmarking.quote_submitted": _("Sent a quote about a benchmarking round, with consent to publish it"),
    "benchmarking.quote_withdrawn": _("Withdrew their quote about a benchmarking round"),
    "benchmarking.quote_published": _("Published a quote about a benchmarking round"),
    "benchmarking.quote_unpublished": _("Unpublished a quote about a benchmarking round"),
    # benchmarking
    "benchmarking.proposal_start": _("Started a proposal for a benchmarking round"),
    "benchmarking.proposal_done": _("Applied a benchmarking round's proposal (groups and visit dates)"),
    # benchmarking: the groups, publishing and the dates
    "benchmarking.member_moved": _("Moved a participant to another benchmarking group"),
    "benchmarking.members_swapped": _("Swapped two participants between benchmarking groups"),
    "benchmarking.round_published": _("Published a benchmarking round's groups"),
    "benchmarking.visit_moved": _("Moved a benchmarking visit to another date"),
    "benchmarking.dates_answered": _("Answered on their benchmarking group's dates"),
    "benchmarking.participant_left": _("Took a participant out of a benchmarking round"),
    # development efforts: the proposal clock and the centre's closed days
    "effort.clock_started": _("Started an effort's proposal clock"),
    "effort.clock_paused": _("Paused an effort's proposal clock"),
    "effort.clock_resumed": _("Resumed an effort's proposal clock"),
    "effort.clock_extended": _("Extended the time for an effort's proposal"),
    "effort.clock_met": _("Recorded that an effort's proposal was presented"),
    "effort.closed_day_added": _("Added a day the development centre is closed"),
    "effort.closed_day_removed": _("Removed a day the development centre is closed"),
    "effort.documented": _("Added documentation to an effort"),
    # development efforts: the yearly survey
    "effort.yearly_planned": _("Planned the yearly survey of development efforts"),
    "effort.yearly_changed": _("Changed the days of the yearly survey of development efforts"),
    "effort.yearly_sent": _("Sent the yearly survey of development efforts"),
    # development efforts: the proposal and the dialogue about it
    "effort.proposal_presented": _("Presented a version of a development effort's proposal"),
    "effort.proposal_accepted": _("Accepted a version of a development effort's proposal"),
    "effort.proposal_changes_requested": _("Asked for changes to a development effort's proposal"),
    # development efforts: the request and the planning meeting
    "effort.requested": _("Asked for a tailor-made effort"),
    "effort.withdrawn": _("Withdrew a tailor-made effort"),
    "effort.assigned": _("Gave a tailor-made effort its responsible person"),
    "effort.planning_booked": _("Booked the planning meeting of a tailor-made effort"),
    "effort.planning_moved": _("Moved the planning meeting of a tailor-made effort"),
    "effort.planning_notes": _("Wrote the notes of a tailor-made effort's planning meeting"),
    # development efforts: the delivery, the documentation, the ending and the evaluation
    "effort.session_added": _("Planned a session of a development effort"),
    "effort.session_changed": _("Changed a session of a development effort"),
    "effort.session_cancelled": _("Cancelled a session of a development effort"),
    "effort.ended": _("Ended a development effort and shared its documentation"),
    "effort.evaluation_created": _("Created the evaluation of a development effort"),
    "effort.evaluation_invited": _("Invited participants to the evaluation of a development effort"),
    "effort.evaluation_shared": _("Shared the summary of a development effort's evaluation with the principal"),
    # cooperation programmes (seed 004)
    "cooperation.created": _("Set up a cooperation programme"),
    "cooperation.updated": _("Changed a cooperation programme"),
    "cooperation.effort_created": _("Added an effort to a cooperation programme"),
    "cooperation.effort_updated": _("Changed an effort of a cooperation programme"),
    "cooperation.effort_ended": _("Ended an effort of a cooperation programme"),
    "cooperation.seminar_created": _("Planned a cooperation programme's closing seminar"),
    # teacher panel: focus groups (issue 16, part focus)
    "panel.focus_draw": _("Drew a focus group of the teacher panel"),
    "panel.focus_invite": _("Invited a focus group of the teacher panel"),
    # panel: submissions (raised questions and good examples)
    "panel.submission_under_review": _("Took a raised question or example under review"),
    "panel.submission_answered": _("Answered a raised question or example"),
    "panel.submission_taken_up": _("Took up a raised question or example"),
    "panel.submission_declined": _("Declined a raised question or example"),
    "panel.submission_answers_published": _("Published answers to raised questions"),
    "panel.example_published": _("Published a good example"),
    # panel: members
    "panel.consent_text_published": _("Published a new version of the teacher panel's consent text"),
}


def audit_record(*, actor, action: str, obj: models.Model | None = None, summary: str = "",
                 data: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
    )


@contextmanager
def audit_erasure():
    """Let this transaction replace an erased person's mentions in audit rows' ``summary`` and ``data``.

    For the erasure of personal data only. The rows stay where they are, with their time, action
    and object; the model's guard is passed with a plain queryset,
    ``models.QuerySet(model=AuditEvent).filter(pk=...).update(summary=..., data=...)``. On
    PostgreSQL this sets a flag for the current transaction that the append-only trigger reads
    (migration 0003), and clears it again when the block ends without an error; should the block
    fail, the transaction is rolled back and the flag with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("audit_erasure() needs a transaction")
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('inspira.audit_erasure', 'on', true)")
    yield
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('inspira.audit_erasure', 'off', true)")


def action_label(action: str) -> str:
    """The readable name of an action code; the code itself when it has none."""
    return str(ACTION_LABELS.get(action, action))


def object_type_label(object_type: str) -> str:
    """``"schools.school"`` -> "School"; the stored text when the model is gone (or none: "")."""
    if not object_type:
        return ""
    try:
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


# --- Reading the trail ---------------------------------------------------------------------------------

def audit_events(*, person: str = "", action: str = "", object_type: str = "", since=None, before=None,
                 text: str = ""):
    """The trail, newest first, with the actor loaded. ``since`` and ``before`` are aware datetimes
    (``before`` excluded); ``person`` matches the actor's name or email address, ``text`` the summary."""
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-pk")
    if person:
        events = events.filter(text_matches(person, "actor__name", "actor__email"))
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if since is not None:
        events = events.filter(at__gte=since)
    if before is not None:
        events = events.filter(at__lt=before)
    if text:
        events = events.filter(summary__folded_contains=text)
    return events


# Å, Ä and Ö come last in Swedish, in that order (their code points put Ä before Å).
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def audit_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The actions and object types to filter by: every one that occurs in the trail, plus every
    known action, each with its readable name, sorted by it. One query."""
    pairs = list(AuditEvent.objects.order_by().values_list("action", "object_type").distinct())
    actions = set(ACTION_LABELS) | {action for action, _type in pairs}
    object_types = {object_type for _action, object_type in pairs if object_type}
    by_label = lambda pair: (pair[1].casefold().translate(_SWEDISH_ORDER), pair[0])  # noqa: E731
    return (sorted(((a, action_label(a)) for a in actions), key=by_label),
            sorted(((t, object_type_label(t)) for t in object_types), key=by_label))
