"""CSV and XLSX downloads: Excel-friendly CSV (UTF-8 with BOM) and real XLSX via openpyxl."""

import csv
import io
from datetime import date, datetime

from flask import Response
from flask_babel import get_locale
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from server.clock import VIETNAM

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# How a file download is described in the OpenAPI document.
FILE_RESPONSE = {
    "200": {
        "description": "CSV (UTF-8 with byte-order mark) or XLSX, by `format`.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_MIMETYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}

# Day first as Vietnamese readers write it, with the full year; ISO 8601 otherwise. Either way the
# cell holds a real date, which each reader's spreadsheet may show in its own way.
DATE_FORMATS = {"vi": "dd/mm/yyyy"}
DATETIME_FORMATS = {"vi": "dd/mm/yyyy hh:mm"}
ISO_DATE_FORMAT, ISO_DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters a sheet's name may not hold (Excel refuses the file otherwise).
SHEET_NAME_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})


def _inert(cell):
    """Text that a spreadsheet would run as a formula (a name typed as =HYPERLINK(…)) is kept as text.

    Only in CSV, which has no types: an XLSX cell says it holds a string, so its text goes in as typed.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _in_vietnam(moment):
    """An aware moment as Vietnam's wall-clock time (what the people counted live by)."""
    return moment.astimezone(VIETNAM) if moment.tzinfo is not None else moment


def _csv_cell(cell):
    if isinstance(cell, datetime):
        return _in_vietnam(cell).isoformat()  # 2026-03-01T09:30:00+07:00
    if isinstance(cell, date):
        return cell.isoformat()  # 2026-03-01, whatever the reader's language
    return _inert(cell)


def _xml_safe(cell):
    """Text without the control characters that XML, so XLSX, cannot hold.

    One of them (a bell, 0x07, pasted into a cohort name) makes openpyxl refuse the whole file, so
    every report listing that name would fail. They are invisible anyway and are left out.
    """
    if isinstance(cell, str):
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    return cell


def _xlsx_value(cell):
    if isinstance(cell, datetime):
        # Excel has no time zones: the Vietnam wall-clock time, without its offset.
        return _in_vietnam(cell).replace(tzinfo=None)
    return _xml_safe(cell)


def csv_bytes(header, rows, preamble=(), totals=None):
    """CSV with the lines of `preamble` (one cell each) above the header, and `totals` as the last row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([_csv_cell(line)] for line in preamble)
    writer.writerow([_csv_cell(cell) for cell in header])
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    if totals is not None:
        writer.writerow([_csv_cell(cell) for cell in totals])
    # The byte-order mark makes Excel read Vietnamese as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheet_name(title):
    """A title as a worksheet's name: at most 31 characters, none that Excel refuses."""
    return " ".join(str(title).translate(SHEET_NAME_FORBIDDEN).split())[:31] or "Sheet1"


class _XlsxWriter:
    """Rows appended to a worksheet with typed cells: text as text (never a formula), dates as dates."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.rows = 0  # counted here: the sheet's max_row reads every cell, each time
        language = str(get_locale() or "vi")
        self.date_format = DATE_FORMATS.get(language, ISO_DATE_FORMAT)
        self.datetime_format = DATETIME_FORMATS.get(language, ISO_DATETIME_FORMAT)

    def append(self, values, font=None):
        self.rows += 1
        for column, original in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.rows, column=column, value=_xlsx_value(original))
            if isinstance(cell.value, str):
                # openpyxl would store "=…" as a formula and "#N/A" as an error: text stays text.
                cell.data_type = "s"
            elif isinstance(original, datetime):
                cell.number_format = self.datetime_format
            elif isinstance(original, date):
                cell.number_format = self.date_format
            if font is not None:
                cell.font = font


def xlsx_bytes(header, rows, sheet_title="Sheet1", preamble=(), totals=None):
    """An XLSX workbook of one sheet: `preamble` lines, the bold header, the rows, `totals` in bold."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(sheet_title)
    writer = _XlsxWriter(sheet)
    for position, line in enumerate(preamble):
        writer.append([line], font=Font(bold=True, size=13) if position == 0 else None)
    writer.append([str(cell) for cell in header], font=Font(bold=True))
    for row in rows:
        writer.append(row)
    if totals is not None:
        writer.append(totals, font=Font(bold=True))
    sheet.freeze_panes = f"A{len(preamble) + 2}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(file_format, filename, header, rows, sheet_title="Sheet1", preamble=(), totals=None):
    """A file download response in `csv` or `xlsx`.

    `preamble`: lines (a title, the filters chosen) above the header row; `totals`: a last row.
    """
    header = [str(column) for column in header]
    preamble = [str(line) for line in preamble]
    if file_format == "xlsx":
        body, content_type = xlsx_bytes(header, rows, sheet_title, preamble, totals), XLSX_MIMETYPE
    else:
        # content_type, not mimetype: Werkzeug adds a charset to a text/* mimetype, even a second one.
        body, content_type = csv_bytes(header, rows, preamble, totals), CSV_CONTENT_TYPE
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{file_format}"'},
    )
