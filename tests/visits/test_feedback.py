"""“Dela med er – och få tillbaka!”: the visitors' feedback after a completed visit.

The visitors (the booker and the booking's contact) are emailed a signed link when the host records
the visit as completed; the link needs no login. One feedback per visit, which the visitors may change
until the form closes (``services.FEEDBACK_OPEN_DAYS`` after the completion was recorded).
"""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspira.core.models import OutboxItem
from inspira.visits import services
from inspira.visits.models import Booking, Feedback
from tests.factories import SchoolFactory
from tests.visits.builders import make_booking, make_certification, make_occasion, member

pytestmark = pytest.mark.usefixtures("fee_rules", "en")


@pytest.fixture
def completed(past_visit, site_contact):
    return services.booking_complete(booking=past_visit, actor=site_contact)


def feedback_email(booking) -> OutboxItem:
    return OutboxItem.objects.get(key=f"booking-feedback:{booking.pk}")


def link_path(item: OutboxItem) -> str:
    """The path of the feedback link in the email's text, as a visitor would click it."""
    url = re.search(r"https?://\S+/besok/aterkoppling/\S+/", item.payload["text"]).group(0)
    return "/" + url.split("/", 3)[3]


def answer(**overrides):
    return {"rating": "4", "takeaways": "Utematematik med måttband", "questions": "Hur bedömer ni?"} | overrides


# --- The email --------------------------------------------------------------------------------------------------

def test_completion_emails_the_booker_and_the_contact_a_feedback_link(completed, teacher):
    item = feedback_email(completed)
    assert item.payload["to"] == ["carl@example.se", teacher.email]
    assert "Share with us" in item.payload["subject"] or "Dela med er" in item.payload["subject"]
    # The token is signed with a timestamp, so one made a second later differs: resolve it instead.
    token = link_path(item).rstrip("/").rsplit("/", 1)[1]
    assert link_path(item) == reverse("visits:feedback", args=[token])
    assert services.booking_from_feedback_token(token) == completed
    assert link_path(item) in item.payload["html"]


def test_one_feedback_email_per_visit_even_if_completed_again(completed, site_contact, administrator):
    services.booking_outcome_undo(booking=completed, actor=administrator, reason="Fel")
    services.booking_complete(booking=completed, actor=site_contact)
    assert OutboxItem.objects.filter(key__startswith="booking-feedback:").count() == 1


def test_a_visit_not_carried_out_asks_for_no_feedback(past_visit, site_contact):
    services.booking_mark_not_carried_out(booking=past_visit, actor=site_contact)
    assert not OutboxItem.objects.filter(key__startswith="booking-feedback:").exists()


# --- The form ----------------------------------------------------------------------------------------------

def test_the_visitor_gives_feedback_through_the_link_without_logging_in(client, completed):
    path = link_path(feedback_email(completed))
    page = client.get(path)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    response = client.post(path, answer())
    assert response["Location"] == path
    feedback = Feedback.objects.get(booking=completed)
    assert (feedback.rating, feedback.takeaways, feedback.questions) == (4, "Utematematik med måttband",
                                                                         "Hur bedömer ni?")
    assert feedback.submitted_by is None and feedback.updated_at is None
    assert "Your feedback is saved and the site can read it" in client.get(path).content.decode()


def test_the_rating_is_five_labelled_radio_buttons_in_a_group(client, completed):
    body = client.get(reverse("visits:feedback", args=[services.feedback_token(completed)])).content.decode()
    radios = re.findall(r'<input[^>]*type="radio"[^>]*name="rating"[^>]*id="([^"]+)"', body)
    assert len(radios) == 5
    for radio_id, text in zip(radios, ["1 – not useful", "2 – a little useful", "3 – useful", "4 – very useful",
                                       "5 – extremely useful"], strict=True):
        assert re.search(rf'<label[^>]*for="{radio_id}"[^>]*>\s*{text}\s*</label>', body), text
    assert re.search(r"<legend[^>]*>\s*How useful was the visit for you\?", body)
    assert "What do you take home from the visit?" in body


def test_one_feedback_per_visit_later_answers_change_it(client, completed, teacher):
    path = reverse("visits:feedback", args=[services.feedback_token(completed)])
    client.post(path, answer())
    client.post(path, answer(rating="5", takeaways="Ännu mer", questions=""))
    feedback = Feedback.objects.get(booking=completed)
    assert Feedback.objects.count() == 1
    assert (feedback.rating, feedback.takeaways, feedback.questions) == (5, "Ännu mer", "")
    assert feedback.updated_at is not None and feedback.updated_at >= feedback.submitted_at


