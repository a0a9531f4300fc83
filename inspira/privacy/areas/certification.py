"""Applications, endorsements, the administration's casework and the director's decisions."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationPlanItem,
    ApplicationStatusChange,
    BasisAttachment,
    BasisDocument,
    ContactLogEntry,
    Decision,
    Endorsement,
    EstablishmentSupportPayment,
)
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import ANONYMOUS_NAME, candidates, scrub_rows

# Free text that may mention the person: their mentions are replaced at erasure.
TEXT = {
    Application: ["principal_name", "principal_email", "area_title", "area_description", "plan_introduction"],
    ApplicationPlanItem: ["activity"],
    ApplicationContact: ["name", "email", "phone"],
    ApplicationImage: ["alt_text"],
    Endorsement: ["principal_name", "principal_email", "reason"],
    ContactLogEntry: ["note"],
    BasisDocument: ["summary", "content_assessment", "experience_assessment", "leadership_assessment",
                    "capacity_assessment", "other_notes"],
    BasisAttachment: ["title"],
}
# Append-only: rewritten through the one deliberate path (scrub.rewrite_protected).
PROTECTED_TEXT = {ApplicationStatusChange: ["actor_description", "note"]}

ACTIONS = [
    Action(Application, "applicant", "created_at"),
    Action(Application, "principal", "submitted_at"),
    Action(Endorsement, "principal", "sent_at"),
    Action(ApplicationStatusChange, "actor", "at"),
    Action(ContactLogEntry, "created_by", "created_at"),
    Action(BasisDocument, "updated_by", "updated_at"),
    Action(BasisDocument, "sent_to_director_by", "sent_to_director_at"),
    Action(BasisAttachment, "uploaded_by", "uploaded_at"),
    Action(EstablishmentSupportPayment, "paid_marked_by", "paid_on"),
]


def _contacts(user_id: int, subject):
    """The person's own rows: their address, or their name on an application they made."""
    return ApplicationContact.objects.filter(Q(email__iexact=subject.email)
                                             | Q(application__applicant=user_id, name__iexact=subject.name))


def _applications(user, scrubber):
    contact_of = _contacts(user.pk, scrubber.subject).values("application")
    return (Application.objects.filter(Q(applicant=user) | Q(principal_email__iexact=user.email)
                                       | Q(pk__in=contact_of))
            .select_related("school").order_by("created_at", "pk"))


