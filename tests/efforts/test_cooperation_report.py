"""The programme report: a PDF/UA document and the same data as an Excel file, for managers and
process leaders."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from inspira.efforts import cooperation_report as report
from tests.efforts.factories import cooperation_coordinator, cooperation_on, process_leader_of
from tests.efforts.test_cooperation_overview import _seminar_of_sixty, programme  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def test_the_report_is_a_pdf_ua_document(programme, client_for):  # noqa: F811
    _seminar_of_sixty(programme)
    cooperation = programme["cooperation"]
    cooperation_on()
    response = client_for(process_leader_of(cooperation)).get(
        reverse("cooperation:programme_report_pdf", args=[cooperation.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Programrapport: Samverkan för bästa skola"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv" and root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Läsloggar" in text and "Centralskolan" in text and "60 deltog av 60 anmälda" in text


def test_the_reports_data_opens_in_excel_with_its_rows(programme, client_for):  # noqa: F811
    _seminar_of_sixty(programme)
    cooperation = programme["cooperation"]
    response = client_for(cooperation_coordinator()).get(
        reverse("cooperation:programme_report_xlsx", args=[cooperation.pk]))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Insatser", "Dokumentation", "Utvärdering", "Närvaro på seminariet"]
    efforts = list(workbook["Insatser"].iter_rows(values_only=True))
    assert len(efforts) == 1 + 4  # the heading and the four efforts
    by_title = {row[0]: row for row in efforts[1:]}
    assert by_title["Språket i alla ämnen"][3] == "Aavaskolan, Björkskolan"
    assert by_title["Språket i alla ämnen"][7:10] == (0, 1, 2)
    assert len(list(workbook["Dokumentation"].iter_rows(values_only=True))) == 1 + 7
    attendance = list(workbook["Närvaro på seminariet"].iter_rows(values_only=True))
    assert attendance[1:] == [("Aavaskolan", 20, 20, "Ja"), ("Björkskolan", 25, 25, "Ja"),
                              ("Centralskolan", 12, 12, "Ja"),
                              ("Övriga (processledare, samverkanspartner)", 3, 3, None), ("Totalt", 60, 60, None)]
    assert list(workbook["Utvärdering"].iter_rows(values_only=True))[1][0] == \
        "Avslutningsseminariet har ingen utvärdering."


def test_the_report_without_a_seminar_says_so(programme):  # noqa: F811
    data = report.report_data(programme["cooperation"])
    assert data.attendance is None
    assert [sheet.title for sheet in report.report_sheets(data)] == ["Insatser", "Dokumentation", "Utvärdering"]
