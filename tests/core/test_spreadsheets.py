import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from inspira.core import spreadsheets


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads å, ä, ö right
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(("ore", "text"), [(100_000, "1000,00"), (5050, "50,50"), (-123_456, "-1234,56"), (0, "0,00")])
def test_csv_amounts_have_a_decimal_comma_and_no_thousands_separator(ore, text):
    assert spreadsheets.kronor_text(ore) == text


def test_csv_is_utf8_with_bom_and_semicolons():
    content = spreadsheets.csv_bytes(["Skola", "Belopp (kr)", "Datum"],
                                     [("Åsö gymnasium; Söder", spreadsheets.Kronor(150_050), date(2011, 3, 14))])
    assert content.startswith(b"\xef\xbb\xbf")
    assert b";" in content.splitlines()[0]
    assert _csv_rows(content) == [["Skola", "Belopp (kr)", "Datum"],
                                  ["Åsö gymnasium; Söder", "1500,50", "2011-03-14"]]


def test_xlsx_has_numbers_in_kronor_with_a_number_format():
    content = spreadsheets.xlsx_bytes([spreadsheets.Sheet("Platser", ["Namn", "Belopp (kr)", "Besök"],
                                                          [("Vasaskolan", spreadsheets.Kronor(200_000), 2)])])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Platser"
    amount = sheet["B2"]
    assert amount.value == 2000 and isinstance(amount.value, int | float | Decimal)
    assert amount.number_format == spreadsheets.KRONOR_FORMAT
    assert sheet["C2"].value == 2


def test_typed_text_that_starts_like_a_formula_never_runs_but_negative_amounts_stay_numbers():
    evil = '=HYPERLINK("https://evil.example","Klicka")'
    content = spreadsheets.csv_bytes(["Skola", "Belopp (kr)"], [(evil, spreadsheets.Kronor(-5050)), ("@SUM(A1)", -3)])
    assert _csv_rows(content)[1:] == [["'" + evil, "-50,50"], ["'@SUM(A1)", "-3"]]

    sheet = spreadsheets.Sheet("Blad", ["Skola", "Belopp"], [(evil, spreadsheets.Kronor(-5050))])
    workbook = spreadsheets.xlsx_bytes([sheet])
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet["A2"].value == "'" + evil and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == Decimal("-50.5")


def test_other_numbers_have_a_decimal_comma_in_csv():
    content = spreadsheets.csv_bytes(["Andel"], [(Decimal("12.5"),), (0.25,)])
    assert _csv_rows(content)[1:] == [["12,5"], ["0,25"]]


def test_a_streamed_csv_reads_its_rows_only_while_it_is_sent():
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield (f"=rad {n}", n)

    response = spreadsheets.csv_response("fil.csv", ["Text", "Nummer"], rows(), stream=True)
    assert read == []
    assert response["Content-Disposition"] == 'attachment; filename="fil.csv"'
    assert _csv_rows(b"".join(response.streaming_content)) == [
        ["Text", "Nummer"], ["'=rad 0", "0"], ["'=rad 1", "1"], ["'=rad 2", "2"]]
