"""The languages the line speaks: a setting, one entry per language. Adding a language is one
catalog (translations/<code>/LC_MESSAGES/messages.po) and one entry here (docs/languages.md)."""
from dataclasses import dataclass, field

from emergency.wording.catalogs import SOURCE_LANGUAGE


@dataclass(frozen=True)
class Keywords:
    """The words that answer an ask by text, besides the English ACCEPT, DECLINE and DONE.
    Written in capitals as the reply is read (upper case, accents kept)."""
    accept: tuple[str, ...] = ()
    decline: tuple[str, ...] = ()
    done: tuple[str, ...] = ()


@dataclass(frozen=True)
class Voice:
    """A Twilio <Say> voice and the language it speaks (`None` voice: recorded prompts only)."""
    name: str | None
    language: str


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47
    own_name: str  # the language's name in itself, as the language menu says it
    english_name: str
    voice: Voice
    keywords: Keywords = field(default_factory=Keywords)
    reviewed: bool = False  # by a translator; a machine-drafted catalog says so in the console until marked
    # The key prefixes the catalog translates in full ("letter." an area, "cover.still_live" one
    # phrase); None: every phrase but the staff-only ones. Outside them the words are English.
    areas: tuple[str, ...] | None = None

    def covers(self, key: str) -> bool:
        """Whether the catalog check holds this language to having `key` in its own words."""
        if key.startswith(STAFF_ONLY):
            return False
        return self.areas is None or key.startswith(self.areas)


# Said only to council staff, always in English.
STAFF_ONLY = ("coordinator.", "fallback.")
# What the line says and texts, and the card (all of it said to people in their own language).
LINE_AND_CARD = ("accepter.", "ask.", "caller.", "card.", "carer.", "consent.", "details.", "essentials.", "list.",
                 "place.", "text.", "voice.")
# Texts to people besides the line's own: the carer's replies about cover, the application's
# code and its outcome; and the letters.
TEXTS_AND_LETTERS = ("cover.home.thanks", "cover.home.to_confirm", "cover.still_live", "front_door.code_text",
                     "front_door.approved_text", "front_door.declined_text", "front_door.decline.", "letter.")


LANGUAGES: dict[str, Language] = {language.code: language for language in (
    Language("en", "English", "English", Voice("Polly.Amy", "en-GB"), reviewed=True),
    Language("cy", "Cymraeg", "Welsh", Voice("Polly.Gwyneth", "cy-GB"),
             Keywords(accept=("DERBYN",), decline=("GWRTHOD",), done=("GORFFEN",))),
    Language("pl", "Polski", "Polish", Voice("Polly.Ewa", "pl-PL"),
             Keywords(accept=("PRZYJMUJĘ", "PRZYJMUJE"), decline=("ODMAWIAM",), done=("GOTOWE",)),
             areas=LINE_AND_CARD + TEXTS_AND_LETTERS),
    # Twilio has no Urdu voice: the line plays the council's recordings, or English with an apology.
    Language("ur", "اردو", "Urdu", Voice(None, "ur-PK"),
             Keywords(accept=("قبول", "QUBOOL"), decline=("انکار", "INKAAR"), done=("مکمل", "MUKAMMAL")),
             areas=LINE_AND_CARD + TEXTS_AND_LETTERS),
)}


def language(code: str | None) -> Language:
    """The configured language with this code; English for none or one not configured."""
    return LANGUAGES.get(code or SOURCE_LANGUAGE) or LANGUAGES[SOURCE_LANGUAGE]


def spoken(code: str | None) -> str:
    """The language the line can speak to someone: theirs where Twilio has a voice for it, else
    English (texts still follow their own language)."""
    return language(code).code if language(code).voice.name else SOURCE_LANGUAGE


OTHER_LANGUAGE = "other"  # a carer's language that is none of these, with what they said


def language_named(name: str) -> str | None:
    """The code of the configured language with this code or name, in English or in itself."""
    wanted = (name or "").strip().casefold()
    for code, configured in LANGUAGES.items():
        if wanted in (code, configured.english_name.casefold(), configured.own_name.casefold()):
            return code
    return None


def described(code: str | None, other: str | None = None) -> str:
    """A language as the console and reports name it: "Welsh", "Other: Somali"."""
    if code in LANGUAGES:
        return LANGUAGES[code].english_name
    if code == OTHER_LANGUAGE:
        return f"Other: {other}" if other else "Other"
    return code or ""


def codes() -> list[str]:
    return list(LANGUAGES)


def is_configured(code: str | None) -> bool:
    return code in LANGUAGES
