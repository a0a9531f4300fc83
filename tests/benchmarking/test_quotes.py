"""Quotes with consent (inspira/benchmarking/quotes.py and its pages)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.benchmarking import quotes
from inspira.benchmarking.models import Interest, Quote
from inspira.core.models import AuditEvent
from tests.benchmarking.builders_costs import make_participant, make_round
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return make_round()


@pytest.fixture
def participant(round_):
    return make_participant(round_, user=UserFactory(name="Klara Klasslärare"))


def _submit(round_, user, **fields):
    values = {"text": "Besöken gav mig många nya idéer.", "show_name": False, "consent": True}
    values.update(fields)
    return quotes.quote_submit(round=round_, author=user, **values)


def test_without_consent_nothing_is_stored(round_, participant):
    with pytest.raises(quotes.QuoteError):
        _submit(round_, participant.user, consent=False)
    assert not Quote.objects.exists()


def test_consent_text_and_moment_are_stored(round_, participant):
    quote = _submit(round_, participant.user)
    assert quote.consent_at is not None
    assert quote.consent_text == quotes.consent_text() and quotes.CONSENT_VERSION in quote.consent_text
    assert AuditEvent.objects.filter(action="benchmarking.quote_submitted").count() == 1


@pytest.mark.parametrize("who", ["stranger", "withdrawn", "not_admitted", "other_round"])
def test_only_the_rounds_admitted_participants_submit(round_, who):
    if who == "stranger":
        user = UserFactory()
    elif who == "withdrawn":
        user = make_participant(round_, withdrawn_at=timezone.now()).user
    elif who == "not_admitted":
        user = make_participant(round_, decision=Interest.Decision.NOT_ADMITTED).user
    else:
        user = make_participant(make_round()).user
    with pytest.raises(quotes.QuoteError):
        _submit(round_, user)
    assert not Quote.objects.exists()


def test_the_published_list_shows_only_published_quotes_with_names_only_when_chosen(round_, administrator):
    named = _submit(round_, make_participant(round_, user=UserFactory(name="Nils Namn")).user, text="Med namn",
                    show_name=True)
    anonymous = _submit(round_, make_participant(round_, user=UserFactory(name="Anna Anonym")).user,
                        text="Utan namn")
    _submit(round_, make_participant(round_).user, text="Inte publicerad")
    quotes.quote_publish(quote=named, actor=administrator)
    quotes.quote_publish(quote=anonymous, actor=administrator)
    shown = {q.text: q.name for q in quotes.quotes_published(round=round_)}
    assert shown == {"Med namn": "Nils Namn", "Utan namn": ""}
    quotes.quote_unpublish(quote=named, actor=administrator)
    assert [q.text for q in quotes.quotes_published()] == ["Utan namn"]


def test_a_quote_without_recorded_consent_is_never_published(round_, participant, administrator):
    quote = Quote.objects.create(round=round_, author=participant.user, text="Smugglad", consent_at=timezone.now(),
                                 consent_text="")
    with pytest.raises(quotes.QuoteError):
        quotes.quote_publish(quote=quote, actor=administrator)
    Quote.objects.filter(pk=quote.pk).update(published_at=timezone.now())  # even if a row says so
    assert quotes.quotes_published() == []


def test_only_coordinators_publish(round_, participant):
    quote = _submit(round_, participant.user)
    with pytest.raises(quotes.QuoteError):
        quotes.quote_publish(quote=quote, actor=participant.user)
    quote.refresh_from_db()
    assert quote.published_at is None


def test_withdrawing_a_published_quote_removes_it_at_once(round_, participant, administrator):
    quote = _submit(round_, participant.user)
    quotes.quote_publish(quote=quote, actor=administrator)
    with pytest.raises(quotes.QuoteError):
        quotes.quote_withdraw(quote=quote, actor=administrator)
    quotes.quote_withdraw(quote=quote, actor=participant.user)
    assert not Quote.objects.exists() and quotes.quotes_published() == []
    assert AuditEvent.objects.get(action="benchmarking.quote_withdrawn").data["was_published"] is True


# --- Pages ------------------------------------------------------------------------------------------------

def test_the_participant_sends_a_quote_only_with_the_box_ticked(round_, participant, client_for, en):
    client = client_for(participant.user)
    url = reverse("benchmarking:quotes_mine", args=[round_.pk])
    response = client.post(url, {"text": "Bra dagar", "show_name": "on"})
    assert response.status_code == 200 and "without your consent the quote is not kept" in response.text
    assert not Quote.objects.exists()
    response = client.post(url, {"text": "Bra dagar", "show_name": "on", "consent": "on"})
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.show_name is True and quote.text == "Bra dagar"
    page = client.get(url)
    assert "Bra dagar" in page.text
    client.post(reverse("benchmarking:quote_withdraw", args=[quote.pk]))
    assert not Quote.objects.exists()


def test_someone_elses_quote_cannot_be_withdrawn(round_, participant, client_for):
    quote = _submit(round_, participant.user)
    other = make_participant(round_)
    assert client_for(other.user).post(reverse("benchmarking:quote_withdraw", args=[quote.pk])).status_code == 403
    assert Quote.objects.exists()


def test_the_coordinator_publishes_and_unpublishes_on_the_closing_page(round_, participant, administrator,
                                                                       client_for):
    quote = _submit(round_, participant.user, text="Energi och bekräftelse")
    client = client_for(administrator)
    page = client.get(reverse("benchmarking:round_closing", args=[round_.pk]))
    assert "Energi och bekräftelse" in page.text
    client.post(reverse("benchmarking:quote_publish", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.published_at is not None and quote.published_by == administrator
    client.post(reverse("benchmarking:quote_unpublish", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.published_at is None and quote.published_by is None


def test_closing_page_queries_do_not_grow_with_quotes(round_, administrator, client_for,
                                                      django_assert_max_num_queries):
    client = client_for(administrator)
    url = reverse("benchmarking:round_closing", args=[round_.pk])
    for _ in range(2):
        _submit(round_, make_participant(round_).user)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        _submit(round_, make_participant(round_).user)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_writers_page_queries_do_not_grow_with_their_quotes(round_, participant, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(participant.user)
    url = reverse("benchmarking:quotes_mine", args=[round_.pk])
    _submit(round_, participant.user)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        _submit(round_, participant.user, text=f"Citat nummer {n}.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Citat nummer 3." in response.text
    assert len(many) == len(few)