def test_missing_answers_are_shown_at_their_fields(client, completed):
    path = reverse("visits:feedback", args=[services.feedback_token(completed)])
    response = client.post(path, {"rating": "", "takeaways": " ", "questions": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["rating"] == ["Choose a rating from 1 to 5."]
    assert errors["takeaways"] == ["Tell the site what you take home from the visit."]
    response = client.post(path, answer(rating="6"))
    assert "rating" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_a_damaged_link_is_refused(client, completed):
    token = services.feedback_token(completed)
    response = client.get(reverse("visits:feedback", args=[token[:-3] + "xyz"]))
    assert response.status_code == 404
    assert "The link does not work" in response.content.decode()


def test_a_link_to_another_visit_cannot_be_made_from_this_one(client, completed):
    # The signature covers the visit's id and its calendar id; changing either breaks the link.
    from django.core import signing

    other = make_booking(occasion=completed.occasion, school=SchoolFactory(), booked_by=completed.booked_by,
                         status=Booking.Status.COMPLETED, outcome_marked_at=timezone.now())
    forged = signing.dumps({"b": other.pk, "u": completed.uid.hex}, salt=services.FEEDBACK_SALT)
    assert client.get(reverse("visits:feedback", args=[forged])).status_code == 404


def test_the_link_stops_working_when_the_completion_is_undone(client, completed, administrator):
    path = reverse("visits:feedback", args=[services.feedback_token(completed)])
    services.booking_outcome_undo(booking=completed, actor=administrator, reason="Fel")
    response = client.get(path)
    assert response.status_code == 410
    assert client.post(path, answer()).status_code == 410
    assert not Feedback.objects.exists()


def test_the_form_closes_after_the_open_days(completed):
    last_day = timezone.localdate(completed.outcome_marked_at) + timedelta(days=services.FEEDBACK_OPEN_DAYS)
    assert services.feedback_open_until(completed) == last_day
    closes = services.feedback_closes_at(completed)
    assert timezone.localtime(closes).date() == last_day + timedelta(days=1)
    assert timezone.localtime(closes).time() == time(0)
    services.booking_from_feedback_token(services.feedback_token(completed), now=closes - timedelta(minutes=1))
    with pytest.raises(services.FeedbackLinkInvalid) as caught:
        services.booking_from_feedback_token(services.feedback_token(completed), now=closes)
    assert caught.value.reason == services.FeedbackLinkInvalid.CLOSED
    with pytest.raises(services.VisitError, match="can no longer be given or changed"):
        services.feedback_save(booking=completed, rating=3, takeaways="Sent", now=closes)


def test_a_closed_form_answers_gone(client, completed):
    Booking.objects.filter(pk=completed.pk).update(
        outcome_marked_at=timezone.now() - timedelta(days=services.FEEDBACK_OPEN_DAYS + 1))
    response = client.get(reverse("visits:feedback", args=[services.feedback_token(completed)]))
    assert response.status_code == 410
    assert "The feedback form is closed" in response.content.decode()


def test_a_logged_in_visitor_finds_the_link_on_the_visit_page_and_is_named(client_for, completed, teacher):
    client = client_for(teacher)
    page = client.get(reverse("visits:booking", args=[completed.pk])).content.decode()
    path = reverse("visits:feedback", args=[services.feedback_token(completed)])
    assert path in page and "Give your feedback" in page
    client.post(path, answer())
    assert Feedback.objects.get().submitted_by == teacher


def test_someone_else_logged_in_using_the_link_is_not_named(client_for, completed, staff):
    client_for(staff).post(reverse("visits:feedback", args=[services.feedback_token(completed)]), answer())
    assert Feedback.objects.get().submitted_by is None


def test_the_host_does_not_get_the_feedback_link(client_for, completed, site_contact):
    page = client_for(site_contact).get(reverse("visits:booking", args=[completed.pk])).content.decode()
    assert reverse("visits:feedback", args=[services.feedback_token(completed)]) not in page


# --- Who reads it -------------------------------------------------------------------------------------------------

def _give(booking, **fields):
    return services.feedback_save(booking=booking, rating=fields.get("rating", 4),
                                  takeaways=fields.get("takeaways", "Mycket"), questions=fields.get("questions", ""))


def test_the_host_reads_all_feedback_on_its_site(client_for, completed, site_contact, certification):
    _give(completed, takeaways="Vi tar med oss måttbanden", questions="Hur gör ni på vintern?")
    client = client_for(site_contact)
    body = client.get(reverse("visits:site_feedback", args=[certification.pk])).content.decode()
    assert "Vi tar med oss måttbanden" in body and "Hur gör ni på vintern?" in body
    assert "1 answer, average rating 4.0 of 5." in body
    dashboard = client.get(reverse("visits:site_visits", args=[certification.pk])).content.decode()
    assert "Vi tar med oss måttbanden" in dashboard
    booking_page = client.get(reverse("visits:booking", args=[completed.pk])).content.decode()
    assert "Hur gör ni på vintern?" in booking_page


def test_the_site_feedback_page_has_an_empty_state(client_for, certification, site_contact):
    body = client_for(site_contact).get(reverse("visits:site_feedback", args=[certification.pk])).content.decode()
    assert "empty-state" in body and "No feedback yet" in body


@pytest.mark.parametrize("who", ["staff", "teacher", "other_site_contact"])
def test_others_cannot_read_the_site_feedback(client_for, certification, who, request):
    person = member(SchoolFactory(), "site_contact") if who == "other_site_contact" else request.getfixturevalue(who)
    assert client_for(person).get(reverse("visits:site_feedback", args=[certification.pk])).status_code == 403


def _completed_visit(certification, day, *, rating=4, takeaways="Bra"):
    visitor = SchoolFactory()
    booking = make_booking(occasion=make_occasion(certification=certification, day=day), school=visitor,
                           booked_by=member(visitor), status=Booking.Status.COMPLETED,
                           outcome_marked_at=timezone.now())
    return _give(booking, rating=rating, takeaways=takeaways)


def test_administrators_read_feedback_by_site_and_school_year(client_for, administrator, school):
    today = timezone.localdate()
    this_year_start = today.replace(month=7, day=1) if today.month >= 7 else today.replace(year=today.year - 1,
                                                                                           month=7, day=1)
    site = make_certification(school=school, starts_on=this_year_start - timedelta(days=400))
    other_site = make_certification(school=SchoolFactory(), starts_on=this_year_start - timedelta(days=400))
    _completed_visit(site, this_year_start, takeaways="Detta läsår")
    _completed_visit(site, this_year_start - timedelta(days=1), takeaways="Förra läsåret", rating=2)
    _completed_visit(other_site, this_year_start + timedelta(days=1), takeaways="Annan plats")
    client = client_for(administrator)
    url = reverse("visits:feedback_list")
    body = client.get(url).content.decode()
    assert all(text in body for text in ("Detta läsår", "Förra läsåret", "Annan plats"))
    body = client.get(url, {"school_year": this_year_start.year}).content.decode()
    assert "Detta läsår" in body and "Annan plats" in body and "Förra läsåret" not in body
    body = client.get(url, {"site": site.pk}).content.decode()
    assert "Detta läsår" in body and "Förra läsåret" in body and "Annan plats" not in body
    assert "2 answers, average rating 3.0 of 5." in body
    body = client.get(url, {"site": site.pk, "school_year": this_year_start.year - 1}).content.decode()
    assert "Förra läsåret" in body and "Detta läsår" not in body
    body = client.get(url, {"school_year": 2011}).content.decode()
    assert "No feedback matches the filters." in body


@pytest.mark.parametrize("count", [1, 30])
def test_the_feedback_list_pages_by_25_with_constant_queries(client_for, administrator, certification,
                                                             django_assert_num_queries, count):
    for i in range(count):
        _completed_visit(certification, timezone.localdate() - timedelta(days=1 + i % 20))
    client = client_for(administrator)
    client.get(reverse("visits:feedback_list"))
    # session, user, two-factor device, the sites of the filter, count, summary, page
    with django_assert_num_queries(7):
        response = client.get(reverse("visits:feedback_list"))
    assert len(response.context["page_obj"]) == min(count, 25)


@pytest.mark.parametrize("count", [1, 30])
def test_the_site_feedback_page_pages_by_25_with_constant_queries(client_for, site_contact, certification,
                                                                  django_assert_num_queries, count):
    for i in range(count):
        _completed_visit(certification, timezone.localdate() - timedelta(days=1 + i % 20))
    client = client_for(site_contact)
    client.get(reverse("visits:site_feedback", args=[certification.pk]))
    # session, user, certification, memberships, count, summary, page
    with django_assert_num_queries(7):
        response = client.get(reverse("visits:site_feedback", args=[certification.pk]))
    assert len(response.context["page_obj"]) == min(count, 25)
