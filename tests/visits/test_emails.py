"""What the visits' emails say at their foot."""

import uuid

from inspira.core.models import OutboxItem
from inspira.visits import services
from inspira.visits.services import Visitors

PROGRAMME = "inspirationsplatser@kommun.example"


def test_booking_emails_name_the_programmes_address_under_questions(occasion, teacher, other_school, site_contact,
                                                                   settings):
    settings.PROGRAMME_CONTACT_EMAIL = PROGRAMME
    booking = services.booking_create(
        occasion=occasion, school=other_school, booked_by=teacher, idempotency_key=uuid.uuid4(),
        visitors=Visitors(participants=2, contact_name="Vera Besökare", contact_email="vera@skolan.example"))
    items = OutboxItem.objects.filter(key__contains=f":{booking.pk}")
    assert {item.key.split(":")[0] for item in items} == {
        "booking-confirmed", "booking-confirmed-host", "booking-principal"}
    for item in items:
        text, html = item.payload["text"], item.payload["html"]
        assert text.rstrip().splitlines()[-1] == f"Frågor? {PROGRAMME}", item.key
        assert f"mailto:{PROGRAMME}" in html and "mailto:vera@skolan.example" not in html, item.key
        # The booking's contact is still shown where it belongs: in the visit's details.
        assert "Vera Besökare, vera@skolan.example" in text, item.key
