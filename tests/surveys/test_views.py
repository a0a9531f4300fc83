import csv
import io
from datetime import timedelta

import openpyxl
from django.urls import reverse
from django.utils import timezone

from inspira.programmes.services import programme_set_active
from inspira.surveys import services
from inspira.surveys.models import Invitation, Response
from inspira.surveys.services import invitation_token
from tests.factories import InvitationFactory, ProgrammeCoordinatorFactory, evaluation_survey, programme


def answer_url(invitation):
    return reverse("surveys:answer", kwargs={"token": invitation_token(invitation)})


def closed_survey_with(counts, programme_key="tailor_made"):
    """A closed survey where ``counts[i]`` people chose the i-th school form."""
    survey, single, _multiple, scale, _text = evaluation_survey(programme=programme(programme_key))
    for index, count in enumerate(counts):
        for _ in range(count):
            services.survey_answer(token=invitation_token(InvitationFactory(survey=survey)),
                                   answers={single.pk: single.choices.all()[index].pk, scale.pk: 4})
    survey.closed_at = timezone.now() - timedelta(seconds=1)
    survey.save(update_fields=["closed_at"])
    return survey, single


def test_the_answer_page_works_logged_out_with_fieldsets_and_a_confirmation(client, tailor_made):
    survey, single, multiple, scale, text = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    page = client.get(answer_url(invitation))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<fieldset") == 3
    assert "<legend" in html and single.text in html
    assert f'<label class="form-label h5" for="id_q{text.pk}">' in html
    assert "anonyma" in html

    # A required question left out: the error is tied to its group of options.
    refused = client.post(answer_url(invitation), {f"q{scale.pk}": "4"})
    assert refused.status_code == 200
    assert f'aria-describedby="id_q{single.pk}_errors"' in refused.content.decode()
    assert not Response.objects.exists()

    sent = client.post(answer_url(invitation), {
        f"q{single.pk}": single.choices.first().pk, f"q{multiple.pk}": [c.pk for c in multiple.choices.all()[:2]],
        f"q{scale.pk}": "4", f"q{text.pk}": "Bra!"})
    assert sent.status_code == 302 and sent["Location"] == reverse("surveys:answered")
    assert client.get(sent["Location"]).status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).answered
    assert Response.objects.count() == 1

    again = client.get(answer_url(invitation))
    assert "Du har redan svarat" in again.content.decode()
    assert "<form" not in again.content.decode().split("<main", 1)[-1]
    client.post(answer_url(invitation), {f"q{single.pk}": single.choices.first().pk, f"q{scale.pk}": "4"})
    assert Response.objects.count() == 1


def test_a_bad_link_answers_404_and_a_switched_off_programme_too(client, tailor_made, administrator):
    survey, *_ = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    assert client.get(reverse("surveys:answer", kwargs={"token": "inte-en-token"})).status_code == 404
    programme_set_active(programme=tailor_made, active=False, actor=administrator)
    assert client.get(answer_url(invitation)).status_code == 404


def test_a_closed_survey_says_so(client, tailor_made):
    survey, *_ = evaluation_survey()
    invitation = InvitationFactory(survey=survey)
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at"])
    assert "Enkäten är stängd" in client.get(answer_url(invitation)).content.decode()


def test_results_only_for_the_programmes_coordinators_and_administrators(client_for, coordinator, administrator,
                                                                          staff):
    survey, _single = closed_survey_with([5, 1])
    url = reverse("surveys:results", kwargs={"survey_id": survey.pk})
    assert client_for(staff).get(url).status_code == 403
    other = ProgrammeCoordinatorFactory(programme=programme("inspiration_sites")).user
    assert client_for(other).get(url).status_code == 403
    assert client_for(administrator).get(url).status_code == 200
    page = client_for(coordinator).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "färre än 5" in html
    assert "6 svar totalt" in html


def test_results_page_before_closing_shows_nothing(client_for, coordinator):
    survey, single, _multiple, scale, _text = evaluation_survey()
    for _ in range(6):
        services.survey_answer(token=invitation_token(InvitationFactory(survey=survey)),
                               answers={single.pk: single.choices.first().pk, scale.pk: 4})
    html = client_for(coordinator).get(reverse("surveys:results", kwargs={"survey_id": survey.pk})).content.decode()
    assert "Resultatet visas när enkäten har stängt." in html
    assert "Förskola" not in html


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_export_applies_the_same_suppression(client_for, coordinator):
    survey, single = closed_survey_with([5, 1])
    client = client_for(coordinator)
    url = reverse("surveys:export", kwargs={"survey_id": survey.pk, "fmt": "csv"})
    rows = _csv(client.get(url))
    flat = [";".join(row) for row in rows]
    assert any("Förskola" in row and row.endswith("5") for row in flat)
    assert any("Grundskola" in row and row.endswith("färre än 5") for row in flat)
    assert not any("Grundskola" in row and row.endswith(";1") for row in flat)

    # A filter on the one person who answered "Grundskola" gives nothing but "fewer than 5".
    lone = single.choices.get(text="Grundskola")
    filtered = _csv(client.get(url, {"filter": f"{single.pk}-{lone.pk}"}))
    assert filtered[1:] == [["Svar", "", "färre än 5"]]

    xlsx = client.get(reverse("surveys:export", kwargs={"survey_id": survey.pk, "fmt": "xlsx"}),
                      {"filter": f"{single.pk}-{lone.pk}"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [["Svar", None, "färre än 5"]]

    page = client.get(reverse("surveys:results", kwargs={"survey_id": survey.pk}),
                      {"filter": f"{single.pk}-{lone.pk}"}).content.decode()
    assert "Färre än 5 svar passar urvalet" in page
    assert "Medelvärde" not in page


def test_free_texts_are_reviewed_before_they_are_shown(client_for, coordinator):
    survey, single, _multiple, scale, text = evaluation_survey()
    for n in range(5):
        services.survey_answer(token=invitation_token(InvitationFactory(survey=survey)),
                               answers={single.pk: single.choices.first().pk, scale.pk: 4, text.pk: f"Tanke {n}"})
    client = client_for(coordinator)
    review_url = reverse("surveys:review", kwargs={"survey_id": survey.pk})
    # Before closing there is nothing to review.
    assert client.get(review_url).status_code == 302
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at"])
    results_url = reverse("surveys:results", kwargs={"survey_id": survey.pk})
    assert "Tanke 0" not in client.get(results_url).content.decode()
    page = client.get(review_url).content.decode()
    assert all(f"Tanke {n}" in page for n in range(5))
    answer = survey.questions.get(pk=text.pk).answers.get(text="Tanke 3")
    client.post(review_url, {"answer": answer.pk, "decision": "approve"})
    shown = client.get(results_url).content.decode()
    assert "Tanke 3" in shown and "Tanke 0" not in shown
