"""Letters meet GOV.UK Notify's specification for precompiled letters: A4 portrait, the address
where the envelope's window shows it, nothing in the reserved areas; and no letter carries the
key-safe code."""
from datetime import date

import pytest

from emergency.plans.card_pdf import CardDetails, LetterDetails, letter_pdf
from emergency.plans.letter_layout import AddressUnfit, address_fit
from emergency.plans.letters import Sender, confirmation_letter, gp_letter, review_letter
from tests.letter_pages import address_block, all_text, out_of_bounds, read_letter

SENDER = Sender(line_name="Carers Emergency Line", line_number="0113 496 0500", council_name="Demo Borough Council",
                call_about_plan="0113 496 0999", written_on=date(2026, 12, 6))
LONG = "Needs help to stand, to wash and to dress; a hoist in the bedroom; two carers for the bath. " * 6


def _plan(**changes) -> dict:
    person = {"id": 1, "name": "Ewa Kowalska", "date_of_birth": "1941-03-02", "lives_with_carer": True,
              "address": None, "needs": LONG, "conditions": "Dementia", "medication": "Donepezil 10 mg at night",
              "medication_location": "Kitchen cupboard above the kettle", "allergies": "Penicillin",
              "mobility_needs": "Walking frame", "communication_needs": "Speaks Polish", "routines": LONG,
              "gp": {"name": "Dr Ama Mensah", "practice": "Park Lane Surgery", "phone": "0113 496 0123"},
              "other_care": "Day centre on Tuesdays", "pets": "A cat", "can_be_left_alone": False,
              "safe_alone_minutes": None}
    plan = {"id": 7, "card_number": "1263250168", "status": "active",
            "carer": {"name": "Łucja Kowalska", "mobile": "+447700900201", "landline": None,
                      "address": {"line1": "12 Acacia Avenue", "line2": "Flat 3", "town": "Leeds",
                                  "postcode": "LS1 4AP"}, "preferred_language": "en"},
            "cared_for": [person, {**person, "id": 2, "name": "Jan Kowalski"}],
            "home_access": {"how_to_get_in": "Key safe by the back door", "key_holders": "Next door, number 14",
                            "has_key_safe_code": True},
            "contacts": [{"id": i, "name": f"Contact {i}", "relationship": "Neighbour", "mobile": f"+4477009002{i:02}",
                          "landline": None, "availability": [], "holds_key": i == 1,
                          "consent": {"status": "agreed", "recorded_on": None}} for i in range(1, 6)],
            "instructions": LONG, "escalation": {}, "last_reviewed_on": None, "review_due_on": "2027-01-15",
            "review_texts_opt_out": False}
    plan.update(changes)
    return plan


def _covering_letter() -> bytes:
    card = CardDetails(carer_first_name="Łucja", card_number="1263250168", line_number="0113 496 0500")
    return letter_pdf(LetterDetails(card=card, carer_name="Łucja Kowalska",
                                    address_lines=("12 Acacia Avenue", "Leeds", "LS1 4AP"),
                                    review_due_on=date(2027, 1, 15), written_on=date(2026, 12, 6)))


LETTERS = {
    "card": _covering_letter,
    "confirmation": lambda: confirmation_letter(_plan(), SENDER),
    "review": lambda: review_letter(_plan(), SENDER),
}


@pytest.mark.parametrize("kind", sorted(LETTERS))
def test_a_letter_to_the_carer_is_laid_out_for_notify(kind):
    sizes, placed = read_letter(LETTERS[kind]())
    assert set(sizes) == {(210.0, 297.0)}  # A4 portrait, every page
    assert out_of_bounds(placed) == []  # nothing in the margins or the reserved areas
    assert address_block(placed) == (["Lucja Kowalska", "12 Acacia Avenue", "Leeds", "LS1 4AP"] if kind == "card" else
                                     ["Lucja Kowalska", "12 Acacia Avenue", "Flat 3", "Leeds", "LS1 4AP"])


def test_a_long_plan_runs_onto_later_pages_inside_their_printable_area():
    sizes, placed = read_letter(confirmation_letter(_plan(), SENDER))
    assert len(sizes) >= 3
    assert [p for p in placed if p.page > 1 and p.top < 10] == []  # later pages start below Notify's top margin
    assert out_of_bounds(placed) == []


def test_the_plan_copy_has_the_plan_and_never_the_key_safe_code():
    text = all_text(read_letter(confirmation_letter(_plan(), SENDER))[1])
    for words in ("Your emergency plan", "Donepezil 10 mg at night", "Contact 5", "Key safe by the back door",
                  "1263 2501 68", "A key safe code is recorded. It is not printed here"):
        assert words in text
    without = all_text(read_letter(confirmation_letter(
        _plan(home_access={"how_to_get_in": "", "key_holders": "", "has_key_safe_code": False}), SENDER))[1])
    assert "No key safe code is recorded." in without


def test_the_review_letter_says_when_and_whom_to_call():
    text = all_text(read_letter(review_letter(_plan(), SENDER))[1])
    assert "due for review on 15 January 2027" in text and "0113 496 0999" in text


def test_the_gp_letter_tells_of_the_plan_without_health_details_or_ways_in():
    sizes, placed = read_letter(gp_letter(_plan(), 1, SENDER))
    assert out_of_bounds(placed) == []
    assert address_block(placed) == ["Dr Ama Mensah", "Park Lane Surgery"]
    text = all_text(placed)
    assert "Jan Kowalski (born 2 March 1941)" in text and "1263 2501 68" in text
    assert "Donepezil" not in text and "Key safe" not in text and "Contact 1" not in text


def test_an_address_notify_would_not_post_is_refused():
    assert address_fit(["Ann", "", "1 Road", "LS1 4AP"]) == ("Ann", "1 Road", "LS1 4AP")
    with pytest.raises(AddressUnfit):
        address_fit(["Ann", "LS1 4AP"])
    with pytest.raises(AddressUnfit):
        address_fit([f"line {n}" for n in range(8)])


def test_an_address_line_too_long_for_the_window_stays_inside_it():
    plan = _plan()
    plan["carer"]["address"]["line1"] = "The Old Vicarage Cottages, Upper St Mary's Churchyard Lane East Wing " * 2
    _, placed = read_letter(confirmation_letter(plan, SENDER))
    assert out_of_bounds(placed) == []
    assert address_block(placed)[1].startswith("The Old Vicarage Cottages")
