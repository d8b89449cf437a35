import itertools
import random

import pytest

from emergency.plans.cards import (
    CARD_NUMBER_LENGTH,
    CardNumberError,
    damm_check_digit,
    format_card_number,
    has_valid_check_digit,
    new_card_number,
    parse_card_number,
)

SAMPLE = [new_card_number() for _ in range(2000)]


def single_digit_errors(card):
    for position, digit in enumerate(card):
        for other in "0123456789":
            if other != digit:
                yield card[:position] + other + card[position + 1 :]


def adjacent_transpositions(card):
    for position in range(len(card) - 1):
        a, b = card[position], card[position + 1]
        if a != b:
            yield card[:position] + b + a + card[position + 2 :]


def test_new_card_numbers_are_ten_digits_with_a_valid_check_digit():
    for card in SAMPLE:
        assert len(card) == CARD_NUMBER_LENGTH and card.isdigit() and card[0] != "0"
        assert has_valid_check_digit(card)


def test_every_single_digit_typo_is_caught_over_a_sample_of_2000_cards():
    typos = [typo for card in SAMPLE for typo in single_digit_errors(card)]
    assert len(typos) == 2000 * CARD_NUMBER_LENGTH * 9
    assert not any(has_valid_check_digit(typo) for typo in typos)


def test_every_swap_of_two_adjacent_digits_is_caught_over_a_sample_of_2000_cards():
    swaps = [swap for card in SAMPLE for swap in adjacent_transpositions(card)]
    assert len(swaps) > 2000 * 7
    assert not any(has_valid_check_digit(swap) for swap in swaps)


def test_the_09_to_90_swap_that_luhn_misses_is_caught():
    card = "123450912" + damm_check_digit("123450912")
    assert has_valid_check_digit(card)
    assert not has_valid_check_digit(card.replace("09", "90"))


def test_cards_are_not_sequential_or_predictable_from_one_another():
    assert len(set(SAMPLE)) == len(SAMPLE)
    numbers = sorted(int(card) for card in SAMPLE)
    gaps = {b - a for a, b in itertools.pairwise(numbers)}
    assert len(gaps) > len(SAMPLE) // 2
    # the first digits spread over 1-9, so nothing hints at issue order
    assert {card[0] for card in SAMPLE} == set("123456789")


@pytest.mark.parametrize("typed", ["{0} {1} {2}", "{0}-{1}-{2}", " {0}{1}{2} "])
def test_spaces_and_dashes_are_ignored_when_reading_a_card(typed):
    card = random.choice(SAMPLE)
    assert parse_card_number(typed.format(card[:4], card[4:8], card[8:])) == card


@pytest.mark.parametrize(
    "typed, says",
    [("12345", "10 digits; this has 5"), ("12a4567890", "digits only"), ("", "no card number"), (" - ", "no card number"),
     ("١٢٣٤٥٦٧٨٩٠", "digits only")],
)
def test_malformed_cards_are_refused_with_a_reason(typed, says):
    with pytest.raises(CardNumberError, match=says):
        parse_card_number(typed)


def test_a_mistyped_card_is_refused_as_a_check_digit_mismatch():
    card = SAMPLE[0]
    typo = card[:3] + str((int(card[3]) + 1) % 10) + card[4:]
    with pytest.raises(CardNumberError, match="check digit"):
        parse_card_number(typo)


def test_cards_print_in_groups_of_four():
    assert format_card_number("4820175936") == "4820 1759 36"
