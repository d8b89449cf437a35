"""The week as the console shows it: local days, stretches per tier, gaps. Pure, no app."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

from emergency.rota.calendar import OfficeHours, Override, Pattern, out_of_hours_periods, timeline
from emergency.rota.week import build_week, local_text, monday_of, week_bounds

LONDON = ZoneInfo("Europe/London")
ENGLAND = holidays.country_holidays("GB", subdiv="ENG")
OFFICE = OfficeHours(frozenset({"mon", "tue", "wed", "thu", "fri"}), time(9), time(17))
NIGHTS = Pattern(id=1, tier=1, days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"), starts=time(17), ends=time(9),
                 officer_ids=(7,), starts_on=date(2026, 1, 5))


def week(monday, overrides=()):
    start, end = week_bounds(monday, LONDON)
    segments = timeline(start, end, [NIGHTS], list(overrides), LONDON)
    return build_week(monday, LONDON, segments, out_of_hours_periods(start, end, OFFICE, ENGLAND, LONDON), ENGLAND)


def local(stretch):
    return (f"{stretch.starts_at.astimezone(LONDON):%H:%M}", f"{stretch.ends_at.astimezone(LONDON):%H:%M}",
            stretch.officer_ids, stretch.out_of_hours)


def test_a_weekday_is_night_cover_office_hours_and_night_cover():
    monday = week(date(2026, 12, 7))[0]
    assert monday.hours == 24 and monday.bank_holiday is None
    assert [local(s) for s in monday.tiers[1]] == [("00:00", "09:00", (7,), True), ("09:00", "17:00", (), False),
                                                   ("17:00", "00:00", (7,), True)]
    assert [s.is_gap for s in monday.tiers[1]] == [False, False, False]
    assert [s.is_gap for s in monday.tiers[2]] == [True, False, True]


def test_the_clock_change_sundays_have_23_and_25_hours_and_keep_local_boundaries():
    spring = week(date(2026, 3, 23))[6]
    autumn = week(date(2026, 10, 19))[6]
    assert (spring.day, spring.hours, autumn.day, autumn.hours) == (date(2026, 3, 29), 23, date(2026, 10, 25), 25)
    assert [local(s)[:2] for s in spring.tiers[1] if s.is_gap] == [("09:00", "17:00")]
    assert [local(s)[:2] for s in autumn.tiers[1] if s.is_gap] == [("09:00", "17:00")]
    assert sum((s.ends_at - s.starts_at for s in autumn.tiers[1]), timedelta()) == timedelta(hours=25)


def test_a_bank_holiday_is_named_and_its_office_hours_are_a_gap():
    christmas = week(date(2026, 12, 21))[4]
    assert christmas.bank_holiday == "Christmas Day"
    assert [local(s)[:2] for s in christmas.tiers[1] if s.is_gap] == [("09:00", "17:00")]


def test_an_override_splits_a_stretch_and_fills_a_gap():
    cover = Override(id=1, kind="add", tier=1, officer_id=8, starts_at=datetime(2026, 12, 12, 9, tzinfo=timezone.utc),
                     ends_at=datetime(2026, 12, 12, 13, tzinfo=timezone.utc))
    saturday = week(date(2026, 12, 7), [cover])[5]
    assert [local(s) for s in saturday.tiers[1]][1:3] == [("09:00", "13:00", (8,), True), ("13:00", "17:00", (), True)]


def test_forms_get_local_time_unless_the_clocks_repeat_it():
    assert monday_of(date(2026, 12, 13)) == date(2026, 12, 7)
    assert local_text(datetime(2026, 12, 12, 9, tzinfo=timezone.utc), LONDON) == "2026-12-12 09:00"
    assert local_text(datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc), LONDON) == "2026-10-25T01:30+01:00"
    assert local_text(datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc), LONDON) == "2026-10-25T01:30+00:00"
