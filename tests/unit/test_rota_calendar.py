"""Who is on duty at an instant, and the holes in out-of-hours cover: pure, time passed in."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest

from emergency.rota.calendar import (
    OfficeHours,
    Override,
    Pattern,
    duty_runs,
    gaps,
    is_out_of_hours,
    on_duty_at,
    out_of_hours_periods,
    shifts,
    timeline,
)
from emergency.rota.localtime import LocalTimeError, local_to_utc, parse_instant

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
ENGLAND = holidays.country_holidays("GB", subdiv="ENG")
OFFICE = OfficeHours(frozenset({"mon", "tue", "wed", "thu", "fri"}), time(9), time(17))
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALICE, BOB, CAROL, DAN = 1, 2, 3, 4


def london(text):
    return local_to_utc(datetime.fromisoformat(text), LONDON)


def nights(officers=(ALICE,), tier=1, **kwargs):
    return Pattern(id=1, tier=tier, days=EVERY_DAY, starts=time(17), ends=time(9), officer_ids=officers,
                   starts_on=date(2026, 1, 5), **kwargs)


def weekend_days(officers=(BOB,), tier=1):
    return Pattern(id=2, tier=tier, days=("sat", "sun"), starts=time(9), ends=time(17), officer_ids=officers,
                   starts_on=date(2026, 1, 5))


def hours(shift):
    return (shift.ends_at - shift.starts_at) / timedelta(hours=1)


def test_a_night_shift_across_the_spring_clock_change_is_15_hours():
    [shift] = shifts(nights(), london("2026-03-28 18:00"), london("2026-03-28 19:00"), LONDON)
    assert hours(shift) == 15
    assert shift.starts_at == datetime(2026, 3, 28, 17, tzinfo=UTC)  # 17:00 GMT
    assert shift.ends_at == datetime(2026, 3, 29, 8, tzinfo=UTC)  # 09:00 BST


def test_a_night_shift_across_the_autumn_clock_change_is_17_hours():
    [shift] = shifts(nights(), london("2026-10-24 18:00"), london("2026-10-24 19:00"), LONDON)
    assert hours(shift) == 17
    assert shift.starts_at == datetime(2026, 10, 24, 16, tzinfo=UTC)  # 17:00 BST
    assert shift.ends_at == datetime(2026, 10, 25, 9, tzinfo=UTC)  # 09:00 GMT


@pytest.mark.parametrize("weekend_start", ["2026-03-27 12:00", "2026-10-23 12:00"], ids=["spring", "autumn"])
def test_no_minute_of_a_clock_change_weekend_is_uncovered_or_double_covered(weekend_start):
    patterns = [nights((ALICE,)), weekend_days((BOB,))]
    start = london(weekend_start)
    end = start + timedelta(days=4)
    moment = start
    while moment < end:
        on_duty = on_duty_at(moment, patterns, [], LONDON)[1]
        if is_out_of_hours(moment, OFFICE, ENGLAND, LONDON):
            assert len(on_duty) == 1, moment
        moment += timedelta(minutes=1)
    assert gaps(start, end, patterns, [], OFFICE, ENGLAND, LONDON) == []


def test_the_clock_change_hour_itself_is_covered_by_the_night_officer():
    patterns = [nights((ALICE,)), weekend_days((BOB,))]
    assert on_duty_at(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), patterns, [], LONDON)[1] == (ALICE,)
    assert on_duty_at(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), patterns, [], LONDON)[1] == (ALICE,)  # 02:00 BST
    # 01:30 BST happens twice in October: both are inside the same night shift
    assert on_duty_at(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), patterns, [], LONDON)[1] == (ALICE,)
    assert on_duty_at(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), patterns, [], LONDON)[1] == (ALICE,)


def test_a_pattern_rotates_weekly_through_three_officers_over_four_weeks():
    pattern = nights((ALICE, BOB, CAROL))  # starts the week of Monday 5 January 2026
    mondays = [london(f"2026-01-{day:02d} 20:00") for day in (5, 12, 19, 26)]
    assert [on_duty_at(moment, [pattern], [], LONDON)[1] for moment in mondays] == [(ALICE,), (BOB,), (CAROL,), (ALICE,)]
    # Sunday night belongs to the week it starts in, through to Monday 09:00
    assert on_duty_at(london("2026-01-12 08:59"), [pattern], [], LONDON)[1] == (ALICE,)
    assert on_duty_at(london("2026-01-12 09:00"), [pattern], [], LONDON)[1] == ()


def test_rotation_can_hold_each_officer_for_several_weeks():
    pattern = nights((ALICE, BOB), rotate_every_weeks=2)
    weeks = [london(f"2026-01-{day:02d} 20:00") for day in (5, 12, 19, 26)]
    assert [on_duty_at(moment, [pattern], [], LONDON)[1] for moment in weeks] == [(ALICE,), (ALICE,), (BOB,), (BOB,)]


def test_a_pattern_ends_on_its_last_day():
    pattern = nights((ALICE,), ends_on=date(2026, 2, 1))
    assert on_duty_at(london("2026-02-02 08:00"), [pattern], [], LONDON)[1] == (ALICE,)  # the 1 Feb night
    assert on_duty_at(london("2026-02-02 20:00"), [pattern], [], LONDON)[1] == ()


def test_an_empty_tier_is_reported_empty_not_missing():
    on_duty = on_duty_at(london("2026-01-06 20:00"), [nights((ALICE,), tier=1)], [], LONDON)
    assert on_duty == {1: (ALICE,), 2: (), 3: ()}


def test_overrides_add_remove_and_replace_for_their_time_range_only():
    pattern = nights((ALICE,))
    night = (london("2026-01-06 17:00"), london("2026-01-07 09:00"))
    replace = Override(1, "replace", 1, DAN, london("2026-01-06 17:00"), london("2026-01-06 23:00"), replaces_officer_id=ALICE)
    add = Override(2, "add", 1, BOB, *night)
    remove = Override(3, "remove", 1, BOB, london("2026-01-07 02:00"), london("2026-01-07 09:00"))
    overrides = [replace, add, remove]
    assert on_duty_at(london("2026-01-06 20:00"), [pattern], overrides, LONDON)[1] == (DAN, BOB)
    assert on_duty_at(london("2026-01-06 23:00"), [pattern], overrides, LONDON)[1] == (ALICE, BOB)
    assert on_duty_at(london("2026-01-07 03:00"), [pattern], overrides, LONDON)[1] == (ALICE,)
    assert on_duty_at(london("2026-01-07 20:00"), [pattern], overrides, LONDON)[1] == (ALICE,)


def test_overlapping_overrides_apply_in_the_order_they_were_made():
    pattern = nights((ALICE,))
    span = (london("2026-01-06 17:00"), london("2026-01-07 09:00"))
    first = Override(1, "replace", 1, BOB, *span, replaces_officer_id=ALICE)
    second = Override(2, "replace", 1, CAROL, london("2026-01-06 20:00"), london("2026-01-06 22:00"), replaces_officer_id=BOB)
    third = Override(3, "remove", 1, CAROL, london("2026-01-06 21:00"), london("2026-01-06 21:30"))
    overrides = [third, second, first]  # given in any order
    assert on_duty_at(london("2026-01-06 19:00"), [pattern], overrides, LONDON)[1] == (BOB,)
    assert on_duty_at(london("2026-01-06 20:30"), [pattern], overrides, LONDON)[1] == (CAROL,)
    assert on_duty_at(london("2026-01-06 21:15"), [pattern], overrides, LONDON)[1] == ()
    assert on_duty_at(london("2026-01-06 22:30"), [pattern], overrides, LONDON)[1] == (BOB,)


def test_bank_holidays_and_substitute_days_are_out_of_hours():
    assert is_out_of_hours(london("2027-12-27 11:00"), OFFICE, ENGLAND, LONDON)  # Christmas Day (observed)
    assert is_out_of_hours(london("2027-12-28 11:00"), OFFICE, ENGLAND, LONDON)  # Boxing Day (observed)
    assert not is_out_of_hours(london("2027-12-29 11:00"), OFFICE, ENGLAND, LONDON)
    assert is_out_of_hours(london("2027-12-29 17:00"), OFFICE, ENGLAND, LONDON)
    assert is_out_of_hours(london("2027-12-29 08:59"), OFFICE, ENGLAND, LONDON)


def test_a_rota_of_nights_and_weekends_leaves_the_substitute_bank_holidays_as_gaps():
    patterns = [nights((ALICE,)), weekend_days((BOB,))]
    found = gaps(london("2027-12-24 00:00"), london("2027-12-31 00:00"), patterns, [], OFFICE, ENGLAND, LONDON)
    assert found == [(london("2027-12-27 09:00"), london("2027-12-27 17:00")),
                     (london("2027-12-28 09:00"), london("2027-12-28 17:00"))]


def test_the_gap_report_names_exactly_a_deliberate_hole():
    patterns = [nights((ALICE,)), weekend_days((BOB,))]
    hole = Override(1, "remove", 1, ALICE, london("2026-02-10 23:00"), london("2026-02-11 03:30"))
    found = gaps(london("2026-02-09 00:00"), london("2026-02-23 00:00"), patterns, [hole], OFFICE, ENGLAND, LONDON)
    assert found == [(hole.starts_at, hole.ends_at)]


def test_tier_two_gaps_can_be_asked_for_too():
    patterns = [nights((ALICE,)), weekend_days((BOB,))]
    start, end = london("2026-02-09 00:00"), london("2026-02-10 00:00")
    assert gaps(start, end, patterns, [], OFFICE, ENGLAND, LONDON, tier=2) == [
        (start, london("2026-02-09 09:00")), (london("2026-02-09 17:00"), end)]


def test_out_of_hours_periods_join_across_midnight_and_weekends():
    periods = out_of_hours_periods(london("2026-02-13 12:00"), london("2026-02-17 12:00"), OFFICE, ENGLAND, LONDON)
    assert periods == [(london("2026-02-13 17:00"), london("2026-02-16 09:00")),
                       (london("2026-02-16 17:00"), london("2026-02-17 09:00"))]


def test_duty_runs_join_an_officers_unbroken_time_on_duty():
    patterns = [nights((ALICE,)), weekend_days((ALICE,))]
    segments = timeline(london("2026-02-13 12:00"), london("2026-02-16 12:00"), patterns, [], LONDON)
    runs = duty_runs(segments)
    assert [(r.officer_id, r.starts_at, r.ends_at) for r in runs] == [
        (ALICE, london("2026-02-13 17:00"), london("2026-02-16 09:00"))]


def test_typed_local_times_are_refused_when_the_clock_change_makes_them_wrong():
    assert parse_instant("2026-07-01 17:00", LONDON) == datetime(2026, 7, 1, 16, tzinfo=UTC)
    assert parse_instant("2026-10-25T01:30+00:00", LONDON) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    with pytest.raises(LocalTimeError, match="does not exist"):
        parse_instant("2026-03-29 01:30", LONDON)
    with pytest.raises(LocalTimeError, match="happens twice"):
        parse_instant("2026-10-25 01:30", LONDON)
    with pytest.raises(LocalTimeError, match="like 25/12/2026 17:00"):
        parse_instant("next tuesday", LONDON)


@pytest.mark.parametrize("typed, utc", [
    ("25/12/2026 08:00", datetime(2026, 12, 25, 8, tzinfo=UTC)),
    ("1/2/2027 9:30", datetime(2027, 2, 1, 9, 30, tzinfo=UTC)),  # 1 February: day first, as in the UK
    ("01/07/2026, 17:00", datetime(2026, 7, 1, 16, tzinfo=UTC)),
    ("24/12/2026", datetime(2026, 12, 24, 0, tzinfo=UTC)),
])
def test_times_are_read_day_first_as_people_in_the_uk_write_them(typed, utc):
    assert parse_instant(typed, LONDON) == utc


@pytest.mark.parametrize("typed", ["31/02/2027 10:00", "25/13/2026 08:00", "25/12/26 08:00", "25/12/2026 8"])
def test_a_day_first_date_that_cannot_be_is_refused_with_an_example(typed):
    with pytest.raises(LocalTimeError, match="like 25/12/2026 17:00"):
        parse_instant(typed, LONDON)


def test_an_inactive_officers_turn_is_a_hole_not_cover():
    pattern = nights((ALICE, BOB))
    second_week = london("2026-01-13 20:00")
    assert on_duty_at(second_week, [pattern], [], LONDON, unavailable={BOB})[1] == ()
    assert on_duty_at(london("2026-01-06 20:00"), [pattern], [], LONDON, unavailable={BOB})[1] == (ALICE,)
    found = gaps(london("2026-01-12 09:00"), london("2026-01-13 09:00"), [pattern], [], OFFICE, ENGLAND, LONDON,
                 unavailable={BOB})
    assert found == [(london("2026-01-12 17:00"), london("2026-01-13 09:00"))]
