"""The programme's page, the interest form, "My benchmarking" and withdrawing: access, wiring,
messages at the fields, constant queries. And the round's meetings open to its participants only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.benchmarking.models import Interest, Quote
from tests.benchmarking.factories import InterestFactory, RoundFactory, benchmarking_on, closed_round
from tests.factories import MembershipFactory, SchoolFactory, UserFactory, member


@pytest.fixture
def open_round(db):
    benchmarking_on()
    return RoundFactory(title="Klasslärare i åk 1–6, hösttermin 2027")


def _data(benchmarking_round, school, **changes):
    return {"school": str(school.pk), "grades": ["1", "2"], "subjects": "Svenska, matematik",
            "unavailable_days": ""} | changes


# --- The programme's page ---

def test_the_programme_page_presents_benchmarking_and_the_open_rounds(client, open_round):
    closed_round(title="En stängd omgång")
    response = client.get(reverse("benchmarking:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "besöka varandra" in html and "Vikariekostnaderna" in html  # the seed's wording, in Swedish
    assert open_round.title in html and "En stängd omgång" not in html
    assert reverse("accounts:login") in html  # an anonymous visitor is asked to log in to register


def test_the_programme_page_shows_published_quotes_with_names_only_when_chosen(client, open_round):
    author = UserFactory(name="Berit Bokstav")
    anonymous_author = UserFactory(name="Hemlig Person")
    now = timezone.now()
    for text, who, show_name, published in (("Många aha-upplevelser!", author, True, now),
                                            ("Nya kontakter.", anonymous_author, False, now),
                                            ("Ej publicerad.", author, True, None)):
        Quote.objects.create(round=open_round, author=who, text=text, show_name=show_name, consent_at=now,
                             consent_text="Ja", published_at=published)
    html = client.get(reverse("benchmarking:index")).content.decode()
    assert "Många aha-upplevelser!" in html and "Berit Bokstav" in html
    assert "Nya kontakter." in html and "Hemlig Person" not in html
    assert "Ej publicerad." not in html
    assert "<blockquote" in html


def test_at_most_six_quotes_newest_first(open_round):
    from inspira.benchmarking.selectors import published_quotes

    now = timezone.now()
    for n in range(8):
        Quote.objects.create(round=open_round, text=f"Citat {n}", consent_at=now, consent_text="Ja",
                             published_at=now - timedelta(days=n))
    assert [q.text for q in published_quotes()] == [f"Citat {n}" for n in range(6)]


def test_a_registered_teacher_is_shown_their_registration_instead_of_the_link(client_for, open_round, staff, school):
    InterestFactory(round=open_round, user=staff, school=school)
    html = client_for(staff).get(reverse("benchmarking:index")).content.decode()
    assert reverse("benchmarking:interest_register", args=[open_round.pk]) not in html
    assert reverse("benchmarking:mine") in html


def test_the_programme_page_queries_do_not_grow_with_rounds_or_quotes(client_for, open_round, staff, school,
                                                                     django_assert_max_num_queries):
    client = client_for(staff)
    InterestFactory(round=open_round, user=staff, school=school)
    client.get(reverse("benchmarking:index"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("benchmarking:index"))
    few = len(few)  # now: the next request empties the connection's log
    now = timezone.now()
    for n in range(4):
        InterestFactory(round=RoundFactory(), user=staff, school=school)
        Quote.objects.create(round=open_round, author=UserFactory(), text=f"Citat {n}", show_name=True,
                             consent_at=now, consent_text="Ja", published_at=now)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("benchmarking:index"))
    assert len(response.context["open_rounds"]) == 5 and len(response.context["quotes"]) == 4


def test_the_programme_page_has_an_empty_state(client, db):
    benchmarking_on()
    assert "Ingen omgång" in client.get(reverse("benchmarking:index")).content.decode()


# --- Registering ---

def test_a_teacher_registers_interest_through_the_form(client_for, open_round, staff, school):
    day = open_round.visit_window_starts + timedelta(days=2)
    response = client_for(staff).post(reverse("benchmarking:interest_register", args=[open_round.pk]),
                                      _data(open_round, school, unavailable_days=f"{day.isoformat()}\n\n"),
                                      follow=True)
    assert response.redirect_chain[-1][0] == reverse("benchmarking:mine")
    interest = Interest.objects.get()
    assert interest.user == staff and interest.grades == ["1", "2"] and interest.unavailable_days == [day.isoformat()]
    assert list(response.context["messages"])


def test_the_only_school_is_preselected_and_only_ones_own_schools_are_offered(client_for, open_round, staff,
                                                                               school, other_school):
    form = client_for(staff).get(reverse("benchmarking:interest_register", args=[open_round.pk])).context["form"]
    assert list(form.fields["school"].queryset) == [school]
    assert form["school"].value() == school.pk
    MembershipFactory(user=staff, school=SchoolFactory(name="Ekskolan"))
    form = client_for(staff).get(reverse("benchmarking:interest_register", args=[open_round.pk])).context["form"]
    assert form["school"].value() is None


def test_another_school_cannot_be_posted(client_for, open_round, staff, other_school):
    response = client_for(staff).post(reverse("benchmarking:interest_register", args=[open_round.pk]),
                                      _data(open_round, other_school))
    assert "school" in response.context["form"].errors
    assert not Interest.objects.exists()


@pytest.mark.parametrize(("text", "words"), [
    ("2027-13-01", "Rad 1"),
    ("igår", "Rad 1"),
    ("{ok}\n2027-02-30", "Rad 2"),
    ("{ok}\n{late}", "Rad 2"),
])
def test_a_bad_day_is_named_by_its_line_in_swedish(client_for, open_round, staff, school, text, words):
    ok = open_round.visit_window_starts.isoformat()
    late = (open_round.visit_window_ends + timedelta(days=1)).isoformat()
    response = client_for(staff).post(reverse("benchmarking:interest_register", args=[open_round.pk]),
                                      _data(open_round, school, unavailable_days=text.format(ok=ok, late=late)))
    errors = response.context["form"].errors["unavailable_days"]
    assert any(words in error for error in errors), errors
    assert not Interest.objects.exists()


def test_no_grades_is_refused_at_the_field(client_for, open_round, staff, school):
    response = client_for(staff).post(reverse("benchmarking:interest_register", args=[open_round.pk]),
                                      _data(open_round, school, grades=[]))
    assert "grades" in response.context["form"].errors


def test_a_second_registration_is_refused_with_a_clear_page(client_for, open_round, staff, school):
    InterestFactory(round=open_round, user=staff, school=school)
    client = client_for(staff)
    page = client.get(reverse("benchmarking:interest_register", args=[open_round.pk]))
    assert page.context["already_registered"] is True and page.context["form"] is None
    client.post(reverse("benchmarking:interest_register", args=[open_round.pk]), _data(open_round, school))
    assert Interest.objects.count() == 1


def test_a_closed_round_shows_no_form(client_for, staff, school, db):
    benchmarking_on()
    closed = closed_round()
    client = client_for(staff)
    response = client.post(reverse("benchmarking:interest_register", args=[closed.pk]), _data(closed, school))
    assert response.status_code == 200 and response.context["form"] is None
    assert "inte öppen" in response.content.decode()
    assert not Interest.objects.exists()


def test_central_staff_and_people_without_a_confirmed_school_are_refused(client_for, open_round, finance, school):
    pending = MembershipFactory(school=school, confirmed_at=None).user
    for person in (finance, pending):
        assert client_for(person).get(
            reverse("benchmarking:interest_register", args=[open_round.pk])).status_code == 403


# --- My benchmarking and withdrawing ---

def test_my_page_lists_my_registrations_with_decisions_and_reasons(client_for, open_round, staff, school):
    earlier = closed_round(title="Vårens omgång")
    InterestFactory(round=earlier, user=staff, school=school, decision=Interest.Decision.NOT_ADMITTED,
                    decision_reason="Omgången var full; du står först i kön nästa gång.")
    InterestFactory(round=open_round, user=staff, school=school)
    InterestFactory(round=open_round)  # someone else's
    response = client_for(staff).get(reverse("benchmarking:mine"))
    items = list(response.context["page_obj"])
    assert len(items) == 2
    html = response.content.decode()
    assert "först i kön" in html and "Vårens omgång" in html
    # Only the open round's registration can be withdrawn here.
    assert [item.may_withdraw for item in items] == [True, False]


def test_a_pending_decision_shows_no_reason(client_for, open_round, staff, school):
    InterestFactory(round=open_round, user=staff, school=school, decision_reason="Utkast som inte är publicerat")
    assert "Utkast" not in client_for(staff).get(reverse("benchmarking:mine")).content.decode()


def test_my_page_has_an_empty_state(client_for, open_round, staff):
    assert "inte anmält" in client_for(staff).get(reverse("benchmarking:mine")).content.decode()


def test_my_page_queries_do_not_grow(client_for, open_round, staff, school, django_assert_max_num_queries):
    client = client_for(staff)
    InterestFactory(round=open_round, user=staff, school=school)
    client.get(reverse("benchmarking:mine"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("benchmarking:mine"))
    few = len(few)  # now: the next request empties the connection's log
    for _n in range(5):
        InterestFactory(round=closed_round(), user=staff, school=school, decision=Interest.Decision.ADMITTED)
    with django_assert_max_num_queries(few):
        client.get(reverse("benchmarking:mine"))


def test_a_teacher_withdraws_through_the_confirmation_page(client_for, open_round, staff, school):
    interest = InterestFactory(round=open_round, user=staff, school=school)
    client = client_for(staff)
    url = reverse("benchmarking:interest_withdraw", args=[interest.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("benchmarking:mine")
    interest.refresh_from_db()
    assert interest.withdrawn_at is not None
    assert list(response.context["messages"])


def test_after_the_window_withdrawing_is_refused_with_a_message(client_for, staff, school, db):
    benchmarking_on()
    interest = InterestFactory(round=closed_round(), user=staff, school=school)
    response = client_for(staff).post(reverse("benchmarking:interest_withdraw", args=[interest.pk]), follow=True)
    assert "samordnare" in " ".join(str(m) for m in response.context["messages"])
    interest.refresh_from_db()
    assert interest.withdrawn_at is None


def test_another_persons_registration_is_refused(client_for, open_round, staff, school):
    interest = InterestFactory(round=open_round, school=school)
    colleague = member(school, Membership.Role.PRINCIPAL, email="rektor2@example.se")
    for person in (staff, colleague):
        assert client_for(person).post(reverse("benchmarking:interest_withdraw", args=[interest.pk])).status_code == 403
    interest.refresh_from_db()
    assert interest.withdrawn_at is None


# --- The round's meetings: its participants only, per event ---

def test_a_participant_may_register_for_their_own_rounds_meetings_only(administrator, db):
    from inspira.benchmarking import rounds
    from inspira.events.registrations import user_is_eligible
    from tests.benchmarking.test_rounds import round_fields

    benchmarking_on()
    round_a = rounds.round_create(actor=administrator, **round_fields(title="Omgång A"))
    round_b = rounds.round_create(actor=administrator, **round_fields(title="Omgång B"))
    school = SchoolFactory()
    participant = member(school)
    InterestFactory(round=round_a, user=participant, school=school, decision=Interest.Decision.ADMITTED)
    not_admitted = member(school)
    InterestFactory(round=round_a, user=not_admitted, school=school, decision=Interest.Decision.NOT_ADMITTED)
    outsider = member(school)
    assert user_is_eligible(event=round_a.kickoff, user=participant)
    assert user_is_eligible(event=round_a.closing, user=participant)
    assert not user_is_eligible(event=round_b.kickoff, user=participant)
    assert not user_is_eligible(event=round_a.kickoff, user=not_admitted)
    assert not user_is_eligible(event=round_a.kickoff, user=outsider)


def test_a_participant_registers_for_the_kickoff_and_a_non_participant_is_refused(administrator, db):
    from inspira.benchmarking import rounds
    from inspira.events.registrations import RegistrationError, registration_create
    from tests.benchmarking.test_rounds import round_fields

    benchmarking_on()
    round_a = rounds.round_create(actor=administrator, **round_fields(title="Omgång A"))
    round_b = rounds.round_create(actor=administrator, **round_fields(title="Omgång B"))
    school = SchoolFactory()
    participant = member(school)
    InterestFactory(round=round_a, user=participant, school=school, decision=Interest.Decision.ADMITTED)
    # The meetings are in the autumn of 2027; register as if just before.
    now = round_a.kickoff.starts_at - timedelta(days=7)
    registration = registration_create(event=round_a.kickoff, user=participant, now=now)
    assert registration.pk
    with pytest.raises(RegistrationError):
        registration_create(event=round_b.kickoff, user=participant, now=now)
    with pytest.raises(RegistrationError):
        registration_create(event=round_a.kickoff, user=member(school), now=now)
