"""Every CSV or Excel file Inspira hands out is written here, made to open right in a Swedish Excel.

- Formulas never run. A spreadsheet program runs a cell that starts with =, +, -, @ (or a tab or
  carriage return before one) as a formula, so a school's name or a visitor's message typed as
  ``=HYPERLINK(...)`` could run on an administrator's machine ("CSV injection"). Text goes through
  ``spreadsheet_text``; numbers, amounts and dates are written as values, never as text.
- CSV: UTF-8 with a byte-order mark (without it Excel reads the file as Windows-1252 and garbles
  å, ä, ö), semicolons between fields (Swedish Excel's list separator, as the comma is the decimal
  sign), amounts in kronor with a decimal comma and no thousands separator ("1000,00"), dates as
  ISO (2011-03-14), which Excel reads as dates.
- xlsx (openpyxl): amounts as numbers in kronor (Decimal, never float) with a number format, so they
  add up in Excel and show as "1 000,00 kr" in a Swedish Excel; headings bold, the first row frozen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Shown by a Swedish Excel as "1 000,00 kr": the format is locale-neutral, Excel localises it.
KRONOR_FORMAT = '#,##0.00 "kr"'
DATE_FORMAT = "yyyy-mm-dd"


def spreadsheet_text(value) -> str:
    """``value`` as text that a spreadsheet shows as typed: a leading apostrophe defuses a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Kronor(int):
    """An amount of öre to be written as kronor: ``Kronor(100000)`` is 1 000,00 kr."""


def kronor_text(ore: int) -> str:
    """``100000`` -> ``"1000,00"``, ``-5050`` -> ``"-50,50"``: for a CSV read by a Swedish Excel."""
    sign = "-" if ore < 0 else ""
    whole, rest = divmod(abs(int(ore)), 100)
    return f"{sign}{whole},{rest:02d}"


def kronor_decimal(ore: int) -> Decimal:
    return Decimal(int(ore)) / 100


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Kronor):
        return kronor_text(value)
    if isinstance(value, bool):
        return "x" if value else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return spreadsheet_text(value)


class _Echo:
    """A file whose write() hands the line back, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The file line by line, the byte-order mark first; ``rows`` is read as the lines are asked for."""
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield BOM + writer.writerow([str(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *,
                 stream: bool = False) -> HttpResponse | StreamingHttpResponse:
    """A CSV download. ``stream=True`` writes the rows while they are sent, for files too long to
    hold in memory (the rows are then read after the view has returned)."""
    if stream:
        lines = (line.encode("utf-8") for line in csv_lines(header, rows))
        return _attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)
    return _attachment(HttpResponse(csv_bytes(header, rows), content_type=CSV_CONTENT_TYPE), filename)


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
        title = "".join(c for c in str(sheet.title) if c not in "[]:*?/\\")[:31]
        ws = workbook.create_sheet(title=title)
        ws.append([str(h) for h in sheet.header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in sheet.header]
        for row in sheet.rows:
            values, formats = [], []
            for value in row:
                if isinstance(value, Kronor):
                    values.append(kronor_decimal(value))
                    formats.append(KRONOR_FORMAT)
                elif isinstance(value, bool):
                    values.append("x" if value else "")
                    formats.append(None)
                elif isinstance(value, str):
                    # openpyxl writes a string that starts with "=" as a formula.
                    values.append(spreadsheet_text(value))
                    formats.append(None)
                else:
                    values.append(value)
                    formats.append(DATE_FORMAT if hasattr(value, "isoformat") else None)
            ws.append(values)
            for cell, number_format in zip(ws[ws.max_row], formats, strict=False):
                if number_format:
                    cell.number_format = number_format
            for i, value in enumerate(values):
                widths[i] = max(widths[i], min(len(str(value)) + 2, 60))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(width, 10)
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE), filename)
