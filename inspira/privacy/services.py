"""A person's download of their personal data, and an administrator's erasure of a person."""

import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inspira.accounts.models import User
from inspira.core import pagecache
from inspira.core.audit import audit_record
from inspira.privacy.base import ErasureContext
from inspira.privacy.labels import COLUMN_LABELS
from inspira.privacy.models import Erasure
from inspira.privacy.registry import AREAS, export_categories
from inspira.privacy.scrub import Scrubber, Subject


class ErasureError(Exception):
    """Message is translated; views show it as is."""


# --- The download ---------------------------------------------------------------------------------

def export_build(*, user, now=None) -> tuple[str, bytes]:
    """The person's personal data as a ZIP: a JSON file per category and a readable summary in Swedish.
    Returns (file name, content)."""
    now = now or timezone.now()
    categories = export_categories(user)
    generated = timezone.localtime(now).isoformat(timespec="seconds")
    data = {
        "generated": generated,
        "person": user.pk,
        "categories": {c.key: c.rows for c in categories},
    }
    with translation.override("sv"):
        summary = render_to_string("privacy/export_summary.html", {
            "generated": timezone.localtime(now),
            "person": user,
            "categories": [_readable(c) for c in categories],
        })
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personuppgifter.json",
                         json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archive.writestr("sammanfattning.html", summary)
    return f"inspira-personuppgifter-{timezone.localdate(now).isoformat()}.zip", buffer.getvalue()


_ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _cell(value):
    # People read "2026-03-10 14:05"; the JSON file keeps the full ISO form with its offset.
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return value[:16].replace("T", " ")
    return value


def _readable(category) -> dict:
    keys = list(category.rows[0]) if category.rows else []
    return {
        "title": str(category.title),
        "columns": [(key, str(COLUMN_LABELS.get(key, key))) for key in keys],
        "cells": [[_cell(r.get(key)) for key in keys] for r in category.rows],
    }


@transaction.atomic
def export_download(*, user, now=None) -> tuple[str, bytes]:
    """``export_build``, recorded in the audit trail (what was handed out, not its content)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    name, content = export_build(user=user, now=now)
    audit_record(actor=user, action="privacy.export", obj=user, summary=_("Downloaded their own personal data"))
    return name, content


# --- Erasure ----------------------------------------------------------------------------------------

def is_erased(person) -> bool:
    return Erasure.objects.filter(user=person).exists()


def erasure_refusal(*, person, actor) -> str | None:
    """Why ``actor`` may not erase ``person`` (None if they may). ``actor`` None is a retention rule."""
    if actor is not None and actor.pk == person.pk:
        return _("You cannot erase yourself. Ask another administrator.")
    if person.role == User.Role.ADMINISTRATOR and person.is_active and not (
            User.objects.filter(role=User.Role.ADMINISTRATOR, is_active=True).exclude(pk=person.pk).exists()):
        return _("This is the last administrator. Make someone else an administrator first.")
    return None


@dataclass
class ErasureResult:
    already: bool = False
    deleted: bool = False
    counts: Counter = field(default_factory=Counter)


@transaction.atomic
def person_erase(*, person, actor, reason: str = Erasure.Reason.ADMINISTRATOR, delete_account: bool = False,
                 now=None) -> ErasureResult:
    """Erase a person's personal data, all in one transaction (see docs/data-protection.md).

    The account is anonymised; every area of the registry removes or replaces what it holds about
    the person; decisions and accounting records stay as the law requires. Erasing an erased person
    changes nothing. ``delete_account`` (retention of sign-ups never verified) then deletes the
    account itself if nothing refers to it. ``actor`` is the administrator, or None for a retention rule.
    """
    now = now or timezone.now()
    if actor is not None and not actor.is_administrator:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=person.pk)
    if Erasure.objects.filter(user=user).exists():
        return ErasureResult(already=True)
    refusal = erasure_refusal(person=user, actor=actor)
    if refusal:
        raise ErasureError(refusal)
    subject = Subject.of(user)
    ctx = ErasureContext(subject=subject, scrubber=Scrubber(subject), user=user, actor=actor, now=now)
    # The account itself last: the other areas find the person's rows by their old identifiers.
    for area in sorted(AREAS, key=lambda a: a.name == "accounts"):
        area.erase(ctx)
    Erasure.objects.create(user=user, reason=reason, erased_at=now, erased_by=actor)
    # The areas replace names and addresses with update(), which sends no save signal; a public site
    # page may show the person as a contact.
    pagecache.invalidate_on_commit("catalogue")
    deleted = False
    if delete_account:
        try:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).delete()
            deleted = True
        except (ProtectedError, RestrictedError):
            pass  # something still refers to the account: it stays, anonymised
    # Numbers only: the audit trail must not bring back what was just erased.
    audit_record(actor=actor, action="privacy.erased", obj=user,
                 summary=_("Personal data of person %(id)s erased: %(reason)s") % {
                     "id": user.pk, "reason": Erasure.Reason(reason).label},
                 data={"user": user.pk, "reason": str(reason), "deleted": deleted,
                       "counts": {key: n for key, n in sorted(ctx.counts.items()) if n}})
    return ErasureResult(deleted=deleted, counts=ctx.counts)
