"""Every figure of the report, checked against numbers worked out by hand from tests/reports/seed.py."""
from datetime import date, datetime, timezone

import pytest

from emergency.extensions import db
from emergency.incidents import closing, opening
from emergency.incidents.models import Incident
from emergency.reports.figures import Period
from emergency.reports.service import build_report
from tests.reports.seed import incident, seed_quarter, utc

NOW = datetime(2026, 4, 15, 12, tzinfo=timezone.utc)
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def report(app):
    seed_quarter()
    return build_report(Q1, NOW)


def rows(report, key):
    return report.table(key).rows


def test_plan_totals(report):
    assert rows(report, "plans-summary") == [
        ["Registered by the end of the period", 6],  # P1 P2 P3 P5 P6 P7; P4 came on 1 April (London)
        ["New in the period", 3],                     # P2 (Jan), P6 (Feb), P3 (Mar)
        ["Active", 3],                                # P1 P2 P3
        ["Archived in the period", 1],                # P5 on 10 Feb; P7 went in 2025
    ]
    assert rows(report, "plans-by-status") == [["draft", 1], ["active", 3], ["suspended", 0], ["archived", 2]]
    assert rows(report, "plans-new-by-month") == [["2026-01", 1], ["2026-02", 1], ["2026-03", 1]]


def test_plans_by_district_language_and_people_covered(report):
    # Live (not archived) plans registered by the end: P1 LS6, P2 LS6, P3 BD1, P6 LS7.
    assert rows(report, "plans-by-district") == [["LS6", 2], ["BD1", 1], ["LS7", 1]]
    assert rows(report, "plans-by-language") == [["English", 2], ["Polish", 2]]
    # Active plans: P1 cares for 2, P2 and P3 for 1 each; P6 is a draft, P5 archived.
    assert rows(report, "cared-for-covered") == [["Cared-for people under active plans", 4]]


def test_plan_reviews_and_consent(report):
    assert rows(report, "plan-reviews") == [
        ["Reviews due in the period", 2],             # P2 (20 Feb) and P3 (15 Mar); P5 is archived
        ["Overdue on 31 Mar 2026", 2],                # the same two, not yet reviewed
        ["Reviews recorded in the period", 1],        # P1 on 10 March
        ["Live plans reviewed within 12 months (%)", 50.0],  # 2 of the 4 live plans are not overdue
    ]
    # Contacts on live plans: P1 given + pending, P2 refused, P3 given, P6 pending.
    assert rows(report, "contacts-consent") == [["given", 2], ["pending", 2], ["refused", 1]]


def test_incidents_per_month_by_channel_and_outcome(report):
    assert report.table("incidents-by-channel").columns == ["Month", "call", "text", "by hand"]
    assert rows(report, "incidents-by-channel") == [
        ["2026-01", 1, 1, 0],  # I1 call, I2 text
        ["2026-02", 0, 0, 1],  # I3 by hand
        ["2026-03", 2, 1, 1],  # I4 I6 call, I5 text, I7 by hand; the 1 April call is not in it
    ]
    assert report.table("incidents-by-outcome").columns == ["Month", "accepted", "resolved", "exhausted",
                                                              "cancelled", "needs a person", "open"]
    assert rows(report, "incidents-by-outcome") == [
        ["2026-01", 1, 1, 0, 0, 0, 0],  # I2 accepted, I1 resolved
        ["2026-02", 0, 0, 1, 0, 0, 0],  # I3 exhausted
        ["2026-03", 0, 1, 0, 1, 0, 2],  # I5 resolved, I4 cancelled; I6 (accepted after the end) and I7 open
    ]


def test_a_call_handed_to_a_person_counts_as_needing_a_person_until_it_is_closed(app):
    """Not as "open", which is an escalation still asking people."""
    handed, _ = opening.record_for_a_person(caller_number="+447911123459", channel="sms", reason="unknown_card",
                                            why="an unknown card 1234567890", now=utc(2026, 2, 3, 22))
    db.session.commit()
    assert rows(build_report(Q1, NOW), "incidents-by-outcome")[1] == ["2026-02", 0, 0, 0, 0, 1, 0]
    closing.resolve(handed, utc(2026, 4, 2, 9), by="cora")  # closed after the period: still counted so
    db.session.commit()
    assert rows(build_report(Q1, NOW), "incidents-by-outcome")[1] == ["2026-02", 0, 0, 0, 0, 1, 0]


def test_time_to_first_ask_and_acceptance(report):
    # First asks (fallback calls aside) after 10 30 60 60 120 300 s: n=6, median = 3rd = 60 s,
    # p90 = 6th (ceil 5.4) = 300 s. Acceptance after 660 900 1200 s (I6's came after the period):
    # median = 2nd = 900 s, p90 = 3rd (ceil 2.7) = 1200 s.
    assert rows(report, "response-times") == [
        ["Opening to first ask", 6, 1.0, 5.0, 5.0],
        ["Opening to acceptance", 3, 15.0, 20.0, 20.0],
    ]


