"""What every calendar file (.ics) of the product shares: the Stockholm time zone as calendar
programs expect it, and the domain that makes UIDs unique. Visits and events both write with these."""

from datetime import datetime, timedelta

from django.conf import settings
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard


def uid_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "inspira"


def stockholm_timezone() -> Timezone:
    """A VTIMEZONE that states the EU summer-time rule, as Outlook and Google Calendar write it, so an
    event on the Monday after a DST change lands at the right hour everywhere."""
    tz = Timezone()
    tz.add("tzid", "Europe/Stockholm")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    tz.add_component(summer)
    tz.add_component(winter)
    return tz
