"""How a provider says cover ended, after its code: "DONE 512 HOSPITAL". Pure. The first word
counts; anything else, or nothing, leaves the outcome for the officer to record."""
import re

from emergency.cover.vocabulary import Outcome

DONE_WORDS = {
    "BACK": Outcome.CARER_BACK, "CARER": Outcome.CARER_BACK, "HOME": Outcome.CARER_BACK,
    "FAMILY": Outcome.FAMILY_OR_FRIENDS, "FRIENDS": Outcome.FAMILY_OR_FRIENDS,
    "HOSPITAL": Outcome.HOSPITAL,
    "LONGTERM": Outcome.LONGER_TERM_CARE, "LONGER": Outcome.LONGER_TERM_CARE, "LONG": Outcome.LONGER_TERM_CARE,
    "RESIDENTIAL": Outcome.RESIDENTIAL_CARE, "CAREHOME": Outcome.RESIDENTIAL_CARE,
    "DIED": Outcome.DIED,
}
_FIRST_WORD = re.compile(r"[A-Z]+")


def outcome_from(words: str | None) -> Outcome:
    """The outcome the words after DONE and its code name, or TO_BE_RECORDED."""
    first = _FIRST_WORD.search((words or "").upper())
    return DONE_WORDS.get(first.group(0), Outcome.TO_BE_RECORDED) if first else Outcome.TO_BE_RECORDED
