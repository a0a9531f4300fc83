"""Events: who created them, mentions of the person in their texts, and their registrations
(with the answers to registration questions, which erasure empties; the rows stay, so the counts do);
who published material after an event; the person's calendar feed address (deleted at erasure, so
the secret address stops working)."""

from django.utils.translation import gettext_lazy as _

from inspira.core import pagecache
from inspira.events.models import (
    CalendarFeedToken,
    Event,
    EventMaterial,
    EventSeries,
    Registration,
    RegistrationQuestion,
)
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import scrub_rows

TEXT = {Event: ["description", "cancellation_reason"], EventSeries: ["description"]}
ACTIONS = [Action(Event, "created_by", "created_at"), Action(EventSeries, "created_by", "created_at"),
           Action(EventMaterial, "uploaded_by", "created_at")]


REGISTRATION_FIELDS = ["user", "participant_names", "walk_in_name", "answers"]


def _registrations(user) -> list[dict]:
    rows = Registration.objects.filter(user=user).select_related("event", "school").order_by("created_at", "pk")
    return [row(record_id=r.pk, event=r.event.title, starts_at=r.event.starts_at, status=r.get_status_display(),
                school=r.school, group=r.is_group, participants=r.participants,
                participant_names=r.participant_names, answers=r.answers, attended=r.attended,
                attended_count=r.attended_count, registered_at=r.created_at) for r in rows]


def _calendar_feed(user) -> list[dict]:
    # Whether there is an address and since when; not the secret itself, as a download may be passed on.
    return [row(record_id=f.pk, created_at=f.created_at) for f in CalendarFeedToken.objects.filter(user=user)]


def export(user, scrubber) -> list[Category]:
    return [
        Category("event_actions", _("Events you created"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
        Category("event_registrations", _("Your registrations for events"),
                 _("Names and answers removed; the registration stays, so the number of participants does."),
                 _registrations(user)),
        Category("event_calendar_feed", _("Your calendar feed address"),
                 _("Deleted: the address stops working."), _calendar_feed(user)),
    ]


def erase(ctx: ErasureContext) -> None:
    changed = sum(scrub_rows(model.objects.all(), fields, ctx.scrubber) for model, fields in TEXT.items())
    ctx.counts["event_texts_scrubbed"] += changed
    ctx.counts["event_registrations_emptied"] += Registration.objects.filter(user=ctx.user).update(
        participant_names="", walk_in_name="", answers={})
    ctx.counts["event_calendar_feeds_deleted"] += CalendarFeedToken.objects.filter(user=ctx.user).delete()[0]
    if changed:
        # The rows are rewritten without save signals: the public calendar's copies must go too.
        pagecache.invalidate_on_commit("calendar")


AREA = Area(
    name="events",
    export=export,
    erase=erase,
    fields=merge({model._meta.label: fields for model, fields in TEXT.items()}, action_fields(ACTIONS),
                 {Registration._meta.label: REGISTRATION_FIELDS},
                 {CalendarFeedToken._meta.label: ["user", "token"]}),
    not_personal={
        f"{RegistrationQuestion._meta.label}.options": "The options of an organiser's question to everyone "
                                                       "who registers (e.g. Vegetarian, Vegan): about the event, "
                                                       "not a person.",
    },
)
