"""Switching programmes on and off and naming their coordinators: administrators' changes, each
with its audit row in the same transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from inspira.core.audit import audit_record
from inspira.programmes import state
from inspira.programmes.models import Programme, ProgrammeCoordinator


class ProgrammeError(Exception):
    """Message is translated; views show it as is."""


@transaction.atomic
def programme_set_active(*, programme: Programme, active: bool, actor) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.is_active == active:
        return programme  # nothing changes, so nothing goes on record
    programme.is_active = active
    programme.save(update_fields=["is_active"])
    audit_record(actor=actor, action="programme.switched_on" if active else "programme.switched_off",
                 obj=programme, summary=str(programme.name), data={"key": programme.key, "active": active})
    # Drop the cached state now, for the rest of this transaction, and again after the commit, in case
    # another process cached the old state in between.
    state.forget()
    transaction.on_commit(state.forget)
    return programme


@transaction.atomic
def coordinator_add(*, programme: Programme, user, actor) -> ProgrammeCoordinator:
    if not user.is_active:
        raise ProgrammeError(_("Only a person whose account is active can be a coordinator."))
    coordinator, created = ProgrammeCoordinator.objects.get_or_create(programme=programme, user=user)
    if not created:
        raise ProgrammeError(_("%(person)s is already a coordinator of this programme.")
                             % {"person": user.name or user.email})
    audit_record(actor=actor, action="programme.coordinator_add", obj=programme,
                 summary=f"{user.email}: {programme.name}", data={"key": programme.key, "user": user.pk})
    return coordinator


@transaction.atomic
def coordinator_remove(*, programme: Programme, user, actor) -> None:
    deleted, _rows = ProgrammeCoordinator.objects.filter(programme=programme, user=user).delete()
    if not deleted:
        raise ProgrammeError(_("%(person)s is not a coordinator of this programme.")
                             % {"person": user.name or user.email})
    audit_record(actor=actor, action="programme.coordinator_remove", obj=programme,
                 summary=f"{user.email}: {programme.name}", data={"key": programme.key, "user": user.pk})
