"""The administration's work on an application (preparation, contact log, basis document) and the
director's decision, with the certification and the establishment support it creates.

Every status change goes through ``services._status_set``, which writes the status trail in the
same transaction. Administrators' and the director's actions also write an audit row.

    submitted --(administrator: start preparing)--> in_preparation
    in_preparation --(administrator: send, with a recommendation)--> sent_to_director
    sent_to_director --(director: send back, with a note)--> in_preparation
    sent_to_director --(director: decide)--> approved | rejected
    approved <--(director: correcting decision)--> rejected
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inspira.accounts.models import User
from inspira.certification import letters
from inspira.certification.models import (
    Application,
    BasisAttachment,
    BasisDocument,
    Certification,
    ContactLogEntry,
    Decision,
    DecisionNumberSeries,
    EstablishmentSupportPayment,
)
from inspira.certification.services import ApplicationError, _lock, _status_set
from inspira.core.audit import audit_record
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.money import format_sek
from inspira.core.outbox import outbox_enqueue
from inspira.core.uploads import check_attachment
from inspira.schoolyears.services import FeeRuleMissing, fee_rule_for

S = Application.Status

# Editable parts of the basis document (the rest is set by the services).
BASIS_FIELDS = (
    "summary", "content_assessment", "experience_assessment", "leadership_assessment", "capacity_assessment",
    "other_notes", "recommendation", "proposed_start_date",
)
MAX_ATTACHMENTS = 20
# The establishment support falls due this long after the decision.
SUPPORT_DUE_AFTER = datetime.timedelta(days=30)
# How far ahead a certification may start. Any sensible decision is well within it; the limit keeps a
# mistyped year (e.g. 9999) from making a certification period past the end of the calendar.
MAX_START_AHEAD = datetime.timedelta(days=5 * 365 + 1)
REFERENCE_PREFIX = "INSP"


class CaseworkError(ApplicationError):
    """Message is translated; views show it as is."""


@dataclass(frozen=True)
class BasisProblem:
    field: str
    message: str


class BasisIncomplete(CaseworkError):
    def __init__(self, problems: list[BasisProblem]):
        super().__init__(_("The basis cannot be sent to the director yet."))
        self.problems = problems


class DecisionError(CaseworkError):
    """The decision could not be made; nothing is saved."""


def _require(condition: bool) -> None:
    # The views check first; this keeps a wrong caller (a script, a later view) from acting.
    if not condition:
        raise PermissionDenied


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


# --- The administration's preparation ---------------------------------------------------------------------

@transaction.atomic
def casework_start(*, application: Application, actor: User, now=None, language: str = "sv") -> BasisDocument:
    """Take a submitted application into preparation: the administration contacts the school and
    prepares the basis document with it. The applicant is told once."""
    _require(actor.is_administrator)
    now = now or timezone.now()
    application = _lock(application)
    if application.status != S.SUBMITTED:
        raise CaseworkError(_("The preparation can start only on a submitted application; this one is “%(status)s”.")
                            % {"status": application.get_status_display()})
    _status_set(application, S.IN_PREPARATION, actor=actor, now=now)
    application.save()
    basis, _created = BasisDocument.objects.get_or_create(application=application, defaults={"updated_by": actor})
    audit_record(actor=actor, action="application.preparation_start", obj=application,
                 summary=_("Started preparing the basis for %(application)s") % {"application": application})
    email_enqueue(
        key=f"application-in-preparation:{application.pk}",
        to=[application.applicant.email],
        template="application_in_preparation",
        context={
            "applicant_name": application.applicant.name,
            "school_name": application.school.name,
            "team_name": application.team_name,
            "area_title": application.area_title,
            "administrator_name": actor.name,
            "administrator_email": actor.email,
            "application_url": absolute_url("certification:detail", application.pk),
        },
        language=language,
    )
    return basis


def _basis_for_work(application: Application) -> tuple[Application, BasisDocument]:
    """Lock the application and return it with its basis, if the basis may be changed now."""
    application = _lock(application)
    if application.status != S.IN_PREPARATION:
        raise CaseworkError(_("The basis can be changed only while it is being prepared; the application is "
                              "“%(status)s”.") % {"status": application.get_status_display()})
    basis, _created = BasisDocument.objects.get_or_create(application=application)
    return application, basis


@transaction.atomic
def contact_log_add(*, application: Application, actor: User, date: datetime.date, channel: str,
                    note: str) -> ContactLogEntry:
    _require(actor.is_administrator)
    application = _lock(application)
    with_administration = application.status in Application.ADMINISTRATION_STATUSES or (
        application.status == S.WITHDRAWN and application.endorsed_at is not None)
    if not with_administration:
        raise CaseworkError(_("The application is not with the administration."))
    if channel not in ContactLogEntry.Channel.values:
        raise CaseworkError(_("Choose how you were in contact."))
    note = note.strip()
    if not note:
        raise CaseworkError(_("Write what the contact was about."))
    entry = ContactLogEntry.objects.create(application=application, date=date, channel=channel, note=note,
                                           created_by=actor)
    audit_record(actor=actor, action="application.contact_log_add", obj=application,
                 summary=_("Contact with %(application)s on %(date)s (%(channel)s)") % {
                     "application": application, "date": date.isoformat(), "channel": entry.get_channel_display()},
                 data={"entry": entry.pk})
    return entry


@transaction.atomic
def basis_update(*, application: Application, actor: User, fields: dict) -> BasisDocument:
    """Save the basis document's fields (all of ``BASIS_FIELDS`` that are given)."""
    _require(actor.is_administrator)
    unknown = set(fields) - set(BASIS_FIELDS)
    if unknown:
        raise ValueError(f"basis_update() cannot change {sorted(unknown)}")
    application, basis = _basis_for_work(application)
    changed = []
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(basis, name) != value:
            setattr(basis, name, value)
            changed.append(name)
    basis.updated_by = actor
    basis.save()
    if changed:
        audit_record(actor=actor, action="basis.update", obj=basis,
                     summary=_("Changed the basis for %(application)s") % {"application": application},
                     data={"fields": changed})
    return basis


