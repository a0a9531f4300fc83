"""The pages of the substitute costs: the host's confirmation, the principal's claims, finance's list,
approval and exports (inspira/benchmarking/cost_views.py)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspira.accounts.models import Membership
from inspira.benchmarking import costs
from inspira.benchmarking.models import Claim, DayAway, Visit
from tests.benchmarking.builders_costs import group_of_three, make_round
from tests.factories import SchoolFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def held_claim(school, *, round_=None, teacher_name="Klara Klasslärare", approve_by=None):
    """A claim of ``school`` for one held visit of one of its teachers: (claim, principal)."""
    round_ = round_ or make_round()
    _group, members, visit = group_of_three(round_)
    members[1].school = school
    members[1].save(update_fields=["school"])
    members[1].user.name = teacher_name
    members[1].user.save(update_fields=["name"])
    costs.visit_confirm_held(visit=visit, actor=members[0].user)
    principal = _principal(school)
    claim = costs.claim_create(round=round_, school=school, actor=principal)
    if approve_by:
        costs.claim_approve(claim=claim, actor=approve_by)
    return claim, principal


def _principal(school):
    existing = Membership.objects.filter(school=school, role=Membership.Role.PRINCIPAL).select_related("user").first()
    return existing.user if existing else member(school, Membership.Role.PRINCIPAL)


# --- The host's page -------------------------------------------------------------------------------------------

def test_the_host_confirms_on_the_page(client_for, en):
    _group, members, visit = group_of_three(make_round())
    client = client_for(members[0].user)
    url = reverse("benchmarking:visit_held", args=[visit.pk])
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.text
    assert client.post(url).status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.HELD and DayAway.objects.count() == 3
    assert "The visit was confirmed as held" in client.get(url).text


def test_another_member_cannot_confirm(client_for):
    _group, members, visit = group_of_three(make_round())
    assert client_for(members[1].user).post(reverse("benchmarking:visit_held", args=[visit.pk])).status_code == 403
    assert not DayAway.objects.exists()


# --- The principal's pages ---------------------------------------------------------------------------------------

def test_the_principal_sees_unclaimed_days_and_claims_them(school, client_for):
    principal = _principal(school)
    round_ = make_round()
    _group, members, visit = group_of_three(round_)
    members[1].school = school
    members[1].save(update_fields=["school"])
    costs.visit_confirm_held(visit=visit, actor=members[0].user)
    client = client_for(principal)
    page = client.get(reverse("benchmarking:claims_school", args=[school.pk]))
    assert round_.title in page.text and reverse("benchmarking:claim_create", args=[round_.pk, school.pk]) in page.text
    response = client.post(reverse("benchmarking:claim_create", args=[round_.pk, school.pk]))
    claim = Claim.objects.get()
    assert response.url == reverse("benchmarking:claim_detail", args=[claim.pk])
    assert client.get(response.url).status_code == 200
    # Again: nothing left, a message, no second claim.
    client.post(reverse("benchmarking:claim_create", args=[round_.pk, school.pk]))
    assert Claim.objects.count() == 1


def test_another_schools_principal_is_refused(school, other_school, client_for):
    claim, _principal_user = held_claim(school)
    other = member(other_school, Membership.Role.PRINCIPAL)
    client = client_for(other)
    assert client.get(reverse("benchmarking:claims_school", args=[school.pk])).status_code == 403
    assert client.get(reverse("benchmarking:claim_detail", args=[claim.pk])).status_code == 403
    assert client.post(reverse("benchmarking:claim_create", args=[claim.round_id, school.pk])).status_code == 403


# --- Finance -----------------------------------------------------------------------------------------------------

def test_finance_lists_filters_totals_and_approves(school, other_school, finance, client_for, en):
    first, _ = held_claim(school)
    second, _ = held_claim(other_school, round_=first.round)
    client = client_for(finance)
    page = client.get(reverse("benchmarking:finance_claims"))
    assert page.status_code == 200
    assert school.name in page.text and other_school.name in page.text
    assert "3\u00a0600\u00a0kr" in page.text  # two days at 1 800 kr
    filtered = client.get(reverse("benchmarking:finance_claims"), {"school": school.pk})
    assert other_school.name not in filtered.text.split("<table", 1)[-1]
    assert "1\u00a0800\u00a0kr" in filtered.text
    response = client.post(reverse("benchmarking:claim_approve", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Claim.Status.APPROVED
    approved = client.get(reverse("benchmarking:finance_claims"), {"status": "approved"})
    assert reverse("benchmarking:claim_approve", args=[second.pk]) not in approved.text


def test_finance_list_queries_are_constant(finance, client_for, django_assert_num_queries):
    client = client_for(finance)
    url = reverse("benchmarking:finance_claims")
    round_ = make_round()
    held_claim(SchoolFactory(), round_=round_)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        held_claim(SchoolFactory(), round_=round_, teacher_name="Lärare")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_the_csv_export_holds_every_line_in_kronor_and_defuses_formulas(school, finance, client_for, en):
    school.organisation_number = "212000-0142"
    school.save(update_fields=["organisation_number"])
    claim, _ = held_claim(school, teacher_name="=HYPERLINK(\"http://x\")", approve_by=finance)
    response = client_for(finance).get(reverse("benchmarking:finance_claims_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = _csv_rows(response)
    assert header == ["Round", "School", "Organisation number", "Teacher", "Date", "Kind", "Amount (kr)", "Status"]
    day = claim.lines.get().day_away
    assert rows == [[claim.round.title, school.name, "212000-0142", "'=HYPERLINK(\"http://x\")",
                     day.date.isoformat(), "School visit", "1800,00", "Approved"]]


def test_the_csv_export_takes_the_filters(school, other_school, finance, client_for):
    held_claim(school)
    held_claim(other_school)
    response = client_for(finance).get(reverse("benchmarking:finance_claims_csv"), {"school": other_school.pk})
    _header, *rows = _csv_rows(response)
    assert [row[1] for row in rows] == [other_school.name]


def test_the_xlsx_export_has_amounts_as_numbers_and_text_as_text(school, finance, client_for, en):
    round_ = make_round(substitute_rate=175050)
    claim, _ = held_claim(school, round_=round_, teacher_name="+46 Formel")
    response = client_for(finance).get(reverse("benchmarking:finance_claims_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Round", "School", "Organisation number", "Teacher", "Date", "Kind", "Amount (kr)", "Status")
    row = rows[1]
    assert row[3] == "'+46 Formel" and sheet.cell(row=2, column=4).data_type == "s"
    assert Decimal(str(row[6])) == Decimal("1750.50")
    assert row[7] == "Claimed" and len(rows) == 2
    assert claim.lines.get().amount == 175050


@pytest.mark.parametrize("who", ["principal", "staff", "director"])
def test_only_finance_and_administrators_see_and_approve(school, client_for, who):
    claim, principal = held_claim(school)
    person = {"principal": principal, "staff": member(school),
              "director": UserFactory(role="director")}[who]
    client = client_for(person)
    for name in ("finance_claims", "finance_claims_csv", "finance_claims_xlsx"):
        assert client.get(reverse(f"benchmarking:{name}")).status_code == 403
    assert client.post(reverse("benchmarking:claim_approve", args=[claim.pk])).status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CLAIMED


def test_a_claim_of_an_erased_teacher_still_exports(school, finance, client_for, en):
    claim, _ = held_claim(school)
    line = claim.lines.get()
    line.day_away.participant.user = None
    line.day_away.participant.save(update_fields=["user"])
    _header, *rows = _csv_rows(client_for(finance).get(reverse("benchmarking:finance_claims_csv")))
    assert len(rows) == 1 and rows[0][3] == "Participant (erased)"


def test_finance_finds_the_claims_in_the_menu_while_the_programme_is_on(finance, client_for):
    from inspira.programmes import state
    from inspira.programmes.models import Programme

    client = client_for(finance)
    url = reverse("benchmarking:finance_claims")
    make_round()  # switches the programme on
    assert f'href="{url}"' in client.get(reverse("core:dashboard")).text
    Programme.objects.filter(key="benchmarking").update(is_active=False)
    state.forget()
    assert f'href="{url}"' not in client.get(reverse("core:dashboard")).text


def test_the_principals_page_queries_do_not_grow_with_rounds(school, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    held_claim(school)
    client = client_for(_principal(school))
    url = reverse("benchmarking:claims_school", args=[school.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        held_claim(school)
        round_ = make_round()
        _group, members, visit = group_of_three(round_)
        members[2].school = school
        members[2].save(update_fields=["school"])
        costs.visit_confirm_held(visit=visit, actor=members[0].user)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert page.text.count(reverse("benchmarking:claim_create", args=[round_.pk, school.pk])) == 1


def test_a_claims_page_queries_do_not_grow_with_its_lines(finance, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round_ = make_round()
    one, _principal_one = held_claim(SchoolFactory(), round_=round_)
    school = SchoolFactory()
    for _ in range(4):  # four groups, each with a teacher of the school on a held visit
        _group, members, visit = group_of_three(round_)
        members[1].school = school
        members[1].save(update_fields=["school"])
        costs.visit_confirm_held(visit=visit, actor=members[0].user)
    four = costs.claim_create(round=round_, school=school, actor=_principal(school))
    assert (one.lines.count(), four.lines.count()) == (1, 4)
    client = client_for(finance)
    client.get(reverse("benchmarking:claim_detail", args=[one.pk]))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("benchmarking:claim_detail", args=[one.pk])).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("benchmarking:claim_detail", args=[four.pk])).status_code == 200
    assert len(many) == len(few)
