"""The decision letter: a PDF rendered by a background job and emailed to the applicant and the
principal.

``decision_make`` and ``decision_correct`` record an outbox item of kind ``decision_letter`` in
the decision's transaction. Its handler (``decision_letter_send``) may run more than once (a
retried job, a worker that died): the letter is rendered only if the decision has none yet, and
each email has its own event key, so a second run sends nothing.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspira.certification.models import Certification, Decision, DecisionLetter
from inspira.core.addresses import normalise_email
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url
from inspira.core.models import OutboxItem
from inspira.core.money import format_sek
from inspira.core.outbox import outbox_handler

DECISION_LETTER = "decision_letter"
DEFAULT_MUNICIPALITY = "Stockholms stad"


def municipality_name() -> str:
    return getattr(settings, "MUNICIPALITY_NAME", DEFAULT_MUNICIPALITY)


def _decision(decision_id: int) -> Decision:
    return Decision.objects.select_related(
        "application__school__district", "application__applicant", "corrects", "decided_by",
    ).get(pk=decision_id)


def _certification_of(decision: Decision) -> Certification | None:
    try:
        return Certification.objects.select_related("support_payment").get(decision=decision)
    except Certification.DoesNotExist:
        return None


def letter_context(decision: Decision) -> dict:
    """What the letter (and its email) says, as plain values."""
    application = decision.application
    certification = _certification_of(decision)
    payment = getattr(certification, "support_payment", None) if certification else None
    ended = None
    if decision.corrects_id and decision.corrects.outcome == Decision.Outcome.APPROVE:
        ended = Certification.objects.filter(decision_id=decision.corrects_id).first()
    return {
        "decision": decision,
        "application": application,
        "school": application.school,
        "site_name": application.display_name,
        "approved": decision.outcome == Decision.Outcome.APPROVE,
        "decided_on": timezone.localdate(decision.decided_at),
        "certification": certification,
        "support_amount": format_sek(payment.amount_ore) if payment else "",
        "support_due_on": payment.due_on if payment else None,
        "corrects": decision.corrects,
        "corrects_decided_on": timezone.localdate(decision.corrects.decided_at) if decision.corrects else None,
        "ended_certification": ended,
        "director_name": decision.decided_by_name,
        "municipality": municipality_name(),
        "contact_email": settings.PROGRAMME_CONTACT_EMAIL,
    }


def decision_letter_ensure(decision: Decision, *, language: str = "sv") -> DecisionLetter:
    """The decision's letter, rendered now unless it exists. Safe to call twice, even at once."""
    from inspira.core.pdf import render_pdf  # WeasyPrint is a heavy import: only where a PDF is made

    existing = DecisionLetter.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    pdf = render_pdf("pdf/decision_letter.html", letter_context(decision), language=language)
    letter = DecisionLetter(decision=decision)
    letter.pdf.save(f"{decision.reference}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        # Another run made the letter meanwhile: keep theirs, drop ours.
        letter.pdf.delete(save=False)
        return DecisionLetter.objects.get(decision=decision)
    return letter


def letter_filename(decision: Decision) -> str:
    return f"{decision.reference}.pdf"


def recipients(decision: Decision) -> list[tuple[str, str, str]]:
    """(role, name, email) of whoever gets the letter: the applicant and the principal who endorsed
    the application; one email when they are the same person."""
    application = decision.application
    people = [("applicant", application.applicant.name, application.applicant.email)]
    if application.principal_email:
        people.append(("principal", application.principal_name, application.principal_email))
    seen, result = set(), []
    for role, name, email in people:
        if normalise_email(email) not in seen:
            seen.add(normalise_email(email))
            result.append((role, name, email))
    return result


@outbox_handler(DECISION_LETTER)
def decision_letter_send(item: OutboxItem) -> None:
    language = item.payload.get("language", "sv")
    decision = _decision(item.payload["decision_id"])
    letter = decision_letter_ensure(decision, language=language)
    with letter.pdf.open("rb") as f:
        content = f.read()
    context = letter_context(decision)
    application = decision.application
    base = {
        "reference": decision.reference,
        "approved": context["approved"],
        "is_correction": decision.corrects_id is not None,
        "corrects_reference": decision.corrects.reference if decision.corrects else "",
        "school_name": application.school.name,
        "team_name": application.team_name,
        "area_title": application.area_title,
        "starts_on": context["certification"].starts_on if context["certification"] else None,
        "ends_on": context["certification"].ends_on if context["certification"] else None,
        "support_amount": context["support_amount"],
        "application_url": absolute_url("certification:detail", application.pk),
    }
    for role, name, email in recipients(decision):
        email_enqueue(
            key=f"decision-letter-email:{decision.pk}:{role}",
            to=[email],
            template="decision_letter",
            context={**base, "recipient_name": name, "is_principal": role == "principal"},
            attachments=[(letter_filename(decision), content, "application/pdf")],
            language=language,
        )
