"""State changes of applications. Every change is atomic; every status change writes a row of
the status trail in the same transaction (``_status_set``)."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from inspira.accounts.models import Membership, User
from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationPlanItem,
    ApplicationStatusChange,
    Endorsement,
)
from inspira.certification.selectors import school_principals
from inspira.core.addresses import normalise_email
from inspira.core.emails import email_enqueue
from inspira.core.links import absolute_url

ENDORSE_SALT = "certification.endorse"
DEFAULT_ENDORSEMENT_LINK_MAX_AGE = 14 * 24 * 3600

# "About half a working day": the programme, from its first start to its last end.
PLAN_MIN_DURATION = timedelta(hours=2, minutes=30)
PLAN_MAX_DURATION = timedelta(hours=5)
PLAN_MIN_ROWS = 2
MAX_CONTACTS = 3
MAX_IMAGES = 10

# The steps of the application form; the numbers are in the addresses.
STEP_SITE, STEP_PLAN, STEP_TARGETS, STEP_CONTACTS, STEP_PICTURES, STEP_REVIEW = range(1, 7)


class ApplicationError(Exception):
    """Message is translated; views show it as is."""


@dataclass(frozen=True)
class SubmissionProblem:
    step: int
    field: str
    message: str


class ApplicationIncomplete(ApplicationError):
    def __init__(self, problems: list[SubmissionProblem]):
        super().__init__(_("The application cannot be submitted yet."))
        self.problems = problems


class EndorsementLinkInvalid(ApplicationError):
    """The link is damaged, expired, replaced by a newer one, or already used."""

    DAMAGED, EXPIRED, REPLACED, USED = "damaged", "expired", "replaced", "used"

    def __init__(self, reason: str, endorsement: Endorsement | None = None):
        super().__init__(reason)
        self.reason = reason
        self.endorsement = endorsement


def endorsement_link_max_age() -> int:
    return int(getattr(settings, "ENDORSEMENT_LINK_MAX_AGE", DEFAULT_ENDORSEMENT_LINK_MAX_AGE))


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- Rules ---------------------------------------------------------------------------------------

def principal_may_endorse(*, user: User | None, school_id: int) -> bool:
    """Only a confirmed principal of the applying school may endorse (or decline) its
    application, asked at the moment of choosing, of sending and of answering."""
    return user is not None and school_principals(school_id).filter(pk=user.pk).exists()


def no_principal_message() -> str:
    return _(
        "Your school has no principal in Inspira, so no one can endorse the application yet. Ask the "
        "administration to add the school's principal."
    )

def latest_experience_start(submission_date: date) -> date:
    """The latest "working this way since" date accepted on ``submission_date``.

    "At least one year of experience" means the work started on or before the same calendar date
    one year before the submission. A submission on 29 February counts back to 28 February,
    the last day that exists in the year before. So work started on 29 Feb 2024 may be submitted
    from 1 Mar 2025 (on 28 Feb 2025 it lacks a day of a full year).
    """
    try:
        return submission_date.replace(year=submission_date.year - 1)
    except ValueError:  # 29 February
        return submission_date.replace(year=submission_date.year - 1, day=28)


def plan_duration(items) -> timedelta:
    """From the first start to the last end of the programme."""
    items = list(items)
    if not items:
        return timedelta(0)
    day = date(2000, 1, 1)
    first = min(datetime.combine(day, i.start_time) for i in items)
    last = max(datetime.combine(day, i.end_time) for i in items)
    return last - first


def format_duration(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if minutes:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(hours)s h") % {"hours": hours}


def submission_problems(application: Application, *, today: date) -> list[SubmissionProblem]:
    """Everything that stops ``application`` from being submitted on ``today``, in step order."""
    problems = []

    def problem(step, field, message):
        problems.append(SubmissionProblem(step=step, field=field, message=message))

    if not application.area_title.strip():
        problem(STEP_SITE, "area_title", _("Give the area or way of working a title."))
    if not application.area_description.strip():
        problem(STEP_SITE, "area_description", _("Describe the area or way of working."))
    if application.experience_since is None:
        problem(STEP_SITE, "experience_since", _("Enter since when you have worked this way."))
    else:
        latest = latest_experience_start(today)
        if application.experience_since > latest:
            problem(STEP_SITE, "experience_since", _(
                "You need at least one year of experience of the way of working: it must have started on "
                "%(latest)s or earlier, and you have entered %(since)s. You can submit the application from "
                "%(first_day)s."
            ) % {
                "latest": formats.date_format(latest, "j F Y"),
                "since": formats.date_format(application.experience_since, "j F Y"),
                "first_day": formats.date_format(_first_submission_day(application.experience_since), "j F Y"),
            })

    items = list(application.plan_items.all())
    if len(items) < PLAN_MIN_ROWS:
        problem(STEP_PLAN, "plan", _(
            "The plan needs at least %(count)s rows with times, e.g. a welcome, a visit in a lesson and a "
            "discussion."
        ) % {"count": PLAN_MIN_ROWS})
    else:
        duration = plan_duration(items)
        if not PLAN_MIN_DURATION <= duration <= PLAN_MAX_DURATION:
            problem(STEP_PLAN, "plan", _(
                "The visit should last about half a working day: between %(min)s and %(max)s from the first "
                "start to the last end. Your plan lasts %(duration)s."
            ) % {"min": format_duration(PLAN_MIN_DURATION), "max": format_duration(PLAN_MAX_DURATION),
                 "duration": format_duration(duration)})

    if not application.school_forms.exists():
        problem(STEP_TARGETS, "school_forms", _("Choose at least one school form the visit is for."))
    if not application.commits_to_five_visits:
        problem(STEP_TARGETS, "commits_to_five_visits", _(
            "An inspiration site commits to receive at least five study visits per school year. Tick the box "
            "to make the commitment."
        ))

    if not application.contacts.exists():
        problem(STEP_CONTACTS, "contacts", _("Enter at least one contact person."))
    if not principal_may_endorse(user=application.principal, school_id=application.school_id):
        if not school_principals(application.school_id).exists():
            problem(STEP_CONTACTS, "principal", no_principal_message())
        elif application.principal_id is None:
            problem(STEP_CONTACTS, "principal", _(
                "Choose the principal who endorses the application."
            ))
        else:
            problem(STEP_CONTACTS, "principal", _(
                "%(name)s is no longer a principal of the school. Choose the principal who endorses the "
                "application."
            ) % {"name": application.principal_name})
    return problems


def _first_submission_day(experience_since: date) -> date:
    """The first day ``latest_experience_start`` accepts ``experience_since``."""
    if (experience_since.month, experience_since.day) == (2, 29):
        return date(experience_since.year + 1, 3, 1)
    return experience_since.replace(year=experience_since.year + 1)


# --- The trail ---------------------------------------------------------------------------------

def _describe(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return f"{user.name} <{user.email}>"


def _status_set(application: Application, to: str, *, actor: User | None, now: datetime,
                actor_description: str = "", note: str = "") -> ApplicationStatusChange:
    """Move ``application`` to status ``to`` and write the trail. Callers hold the row lock."""
    if to not in Application.TRANSITIONS[application.status]:
        raise ApplicationError(_("The application cannot go from “%(from)s” to “%(to)s”.") % {
            "from": application.get_status_display(), "to": Application.Status(to).label,
        })
    change = ApplicationStatusChange.objects.create(
        application=application, from_status=application.status, to_status=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_description=actor_description or _describe(actor), at=now, note=note,
    )
    application.status = to
    return change


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("school", "applicant").get(pk=application.pk)


def _editable(application: Application) -> Application:
    application = _lock(application)
    if not application.is_editable:
        raise ApplicationError(_(
            "The application cannot be changed now: it is “%(status)s”."
        ) % {"status": application.get_status_display()})
    return application


# --- The school's draft ------------------------------------------------------------------------------

@transaction.atomic
def application_create(*, school, applicant: User, team_name: str = "", now=None) -> Application:
    now = now or timezone.now()
    application = Application.objects.create(school=school, applicant=applicant, team_name=team_name.strip())
    application.school_forms.set(school.school_forms.all())
    ApplicationStatusChange.objects.create(
        application=application, from_status="", to_status=Application.Status.DRAFT, actor=applicant,
        actor_description=_describe(applicant), at=now,
    )
    return application


STEP_FIELDS = {
    STEP_SITE: ("team_name", "area_title", "area_description", "experience_since"),
    STEP_PLAN: ("plan_introduction",),
    STEP_TARGETS: ("grades", "subjects", "commits_to_five_visits"),
    STEP_CONTACTS: ("principal",),
}


@transaction.atomic
def application_update(*, application: Application, actor: User, step: int, fields: dict,
                       school_forms=None, plan_items: list[dict] | None = None,
                       contacts: list[dict] | None = None) -> Application:
    """Save one step of the form: its fields, and the rows it edits (all replaced at once)."""
    application = _editable(application)
    allowed = STEP_FIELDS.get(step, ())
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Fields {sorted(unknown)} are not on step {step}")
    for name, value in fields.items():
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    if "principal" in fields:
        principal = fields["principal"]
        if principal is not None and not principal_may_endorse(user=principal, school_id=application.school_id):
            raise ApplicationError(_("Choose one of the school's principals."))
        application.principal_name = principal.name if principal else ""
        application.principal_email = principal.email if principal else ""
    application.save()
    if school_forms is not None:
        application.school_forms.set(school_forms)
    if plan_items is not None:
        application.plan_items.all().delete()
        rows = sorted(plan_items, key=lambda r: (r["start_time"], r["end_time"]))
        ApplicationPlanItem.objects.bulk_create([
            ApplicationPlanItem(application=application, position=i, start_time=r["start_time"],
                                end_time=r["end_time"], activity=r["activity"].strip())
            for i, r in enumerate(rows)
        ])
    if contacts is not None:
        if len(contacts) > MAX_CONTACTS:
            raise ApplicationError(_("Enter at most %(count)s contact persons.") % {"count": MAX_CONTACTS})
        application.contacts.all().delete()
        ApplicationContact.objects.bulk_create([
            ApplicationContact(application=application, position=i, name=c["name"].strip(),
                               email=normalise_email(c["email"]), phone=(c.get("phone") or "").strip())
            for i, c in enumerate(contacts)
        ])
    return application


@transaction.atomic
def application_image_add(*, application: Application, actor: User, prepared, alt_text: str) -> ApplicationImage:
    """Add a picture already checked and re-encoded by ``images.prepare_image``."""
    application = _editable(application)
    if application.images.count() >= MAX_IMAGES:
        raise ApplicationError(_("An application may have at most %(count)s pictures.") % {"count": MAX_IMAGES})
    image = ApplicationImage(application=application, alt_text=alt_text.strip(), width=prepared.width,
                             height=prepared.height, position=application.images.count())
    # The file is written first; should the row fail, remove the file rather than leave it behind.
    image.image.save("picture.jpg", prepared.content, save=False)
    try:
        image.save()
    except Exception:
        image.image.delete(save=False)
        raise
    application.save(update_fields=["updated_at"])
    return image


@transaction.atomic
def application_image_delete(*, application: Application, actor: User, image: ApplicationImage) -> None:
    application = _editable(application)
    if image.application_id != application.pk:
        raise ApplicationError(_("The picture belongs to another application."))
    storage, name = image.image.storage, image.image.name
    image.delete()
    application.save(update_fields=["updated_at"])
    # Only once the row is surely gone; a rolled-back delete keeps its file.
    transaction.on_commit(lambda: storage.delete(name))


# --- Submission and the principal's endorsement ---------------------------------------------------------

def endorsement_token(endorsement: Endorsement) -> str:
    return signing.dumps({"e": endorsement.pk, "r": endorsement.round}, salt=ENDORSE_SALT, compress=False)


def endorsement_from_token(token: str, *, max_age: int | None = None) -> Endorsement:
    """The endorsement a principal's link names, if the link may still be used.

    Raises ``EndorsementLinkInvalid`` with the reason: damaged, expired, replaced by a newer
    round, or already used (the endorsement is then on the exception, to show the outcome).
    """
    max_age = endorsement_link_max_age() if max_age is None else max_age
    try:
        value = signing.loads(token, salt=ENDORSE_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.EXPIRED) from exc
    except signing.BadSignature as exc:
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.DAMAGED) from exc
    try:
        endorsement = Endorsement.objects.select_related("application__school").get(
            pk=int(value["e"]), round=int(value["r"])
        )
    except (KeyError, TypeError, ValueError, Endorsement.DoesNotExist) as exc:
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.DAMAGED) from exc
    if endorsement.token_hash != _hash(token):
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.DAMAGED)
    if endorsement.is_decided:
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.USED, endorsement)
    application = endorsement.application
    if (endorsement.round != application.endorsement_round
            or application.status != Application.Status.AWAITING_ENDORSEMENT):
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.REPLACED, endorsement)
    return endorsement


@transaction.atomic
def application_submit(*, application: Application, actor: User, now=None, language: str = "sv") -> Endorsement:
    """Send the application to its principal for endorsement (a new round, a new link; the
    links of earlier rounds stop working)."""
    now = now or timezone.now()
    application = _editable(application)
    problems = submission_problems(application, today=timezone.localdate(now))
    if problems:
        raise ApplicationIncomplete(problems)
    principal = User.objects.get(pk=application.principal_id)
    application.endorsement_round += 1
    application.submitted_at = now
    # The link goes to the principal's address as it is now, never to one typed into the form.
    application.principal_name, application.principal_email = principal.name, principal.email
    _status_set(application, Application.Status.AWAITING_ENDORSEMENT, actor=actor, now=now)
    application.save()
    endorsement = Endorsement.objects.create(
        application=application, round=application.endorsement_round, principal=principal,
        principal_name=principal.name, principal_email=principal.email, sent_at=now, token_hash="",
    )
    token = endorsement_token(endorsement)
    endorsement.token_hash = _hash(token)
    endorsement.save(update_fields=["token_hash"])
    email_enqueue(
        key=f"application-endorsement:{application.pk}:{endorsement.round}",
        to=[endorsement.principal_email],
        template="application_endorsement_request",
        context={
            "principal_name": endorsement.principal_name,
            "applicant_name": application.applicant.name,
            "applicant_email": application.applicant.email,
            "school_name": application.school.name,
            "team_name": application.team_name,
            "area_title": application.area_title,
            "endorse_url": absolute_url("certification:endorse", token=token),
            "valid_days": max(1, endorsement_link_max_age() // 86400),
            "resubmission": endorsement.round > 1,
        },
        language=language,
    )
    return endorsement


@transaction.atomic
def application_reopen(*, application: Application, actor: User, now=None) -> Application:
    """Take an application back from the principal to change it (e.g. a wrong email address or
    an expired link). The link already sent stops working."""
    now = now or timezone.now()
    application = _lock(application)
    if application.status != Application.Status.AWAITING_ENDORSEMENT:
        raise ApplicationError(_("Only an application waiting for the principal can be taken back."))
    _status_set(application, Application.Status.DRAFT, actor=actor, now=now,
                note=_("Taken back from the principal to be changed."))
    application.save()
    return application


@transaction.atomic
def endorsement_decide(*, token: str, decision: str, reason: str = "", now=None, language: str = "sv",
                       signed_in_as: User | None = None) -> Endorsement:
    """The principal's answer through the emailed link. A decline needs a reason, which the
    applicant sees. ``signed_in_as`` is whoever is logged in where the link is used (if anyone):
    someone else than the principal the link was sent to may not answer for them."""
    now = now or timezone.now()
    reason = reason.strip()
    if decision not in Endorsement.Decision.values:
        raise ApplicationError(_("Choose whether you endorse the application."))
    if decision == Endorsement.Decision.DECLINE and not reason:
        raise ApplicationError(_("Give a reason, so the applicant knows what to change."))
    endorsement = endorsement_from_token(token)
    application = _lock(endorsement.application)
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    # Checked again under the lock: a second click or a taken-back application must not pass.
    if endorsement.is_decided:
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.USED, endorsement)
    if (endorsement.round != application.endorsement_round
            or application.status != Application.Status.AWAITING_ENDORSEMENT):
        raise EndorsementLinkInvalid(EndorsementLinkInvalid.REPLACED, endorsement)
    # Whoever holds the link, the answer counts only as that of a person who is the school's
    # confirmed principal right now (not when the link was sent).
    principal_user = endorsement.principal
    if getattr(signed_in_as, "is_authenticated", False) and signed_in_as.pk != endorsement.principal_id:
        raise ApplicationError(_(
            "This link is for %(name)s, the principal the application was sent to. You are logged in as "
            "someone else, so you cannot answer with it."
        ) % {"name": endorsement.principal_name})
    if not principal_may_endorse(user=principal_user, school_id=application.school_id):
        raise ApplicationError(_(
            "Only a confirmed principal of the school can answer, and %(name)s is not one now. The applicant "
            "can take the application back and send it to the school's principal."
        ) % {"name": endorsement.principal_name})

    endorsement.decision = decision
    endorsement.reason = reason
    endorsement.decided_at = now
    endorsement.decided_by_role = Membership.Role.PRINCIPAL
    endorsement.save(update_fields=["decision", "reason", "decided_at", "decided_by_role"])
    principal = f"{principal_user.name} <{principal_user.email}>"
    context = {
        "applicant_name": application.applicant.name,
        "principal_name": endorsement.principal_name,
        "school_name": application.school.name,
        "team_name": application.team_name,
        "area_title": application.area_title,
        "application_url": absolute_url("certification:detail", pk=application.pk),
        "reason": reason,
    }
    if decision == Endorsement.Decision.ENDORSE:
        application.endorsed_at = now
        _status_set(application, Application.Status.SUBMITTED, actor=principal_user, now=now,
                    actor_description=principal, note=_("Endorsed by the principal."))
        application.save()
        email_enqueue(key=f"application-endorsed:{application.pk}:{endorsement.round}",
                      to=[application.applicant.email], template="application_endorsed",
                      context=context, language=language)
    else:
        _status_set(application, Application.Status.ENDORSEMENT_DECLINED, actor=principal_user, now=now,
                    actor_description=principal, note=reason)
        application.save()
        email_enqueue(key=f"application-endorsement-declined:{application.pk}:{endorsement.round}",
                      to=[application.applicant.email], template="application_endorsement_declined",
                      context=context, language=language)
    return endorsement
