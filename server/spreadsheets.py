"""CSV and XLSX downloads: Excel-friendly CSV (UTF-8 with BOM) and real XLSX via openpyxl."""

import csv
import io

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell):
    """Text that a spreadsheet would run as a formula (a name typed as =HYPERLINK(…)) is kept as text."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _safe_rows(rows, clean=None):
    return ([_inert(clean(cell) if clean else cell) for cell in row] for row in rows)


def _xml_safe(cell):
    """Text without the control characters that XML, so XLSX, cannot hold.

    One of them (a bell, 0x07, pasted into a cohort name) makes openpyxl refuse the whole file, so
    every report listing that name would fail. They are invisible anyway and are left out, before
    the formula check, so that a name starting with one and then `=` is still kept as text.
    """
    if isinstance(cell, str):
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    return cell


def csv_bytes(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(_safe_rows(rows))
    # The byte-order mark makes Excel read Vietnamese as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows, sheet_title="Sheet1"):
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([_xml_safe(str(cell)) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _safe_rows(rows, clean=_xml_safe):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(file_format, filename, header, rows, sheet_title="Sheet1"):
    """A file download response in `csv` or `xlsx`."""
    header = [str(column) for column in header]
    if file_format == "xlsx":
        body, mimetype = xlsx_bytes(header, rows, sheet_title), XLSX_MIMETYPE
    else:
        body, mimetype = csv_bytes(header, rows), "text/csv; charset=utf-8"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{file_format}"'},
    )