@transaction.atomic
def attachment_add(*, application: Application, actor: User, title: str, upload) -> BasisAttachment:
    """Attach a file to the basis. Its type is found from its content (PDF, DOCX, XLSX, JPEG, PNG)
    and it is stored under a random name, outside the public media folder."""
    _require(actor.is_administrator)
    checked = check_attachment(upload)  # raises ValidationError; the form has shown it already
    application, basis = _basis_for_work(application)
    if basis.attachments.count() >= MAX_ATTACHMENTS:
        raise CaseworkError(_("The basis may have at most %(count)s attachments.") % {"count": MAX_ATTACHMENTS})
    attachment = BasisAttachment(basis=basis, title=title.strip(), content_type=checked.content_type,
                                 size=checked.size, uploaded_by=actor)
    upload.seek(0)
    attachment.file.save("attachment", upload, save=False)
    try:
        attachment.save()
        audit_record(actor=actor, action="basis.attachment_add", obj=basis,
                     summary=_("Attached “%(title)s” to the basis for %(application)s") % {
                         "title": attachment.title, "application": application},
                     data={"attachment": attachment.pk, "content_type": checked.content_type, "size": checked.size})
    except Exception:
        # The file is written first; should the rows fail, remove it rather than leave it behind.
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, application: Application, actor: User, attachment: BasisAttachment) -> None:
    _require(actor.is_administrator)
    application, basis = _basis_for_work(application)
    if attachment.basis_id != basis.pk:
        raise CaseworkError(_("The attachment belongs to another basis."))
    storage, name, title = attachment.file.storage, attachment.file.name, attachment.title
    attachment.delete()
    audit_record(actor=actor, action="basis.attachment_delete", obj=basis,
                 summary=_("Removed “%(title)s” from the basis for %(application)s") % {
                     "title": title, "application": application})
    # Only once the row is surely gone; a rolled-back delete keeps its file.
    transaction.on_commit(lambda: storage.delete(name))


def basis_problems(*, summary: str, recommendation: str, proposed_start_date) -> list[BasisProblem]:
    """What stops a basis with these values from going to the director."""
    problems = []
    if not (summary or "").strip():
        problems.append(BasisProblem("summary", _("Write a summary for the director.")))
    if recommendation not in (BasisDocument.Recommendation.APPROVE, BasisDocument.Recommendation.REJECT):
        problems.append(BasisProblem("recommendation", _("Recommend the director to approve or to reject.")))
    elif recommendation == BasisDocument.Recommendation.APPROVE and proposed_start_date is None:
        problems.append(BasisProblem("proposed_start_date", _(
            "Propose a start date: the certification runs two years from it.")))
    return problems


@transaction.atomic
def basis_send_to_director(*, application: Application, actor: User, now=None) -> BasisDocument:
    _require(actor.is_administrator)
    now = now or timezone.now()
    application, basis = _basis_for_work(application)
    problems = basis_problems(summary=basis.summary, recommendation=basis.recommendation,
                              proposed_start_date=basis.proposed_start_date)
    if problems:
        raise BasisIncomplete(problems)
    basis.sent_to_director_at = now
    basis.sent_to_director_by = actor
    basis.save(update_fields=["sent_to_director_at", "sent_to_director_by"])
    _status_set(application, S.SENT_TO_DIRECTOR, actor=actor, now=now,
                note=_("Recommendation: %(recommendation)s") % {"recommendation": basis.get_recommendation_display()})
    application.save()
    audit_record(actor=actor, action="basis.send_to_director", obj=basis,
                 summary=_("Sent the basis for %(application)s to the director") % {"application": application},
                 data={"recommendation": basis.recommendation,
                       "proposed_start_date": basis.proposed_start_date.isoformat()
                       if basis.proposed_start_date else None})
    return basis


