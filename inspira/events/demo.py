"""The demo's events: tailor-made development is switched on and its coordinator has held one
meeting and planned two more, one of them a public seminar, so a newcomer sees the organisers' list
and the public calendar filled in. Made through the services (each with its audit row), dated from
today. Safe to run again: an event already made (by its title) is left as is."""

import datetime

from django.utils import timezone

from inspira.accounts.models import User
from inspira.events.models import Event
from inspira.events.services import event_create
from inspira.programmes.catalog import Key
from inspira.programmes.models import Programme
from inspira.programmes.services import programme_set_active
from inspira.schools.models import District

ADMINISTRATOR = "admin@inspira.example"
COORDINATOR = "pedagogcentrum@inspira.example"

# (title, kind, days from today, start hour, hours, public, place, online link, description)
EVENTS = (
    ("Uppstartsmöte: formativ bedömning i åk 4–6", Event.Kind.KICK_OFF, -12, 15, 2, False,
     "Pedagogiskt centrum, sal 2", "",
     "Vi går igenom skolenhetens behov och planerar insatsen tillsammans med rektor."),
    ("Handledningstillfälle: formativ bedömning", Event.Kind.SESSION, 9, 14, 2, False,
     "", "https://moten.inspira.example/handledning-formativ",
     "Digitalt tillfälle för arbetslaget: vi följer upp de första veckornas arbete."),
    ("Seminarium: språkutvecklande arbetssätt i alla ämnen", Event.Kind.SEMINAR, 23, 13, 3, True,
     "Stadshuset, Ragnar Östbergs plan 1", "https://moten.inspira.example/seminarium-sprak",
     "Pedagogiskt centrum bjuder in till ett öppet seminarium med exempel från tre skolor. "
     "Alla lärare och skolledare är välkomna."),
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load(*, stdout=None) -> None:
    programme = Programme.objects.get(key=Key.TAILOR_MADE)
    if not programme.is_active:
        programme_set_active(programme=programme, active=True, actor=User.objects.get(email=ADMINISTRATOR))
        if stdout is not None:
            stdout.write(f"Switched {programme.key} on.")
    coordinator = User.objects.get(email=COORDINATOR)
    district = District.objects.order_by("name").first()
    today = timezone.localdate()
    for title, kind, days, hour, hours, public, place, link, description in EVENTS:
        if Event.objects.filter(programme=programme, title=title).exists():
            continue
        day = today + datetime.timedelta(days=days)
        starts = _at(day, hour)
        event_create(
            programme=programme, actor=coordinator, title=title, kind=kind, description=description,
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours), place=place, online_link=link,
            district=district if public else None, capacity=60 if public else 25,
            quota_per_school=4 if public else None, is_public=public,
            registration_closes_at=_at(day - datetime.timedelta(days=3), 12) if days > 3 else None,
            cancellation_deadline=_at(day - datetime.timedelta(days=2), 12) if days > 2 else None,
        )
        if stdout is not None:
            stdout.write(f"Created the event {title!r}.")
