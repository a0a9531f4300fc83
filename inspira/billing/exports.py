"""CSV and Excel files that open correctly in a Swedish Excel.

- CSV: UTF-8 with a byte-order mark (without it Excel reads the file as Windows-1252 and garbles
  å, ä, ö), semicolons between fields (Swedish Excel's list separator, as the comma is the decimal
  sign), amounts in kronor with a decimal comma and no thousands separator ("1000,00"), dates as
  ISO (2011-03-14), which Excel reads as dates. Typed text is defused if it starts like a formula
  (inspira.core.spreadsheets).
- xlsx (openpyxl): amounts as numbers in kronor (Decimal, never float) with a number format, so they
  add up in Excel and show as "1 000,00 kr" in a Swedish Excel; headings bold, the first row frozen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse

from inspira.core.spreadsheets import spreadsheet_text

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Shown by a Swedish Excel as "1 000,00 kr": the format is locale-neutral, Excel localises it.
KRONOR_FORMAT = '#,##0.00 "kr"'
DATE_FORMAT = "yyyy-mm-dd"


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
    if isinstance(value, int | Decimal):
        return str(value)
    return spreadsheet_text(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    return _download(csv_bytes(header, rows), filename=filename, content_type=CSV_CONTENT_TYPE)


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
    return _download(xlsx_bytes(sheets), filename=filename, content_type=XLSX_CONTENT_TYPE)