def test_who_accepted_and_the_fallback(report):
    assert rows(report, "accepted-by") == [["a contact", 1], ["tier 1", 2], ["tier 2", 0], ["tier 3", 0]]
    assert rows(report, "fallback") == [["Opened in the period", 7], ["Needed the fallback number", 1],
                                        ["Share (%)", 14.3]]


def test_time_of_day_and_day_of_week_in_local_time(report):
    # I1 Thu 10:00 bank holiday (out), I2 Wed 14:00 (office), I3 Sat 22:00 (out), I4 Tue 09:30
    # (office), I5 Sun 00:30 GMT (out), I6 Sun 02:30 BST (out), I7 Tue 23:30 BST (out).
    assert rows(report, "incidents-by-weekday") == [
        ["Monday", 0, 0], ["Tuesday", 1, 1], ["Wednesday", 0, 1], ["Thursday", 1, 0], ["Friday", 0, 0],
        ["Saturday", 1, 0], ["Sunday", 2, 0],
    ]
    by_hour = {row[0]: row[1:] for row in rows(report, "incidents-by-hour") if row[1:] != [0, 0]}
    assert by_hour == {"00:00": [1, 0], "02:00": [1, 0], "09:00": [0, 1], "10:00": [1, 0], "14:00": [0, 1],
                       "22:00": [1, 0], "23:00": [1, 0]}


def test_rota_gaps_per_week_and_asks_per_officer(report):
    weeks = rows(report, "tier1-gaps")
    assert [week for week, _ in weeks][:2] == ["2025-12-29", "2026-01-05"] and weeks[-1][0] == "2026-03-30"
    assert len(weeks) == 14
    # 4 h on Saturday 10 January; 1 h before the office opened on Monday 2 February; 3 h (00:00
    # GMT to 04:00 BST) the night the clocks went forward.
    assert {week: hours for week, hours in weeks if hours} == {"2026-01-05": 4.0, "2026-02-02": 1.0,
                                                              "2026-03-23": 3.0}
    # Alice: I2 accepted, I3 no answer, I6 accepted only after the period. Bob: I3 declined, I5 accepted.
    assert rows(report, "asks-per-officer") == [["Alice Officer", 3, 1, 0, 33.3, 0.0],
                                                ["Bob Officer", 2, 1, 1, 50.0, 50.0]]


def test_feedback_ratings(report):
    assert rows(report, "ratings") == [["1", 0], ["2", 0], ["3", 1], ["4", 0], ["5", 1]]
    # Surveys went to I1, I2 and I5; I1 rated 5, I5 rated 3, I2 did not answer.
    assert rows(report, "ratings-summary") == [["Surveys sent", 3], ["Answered", 2], ["Response rate (%)", 66.7],
                                               ["Mean rating", 4.0]]


def test_an_empty_period_has_zeros_and_no_averages(app):
    report = build_report(Period(date(2026, 1, 1), date(2026, 1, 31)), NOW)
    assert rows(report, "plans-summary") == [["Registered by the end of the period", 0], ["New in the period", 0],
                                             ["Active", 0], ["Archived in the period", 0]]
    assert rows(report, "response-times") == [["Opening to first ask", 0, None, None, None],
                                              ["Opening to acceptance", 0, None, None, None]]
    assert rows(report, "incidents-by-outcome") == [["2026-01", 0, 0, 0, 0, 0, 0]]
    assert rows(report, "ratings-summary")[2:] == [["Response rate (%)", None], ["Mean rating", None]]
    assert rows(report, "plan-reviews")[3] == ["Live plans reviewed within 12 months (%)", None]


def test_months_and_hours_follow_london_across_the_autumn_clock_change(app):
    for opened in (utc(2026, 9, 30, 22, 30),  # 23:30 BST on 30 September: not October
                   utc(2026, 9, 30, 23, 30),  # 00:30 BST on 1 October
                   utc(2026, 10, 25, 0, 30),  # 01:30 BST, the first time round
                   utc(2026, 10, 25, 1, 30),  # 01:30 GMT, the second time round
                   utc(2026, 10, 31, 23, 30),  # 23:30 GMT on 31 October
                   utc(2026, 11, 1, 0, 0)):    # midnight GMT: November
        incident(opened=opened, channel="sms")
    db.session.commit()
    report = build_report(Period(date(2026, 10, 1), date(2026, 10, 31)), NOW)
    assert rows(report, "incidents-by-channel") == [["2026-10", 0, 4, 0]]
    by_hour = {row[0]: row[1] + row[2] for row in rows(report, "incidents-by-hour") if row[1] + row[2]}
    assert by_hour == {"00:00": 1, "01:00": 2, "23:00": 1}
    assert db.session.query(Incident).count() == 6
