import csv
import io
from datetime import date

from django.urls import reverse
from openpyxl import load_workbook

from inspira.certification.models import EstablishmentSupportPayment
from inspira.core import spreadsheets
from tests.billing.conftest import complete, make_booking, make_certification
from tests.factories import SchoolFactory


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads å, ä, ö right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_overview_csv_export(client_for, finance, site, booking, site_contact, school, other_school):
    complete(booking, by=site_contact)

    response = client_for(finance).get(reverse("billing:overview_csv") + "?year=2010")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "ekonomi-2010-11.csv" in response["Content-Disposition"]
    rows = _csv_rows(response.content)
    assert len(rows[0]) == 9
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name[school.name][3] == "1" and by_name[school.name][5] == "2000,00"
    assert by_name[other_school.name][5] == "1000,00"
    central = rows[-1]
    assert central[3] == "1" and central[5] == "1000,00"


def test_overview_xlsx_export_opens_and_has_numbers(client_for, finance, booking, site_contact, school):
    complete(booking, by=site_contact)

    response = client_for(finance).get(reverse("billing:overview_xlsx") + "?year=2010")

    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 3
    sites = workbook.worksheets[0]
    row = [cell.value for cell in sites[2]]
    assert row[0] == school.name and row[2] == 1 and row[4] == 2000
    assert sites.cell(row=2, column=5).number_format == spreadsheets.KRONOR_FORMAT
    visiting = workbook.worksheets[1]
    assert visiting.cell(row=2, column=4).value == 1000


def test_support_csv_export(client_for, finance, rule_2010):
    site = make_certification(school=SchoolFactory(name="Älvsjö skola"))
    EstablishmentSupportPayment.objects.create(certification=site, school_year=rule_2010.school_year,
                                               amount_ore=1_000_000, due_on=date(2010, 9, 1))

    response = client_for(finance).get(reverse("billing:support_export"))

    rows = _csv_rows(response.content)
    assert rows[1][0] == "Älvsjö skola"
    assert rows[1][4] == "10000,00" and rows[1][5] == "2010-09-01" and rows[1][6] == ""


def test_an_undone_visit_counts_for_nothing_in_the_export(client_for, finance, booking, site_contact,
                                                          administrator, school):
    from tests.billing.conftest import undo

    complete(booking, by=site_contact)
    undo(booking, by=administrator)
    extra = make_booking(certification=booking.occasion.certification, day=date(2011, 3, 15))
    complete(extra, by=site_contact)

    rows = _csv_rows(client_for(finance).get(reverse("billing:overview_csv") + "?year=2010").content)

    site_row = next(row for row in rows if row[1] == school.name)
    assert site_row[5] == "2000,00"
    assert rows[-1][3] == "1" and rows[-1][5] == "1000,00"


def test_exports_are_kept_out_of_the_browser_cache(client_for, finance, administrator):
    for who, name in ((finance, "billing:overview_csv"), (finance, "billing:overview_xlsx"),
                      (finance, "billing:support_export"), (administrator, "core:audit_export"),
                      (administrator, "visits:bookings_csv")):
        response = client_for(who).get(reverse(name))
        assert response.status_code == 200, name
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, (name, response["Cache-Control"])
