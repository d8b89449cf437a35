"""How a person is reached is chosen from the addresses they have, and nothing else."""
import pytest

from emergency.alerts.reach import Addresses, Way, ways_to_reach

MOBILE, EMAIL = "+441134960999", "cora@council.example.org"
TEXT_AND_EMAIL = ("sms", "email")


@pytest.mark.parametrize("person, wanted, blocked, urgent, ways", [
    (Addresses(MOBILE, EMAIL), TEXT_AND_EMAIL, (), False, [Way("sms", MOBILE), Way("email", EMAIL)]),
    (Addresses(None, EMAIL), TEXT_AND_EMAIL, (), False, [Way("email", EMAIL)]),  # no mobile: the email only
    (Addresses(MOBILE, None), TEXT_AND_EMAIL, (), False, [Way("sms", MOBILE)]),
    (Addresses(None, None), TEXT_AND_EMAIL, (), True, []),  # nothing to reach them by: skipped
    (Addresses(MOBILE, EMAIL), ("email",), (), False, [Way("email", EMAIL)]),  # by email only (Twilio is down)
    (Addresses(MOBILE, None), ("sms",), (MOBILE,), False, []),  # texted STOP: no text
    (Addresses(MOBILE, None), ("sms",), (MOBILE,), True, [Way("call", MOBILE)]),  # urgent: a call instead
    (Addresses(MOBILE, None), ("call",), (MOBILE,), False, [Way("call", MOBILE)]),
])
def test_only_the_addresses_a_person_has_are_used(person, wanted, blocked, urgent, ways):
    assert ways_to_reach(person, wanted, sms_blocked=frozenset(blocked), urgent=urgent) == ways
