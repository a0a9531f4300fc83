"""How the visit pages write dates and half-days in Swedish."""

from datetime import date

from django.urls import reverse
from django.utils import formats, translation

from tests.visits.builders import make_occasion


def test_the_short_date_writes_the_month_in_lower_case_in_swedish_only():
    day = date(2026, 12, 8)
    with translation.override("sv"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "tis 8 dec 2026"
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "Tue 8 Dec 2026"


def test_the_free_occasions_list_writes_swedish_months_in_lower_case(client, certification):
    make_occasion(certification=certification, day=date(2099, 12, 8))
    content = client.get(reverse("visits:free")).content.decode()
    assert "tis 8 dec 2099" in content
    assert "Dec" not in content


def test_a_weekday_and_a_half_day_make_one_swedish_word_with_an_s(client_for, certification, site_contact):
    content = client_for(site_contact).get(reverse("visits:occasion_series", args=[certification.pk])).content
    assert "varje tisdagsförmiddag" in content.decode()
