"""The proposal's pages (inspira/efforts/proposal_views.py) and its section of the case page: the centre
presents a version from the last one's text, a version's page shows what changed, the principal accepts
a named version or asks for changes; who sees which button; the case page's queries as versions grow."""

import pytest
from django.urls import reverse

from inspira.efforts.models import Effort, Proposal, ProposalResponse
from inspira.efforts.proposals import proposal_accept, proposal_request_changes
from tests.efforts.factories import PROPOSAL_TEXT, coordinator, effort_awaiting_proposal, present, principal_of
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(db):
    return coordinator()


@pytest.fixture
def effort(school):
    return effort_awaiting_proposal(schools=[school])


def _case(effort) -> str:
    return reverse("efforts:effort_detail", args=[effort.pk])


# --- Presenting ----------------------------------------------------------------------------------------------

def test_the_centre_presents_the_first_version(effort, centre, client_for, en):
    client = client_for(centre)
    url = reverse("efforts:proposal_present", args=[effort.pk])
    assert url in client.get(_case(effort)).text  # the section's button
    page = client.get(url)
    assert page.status_code == 200 and "Present version 1 of the proposal" in page.text

    response = client.post(url, PROPOSAL_TEXT)

    proposal = Proposal.objects.get()
    assert response.url == reverse("efforts:proposal_detail", args=[proposal.pk])
    assert (proposal.version, proposal.plan) == (1, PROPOSAL_TEXT["plan"])
    assert "Version 1 of the proposal is presented" in client.get(response.url).text


def test_the_form_holds_the_last_versions_text(effort, centre, client_for, en):
    present(effort, centre, scope="Rektor deltar i alla träffar.")
    page = client_for(centre).get(reverse("efforts:proposal_present", args=[effort.pk])).text
    assert "Present version 2 of the proposal" in page
    assert "Rektor deltar i alla träffar." in page and "Träff 4: uppföljning." in page


def test_bad_input_is_shown_at_the_field_and_saves_nothing(effort, centre, client_for, en):
    present(effort, centre)
    client = client_for(centre)
    url = reverse("efforts:proposal_present", args=[effort.pk])
    page = client.post(url, PROPOSAL_TEXT | {"goals": ""})
    assert page.status_code == 200 and "This field is required." in page.text
    page = client.post(url, PROPOSAL_TEXT)  # the same text as version 1
    assert page.status_code == 200 and "Nothing has changed since version 1" in page.text
    assert Proposal.objects.count() == 1


def test_presenting_after_acceptance_is_refused_with_a_message(effort, centre, principal, client_for, en):
    proposal_accept(proposal=present(effort, centre), actor=principal)
    client = client_for(centre)
    response = client.post(reverse("efforts:proposal_present", args=[effort.pk]), PROPOSAL_TEXT | {"plan": "Ny."})
    assert response.url == _case(effort)
    assert "already accepted" in client.get(response.url).text
    assert Proposal.objects.count() == 1


# --- A version's page ---------------------------------------------------------------------------------------

def test_a_versions_page_shows_what_changed_since_the_last(effort, centre, principal, client_for, en):
    first = present(effort, centre)
    proposal_request_changes(proposal=first, actor=principal, comment="Byt sista träffen.")
    second = present(effort, centre, plan=PROPOSAL_TEXT["plan"].replace("uppföljning", "avslutning"))

    page = client_for(principal).get(reverse("efforts:proposal_detail", args=[second.pk])).text

    assert "What changed since version 1" in page
    assert '<span class="visually-hidden">Removed: </span>Träff 4: uppföljning.</del>' in page
    assert '<span class="visually-hidden">Added: </span>Träff 4: avslutning.</ins>' in page
    assert page.count("Unchanged.") == 3  # the summary, the goals and the scope
    # The first version: its answer and comment, and a way to the latest.
    page = client_for(principal).get(reverse("efforts:proposal_detail", args=[first.pk])).text
    assert "This is the first version." in page and "Byt sista träffen." in page
    assert reverse("efforts:proposal_detail", args=[second.pk]) in page
    assert reverse("efforts:proposal_accept", args=[first.pk]) not in page


def test_the_diff_is_shown_in_swedish(effort, centre, principal, client_for):
    present(effort, centre)
    second = present(effort, centre, plan="Två träffar.")
    page = client_for(principal).get(reverse("efforts:proposal_detail", args=[second.pk])).text
    assert '<span class="visually-hidden">Tillagt: </span>Två träffar.</ins>' in page
    assert '<span class="visually-hidden">Borttaget: </span>Träff 1: genomgång.</del>' in page


