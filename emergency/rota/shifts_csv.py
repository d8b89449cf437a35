"""Shifts as CSV: export the rota as it stands, import one-off shifts. Pure: no session.

Columns: officer_mobile, officer_name, tier, starts, ends, note. Times are local
("2026-12-01 17:00") or carry an offset ("2026-10-25T01:30+01:00"); exports carry the offset.
"""
import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from emergency.csv_cells import SafeCsvWriter
from emergency.phones import PhoneNumberError, normalise_phone
from emergency.rota.localtime import LocalTimeError, parse_instant

COLUMNS = ("officer_mobile", "officer_name", "tier", "starts", "ends", "note")
REQUIRED = ("officer_mobile", "tier", "starts", "ends")
LONGEST_SHIFT = timedelta(days=7)
MOST_ROWS = 5000


def render_shifts(runs, officers_by_id: dict, zone: ZoneInfo) -> str:
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for run in runs:
        officer = officers_by_id[run.officer_id]
        writer.writerow([
            officer.mobile, officer.name, run.tier,
            run.starts_at.astimezone(zone).isoformat(timespec="minutes"),
            run.ends_at.astimezone(zone).isoformat(timespec="minutes"), "",
        ])
    return out.getvalue()


def parse_shifts(text: str, officer_ids_by_mobile: dict[str, int], zone: ZoneInfo):
    """(shifts, problems): shifts as dicts ready to become `add` overrides; problems as
    [{"line": n, "errors": [...]}], counting the header as line 1. Any problem: use none."""
    # Excel's "CSV UTF-8" starts the file with a byte order mark, which would otherwise become
    # part of the first column's name.
    text = text.removeprefix("\ufeff")
    if "\x00" in text:  # PostgreSQL cannot store it, and no real CSV file has one
        return [], [{"line": text[:text.index("\x00")].count("\n") + 1, "errors": ["contains a NUL character"]}]
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        return [], [{"line": 1, "errors": [f"not readable as CSV: {error}"]}]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [{"line": 1, "errors": [f"the header needs the columns {', '.join(REQUIRED)}; missing {', '.join(missing)}"]}]
    reader.fieldnames = header
    shifts, problems = [], []
    try:
        for row in reader:
            line = reader.line_num
            if len(shifts) + len(problems) >= MOST_ROWS:
                problems.append({"line": line, "errors": [f"at most {MOST_ROWS} shifts at a time"]})
                break
            errors, shift = _parse_row(row, officer_ids_by_mobile, zone)
            if errors:
                problems.append({"line": line, "errors": errors})
            else:
                shift["note"] = (row.get("note") or "").strip()[:500] or f"imported from CSV line {line}"
                shifts.append(shift)
    except csv.Error as error:
        problems.append({"line": reader.line_num + 1, "errors": [f"not readable as CSV: {error}"]})
    if not shifts and not problems:
        problems.append({"line": 1, "errors": ["the file has a header but no shifts"]})
    return shifts, problems


def _parse_row(row, officer_ids_by_mobile, zone):
    errors, shift = [], {}
    if None in row:
        errors.append("more fields than the header has columns")
    mobile = (row.get("officer_mobile") or "").strip()
    try:
        officer_id = officer_ids_by_mobile.get(normalise_phone(mobile))
        if officer_id is None:
            errors.append(f"officer_mobile: no duty officer has the number {mobile}")
        shift["officer_id"] = officer_id
    except PhoneNumberError as error:
        errors.append(f"officer_mobile: {error}")
    tier = (row.get("tier") or "").strip()
    if tier not in ("1", "2", "3"):
        errors.append(f"tier: must be 1, 2 or 3, not {tier!r}")
    else:
        shift["tier"] = int(tier)
    for column in ("starts", "ends"):
        try:
            shift[f"{column}_at"] = parse_instant(row.get(column) or "", zone)
        except LocalTimeError as error:
            errors.append(f"{column}: {error}")
    if "starts_at" in shift and "ends_at" in shift:
        if shift["ends_at"] <= shift["starts_at"]:
            errors.append("ends: must be after starts")
        elif shift["ends_at"] - shift["starts_at"] > LONGEST_SHIFT:
            errors.append("ends: a shift lasts at most 7 days; split longer cover into shifts")
    return errors, shift