@transaction.atomic
def basis_return(*, application: Application, actor: User, note: str, now=None) -> Application:
    """The director sends the basis back to the administration for more work, saying what is missing."""
    _require(actor.is_director)
    now = now or timezone.now()
    note = note.strip()
    if not note:
        raise CaseworkError(_("Write what the administration should complete."))
    application = _lock(application)
    if application.status != S.SENT_TO_DIRECTOR:
        raise CaseworkError(_("Only an application sent to the director can be sent back; this one is "
                              "“%(status)s”.") % {"status": application.get_status_display()})
    _status_set(application, S.IN_PREPARATION, actor=actor, now=now, note=note)
    application.save()
    audit_record(actor=actor, action="basis.return", obj=application,
                 summary=_("Sent the basis for %(application)s back for more work") % {"application": application},
                 data={"note": note})
    return application


# --- The decision -------------------------------------------------------------------------------------------

def certification_period(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The two years a certification runs: from ``start`` to the day before the same date two
    years later. A start on 29 February has no same date two years later; the period then runs
    to 28 February (the day before 1 March), so it is still two whole years."""
    try:
        same_date = start.replace(year=start.year + 2)
    except ValueError:  # 29 February
        same_date = datetime.date(start.year + 2, 3, 1)
    return start, same_date - datetime.timedelta(days=1)


def _reference_allocate(year: int) -> str:
    """The next reference number of ``year``: INSP-2026-0001, -0002, ... Call inside the decision's
    transaction: the year's counter row stays locked until it commits, and a rollback gives the
    number back, so numbers are unique and without gaps."""
    DecisionNumberSeries.objects.bulk_create([DecisionNumberSeries(year=year)], ignore_conflicts=True)
    series = DecisionNumberSeries.objects.select_for_update().get(year=year)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return f"{REFERENCE_PREFIX}-{year}-{series.last_number:04d}"


def start_too_late_message(today: datetime.date) -> str:
    return _("The start date can be at most five years after the day of the decision (%(latest)s).") % {
        "latest": _date(today + MAX_START_AHEAD)}


def _check_outcome(*, outcome: str, start_date, reasons: str, today: datetime.date) -> None:
    if outcome not in Decision.Outcome.values:
        raise DecisionError(_("Choose whether to approve or reject the application."))
    if outcome == Decision.Outcome.APPROVE:
        if start_date is None:
            raise DecisionError(_("An approval needs a start date: the certification runs two years from it."))
        if start_date < today:
            raise DecisionError(_("The start date cannot be before the day of the decision (%(today)s).")
                                % {"today": _date(today)})
        if start_date > today + MAX_START_AHEAD:
            raise DecisionError(start_too_late_message(today))
    elif not reasons:
        raise DecisionError(_("A rejection needs reasons: the school reads them in the decision letter."))


def _certify(*, application: Application, decision: Decision, rule, today: datetime.date) -> Certification:
    starts_on, ends_on = certification_period(decision.start_date)
    certification = Certification.objects.create(
        school=application.school, team_name=application.team_name, application=application, decision=decision,
        starts_on=starts_on, ends_on=ends_on,
    )
    EstablishmentSupportPayment.objects.create(
        certification=certification, school_year=rule.school_year, amount_ore=rule.establishment_support_ore,
        due_on=today + SUPPORT_DUE_AFTER,
    )
    return certification


def _decide(*, application: Application, actor: User, outcome: str, start_date, reasons: str, now,
            corrects: Decision | None, language: str) -> Decision:
    """Make the decision. The caller holds the application's lock inside a transaction."""
    today = timezone.localdate(now)
    reasons = (reasons or "").strip()
    _check_outcome(outcome=outcome, start_date=start_date, reasons=reasons, today=today)
    approve = outcome == Decision.Outcome.APPROVE
    rule = None
    if approve:
        try:
            rule = fee_rule_for(today)
        except FeeRuleMissing as exc:
            raise DecisionError(_(
                "The decision is not made: the establishment support cannot be set. %(reason)s"
            ) % {"reason": exc}) from exc
        if Certification.objects.filter(application=application).exists():
            raise DecisionError(_(
                "The application's certification was ended by an earlier correcting decision and cannot be "
                "certified again. The school may apply again."
            ))

    decision = Decision.objects.create(
        application=application, reference=_reference_allocate(today.year), outcome=outcome,
        start_date=start_date if approve else None, reasons=reasons, decided_by=actor,
        decided_by_name=actor.name, decided_at=now, corrects=corrects,
    )
    to_status = S.APPROVED if approve else S.REJECTED
    if application.status != to_status:
        _status_set(application, to_status, actor=actor, now=now, note=decision.reference)
        application.save()
    certification = None
    if approve:
        certification = _certify(application=application, decision=decision, rule=rule, today=today)
    elif corrects is not None and corrects.outcome == Decision.Outcome.APPROVE:
        revoked = Certification.objects.select_for_update().filter(decision=corrects, revoked_by__isnull=True)
        for old in revoked:
            old.revoked_by = decision
            old.save(update_fields=["revoked_by"])

    summary = {
        (True, False): _("Approved %(application)s (%(reference)s), certified %(start)s–%(end)s"),
        (False, False): _("Rejected %(application)s (%(reference)s)"),
        (True, True): _("Corrected the decision on %(application)s to an approval (%(reference)s), certified "
                        "%(start)s–%(end)s"),
        (False, True): _("Corrected the decision on %(application)s to a rejection (%(reference)s)"),
    }[(approve, corrects is not None)]
    audit_record(
        actor=actor, action="decision.correct" if corrects else "decision.make", obj=decision,
        summary=summary % {
            "application": application, "reference": decision.reference,
            "start": certification.starts_on.isoformat() if certification else "",
            "end": certification.ends_on.isoformat() if certification else "",
        },
        data={
            "application": application.pk, "outcome": outcome, "reference": decision.reference,
            "corrects": corrects.reference if corrects else None,
            "support": format_sek(rule.establishment_support_ore) if rule else None,
        },
    )
    # The letter is rendered (PDF) and emailed by a job after the commit, never in the request.
    outbox_enqueue(kind=letters.DECISION_LETTER, key=f"decision-letter:{decision.pk}",
                   payload={"decision_id": decision.pk, "language": language})
    return decision


@transaction.atomic
def decision_make(*, application: Application, actor: User, outcome: str, start_date=None, reasons: str = "",
                  now=None, language: str = "sv") -> Decision:
    """The director's decision on an application sent to them. In one transaction: the decision
    (with the next reference number), the status, and on approval the certification and the
    establishment support payment; the letter follows by a job. Raises DecisionError, and saves
    nothing, when a rule is not met (e.g. no fee rule for the school year of the decision)."""
    _require(actor.is_director)
    now = now or timezone.now()
    application = _lock(application)
    if application.status != S.SENT_TO_DIRECTOR:
        raise DecisionError(_("The application is not waiting for a decision; it is “%(status)s”.")
                            % {"status": application.get_status_display()})
    return _decide(application=application, actor=actor, outcome=outcome, start_date=start_date, reasons=reasons,
                   now=now, corrects=None, language=language)


@transaction.atomic
def decision_correct(*, application: Application, actor: User, outcome: str, start_date=None, reasons: str,
                     now=None, language: str = "sv") -> Decision:
    """A new decision that corrects the decision in force (which itself never changes).

    - an approval corrected to a rejection ends the certification (``revoked_by``);
    - a rejection corrected to an approval certifies the site as a first decision would;
    - a rejection corrected to a rejection replaces the reasons.

    An approval cannot be corrected to another approval (e.g. a new start date): the certification
    already exists. Reject it by correction, and the school applies again.
    """
    _require(actor.is_director)
    now = now or timezone.now()
    application = _lock(application)
    if application.status not in (S.APPROVED, S.REJECTED):
        raise DecisionError(_("Only a decided application can get a correcting decision."))
    # The decision in force: the latest, which nothing corrects yet. Locked so two corrections
    # of the same decision cannot both pass (``corrects`` is unique as well).
    previous = (Decision.objects.select_for_update(of=("self",))
                .filter(application=application, corrected_by__isnull=True)
                .order_by("-decided_at", "-pk").first())
    if previous is None:
        raise DecisionError(_("The application has no decision to correct."))
    if not (reasons or "").strip():
        raise DecisionError(_("Give the reasons for the correction: why the earlier decision was wrong."))
    if previous.outcome == Decision.Outcome.APPROVE and outcome == Decision.Outcome.APPROVE:
        raise DecisionError(_(
            "The application is already approved. To correct an approval, reject it by a correcting decision; "
            "the school may then apply again."
        ))
    return _decide(application=application, actor=actor, outcome=outcome, start_date=start_date, reasons=reasons,
                   now=now, corrects=previous, language=language)
