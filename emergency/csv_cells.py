"""Every CSV the service writes goes through here, so that no cell can run as a spreadsheet
formula (OWASP "CSV injection"). Pure: no Flask, no session."""
import csv
import re

# Excel, LibreOffice and Google Sheets start a formula at any of these.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number (an E.164 phone number, a negative count) is evaluated as the number itself,
# which is harmless; quoting it would break re-importing our own exports.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet would run as a formula, with a leading apostrophe so it
    is shown as text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer whose rows are made spreadsheet-safe, cell by cell."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
