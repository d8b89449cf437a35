"""The escalation policy, decided purely: time and the rota are passed in."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from emergency.incidents.availability import is_available
from emergency.incidents.policy import OfficerOnDuty, Position, Settings, decide, reachable_channels

LONDON = ZoneInfo("Europe/London")
TUESDAY_NIGHT = datetime(2026, 12, 1, 22, 0, tzinfo=timezone.utc)
SETTINGS = Settings(wait_seconds=600, rounds=3, channels="both")
SUE = {"name": "Susan Hughes", "mobile": "+447700900456", "landline": None, "availability": [],
       "consent": {"status": "given"}}
TOM = {"name": "Tom Baker", "mobile": None, "landline": "+442079460789",
       "availability": [{"days": ["sat", "sun"], "from": "09:00", "to": "17:00"}], "consent": {"status": "given"}}
RAY = {"name": "Ray Wu", "mobile": "+447700900790", "landline": None, "availability": [], "consent": {"status": "refused"}}
PRIYA = OfficerOnDuty(1, "Priya Shah", "+447700900101", "both")
JOE = OfficerOnDuty(2, "Joe Bloggs", "+447700900102", "sms")
SAM = OfficerOnDuty(4, "Sam Patel", "+447700900104", "call")
FULL_ROTA = {1: [PRIYA, JOE], 2: [SAM], 3: []}


def step(position, contacts=(SUE, TOM), on_duty=FULL_ROTA, now=TUESDAY_NIGHT, **kwargs):
    return decide(position, list(contacts), on_duty, now, LONDON, kwargs.pop("settings", SETTINGS), **kwargs)


def test_the_first_step_asks_the_first_contact_by_text_and_call_and_waits():
    decision = step(Position("contacts"))
    [ask] = decision.pages
    assert (ask.who, ask.name, ask.channels, ask.phone) == ("contact", "Susan Hughes", "both", "+447700900456")
    assert decision.next_action_at == TUESDAY_NIGHT + timedelta(minutes=10)
    assert decision.position == Position("contacts", 1)


def test_a_contact_outside_their_window_is_skipped_with_a_note_and_the_rota_tier_1_is_asked_together():
    decision = step(Position("contacts", 1))
    assert "skipped Tom Baker: outside their availability window" in decision.notes
    assert [(a.name, a.tier, a.rota_round, a.channels) for a in decision.pages] == [
        ("Priya Shah", 1, 1, "both"), ("Joe Bloggs", 1, 1, "sms")]
    assert decision.position == Position("rota", 2, 1, 2)


def test_a_contact_who_refused_consent_is_never_asked():
    decision = step(Position("contacts"), contacts=[RAY, SUE])
    assert [a.name for a in decision.pages] == ["Susan Hughes"]
    assert "skipped Ray Wu: refused consent to be contacted" in decision.notes


def test_the_same_contact_is_asked_at_the_weekend_inside_the_window_by_call_only():
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=timezone.utc)
    [ask] = step(Position("contacts", 1), now=saturday).pages
    assert (ask.name, ask.channels, ask.phone) == ("Tom Baker", "call", "+442079460789")


def test_tiers_follow_one_another_then_the_rounds_repeat_alerting_coordinators():
    decision = step(Position("rota", 2, 1, 2))
    assert [a.name for a in decision.pages] == ["Sam Patel"] and decision.pages[0].channels == "call"
    after_tier_2 = step(decision.position)  # tier 3 is empty: round 1 is over, round 2 begins
    assert after_tier_2.rounds_completed == (1,) and "nobody on duty in tier 3" in after_tier_2.notes
    assert [(a.name, a.rota_round) for a in after_tier_2.pages] == [("Priya Shah", 2), ("Joe Bloggs", 2)]


def test_after_the_last_round_the_incident_is_exhausted_and_the_fallback_is_called():
    decision = step(Position("rota", 2, 3, 3), fallback_number="+441134960000")
    assert decision.exhausted and decision.next_action_at is None and decision.rounds_completed == (3,)
    [ask] = decision.pages
    assert (ask.who, ask.phone, ask.channels) == ("fallback", "+441134960000", "call")


def test_a_rota_gap_in_tier_1_goes_straight_to_tier_2():
    decision = step(Position("rota", 2, 1, 1), on_duty={1: [], 2: [SAM], 3: []})
    assert [a.name for a in decision.pages] == ["Sam Patel"] and "nobody on duty in tier 1" in decision.notes


def test_an_empty_rota_goes_straight_to_the_fallback_without_pretending_to_do_rounds():
    decision = step(Position("contacts"), contacts=[], on_duty={1: [], 2: [], 3: []}, fallback_number="+441134960000")
    assert decision.exhausted and decision.rounds_completed == ()
    assert "nobody on the rota to ask" in decision.notes
    assert [a.who for a in decision.pages] == ["fallback"]


def test_an_exhausted_incident_without_a_fallback_number_says_so():
    decision = step(Position("contacts"), contacts=[], on_duty={1: [], 2: [], 3: []})
    assert decision.exhausted and decision.pages == ()
    assert any("no fallback number" in text for text in decision.notes)


def test_a_number_that_texted_stop_is_called_instead():
    [ask] = step(Position("contacts"), sms_blocked=frozenset({SUE["mobile"]})).pages
    assert ask.channels == "call"
    assert reachable_channels("sms", "+447700900456", "+447700900456", {"+447700900456"}) == "call"
    assert reachable_channels("both", None, None, set()) is None


def test_a_plan_set_to_texts_only_texts():
    decision = step(Position("contacts"), settings=Settings(300, 1, "sms"))
    assert decision.pages[0].channels == "sms" and decision.next_action_at == TUESDAY_NIGHT + timedelta(minutes=5)


def test_availability_windows_run_overnight_into_the_next_day():
    weeknights = [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "08:00"}]
    assert is_available(weeknights, datetime(2026, 12, 1, 23, 0))  # Tuesday 23:00
    assert is_available(weeknights, datetime(2026, 12, 2, 7, 59))  # Wednesday, from Tuesday's window
    assert not is_available(weeknights, datetime(2026, 12, 2, 8, 0))
    assert is_available(weeknights, datetime(2026, 12, 5, 7, 0))  # Saturday morning, from Friday night
    assert not is_available(weeknights, datetime(2026, 12, 6, 7, 0))  # Sunday morning
    assert is_available([], datetime(2026, 12, 6, 7, 0))
