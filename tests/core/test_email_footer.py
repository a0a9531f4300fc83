"""Every email ends with the same footer, whose "Frågor?" names the programme's address, also when
the email's own context has a ``contact_email`` (a booking's contact, a school's address)."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from inspira.core.emails import email_enqueue

EMAILS = sorted(p.name.removesuffix("_subject.txt")
                for p in (Path(django_settings.BASE_DIR) / "templates" / "emails").glob("*_subject.txt"))
PROGRAMME = "inspirationsplatser@kommun.example"
BOOKER = "bokare@skolan.example"
# What some emails count or format as a number (a missing variable is an empty string).
NUMBERS = {"valid_days": 3, "days_left": 30, "days": 2, "total": 200000, "amount_ore": 200000,
           "staff_count": 18, "documents": 4}


def test_the_list_of_emails_is_found():
    assert "visit_booking_confirmed" in EMAILS and "verify_email" in EMAILS


@pytest.mark.parametrize("template", EMAILS)
def test_every_email_names_the_programmes_address_under_questions(db, settings, template):
    settings.PROGRAMME_CONTACT_EMAIL = PROGRAMME
    item = email_enqueue(key=f"footer:{template}", to=[BOOKER], template=template,
                         context={"contact_email": BOOKER, **NUMBERS})
    text, html = item.payload["text"], item.payload["html"]
    assert text.rstrip().splitlines()[-1] == f"Frågor? {PROGRAMME}"
    assert f'Frågor? <a href="mailto:{PROGRAMME}">{PROGRAMME}</a>' in html
    assert f"mailto:{BOOKER}" not in html
