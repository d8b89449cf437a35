"""What callers, accepters and coordinators are told: pure, and never more than is true."""
import pytest

from emergency.incidents import messages

SNAPSHOT = {"carer": {"name": "Margaret Hughes", "address": {"postcode": "LS6 1HR"}},
            "cared_for": [{"name": "Arthur Hughes"}]}
OTHER = {"carer": {"name": "Ann Other", "address": {"postcode": "LS7 2AB"}}, "cared_for": [{"name": "Betty Other"}]}


@pytest.mark.parametrize("status, accepter, says", [
    ("open", None, "nobody has accepted yet"),
    ("accepted", "Susan Hughes", "Susan has accepted and is on the way to Arthur"),
    ("exhausted", None, "nobody has been found yet to go to Arthur"),
    ("resolved", None, "has been closed"),
])
def test_a_caller_who_comes_back_hears_where_things_stand(status, accepter, says):
    assert says in messages.where_things_stand(SNAPSHOT, status, accepter, "+441134960000")


def test_nobody_found_gives_the_number_to_ring_or_the_line_itself():
    assert "call 0113 496 0000 to speak to someone" in messages.caller_nobody_found(SNAPSHOT, "+441134960000")
    assert "call this number to speak to someone" in messages.caller_nobody_found(SNAPSHOT, None)


def test_not_understood_names_every_open_ask():
    assert messages.not_understood([("828", SNAPSHOT)]) == (
        "Not understood. Your ask 828 (Arthur, LS6) is still open: reply ACCEPT 828 or DECLINE 828")
    both = messages.not_understood([("828", SNAPSHOT), ("455", OTHER)])
    assert "828 (Arthur, LS6), 455 (Betty, LS7) are still open" in both and "ACCEPT 828" in both


def test_the_exhausted_alert_claims_the_fallback_only_when_it_is_called():
    called = messages.exhausted_alert(7, SNAPSHOT, True, "+447911123456")
    assert "The fallback number is being called." in called and "07911 123456" in called
    not_called = messages.exhausted_alert(7, SNAPSHOT, False, None)
    assert "No fallback number is configured" in not_called and "fallback number is being called" not in not_called


def test_texts_to_callers_carry_no_address_or_health_details():
    bodies = [messages.caller_opened(SNAPSHOT), messages.caller_still_looking(SNAPSHOT, 3),
              messages.caller_nobody_found(SNAPSHOT, None), messages.no_card_found(True, False)]
    assert not [body for body in bodies if "1HR" in body or "Brudenell" in body]
    assert all("999" in body for body in bodies)


def test_phone_numbers_are_written_as_people_write_them():
    assert messages.readable_phone("+441134960000") == "0113 496 0000"
    assert messages.readable_phone("+33612345678") == "+33 6 12 34 56 78"
    assert messages.readable_phone("12345") == "12345" and messages.readable_phone(None) == ""
