import io
import json
import time
import zipfile
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from inspira.core.models import AuditEvent
from inspira.privacy.labels import COLUMN_LABELS
from inspira.privacy.services import export_build
from tests.privacy.conftest import EMAIL, FEDERATION_IDP, NAME, PHONE

URL = reverse("privacy:export")


def unzip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["personuppgifter.json", "sammanfattning.html"]
        return (json.loads(archive.read("personuppgifter.json")),
                archive.read("sammanfattning.html").decode())


def test_the_download_holds_every_kind_of_data_about_the_person(world):
    _name, content = export_build(user=world.person)
    data, _html = unzip(content)
    c = data["categories"]

    assert data["person"] == world.person.pk
    assert c["account"] == [c["account"][0]] and c["account"][0]["email"] == EMAIL
    assert c["account"][0]["phone"] == PHONE and c["account"][0]["name"] == NAME
    assert [m["school"] for m in c["memberships"]] == ["Katarina Norra skola", "Farsta grundskola"]
    roles = {a["school"]: a["your_role"] for a in c["applications"]}
    assert roles == {"Katarina Norra skola": "sökande, kontaktperson", "Farsta grundskola": "rektor"}
    assert [x["email"] for x in c["application_contacts"]] == [EMAIL]
    assert [e["principal_email"] for e in c["endorsements"]] == [EMAIL]
    assert any("Called" in entry["note"] for entry in c["contact_log"])
    assert [b["contact_email"] for b in c["bookings"]] == [EMAIL]
    assert [w["contact_phone"] for w in c["waiting_list"]] == [PHONE]
    assert [f["rating"] for f in c["feedback"]] == [5]
    assert len(c["emails"]) >= 3 and all(e["to"] == EMAIL for e in c["emails"])
    assert {"accounts.signup", "accounts.email_verified"} <= {e["action"] for e in c["audit_events"]}
    assert len(c["invoices"]) >= 2  # the invoice and its credit note name him as the recipient's reference
    assert [s["school"] for s in c["school_details"]] == ["Katarina Norra skola"]
    assert [r["ip_address"] for r in c["logins"]] == ["10.0.0.1", "10.0.0.2"]
    # His authenticator app, and the MFA a login service performed for him (tests/privacy/conftest.py).
    assert sorted(d["name"] for d in c["two_factor_devices"]) == sorted([f"{NAME}s telefon", FEDERATION_IDP])
    assert {a["role"] for a in c["certification_actions"]} == {"sökande", "vem", "rektor"}


def test_the_download_holds_nothing_private_about_others(world):
    _name, content = export_build(user=world.person)
    data, html = unzip(content)
    text = json.dumps(data, ensure_ascii=False) + html
    # The principal's own emails (e.g. the request to confirm him) are not his.
    assert "rektor.norra@example.se" not in json.dumps(data["categories"]["emails"])
    assert "Kim Kollega" not in json.dumps(data["categories"]["application_contacts"])
    assert world.director.email not in text


def test_the_download_lists_the_federation_logins_and_what_they_did(world):
    c = unzip(export_build(user=world.person)[1])[0]["categories"]
    [login] = c["federation_logins"]
    assert (login["identity_provider"], login["eppn"], login["last_signed_in"]) == (
        FEDERATION_IDP, EMAIL, "2025-10-11T10:00:00+02:00")
    assert login["linked"] and len(login["school_codes_acted_on"]) == 8  # Farsta's unit code
    assert [m["school"] for m in c["federation_memberships"]] == ["Farsta grundskola"]
    assert c["federation_memberships"][0]["identity_provider"] == FEDERATION_IDP
    assert c["federation_actions"] == []
    # The administrator who changed the trust in the login service finds that among what they did.
    admin = unzip(export_build(user=world.administrator)[1])[0]["categories"]
    assert [a["record"] for a in admin["federation_actions"]] == ["inloggningstjänstens förtroende"]


def test_every_column_has_a_swedish_heading(world):
    _name, content = export_build(user=world.person)
    data, html = unzip(content)
    keys = {key for rows in data["categories"].values() for r in rows for key in r}
    assert keys <= set(COLUMN_LABELS), keys - set(COLUMN_LABELS)
    assert '<html lang="sv">' in html
    assert "Dina personuppgifter i Inspira" in html
    assert "Ansökningar du gjort eller är nämnd i" in html
    assert "Örjan D&#x27;Zettervall" in html  # escaped, never raw HTML from the data


def test_the_download_is_fast(world):
    started = time.perf_counter()
    export_build(user=world.person)
    assert time.perf_counter() - started < 2.0


class Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        self.h1 += tag == "h1"


def test_the_page_explains_and_the_button_downloads(client_for, staff):
    client = client_for(staff)
    page = client.get(URL)
    assert page.status_code == 200
    parser = Headings()
    parser.feed(page.content.decode())
    assert parser.h1 == 1
    assert reverse("accounts:profile") in page.content.decode()  # the way back

    response = client.post(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="inspira-personuppgifter-')
    data, _html = unzip(response.content)
    assert data["categories"]["account"][0]["email"] == "larare@example.se"
    event = AuditEvent.objects.get(action="privacy.export")
    assert (event.actor, event.object_id) == (staff, str(staff.pk))
    # The confirmation waits for the next page; the page then says when the last download was.
    again = client.get(URL)
    assert "Dina personuppgifter laddades ner" in again.content.decode()
    assert "Du laddade senast ner dina personuppgifter" in again.content.decode()


def test_the_profile_page_links_to_the_download(client_for, staff):
    assert URL in client_for(staff).get(reverse("accounts:profile")).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client_for, staff, method):
    assert getattr(client_for(staff), method)(URL).status_code == 405
