from html.parser import HTMLParser

from django.urls import reverse

from inspira.accounts.models import User
from inspira.privacy.models import Erasure
from inspira.privacy.scrub import ANONYMOUS_NAME
from tests.factories import UserFactory


def erase_url(person):
    return reverse("privacy:erase", args=[person.pk])


class Page(HTMLParser):
    """Headings and labelled checkboxes, to check the page's structure."""

    def __init__(self):
        super().__init__()
        self.headings, self.checkbox_ids, self.label_fors = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"h1", "h2", "h3"}:
            self.headings.append(tag)
        if tag == "input" and attrs.get("type") == "checkbox":
            self.checkbox_ids.append(attrs.get("id"))
        if tag == "label":
            self.label_fors.append(attrs.get("for"))


def parse(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    return page


def test_the_page_explains_what_is_removed_and_what_is_kept(client_for, world):
    response = client_for(world.administrator).get(erase_url(world.person))

    assert response.status_code == 200
    content = response.content.decode()
    page = parse(response)
    assert page.headings.count("h1") == 1 and page.headings[0] == "h1"
    assert page.checkbox_ids == ["id_confirm"] and "id_confirm" in page.label_fors
    assert reverse("accounts:person_edit", args=[world.person.pk]) in content  # the way back
    for words in ["Det här tas bort", "Det här måste sparas", "arkivlagen", "bokföringslagen",
                  "Borttagen person", "Studiebesök som du har bokat", "Lägg in nya uppgifter på skolans sida"]:
        assert words in content, words
    # It says how much there is, per kind.
    titles = {c.key: len(c.rows) for c in response.context["categories"]}
    assert titles["invoices"] == 3 and titles["bookings"] == 1


def test_without_the_box_ticked_nothing_happens(client_for, world):
    response = client_for(world.administrator).post(erase_url(world.person), {})

    assert response.status_code == 200
    assert "Kryssa i rutan för att bekräfta" in response.content.decode()
    world.person.refresh_from_db()
    assert world.person.name != ANONYMOUS_NAME
    assert not Erasure.objects.exists()


def test_confirming_erases_and_says_so(client_for, world):
    client = client_for(world.administrator)
    response = client.post(erase_url(world.person), {"confirm": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:person_edit", args=[world.person.pk])
    assert "Personens personuppgifter är raderade" in response.content.decode()
    world.person.refresh_from_db()
    assert world.person.name == ANONYMOUS_NAME
    # Back on the erasure page, there is nothing more to do.
    again = client.get(erase_url(world.person))
    assert "Det finns inget mer att radera" in again.content.decode()
    assert "id_confirm" not in again.content.decode()
    assert client.post(erase_url(world.person), {"confirm": "on"}).status_code == 200
    assert Erasure.objects.count() == 1


def test_an_administrator_cannot_erase_themselves_from_the_page(client_for, administrator):
    UserFactory(role=User.Role.ADMINISTRATOR)  # not the last one either
    client = client_for(administrator)
    page = client.get(erase_url(administrator)).content.decode()
    assert "Du kan inte radera dig själv" in page and "id_confirm" not in page

    client.post(erase_url(administrator), {"confirm": "on"})
    administrator.refresh_from_db()
    assert administrator.name == "Anna Administratör"


def test_the_person_page_links_to_erasure(client_for, administrator, staff):
    content = client_for(administrator).get(reverse("accounts:person_edit", args=[staff.pk])).content.decode()
    assert erase_url(staff) in content


def test_only_administrators_reach_the_page(client_for, director, staff, principal):
    for who in (director, staff, principal):
        client = client_for(who)
        assert client.get(erase_url(staff)).status_code == 403
        assert client.post(erase_url(staff), {"confirm": "on"}).status_code == 403
    staff.refresh_from_db()
    assert staff.name == "Lars Lärare"


def test_a_person_with_nothing_but_an_account(client_for, administrator):
    person = UserFactory(name="Tom Tomsson")
    response = client_for(administrator).get(erase_url(person))
    assert [c.key for c in response.context["categories"]] == ["account"]
