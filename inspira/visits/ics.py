"""Calendar files (.ics, RFC 5545 with the iTIP methods of RFC 5546) for visits and occasions.

What calendar programs need to treat a later file as an update of the earlier one: the same
UID for the event's whole life, a higher SEQUENCE for each change, and METHOD:CANCEL (with
STATUS:CANCELLED) to remove it. Times are Stockholm wall-clock times with TZID=Europe/Stockholm
and a VTIMEZONE that states the EU summer-time rule, as Outlook and Google Calendar write it, so
a visit on the Monday after a DST change lands at the right hour everywhere.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from icalendar import Calendar, Event, vCalAddress, vText

from inspira.core.calendar_files import stockholm_timezone as _stockholm_timezone
from inspira.core.links import absolute_url
from inspira.visits.models import Booking, Occasion

PRODID = "-//Inspira//Studiebesok//SV"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "inspira"


def booking_uid(booking: Booking) -> str:
    return f"booking-{booking.uid}@{_domain()}"


def occasion_uid(occasion: Occasion) -> str:
    return f"occasion-{occasion.uid}@{_domain()}"


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(_stockholm_timezone())
    return calendar


def _event(*, uid: str, sequence: int, occasion: Occasion, summary: str, description: str, cancelled: bool,
           now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", occasion.starts_at)
    event.add("dtend", occasion.ends_at)
    event.add("summary", summary)
    event.add("location", occasion.place)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def booking_ics(booking: Booking, *, method: str = REQUEST, organizer_email: str = "", now=None,
                language: str = "sv") -> bytes:
    """The visit as a calendar event for the visitors (and the host). ``method`` CANCEL removes it."""
    now = now or timezone.now()
    occasion = booking.occasion
    certification = occasion.certification
    with translation.override(language):
        summary = _("Study visit: %(site)s") % {"site": certification.display_name}
        lines = [
            _("Inspiration site: %(site)s") % {"site": certification.display_name},
            _("Visiting school: %(school)s") % {"school": booking.school.name},
            _("Participants: %(count)s") % {"count": booking.participants},
        ]
        if occasion.note:
            lines.append(occasion.note)
        if method == CANCEL and booking.cancellation_reason:
            # "Inställt" only when the site cancelled; the visitors' own cancellation is "avbokat".
            label = (_("Cancelled: %(reason)s") if booking.cancelled_by_host
                     else pgettext("a visit the visiting school cancelled", "Called off: %(reason)s"))
            lines.append(label % {"reason": booking.cancellation_reason})
        lines.append(absolute_url("visits:booking", booking.pk))
    calendar = _calendar(method)
    event = _event(uid=booking_uid(booking), sequence=booking.sequence, occasion=occasion, summary=summary,
                   description="\n".join(lines), cancelled=method == CANCEL, now=now)
    # RFC 5546 asks for an organizer in REQUEST and CANCEL: the host site. The visitors are an
    # attendee who has already accepted, so calendar programs do not ask them to answer.
    event.add("organizer", _address(organizer_email or settings.PROGRAMME_CONTACT_EMAIL,
                                    certification.display_name))
    event.add("attendee", _address(booking.contact_email, booking.contact_name, role="REQ-PARTICIPANT",
                                   partstat="ACCEPTED", rsvp="FALSE"))
    calendar.add_component(event)
    return calendar.to_ical()


def occasion_ics(occasion: Occasion, *, now=None, language: str = "sv") -> bytes:
    """The occasion for the host's own calendar (published, not an invitation)."""
    now = now or timezone.now()
    with translation.override(language):
        summary = _("Study visit occasion: %(site)s") % {"site": occasion.certification.display_name}
        description = occasion.note
    calendar = _calendar(PUBLISH)
    calendar.add_component(_event(uid=occasion_uid(occasion), sequence=occasion.sequence, occasion=occasion,
                                  summary=summary, description=description, cancelled=occasion.is_cancelled,
                                  now=now))
    return calendar.to_ical()
