"""Events: who created them, mentions of the person in their texts, and their registrations
(with the answers to registration questions, which erasure empties; the rows stay, so the counts do)."""

from django.utils.translation import gettext_lazy as _

from inspira.core import pagecache
from inspira.events.models import Event, EventSeries, Registration, RegistrationQuestion
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import scrub_rows

TEXT = {Event: ["description", "cancellation_reason"], EventSeries: ["description"]}
ACTIONS = [Action(Event, "created_by", "created_at"), Action(EventSeries, "created_by", "created_at")]


REGISTRATION_FIELDS = ["user", "participant_names", "walk_in_name", "answers"]


def _registrations(user) -> list[dict]:
    rows = Registration.objects.filter(user=user).select_related("event", "school").order_by("created_at", "pk")
    return [row(record_id=r.pk, event=r.event.title, starts_at=r.event.starts_at, status=r.get_status_display(),
                school=r.school, group=r.is_group, participants=r.participants,
                participant_names=r.participant_names, answers=r.answers, attended=r.attended,
                attended_count=r.attended_count, registered_at=r.created_at) for r in rows]


def export(user, scrubber) -> list[Category]:
    return [
        Category("event_actions", _("Events you created"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
        Category("event_registrations", _("Your registrations for events"),
                 _("Names and answers removed; the registration stays, so the number of participants does."),
                 _registrations(user)),
    ]


def erase(ctx: ErasureContext) -> None:
    changed = sum(scrub_rows(model.objects.all(), fields, ctx.scrubber) for model, fields in TEXT.items())
    ctx.counts["event_texts_scrubbed"] += changed
    ctx.counts["event_registrations_emptied"] += Registration.objects.filter(user=ctx.user).update(
        participant_names="", walk_in_name="", answers={})
    if changed:
        # The rows are rewritten without save signals: the public calendar's copies must go too.
        pagecache.invalidate_on_commit("calendar")


AREA = Area(
    name="events",
    export=export,
    erase=erase,
    fields=merge({model._meta.label: fields for model, fields in TEXT.items()}, action_fields(ACTIONS),
                 {Registration._meta.label: REGISTRATION_FIELDS}),
    not_personal={
        f"{RegistrationQuestion._meta.label}.options": "The options of an organiser's question to everyone "
                                                       "who registers (e.g. Vegetarian, Vegan): about the event, "
                                                       "not a person.",
    },
)