def export(user, scrubber) -> list[Category]:
    applications = list(_applications(user, scrubber))
    contacts = list(_contacts(user.pk, scrubber.subject).order_by("application", "position"))
    contact_of = {c.application_id for c in contacts}
    application_rows = []
    for a in applications:
        roles = [str(label) for label, yes in [
            (_("applicant"), a.applicant_id == user.pk), (_("contact person"), a.pk in contact_of),
            (_("principal"), a.principal_email.lower() == user.email.lower())] if yes]
        application_rows.append(row(
            application=a.pk, school=a.school.name, team=a.team_name, area=a.area_title,
            status=a.get_status_display(), created=a.created_at, sent_to_principal=a.submitted_at,
            your_role=", ".join(roles), principal_name=a.principal_name, principal_email=a.principal_email,
        ))
    contact_rows = [row(application=c.application_id, name=c.name, email=c.email, phone=c.phone) for c in contacts]
    endorsements = [
        row(application=e.application_id, round=e.round, principal_name=e.principal_name,
            principal_email=e.principal_email, sent=e.sent_at, decided=e.decided_at,
            decision=e.get_decision_display(), reason=e.reason)
        for e in Endorsement.objects.filter(principal_email__iexact=user.email).order_by("sent_at", "pk")
    ]
    trail = [
        row(application=c.application_id, from_status=c.get_from_status_display(),
            to_status=c.get_to_status_display(), at=c.at, recorded_as=c.actor_description, note=c.note)
        for c in (ApplicationStatusChange.objects.filter(actor=user)
                  | candidates(ApplicationStatusChange.objects.all(), ["actor_description"], scrubber))
        .distinct().order_by("at", "pk")
        if c.actor_id == user.pk or scrubber.mentions(c.actor_description)
    ]
    application_ids = [a.pk for a in applications]
    log = [
        row(application=e.application_id, date=e.date, channel=e.get_channel_display(), note=e.note)
        for e in (ContactLogEntry.objects.filter(application__in=application_ids)
                  | candidates(ContactLogEntry.objects.all(), ["note"], scrubber)).distinct().order_by("date", "pk")
        if e.application_id in application_ids or scrubber.mentions(e.note)
    ]
    decisions = [
        row(reference=d.reference, outcome=d.get_outcome_display(), decided=d.decided_at,
            decided_by_name=d.decided_by_name)
        for d in Decision.objects.filter(decided_by=user).order_by("decided_at", "pk")
    ]
    return [
        Category("applications", _("Applications you made, or are named in"),
                 _("Kept as part of the case; your name and address in them are replaced."), application_rows),
        Category("application_contacts", _("Where you are a contact person on an application"),
                 _("Your name, address and phone number are replaced."), contact_rows),
        Category("endorsements", _("Applications sent to you as principal for endorsement"),
                 _("Kept as part of the case; your name and address are replaced."), endorsements),
        Category("application_trail", _("Changes of an application's status that you made"),
                 _("Kept, as the record of the case; your name and address are replaced."), trail),
        Category("contact_log", _("The administration's contact log about your applications"),
                 _("Kept as part of the case; your name and address in the notes are replaced."), log),
        Category("decisions", _("Decisions you made as director"),
                 _("Kept unchanged, with your name: a decision is a public record (the Archives Act)."), decisions),
        Category("certification_actions", _("Casework you did"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    scrubber = ctx.scrubber
    # The person's own rows are replaced whole, phone number included (a short name or number is not
    # hunted as a mention in text); a row that matches by name only keeps the address it gives.
    subject, anonymous = ctx.subject, {"name": ANONYMOUS_NAME, "phone": ""}
    own = ApplicationContact.objects.filter(pk__in=list(_contacts(ctx.user.pk, subject).values_list("pk", flat=True)))
    ctx.counts["application_contacts_replaced"] += (
        own.filter(email__iexact=subject.email).update(email=subject.replacement_email, **anonymous)
        + own.exclude(email__iexact=subject.email).update(**anonymous))
    Application.objects.filter(principal_email__iexact=subject.email).update(
        principal_name=ANONYMOUS_NAME, principal_email=subject.replacement_email)
    Endorsement.objects.filter(principal_email__iexact=subject.email).update(
        principal_name=ANONYMOUS_NAME, principal_email=subject.replacement_email)
    changed = 0
    for model, fields in TEXT.items():
        changed += scrub_rows(model.objects.all(), fields, scrubber)
    for model, fields in PROTECTED_TEXT.items():
        changed += scrub_rows(model.objects.all(), fields, scrubber, protected=True)
    ctx.counts["application_records_scrubbed"] += changed


AREA = Area(
    name="certification",
    export=export,
    erase=erase,
    fields=merge(
        {model._meta.label: fields for model, fields in (TEXT | PROTECTED_TEXT).items()},
        action_fields(ACTIONS),
    ),
    kept={
        "certification.Decision.decided_by": "A decision is a public record (allmän handling) that the Archives "
                                              "Act (arkivlagen) requires kept as made; it must show who decided.",
        "certification.Decision.decided_by_name": "As decided_by: the name of the official who decided, as recorded.",
        "certification.Decision.reasons": "The decision's reasons, part of the public record; never changed "
                                          "(a correction is a new decision).",
    },
    not_personal={
        "certification.Application.team_name": "The name of a team (arbetslag), not of a person.",
        "certification.Application.grades": "Grade codes the site is for.",
        "certification.Certification.team_name": "The name of a team (arbetslag), copied from the application.",
    },
)
