"""Each person's participation record: only the events they attended (their own registration, marked
attended) and the study visits they booked that were carried out; the certificate lists the same."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from inspira.visits.models import Booking
from tests.factories import BookingFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
RECORD = reverse("core:participation")
CERTIFICATE = reverse("core:participation_certificate")


def _past_event(title, hours=3, **kwargs):
    starts = timezone.make_aware(datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=20),
                                                           datetime.time(13)))
    return EventFactory(title=title, starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours), **kwargs)


@pytest.fixture
def record(staff):
    """What counts, and every near miss that must not."""
    RegistrationFactory(user=staff, event=_past_event("Läsfrämjande i praktiken", hours=2.5), attended=True)
    RegistrationFactory(user=staff, event=_past_event("Uteblev"), attended=False)  # a no-show
    RegistrationFactory(user=staff, event=_past_event("Inte markerad"), attended=None)  # never marked
    RegistrationFactory(user=staff, event=_past_event("Gruppens seminarium"), is_group=True, participants=5,
                        attended_count=5)
    RegistrationFactory(user=staff, event=_past_event("Avanmäld"), status="cancelled", attended=True)
    RegistrationFactory(user=staff, event=_past_event("Inställt", cancelled_at=timezone.now()), attended=True)
    RegistrationFactory(event=_past_event("Någon annans"), attended=True)
    BookingFactory(booked_by=staff, status=Booking.Status.COMPLETED,
                   occasion__date=timezone.localdate() - datetime.timedelta(days=10),
                   occasion__certification__school__name="Katarinaskolan")
    BookingFactory(booked_by=staff, status=Booking.Status.NOT_CARRIED_OUT,
                   occasion__certification__school__name="Uteblivna skolan")
    BookingFactory(booked_by=staff, status=Booking.Status.CONFIRMED,
                   occasion__certification__school__name="Kommande skolan")
    BookingFactory(status=Booking.Status.COMPLETED, participant_names=staff.name,
                   occasion__certification__school__name="Namngivna skolan")
    return staff


NOT_LISTED = ["Uteblev", "Inte markerad", "Gruppens seminarium", "Avanmäld", "Inställt", "Någon annans",
              "Uteblivna skolan", "Kommande skolan", "Namngivna skolan"]


def test_the_page_lists_only_what_counts(client_for, record):
    page = client_for(record).get(RECORD).content.decode()
    assert "Läsfrämjande i praktiken" in page and "Katarinaskolan" in page
    assert "2,5" in page  # hours, with a decimal comma
    for title in NOT_LISTED:
        assert title not in page


def test_the_certificate_lists_only_what_counts(client_for, record):
    response = client_for(record).get(CERTIFICATE)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="intyg-om-deltagande.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Intyg om deltagande" in text and record.name in text
    assert "Läsfrämjande i praktiken" in text and "Inspirationsplatser" in text and "Katarinaskolan" in text
    assert "Utfärdat" in text
    for title in NOT_LISTED:
        assert title not in text
    assert reader.trailer["/Root"]["/Lang"] == "sv"  # PDF/UA: the document's language


def test_an_empty_record_says_so(client_for, staff):
    page = client_for(staff).get(RECORD).content.decode()
    assert "Inga besökta träffar ännu." in page and "Inga genomförda studiebesök ännu." in page


def test_the_record_runs_a_constant_number_of_queries(client_for, staff):
    client = client_for(staff)
    client.get(RECORD)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(RECORD).status_code == 200
        return len(queries)

    def add(n):
        for i in range(n):
            RegistrationFactory(user=staff, event=_past_event(f"Träff {i}"), attended=True)
            BookingFactory(booked_by=staff, status=Booking.Status.COMPLETED)

    add(2)
    few = count()
    add(28)
    assert count() == few
