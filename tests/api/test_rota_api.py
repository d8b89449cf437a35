"""A coordinator builds out-of-hours cover through the API; duty officers read it."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from icalendar import Calendar

from config import TestConfig
from emergency import create_app
from emergency.clock import utc_now
from emergency.extensions import db
from emergency.rota import service as rota
from emergency.rota.models import DutyOfficer
from emergency.scheduling import start_scheduler
from tests.conftest import plan_payload

NIGHTS = {"name": "Nights", "tier": 1, "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
          "starts": "17:00", "ends": "09:00", "starts_on": "2026-11-30"}
# Changes to the rota are made before the month they cover: one-off changes may start at most a
# day in the past.
PLANNING_DAY = "2026-11-25 12:00:00"
WEEKEND_DAYS = {"name": "Weekend days", "tier": 1, "days": ["sat", "sun"], "starts": "09:00", "ends": "17:00",
                "starts_on": "2026-11-30"}


def add_officer(coordinator, name, mobile, role="social worker"):
    response = coordinator.post("/api/v1/rota/officers", json={"name": name, "mobile": mobile, "role": role})
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def team(coordinator):
    return {
        "priya": add_officer(coordinator, "Priya Shah", "07700 900101"),
        "joe": add_officer(coordinator, "Joe Bloggs", "07700 900102"),
        "ann": add_officer(coordinator, "Ann Lee", "07700 900103"),
        "sam": add_officer(coordinator, "Sam Patel", "07700 900104", role="senior practitioner"),
    }


@pytest.fixture
def month_of_cover(coordinator, team):
    """December 2026: three officers take weekly turns at nights and weekend days; Sam is
    tier 2 every night; Joe swaps in for Priya on the night of Wednesday 2 December."""
    first_call = [team["priya"], team["joe"], team["ann"]]
    for pattern in ({**NIGHTS, "officer_ids": first_call}, {**WEEKEND_DAYS, "officer_ids": first_call},
                    {**NIGHTS, "name": "Senior nights", "tier": 2, "officer_ids": [team["sam"]]}):
        assert coordinator.post("/api/v1/rota/patterns", json=pattern).status_code == 201
    with freeze_time(PLANNING_DAY):
        swap = coordinator.post("/api/v1/rota/overrides", json={
            "kind": "replace", "tier": 1, "officer_id": team["joe"], "replaces_officer_id": team["priya"],
            "starts_at": "2026-12-02 17:00", "ends_at": "2026-12-03 09:00", "note": "Priya at a funeral"})
    assert swap.status_code == 201, swap.json
    return team


def on_duty(user, at):
    response = user.get("/api/v1/rota/on-duty", query_string={"at": at})
    assert response.status_code == 200, response.json
    return response.json


def names(body, tier):
    return [officer["name"] for officer in body["tiers"][tier - 1]["officers"]]


def test_a_coordinator_builds_a_month_and_asks_who_is_on_duty(coordinator, duty_officer, month_of_cover):
    tuesday_night = on_duty(duty_officer, "2026-12-01 22:00")
    assert tuesday_night["out_of_hours"] is True
    assert (names(tuesday_night, 1), names(tuesday_night, 2), names(tuesday_night, 3)) == (["Priya Shah"], ["Sam Patel"], [])
    assert names(on_duty(duty_officer, "2026-12-02 22:00"), 1) == ["Joe Bloggs"]  # the swap
    assert names(on_duty(duty_officer, "2026-12-03 22:00"), 1) == ["Priya Shah"]  # and back
    assert names(on_duty(duty_officer, "2026-12-08 03:00"), 1) == ["Joe Bloggs"]  # week two
    assert names(on_duty(duty_officer, "2026-12-19 12:00"), 1) == ["Ann Lee"]  # week three, a Saturday
    assert names(on_duty(duty_officer, "2026-12-22 20:00"), 1) == ["Priya Shah"]  # week four: round again
    assert names(on_duty(duty_officer, "2026-12-28T20:00:00+00:00"), 1) == ["Joe Bloggs"]  # week five
    office = on_duty(duty_officer, "2026-12-01 11:00")
    assert office["out_of_hours"] is False and names(office, 1) == []


def test_the_gap_report_names_the_uncovered_out_of_hours_time(coordinator, month_of_cover):
    with freeze_time(PLANNING_DAY):
        hole = coordinator.post("/api/v1/rota/overrides", json={
            "kind": "remove", "tier": 1, "officer_id": month_of_cover["joe"],
            "starts_at": "2026-12-09 01:00", "ends_at": "2026-12-09 04:00"})
    assert hole.status_code == 201
    with freeze_time("2026-12-01 00:00:00"):
        gaps = coordinator.get("/api/v1/rota/gaps", query_string={"days": 14}).json
    # Monday 30 November starts the rota, so the report from 1 December sees only the hole
    assert gaps == [{"starts_at": "2026-12-09T01:00:00+00:00", "ends_at": "2026-12-09T04:00:00+00:00",
                     "hours": 3.0, "local": "Wed 09 Dec 01:00-04:00"}]


def test_bank_holidays_in_the_next_fortnight_show_as_daytime_gaps(coordinator, month_of_cover):
    with freeze_time("2026-12-20 12:00:00"):
        gaps = coordinator.get("/api/v1/rota/gaps", query_string={"days": 14}).json
    assert [gap["local"] for gap in gaps] == [
        "Fri 25 Dec 09:00-17:00", "Mon 28 Dec 09:00-17:00", "Fri 01 Jan 09:00-17:00"]


def test_the_daily_check_texts_each_coordinator_the_gaps_once(app, coordinator, month_of_cover):
    coordinator.user.mobile = "+447700900900"
    db.session.commit()
    with freeze_time("2026-12-20 08:00:00"):
        first = rota.alert_coordinators_of_gaps(utc_now())
        again = rota.alert_coordinators_of_gaps(utc_now())
        db.session.commit()
    assert first == again and len(first) == 1
    outbox = coordinator.get("/api/v1/outbox", query_string={"purpose": "rota_gap_alert"}).json
    assert len(outbox) == 1 and outbox[0]["to_number"] == "+447700900900"
    assert "3 out-of-hours periods" in outbox[0]["body"] and "Fri 25 Dec 09:00-17:00" in outbox[0]["body"]


def test_no_gaps_means_no_alert(app, coordinator, month_of_cover):
    coordinator.user.mobile = "+447700900900"
    db.session.commit()
    with freeze_time("2026-12-01 00:00:00"):
        assert rota.alert_coordinators_of_gaps(utc_now()) == []


def test_a_departed_officers_turns_become_gaps(coordinator, month_of_cover):
    ann = month_of_cover["ann"]
    body = coordinator.get(f"/api/v1/rota/officers/{ann}").json
    changed = coordinator.put(f"/api/v1/rota/officers/{ann}", json={**{k: body[k] for k in (
        "name", "mobile", "role", "contact_preference")}, "active": False})
    assert changed.status_code == 200
    assert names(on_duty(coordinator, "2026-12-15 22:00"), 1) == []
    with freeze_time("2026-12-13 00:00:00"):
        gaps = coordinator.get("/api/v1/rota/gaps", query_string={"days": 7}).json
    assert [gap["local"] for gap in gaps] == [
        "Mon 14 Dec 17:00-Tue 15 Dec 09:00", "Tue 15 Dec 17:00-Wed 16 Dec 09:00", "Wed 16 Dec 17:00-Thu 17 Dec 09:00",
        "Thu 17 Dec 17:00-Fri 18 Dec 09:00", "Fri 18 Dec 17:00-Sun 20 Dec 00:00"]


def test_duty_officers_read_the_rota_but_cannot_change_it(duty_officer, month_of_cover):
    assert duty_officer.get("/api/v1/rota/patterns").status_code == 200
    assert duty_officer.get("/api/v1/rota/officers").status_code == 200
    refused = duty_officer.post("/api/v1/rota/officers", json={"name": "X", "mobile": "07700 900199", "role": "x"})
    assert refused.status_code == 403
    assert duty_officer.post("/api/v1/rota/feeds", json={}).status_code == 403


@pytest.mark.parametrize("body, field, says", [
    ({"kind": "replace", "tier": 1, "officer_id": 1, "starts_at": "2026-12-01 17:00", "ends_at": "2026-12-02 09:00"},
     "replaces_officer_id", "say which officer is replaced"),
    ({"kind": "add", "tier": 1, "officer_id": 1, "starts_at": "2026-12-02 09:00", "ends_at": "2026-12-01 17:00"},
     "ends_at", "the end must be after the start"),
    ({"kind": "add", "tier": 4, "officer_id": 1, "starts_at": "2026-12-01 17:00", "ends_at": "2026-12-02 09:00"},
     "tier", "less than or equal to 3"),
    ({"kind": "add", "tier": 1, "officer_id": 1, "starts_at": "2026-03-29 01:30", "ends_at": "2026-03-29 09:00"},
     "starts_at", "does not exist"),
    ({"kind": "add", "tier": 1, "officer_id": 999, "starts_at": "2026-12-01 17:00", "ends_at": "2026-12-02 09:00"},
     "officer_id", "no duty officer with id 999"),
    ({"kind": "add", "tier": 1, "officer_id": 1, "starts_at": "24/12/2020 22:00", "ends_at": "25/12/2020 08:00"},
     "starts_at", "the start, 24 December 2020 22:00, is more than 24 hours ago"),
])
def test_bad_overrides_are_refused_naming_the_field(coordinator, team, body, field, says):
    response = coordinator.post("/api/v1/rota/overrides", json=body)
    assert 400 <= response.status_code < 500
    assert response.json["message"].startswith(field) or field in response.json["message"]
    assert says in response.json["message"]


def test_a_pattern_naming_an_unknown_officer_is_refused(coordinator, team):
    response = coordinator.post("/api/v1/rota/patterns", json={**NIGHTS, "officer_ids": [team["ann"], 999]})
    assert response.status_code == 404 and response.json["message"].startswith("officer_ids[1]:")


def test_two_officers_cannot_share_a_mobile(coordinator, team):
    response = coordinator.post("/api/v1/rota/officers", json={"name": "Copy", "mobile": "07700900101", "role": "x"})
    assert response.status_code == 422 and "Priya Shah already has this mobile" in response.json["message"]


def test_calendar_feeds_show_an_officers_shifts_without_a_login(client, coordinator, month_of_cover):
    made = coordinator.post("/api/v1/rota/feeds", json={"officer_id": month_of_cover["joe"]})
    assert made.status_code == 201
    path = made.json["url"].removeprefix("https://line.example.org")
    with freeze_time("2026-11-25 12:00:00"):
        response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    starts = sorted(event.decoded("dtstart") for event in events)
    assert datetime(2026, 12, 2, 17, tzinfo=timezone.utc) in starts  # the swapped-in night
    assert datetime(2026, 12, 7, 17, tzinfo=timezone.utc) in starts  # his week of nights
    assert {str(event["summary"]) for event in events} == {"On call, tier 1 (first call)"}

    whole = coordinator.post("/api/v1/rota/feeds", json={}).json["url"].removeprefix("https://line.example.org")
    with freeze_time("2026-11-25 12:00:00"):
        summaries = {str(e["summary"]) for e in Calendar.from_ical(client.get(whole).data).walk("VEVENT")}
    assert {"Sam Patel: tier 2 (senior)", "Ann Lee: tier 1 (first call)"} <= summaries

    assert coordinator.delete(f"/api/v1/rota/feeds/{made.json['id']}").status_code == 204
    assert client.get(path).status_code == 404
    assert client.get("/feeds/guessed-token.ics").status_code == 404


def test_shifts_export_as_csv_and_import_back_as_one_off_cover(coordinator, month_of_cover):
    exported = coordinator.get("/api/v1/rota/shifts.csv", query_string={"from": "2026-12-01 00:00", "to": "2026-12-03 00:00"})
    lines = exported.get_data(as_text=True).splitlines()
    assert lines[0] == "officer_mobile,officer_name,tier,starts,ends,note"
    assert "+447700900101,Priya Shah,1,2026-12-01T17:00+00:00,2026-12-02T09:00+00:00," in lines

    csv_text = ("officer_mobile,officer_name,tier,starts,ends,note\n"
                "07700 900103,Ann Lee,3,2026-12-24 17:00,2026-12-25 09:00,Christmas Eve manager cover\n")
    imported = coordinator.post("/api/v1/rota/shifts.csv", data=csv_text, content_type="text/csv")
    assert imported.status_code == 201 and imported.json["imported"] == 1
    assert names(on_duty(coordinator, "2026-12-24 20:00"), 3) == ["Ann Lee"]


def test_importing_an_export_again_adds_no_duplicate_cover(coordinator, month_of_cover):
    span = {"from": "2026-12-01 00:00", "to": "2026-12-08 00:00"}
    exported = coordinator.get("/api/v1/rota/shifts.csv", query_string=span).get_data(as_text=True)
    extra = "07700 900103,Ann Lee,3,2026-12-24 17:00,2026-12-25 09:00,\n"
    again = coordinator.post("/api/v1/rota/shifts.csv", data=exported + extra + extra, content_type="text/csv")
    assert again.status_code == 201
    assert again.json["imported"] == 1  # only Ann's shift, once
    assert again.json["already_on_the_rota"] == len(exported.splitlines()) - 1 + 1
    assert coordinator.get("/api/v1/rota/shifts.csv", query_string=span).get_data(as_text=True) == exported


def test_a_csv_with_bad_rows_imports_nothing_and_names_each_bad_line(coordinator, month_of_cover):
    csv_text = ("officer_mobile,officer_name,tier,starts,ends,note\n"
                "07700 900103,Ann Lee,3,2026-12-24 17:00,2026-12-25 09:00,\n"
                "07700 900103,Ann Lee,5,2026-12-26 17:00,2026-12-27 09:00,\n"
                "07700 900177,Nobody,1,2026-12-26 17:00,2026-12-27 09:00,\n"
                "07700 900101,Priya Shah,1,2026-10-25 01:30,2026-10-25 09:00,\n")
    response = coordinator.post("/api/v1/rota/shifts.csv", data=csv_text, content_type="text/csv")
    assert response.status_code == 422
    problems = response.json["errors"]["csv"]
    assert [p["line"] for p in problems] == [3, 4, 5]
    assert "tier: must be 1, 2 or 3" in problems[0]["errors"][0]
    assert "no duty officer has the number" in problems[1]["errors"][0]
    assert "happens twice" in problems[2]["errors"][0]
    assert response.json["message"].startswith("nothing was imported: line 3:")
    assert names(on_duty(coordinator, "2026-12-24 20:00"), 3) == []  # the good row was not kept either


@pytest.mark.parametrize("text, says", [("", "header needs the columns"), ("name,when\nx,y\n", "missing officer_mobile"),
                                        ("officer_mobile,tier,starts,ends\n", "no shifts"),
                                        ("officer_mobile,tier,starts,ends\n\x00,1,a,b\n", "line 2: contains a NUL"),
                                        ("officer_mobile,tier,starts,ends,note\n07700 900101,1,2026-12-24 17:00,"
                                         "2026-12-25 09:00,a\x00b\n", "line 2: contains a NUL")])
def test_unusable_csv_files_are_422_not_500(coordinator, team, text, says):
    response = coordinator.post("/api/v1/rota/shifts.csv", data=text, content_type="text/csv")
    assert response.status_code == 422 and says in response.json["message"]


def test_a_csv_import_must_say_it_is_csv(coordinator, team):
    response = coordinator.post("/api/v1/rota/shifts.csv", json={"csv": "x"})
    assert response.status_code == 415 and "text/csv" in response.json["message"]


def test_spans_longer_than_92_days_are_refused(coordinator):
    response = coordinator.get("/api/v1/rota/shifts", query_string={"from": "2026-01-01 00:00", "to": "2026-12-01 00:00"})
    assert response.status_code == 422 and response.json["message"].startswith("to:")


def test_the_web_process_scheduler_checks_gaps_at_eight_london_time(database_url):

    assert start_scheduler(create_app(TestConfig(environ={"DATABASE_URL": database_url}))) is None  # off in tests
    app = create_app(TestConfig(environ={"DATABASE_URL": database_url, "RUN_SCHEDULER": "1"}))
    scheduler = start_scheduler(app)
    try:
        job = scheduler.get_job("rota-gap-check")
        next_run = job.next_run_time.astimezone(rota_zone())
        assert (next_run.hour, next_run.minute) == (8, 0)
    finally:
        # Wait for the tick it started at once, so no open transaction outlives the test.
        scheduler.shutdown(wait=True)
        with app.app_context():
            db.engine.dispose()


def rota_zone():

    return ZoneInfo("Europe/London")


def test_an_officers_mobile_must_take_texts(coordinator):
    landline = coordinator.post("/api/v1/rota/officers", json={"name": "Lena Ward", "mobile": "0113 496 0101",
                                                               "role": "social worker"})
    assert landline.status_code == 422
    assert "is a landline number, and texts cannot reach it" in landline.json["errors"]["json"]["mobile"][0]
    assert coordinator.post("/api/v1/rota/officers", json={"name": "Lena Ward", "mobile": "07700 900199",
                                                           "role": "social worker"}).status_code == 201


@pytest.mark.parametrize("name", ["Evil\nSUMMARY:pwn", "Tab\tName", "Line\u2028Break", "Bell\x07"])
def test_a_name_with_a_line_break_or_control_character_is_refused(coordinator, name):
    response = coordinator.post("/api/v1/rota/officers", json={"name": name, "mobile": "020 7946 0199", "role": "x"})
    assert response.status_code == 422 and "name: must be on one line" in response.json["message"]
    plan = coordinator.post("/api/v1/plans", json=plan_payload(carer={**plan_payload()["carer"], "name": name}))
    assert plan.status_code == 422 and "carer.name" in plan.json["message"]


def test_a_feed_never_fails_on_a_name_stored_with_a_line_break(client, coordinator, month_of_cover):
    officer = db.session.get(DutyOfficer, month_of_cover["joe"])
    officer.name = "Evil\nSUMMARY:pwn"  # stored before names were checked, or by hand
    db.session.commit()
    for body in ({"officer_id": month_of_cover["joe"]}, {}):
        path = coordinator.post("/api/v1/rota/feeds", json=body).json["url"].removeprefix("https://line.example.org")
        with freeze_time("2026-11-25 12:00:00"):
            response = client.get(path)
        assert response.status_code == 200
        calendar = Calendar.from_ical(response.data)
        assert all("\n" not in str(event["summary"]) for event in calendar.walk("VEVENT"))
        assert not any(line.startswith(b"SUMMARY:pwn") for line in response.data.splitlines())
