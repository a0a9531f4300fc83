"""The audit trail names the reason of an erasure as the pages do, not by its stored code."""

from django.utils import translation

from inspira.core.models import AuditEvent
from inspira.privacy.models import Erasure
from inspira.privacy.services import person_erase


def test_an_erasure_names_its_reason(administrator, staff):
    with translation.override("sv"):
        person_erase(person=staff, actor=administrator, reason=Erasure.Reason.ADMINISTRATOR)
    summary = AuditEvent.objects.get(action="privacy.erased").summary
    assert summary == f"Personuppgifterna för person {staff.pk} raderades: Raderad av en handläggare"
