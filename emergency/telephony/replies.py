"""What a text to the line means. Pure.

Never a bare YES: it is one of the phone companies' opt-in words. The opt-out words are
handled by the phone company as well as here (whole message, any case).

People type in a hurry, on any phone: texts are normalised first (Unicode NFKC, every
script's digits read as digits, invisible characters removed), answers may carry words or an
emoji after the code, and card numbers are looked for among every run of ten digits.
"""
import re
import unicodedata
from dataclasses import dataclass

from emergency.plans.cards import CARD_NUMBER_LENGTH
from emergency.wording.languages import LANGUAGES

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
# The answer words of every configured language (DERBYN, PRZYJMUJĘ, قبول...) beside the English ones.
_ANSWER_KINDS = {"ACCEPT": "accept", "A": "accept", "DECLINE": "decline", "D": "decline", "DONE": "done"}
for _language in LANGUAGES.values():
    for _kind in ("accept", "decline", "done"):
        _ANSWER_KINDS.update(dict.fromkeys(getattr(_language.keywords, _kind), _kind))
_WORDS = "|".join(re.escape(word) for word in sorted(_ANSWER_KINDS, key=len, reverse=True) if len(word) > 1)
# A whole word first (no letter after it), then an optional code, then anything ("ACCEPT 828 on my way").
_ANSWER_WORD = re.compile(rf"^({_WORDS})(?![^\W\d_])[\s:#.,;\-]*(\d{{1,8}})?(?!\d)(.*)$")
# A single letter is only an answer when it is all the text is ("A 42", "d7"): "a lady fell" is not.
_ANSWER_LETTER = re.compile(r"^(A|D)[\s:#.]*(\d{1,8})?[\s.!]*$")
_RATING = re.compile(r"^[1-5][.!]?$")
# "I'm home, card 3154 5836 84": the carer is back, and cover for their plan may end. Only
# at the start, so that "she fell at home, card ..." is never read as the carer being back.
_HOME = re.compile(r"^(?:I\s*['’]?\s*M\s+|I\s+AM\s+|BACK\s+)?HOME(?![A-Z])")
# Groups of digits with separators between them: "5545 0849 19", "5545.0849.19", "5545-0849/19".
_DIGIT_GROUPS = re.compile(r"\d+(?:[ .\-/]+\d+)*")
_SEPARATOR = re.compile(r"[ .\-/]+")


@dataclass(frozen=True)
class Reply:
    kind: str  # accept, decline, done, stop, start, help, rating, home, card, unknown
    code: str | None = None
    card_candidates: tuple[str, ...] = ()  # kind card: every 10-digit run, in the order written
    rating: int | None = None
    words: str = ""  # an answer's words after its code ("DONE 512 HOSPITAL": HOSPITAL)


def normalise_text(body: str | None) -> str:
    """NFKC (fullwidth digits become ASCII), every decimal digit of any script as ASCII,
    invisible format characters (zero-width spaces, joiners, BOMs, soft hyphens) removed, and
    all white space as single spaces."""
    text = unicodedata.normalize("NFKC", body or "")
    characters = []
    for character in text:
        category = unicodedata.category(character)
        if category == "Cf":
            continue
        if category == "Nd":
            characters.append(str(unicodedata.decimal(character)))
        elif character.isspace() or category in ("Zs", "Zl", "Zp", "Cc"):
            characters.append(" ")
        else:
            characters.append(character)
    return " ".join("".join(characters).split())


def card_candidates(text: str) -> tuple[str, ...]:
    """Every way of reading ten digits out of the text, group by whole group: in
    "fell 23-11-2026 14 30 card 5545 0849 19" both a date-and-time reading and the card are
    candidates; which is a card is for the check digit and the plan register to say. The text
    should be normalised first."""
    found: list[str] = []
    for run in _DIGIT_GROUPS.finditer(text):
        groups = _SEPARATOR.split(run.group(0))
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) >= CARD_NUMBER_LENGTH:
                    break
            if len(digits) == CARD_NUMBER_LENGTH and digits not in found:
                found.append(digits)
    return tuple(found)


def parse_text(body: str | None) -> Reply:
    text = normalise_text(body).upper()
    # Opt-out and opt-in words exactly as the phone company matches them, or the two disagree.
    if text in OPT_OUT_WORDS:
        return Reply("stop")
    if text in OPT_IN_WORDS:
        return Reply("start")
    if text.strip(" .!?") in HELP_WORDS:
        return Reply("help")
    answer = _ANSWER_WORD.match(text) or _ANSWER_LETTER.match(text)
    if answer:
        words = answer.group(3).strip() if answer.re is _ANSWER_WORD else ""
        return Reply(_ANSWER_KINDS[answer.group(1)], code=answer.group(2), words=words)
    if _RATING.match(text):
        return Reply("rating", rating=int(text[0]))
    candidates = card_candidates(text)
    if candidates and _HOME.match(text):
        return Reply("home", card_candidates=candidates)
    if candidates:
        return Reply("card", card_candidates=candidates)
    return Reply("unknown")


def keypad_digits(digits: str | None) -> str:
    """What a caller keyed, without the # that ends it and anything that is not a digit."""
    return "".join(character for character in (digits or "") if character.isdigit() and character.isascii())
