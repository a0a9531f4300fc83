"""Events: who created them, and mentions of the person in their texts."""

from django.utils.translation import gettext_lazy as _

from inspira.core import pagecache
from inspira.events.models import Event
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge
from inspira.privacy.scrub import scrub_rows

TEXT = {Event: ["description", "cancellation_reason"]}
ACTIONS = [Action(Event, "created_by", "created_at")]


def export(user, scrubber) -> list[Category]:
    return [Category("event_actions", _("Events you created"),
                     _("Kept, pointing to the erased account."), actions(user, ACTIONS))]


def erase(ctx: ErasureContext) -> None:
    changed = sum(scrub_rows(model.objects.all(), fields, ctx.scrubber) for model, fields in TEXT.items())
    ctx.counts["event_texts_scrubbed"] += changed
    if changed:
        # The rows are rewritten without save signals: the public calendar's copies must go too.
        pagecache.invalidate_on_commit("calendar")


AREA = Area(
    name="events",
    export=export,
    erase=erase,
    fields=merge({model._meta.label: fields for model, fields in TEXT.items()}, action_fields(ACTIONS)),
)