# --- Accepting and asking for changes -------------------------------------------------------------------------

def test_the_principal_accepts_the_named_version(effort, centre, principal, client_for):
    present(effort, centre)
    second = present(effort, centre, plan="Två träffar.")
    client = client_for(principal)
    url = reverse("efforts:proposal_accept", args=[second.pk])
    assert url in client.get(_case(effort)).text

    page = client.get(url).text
    assert "Du godkänner version 2" in page

    response = client.post(url)

    assert response.url == _case(effort)
    answer = ProposalResponse.objects.get()
    assert (answer.kind, answer.proposal, answer.by) == ("accepted", second, principal)
    effort.refresh_from_db()
    assert effort.state == Effort.State.RUNNING
    page = client.get(_case(effort)).text
    assert "Du har godkänt version 2 av förslaget" in page and "Version 2 godkändes" in page
    assert url not in page  # no button any more


def test_an_earlier_version_cannot_be_accepted(effort, centre, principal, client_for, en):
    first = present(effort, centre)
    present(effort, centre, plan="Två träffar.")
    client = client_for(principal)
    response = client.post(reverse("efforts:proposal_accept", args=[first.pk]))
    assert response.url == reverse("efforts:proposal_detail", args=[first.pk])
    assert "Version 1 is no longer the latest: answer version 2." in client.get(response.url).text
    assert not ProposalResponse.objects.exists()


def test_the_principal_asks_for_changes(effort, centre, principal, client_for, en):
    proposal = present(effort, centre)
    client = client_for(principal)
    url = reverse("efforts:proposal_request_changes", args=[proposal.pk])
    page = client.post(url, {"comment": "  "})
    assert page.status_code == 200 and "This field is required." in page.text
    response = client.post(url, {"comment": "Fler träffar, tack."})
    assert response.url == _case(effort)
    assert ProposalResponse.objects.get().comment == "Fler träffar, tack."
    page = client.get(_case(effort)).text
    assert "Fler träffar, tack." in page and url not in page


@pytest.mark.parametrize("name", ["efforts:proposal_accept", "efforts:proposal_request_changes"])
def test_another_schools_principal_and_the_staff_are_refused(name, school, other_school, effort, centre,
                                                             client_for):
    proposal = present(effort, centre)
    url = reverse(name, args=[proposal.pk])
    for person in (principal_of(other_school), member(school), centre):
        client = client_for(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"comment": "Något."}).status_code == 403
    assert not ProposalResponse.objects.exists()


def test_another_schools_principal_sees_neither_the_case_nor_a_version(other_school, effort, centre, client_for):
    proposal = present(effort, centre)
    client = client_for(principal_of(other_school))
    assert client.get(reverse("efforts:proposal_detail", args=[proposal.pk])).status_code == 403
    assert client.get(reverse("efforts:proposal_present", args=[effort.pk])).status_code == 403


# --- The case page's section ---------------------------------------------------------------------------------

def test_the_section_lists_versions_newest_first_with_their_answers(effort, centre, principal, client_for, en):
    page = client_for(principal).get(_case(effort)).text
    assert "No proposal has been presented yet." in page
    first = present(effort, centre)
    proposal_request_changes(proposal=first, actor=principal, comment="Fler träffar, tack.")
    present(effort, centre, plan="Sex träffar.")

    page = client_for(principal).get(_case(effort)).text

    assert page.index("Version 2</a>") < page.index("Version 1</a>")
    assert "Changes asked for" in page and "Fler träffar, tack." in page and "Not answered" in page
    assert reverse("efforts:proposal_present", args=[effort.pk]) not in page  # the principal presents nothing


def test_the_centre_sees_no_answer_buttons(effort, centre, client_for):
    proposal = present(effort, centre)
    page = client_for(centre).get(_case(effort)).text
    assert reverse("efforts:proposal_accept", args=[proposal.pk]) not in page
    assert reverse("efforts:proposal_present", args=[effort.pk]) in page


def test_the_case_page_keeps_its_queries_as_versions_grow(effort, centre, principal, client_for,
                                                          django_assert_num_queries):
    def grow(versions: int):
        for _n in range(versions):
            last = present(effort, centre, plan=f"Plan {Proposal.objects.filter(effort=effort).count()}.")
            proposal_request_changes(proposal=last, actor=principal, comment="Lite till.")

    client = client_for(principal)
    grow(1)
    client.get(_case(effort))  # the session, the language and the programme's state are read and kept
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(_case(effort))
    grow(12)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(_case(effort))
    assert page.text.count("Lite till.") == 13
