"""A carer's HOME text is read only when it says the carer is home: never from an emergency
that happened at home."""
import pytest

from emergency.telephony.replies import parse_text

CARD = "3154 5836 84"


@pytest.mark.parametrize("body", [f"HOME {CARD}", f"I'm home, card {CARD}", f"im home card {CARD}",
                                  f"I am home {CARD}", f"Back home! card {CARD}", f"i’m HOME {CARD}"])
def test_a_carer_saying_they_are_home_with_their_card_is_a_home_text(body):
    reply = parse_text(body)
    assert reply.kind == "home" and reply.card_candidates == ("3154583684",)


@pytest.mark.parametrize("body", [f"Margaret fell at home, card {CARD}", f"homeless shelter card {CARD}",
                                  "I'm home"])
def test_an_emergency_at_home_or_a_home_text_without_a_card_is_not(body):
    assert parse_text(body).kind != "home"
