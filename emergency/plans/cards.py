"""Card numbers: random digits plus a Damm check digit.

Damm's quasigroup catches every single-digit error and every swap of two adjacent digits
(Luhn misses 09<->90). The digits are drawn from `secrets`, so one card says nothing about
any other.
"""
import re
import secrets

CARD_NUMBER_LENGTH = 10
_DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_SEPARATORS = re.compile(r"[\s\-]+")


class CardNumberError(ValueError):
    """A card number that cannot be right; the message says why, for the person typing it."""


def damm_check_digit(digits: str) -> str:
    interim = 0
    for digit in digits:
        interim = _DAMM_TABLE[interim][int(digit)]
    return str(interim)


def has_valid_check_digit(card_number: str) -> bool:
    return card_number.isdigit() and damm_check_digit(card_number) == "0"


def new_card_number() -> str:
    body = str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(CARD_NUMBER_LENGTH - 2)
    )
    return body + damm_check_digit(body)


def parse_card_number(text: str) -> str:
    """Digits of a card number typed with any spaces or dashes; raises CardNumberError."""
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        raise CardNumberError("no card number was given")
    if not digits.isascii() or not digits.isdigit():
        raise CardNumberError("a card number has digits only (spaces and dashes are ignored)")
    if len(digits) != CARD_NUMBER_LENGTH:
        raise CardNumberError(
            f"a card number has {CARD_NUMBER_LENGTH} digits; this has {len(digits)}"
        )
    if not has_valid_check_digit(digits):
        raise CardNumberError("the card number's check digit does not match: a digit is mistyped")
    return digits


def format_card_number(card_number: str) -> str:
    """Grouped for reading aloud and printing on the card: 1234 5678 90."""
    return " ".join(card_number[i : i + 4] for i in range(0, len(card_number), 4))
