"""Retention: how long personal data is kept, applied every day by a scheduled job.

Each rule reads its period from a setting (see docs/data-protection.md); 0 turns the rule off. A rule
finds what is older than its period and removes or anonymises it; ``dry_run`` only counts. Rules that
erase people go through ``services.person_erase``, one person per transaction. The audit trail is
never deleted by Inspira: its rule only counts what is older than its period, for the archive to decide.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from inspira.accounts.models import Membership, User
from inspira.certification.models import (
    Application,
    ApplicationContact,
    ApplicationImage,
    ApplicationStatusChange,
    Decision,
    Endorsement,
)
from inspira.core.audit import audit_record
from inspira.core.models import AuditEvent, OutboxItem
from inspira.events.models import Registration
from inspira.privacy.models import Erasure
from inspira.privacy.scrub import rewrite_protected
from inspira.privacy.services import ErasureError, person_erase
from inspira.visits.models import Feedback

log = logging.getLogger(__name__)

# At most this many people (or applications, or emails) per rule and run, so one run stays well inside
# a job's timeout (each erasure searches the text tables); the next day's run takes the rest.
PEOPLE_PER_RUN = 50
EMAILS_PER_RUN = 5000


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same local date and time ``years`` earlier (29 February becomes the 28th)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year - years)
    except ValueError:
        return local.replace(year=local.year - years, day=28)


@dataclass(frozen=True)
class Rule:
    key: str
    setting: str
    unit: str  # "days" or "years"
    find: Callable  # (cutoff) -> queryset
    apply: Callable | None  # (queryset, cutoff, now) -> how many were handled; None: only counted

    def period(self) -> int:
        return int(getattr(settings, self.setting))

    def cutoff(self, now: datetime.datetime) -> datetime.datetime:
        if self.unit == "days":
            return now - timedelta(days=self.period())
        return years_before(now, self.period())


@dataclass(frozen=True)
class Outcome:
    key: str
    setting: str
    period: int
    unit: str
    cutoff: datetime.datetime | None
    found: int
    handled: int
    acts: bool  # False: the rule only counts (the audit trail) or is turned off


# --- Accounts -------------------------------------------------------------------------------------------

def _not_erased():
    return ~Exists(Erasure.objects.filter(user=OuterRef("pk")))


def unverified_accounts(cutoff):
    """Sign-ups whose email address was never verified (they never could log in)."""
    return (User.objects.filter(_not_erased(), is_active=False, email_verified_at__isnull=True,
                                last_login__isnull=True, role="", is_staff=False, date_joined__lt=cutoff)
            .order_by("date_joined", "pk"))


def inactive_accounts(cutoff):
    """Accounts with no school, no central role and no login within the period."""
    return (User.objects.filter(_not_erased(), ~Exists(Membership.objects.filter(user=OuterRef("pk"))),
                                role="", is_staff=False, is_superuser=False, email_verified_at__isnull=False)
            .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
            .order_by("pk"))


def _erase_people(reason: str, *, delete_account: bool = False):
    def apply(queryset, cutoff, now) -> int:
        done = 0
        for person in queryset[:PEOPLE_PER_RUN]:
            try:
                person_erase(person=person, actor=None, reason=reason, delete_account=delete_account, now=now)
            except ErasureError as exc:
                log.warning("Retention did not erase person %s: %s", person.pk, exc)
                continue
            done += 1
        return done

    return apply


# --- Emails ---------------------------------------------------------------------------------------------

def sent_emails(cutoff):
    """Sent emails whose content is still stored."""
    return OutboxItem.objects.filter(kind="email", state=OutboxItem.State.DONE, done_at__lt=cutoff,
                                     payload__pruned__isnull=True)


def _prune_emails(queryset, cutoff, now) -> int:
    # The row stays (who was sent what kind of email, when); the content goes.
    done = 0
    with transaction.atomic():
        for item in queryset.order_by("pk").select_for_update()[:EMAILS_PER_RUN]:
            payload = {**item.payload, "text": "", "html": "", "attachments": [],
                       "pruned": timezone.localtime(now).isoformat(timespec="seconds")}
            OutboxItem.objects.filter(pk=item.pk).update(payload=payload)
            done += 1
    return done


# --- Applications that did not lead to a certification -----------------------------------------------------

def ended_applications(cutoff):
    """Rejected applications decided before ``cutoff`` and withdrawn ones last changed before it, that
    still name people."""
    last_decided = Subquery(Decision.objects.filter(application=OuterRef("pk")).order_by("-decided_at")
                            .values("decided_at")[:1])
    names_people = (
        Exists(ApplicationContact.objects.filter(application=OuterRef("pk")))
        | Exists(ApplicationImage.objects.filter(application=OuterRef("pk")))
        | Exists(Endorsement.objects.filter(application=OuterRef("pk")).exclude(principal_name="", principal_email=""))
        | Exists(ApplicationStatusChange.objects.filter(application=OuterRef("pk")).exclude(actor_description=""))
        | ~Q(principal_name="") | ~Q(principal_email="")
    )
    return (Application.objects.annotate(last_decided=last_decided)
            .filter(Q(status=Application.Status.REJECTED, last_decided__lt=cutoff)
                    | Q(status=Application.Status.WITHDRAWN, updated_at__lt=cutoff))
            .filter(names_people).order_by("pk"))


def _prune_applications(queryset, cutoff, now) -> int:
    done = 0
    for application in queryset[:PEOPLE_PER_RUN]:
        with transaction.atomic():
            ApplicationContact.objects.filter(application=application).delete()
            for image in ApplicationImage.objects.filter(application=application):
                name, storage = image.image.name, image.image.storage
                image.delete()
                # Only once the rows are gone for good; a rollback keeps the files.
                transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            # QuerySet.update leaves updated_at alone, so the application keeps its real last change.
            Application.objects.filter(pk=application.pk).update(principal_name="", principal_email="")
            Endorsement.objects.filter(application=application).update(principal_name="", principal_email="")
            for change_id in (ApplicationStatusChange.objects.filter(application=application)
                              .exclude(actor_description="").values_list("pk", flat=True)):
                rewrite_protected(ApplicationStatusChange, change_id, actor_description="")
        done += 1
    return done


# --- Feedback -----------------------------------------------------------------------------------------------

# Stored as is (not translated): it replaces the visitor's own words in the database.
FEEDBACK_REMOVED = "[Gallrad efter bevarandetiden]"


def old_feedback(cutoff):
    """Feedback submitted before ``cutoff`` whose texts or author are still stored."""
    return Feedback.objects.filter(submitted_at__lt=cutoff).exclude(
        takeaways=FEEDBACK_REMOVED, questions="", submitted_by__isnull=True)


def _prune_feedback(queryset, cutoff, now) -> int:
    # The rating stays for the statistics; the texts and who wrote them go.
    # The model requires a text, so the removed one is replaced by a note, not left empty.
    return queryset.update(takeaways=FEEDBACK_REMOVED, questions="", submitted_by=None)


# --- Answers to events' registration questions ------------------------------------------------------------

def ended_event_answers(cutoff):
    """Registrations still holding answers, of events that ended before ``cutoff``. The answers
    (dietary needs and the like) serve the event only; the registration itself stays."""
    return Registration.objects.filter(event__ends_at__lt=cutoff).exclude(answers={})


def _empty_answers(queryset, cutoff, now) -> int:
    return Registration.objects.filter(pk__in=queryset.values("pk")).update(answers={})


# --- The audit trail ------------------------------------------------------------------------------------------

def old_audit_events(cutoff):
    return AuditEvent.objects.filter(at__lt=cutoff)


RULES = [
    Rule("unverified_accounts", "RETENTION_UNVERIFIED_ACCOUNT_DAYS", "days", unverified_accounts,
         _erase_people(Erasure.Reason.UNVERIFIED, delete_account=True)),
    Rule("inactive_accounts", "RETENTION_INACTIVE_ACCOUNT_YEARS", "years", inactive_accounts,
         _erase_people(Erasure.Reason.INACTIVE)),
    Rule("sent_emails", "RETENTION_SENT_EMAIL_DAYS", "days", sent_emails, _prune_emails),
    Rule("ended_applications", "RETENTION_REJECTED_APPLICATION_YEARS", "years", ended_applications,
         _prune_applications),
    Rule("feedback", "RETENTION_FEEDBACK_YEARS", "years", old_feedback, _prune_feedback),
    Rule("event_answers", "RETENTION_EVENT_ANSWERS_DAYS", "days", ended_event_answers, _empty_answers),
    # Never deleted by Inspira: counted, so the archive (the registrar) can decide what to cull.
    Rule("audit_events", "RETENTION_AUDIT_YEARS", "years", old_audit_events, None),
]


def apply_retention(*, now=None, dry_run: bool = False) -> list[Outcome]:
    now = now or timezone.now()
    outcomes = []
    for rule in RULES:
        period = rule.period()
        if period <= 0:
            outcomes.append(Outcome(rule.key, rule.setting, period, rule.unit, None, 0, 0, acts=False))
            continue
        cutoff = rule.cutoff(now)
        queryset = rule.find(cutoff)
        found = queryset.count()
        handled = 0
        if rule.apply is not None and found and not dry_run:
            handled = rule.apply(queryset, cutoff, now)
            with transaction.atomic():
                audit_record(actor=None, action="privacy.retention", summary=f"Retention rule {rule.key}: {handled}",
                             data={"rule": rule.key, "handled": handled, "cutoff": cutoff.isoformat()})
        outcomes.append(Outcome(rule.key, rule.setting, period, rule.unit, cutoff, found, handled,
                                acts=rule.apply is not None))
    return outcomes
