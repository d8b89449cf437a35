"""What a text to the line means. Pure.

Never a bare YES: it is one of the phone companies' opt-in words. The opt-out words are
handled by the phone company as well as here (whole message, any case).
"""
import re
from dataclasses import dataclass

from emergency.plans.cards import CARD_NUMBER_LENGTH

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
_ANSWER = re.compile(r"^(ACCEPT|A|DECLINE|D|DONE)(?:\s*#?\s*(\d{1,8}))?[.!]*$")
_ANSWER_KINDS = {"ACCEPT": "accept", "A": "accept", "DECLINE": "decline", "D": "decline", "DONE": "done"}
# Ten digits in a row, allowing spaces and dashes between them.
_CARD = re.compile(r"(?<![\d])(\d(?:[\s\-]*\d){%d})(?![\d])" % (CARD_NUMBER_LENGTH - 1))
_RATING = re.compile(r"^[1-5]$")


@dataclass(frozen=True)
class Reply:
    kind: str  # accept, decline, done, stop, start, help, rating, card, unknown
    code: str | None = None
    card_digits: str | None = None
    rating: int | None = None


def parse_text(body: str) -> Reply:
    text = " ".join((body or "").upper().split())
    if text in OPT_OUT_WORDS:
        return Reply("stop")
    if text in OPT_IN_WORDS:
        return Reply("start")
    if text in HELP_WORDS:
        return Reply("help")
    answer = _ANSWER.match(text)
    if answer:
        return Reply(_ANSWER_KINDS[answer.group(1)], code=answer.group(2))
    if _RATING.match(text):
        return Reply("rating", rating=int(text))
    card = _CARD.search(text)
    if card:
        return Reply("card", card_digits=re.sub(r"[\s\-]", "", card.group(1)))
    return Reply("unknown")


def keypad_digits(digits: str | None) -> str:
    """What a caller keyed, without the # that ends it and anything that is not a digit."""
    return "".join(character for character in (digits or "") if character.isdigit() and character.isascii())
