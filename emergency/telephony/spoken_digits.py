"""The digits in what a caller said, as Twilio's speech recognition wrote it down. Pure.

Callers read a card number in many ways: "three one five four", "double four", "treble two",
"oh" for zero, "four oh two", in Welsh ("dim, un, dau..."), in pairs ("thirty one, fifty
four"), and Twilio writes some of it as figures ("3154"), as "hundred" ("five hundred" for
"five oh oh"), or as a word that sounds the same ("to", "too", "for"). The words that carry no
digit ("it's", "the number is", "um") are passed over; what is read back to the caller decides."""
import re
import unicodedata

DIGIT_WORDS = {
    # English, and what speech recognition writes for them
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0",
    "one": "1", "won": "1",
    "two": "2", "to": "2", "too": "2",
    "three": "3", "free": "3", "tree": "3",
    "four": "4", "for": "4", "fore": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "ate": "8", "nine": "9",
    # Welsh, with the mutated forms a number takes after another word
    "dim": "0", "un": "1", "dau": "2", "ddau": "2", "dwy": "2", "ddwy": "2",
    "tri": "3", "dri": "3", "thri": "3", "tair": "3", "dair": "3",
    "pedwar": "4", "bedwar": "4", "phedwar": "4", "fedwar": "4", "pedair": "4", "bedair": "4",
    "pump": "5", "bump": "5", "mhump": "5", "pum": "5", "chwech": "6", "chwe": "6",
    "saith": "7", "wyth": "8", "naw": "9",
}
TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
         "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19"}
TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7", "eighty": "8",
        "ninety": "9"}
REPEATS = {"double": 2, "dwbl": 2, "treble": 3, "triple": 3}
HUNDRED = {"hundred", "cant"}
_WORD = re.compile(r"\d+|[^\W\d_]+")


def _words(said: str) -> list[str]:
    text = "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c
                   for c in unicodedata.normalize("NFKC", said or "")).lower().replace("'", "")
    return _WORD.findall(text)


def spoken_digits(said: str | None) -> str:
    """Every digit the caller said, in order ("" when none)."""
    digits, repeat, words = "", 1, _words(said or "")
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word in REPEATS:
            repeat = REPEATS[word]
            continue
        if word.isdigit():
            found = word
        elif word in DIGIT_WORDS:
            found = DIGIT_WORDS[word]
        elif word in TEENS:
            found = TEENS[word]
        elif word in TENS:
            following = words[index] if index < len(words) else ""
            unit = DIGIT_WORDS.get(following) if following not in ("to", "too", "for", "o", "oh") else None
            if unit and unit != "0":
                index += 1
            found = TENS[word] + (unit if unit and unit != "0" else "0")
        elif word in HUNDRED and digits:
            found = "00"
            following = [w for w in words[index:index + 2] if w != "and"][:1]
            if following and following[0] in DIGIT_WORDS:
                found = "0" + DIGIT_WORDS[following[0]]
                index += words[index:index + 2].index(following[0]) + 1
        else:
            repeat = 1
            continue
        digits += found[0] * repeat + found[1:] if repeat > 1 else found
        repeat = 1
    return digits


def read_back(digits: str) -> str:
    """Digits one by one, for the voice to say each on its own: "3 1 5 4"."""
    return " ".join(digits)
