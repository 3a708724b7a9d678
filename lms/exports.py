"""CSV downloads: one helper, so every file opens the same way in a Spanish spreadsheet and none runs a formula."""

import csv
import io

from flask import Response, request

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Text that a spreadsheet shows as text: a leading = + - @ would otherwise run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: list[str], rows: list[list], separator: str = ";") -> bytes:
    """UTF-8 with a BOM so that Excel set to Spanish opens accents right; every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(header: list[str], rows: list[list], filename: str, separator: str | None = None) -> Response:
    """A CSV download. Unless the caller knows the separator (an upload's own), ``?sep=,`` asks for commas
    instead of the semicolons a spreadsheet set to Spanish expects."""
    separator = separator or ("," if request.args.get("sep") == "," else ";")
    return Response(csv_bytes(header, rows, separator), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
