"""Languages: every catalog says every phrase of the areas its language declares, asks stay
within two texts, answer words and digits of every script are read."""
import pytest
from babel.messages.pofile import read_po

from emergency.incidents import messages
from emergency.outbox.segments import encoding, segments
from emergency.telephony.replies import parse_text
from emergency.wording import phrase
from emergency.wording.catalogs import SOURCE_LANGUAGE, TRANSLATIONS
from emergency.wording.languages import LANGUAGES

TRANSLATED = sorted(code for code in LANGUAGES if code != SOURCE_LANGUAGE)


def _catalog(code):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def _key(message):
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_language_has_every_phrase_of_its_areas_and_none_fuzzy(code):
    english = {_key(message) for message in _catalog(SOURCE_LANGUAGE) if message.id}
    wanted = {key for key in english if LANGUAGES[code].covers(key)}
    catalog = _catalog(code)
    translated = {_key(message) for message in catalog if message.id and all(
        message.string if isinstance(message.string, tuple) else (message.string,))}
    assert sorted(wanted - translated) == []
    assert [_key(message) for message in catalog if message.id and message.fuzzy] == []
    assert catalog.num_plurals == len(next(m for m in catalog if isinstance(m.id, tuple)).string)


def test_welsh_covers_all_but_staff_words_and_polish_and_urdu_the_line_texts_card_and_letters():
    welsh, polish = LANGUAGES["cy"], LANGUAGES["pl"]
    assert welsh.covers("front_door.start.title") and not welsh.covers("coordinator.alert")
    assert all(polish.covers(key) for key in ("caller.opened", "card.heading", "letter.dear", "consent.ask",
                                              "front_door.code_text", "cover.still_live"))
    assert not polish.covers("front_door.start.title") and not polish.covers("cover.ask")


def test_a_phrase_outside_a_languages_areas_is_said_in_english():
    assert phrase("front_door.start.title", "pl") == phrase("front_door.start.title", SOURCE_LANGUAGE)


def test_every_configured_language_has_a_catalog():
    assert all((TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").exists() for code in LANGUAGES)


# Long names, two people cared for, a four-digit code: as long as an ask gets in practice.
SNAPSHOT = {"carer": {"name": "Margaretta Llewellyn", "address": {"postcode": "CF10 1AA"}},
            "cared_for": [{"name": "Bartholomew Llewellyn"}, {"name": "Elizabeth Llewellyn"}]}


@pytest.mark.parametrize("code", sorted(LANGUAGES))
@pytest.mark.parametrize("who", ["contact", "officer"])
def test_every_ask_is_at_most_two_texts_in_every_language(code, who):
    ask = messages.ask_text(SNAPSHOT, "8281", who, code)
    assert segments(ask) <= 2, (encoding(ask), len(ask), ask)


# The texts to carers besides asks, with values as long as they get (a first name, a card number).
CARER_TEXTS = {"front_door.code_text": {"code": "482913", "minutes": 15},
               "front_door.approved_text": {"name": "Margaretta", "card": "1263250168"},
               "front_door.declined_text": {"reference": "A-2026-000123", "reason": "", "words": "",
                                            "call": "0113 496 0999"},
               "cover.home.thanks": {}, "cover.home.to_confirm": {}, "cover.still_live": {}}


@pytest.mark.parametrize("code", sorted(LANGUAGES))
@pytest.mark.parametrize("key", sorted(CARER_TEXTS))
def test_every_text_to_a_carer_is_at_most_two_texts_in_every_language(code, key):
    text = phrase(key, code, **CARER_TEXTS[key])
    assert segments(text) <= 2, (encoding(text), len(text), text)
    if code != SOURCE_LANGUAGE:
        assert text != phrase(key, SOURCE_LANGUAGE, **CARER_TEXTS[key])  # in the carer's language


def test_segments_are_counted_as_the_phone_companies_count_them():
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # an extension character counts twice
    assert encoding("Llinell Argyfwng Gofalwyr") == "GSM-7"
    assert (encoding("dŵr"), encoding("łóżko"), encoding("قبول")) == ("UCS-2", "UCS-2", "UCS-2")
    assert segments("ł" * 70) == 1 and segments("ł" * 71) == 2 and segments("ł" * 134) == 2
    assert segments("ł" * 135) == 3


@pytest.mark.parametrize("text, kind", [
    ("DERBYN 123", "accept"), ("gwrthod 123", "decline"), ("Gorffen 123", "done"),
    ("przyjmuję 123", "accept"), ("PRZYJMUJE 123", "accept"), ("odmawiam 123", "decline"), ("gotowe 123", "done"),
    ("قبول 123", "accept"), ("انکار 123", "decline"), ("مکمل 123", "done"), ("Qubool 123", "accept"),
    ("ACCEPT 123", "accept"),
])
def test_answer_words_are_read_in_english_and_every_configured_language(text, kind):
    assert (parse_text(text).kind, parse_text(text).code) == (kind, "123")


def test_an_answer_word_with_more_letters_after_it_is_not_an_answer():
    assert parse_text("DERBYNIAD 123").kind != "accept"


@pytest.mark.parametrize("digits", [
    "٥٥٤٥٠٨٤٩١٩",  # Arabic-Indic
    "۵۵۴۵۰۸۴۹۱۹",  # Extended Arabic-Indic (Urdu)
    "৫৫৪৫০৮৪৯১৯",  # Bengali
    "५५४५०८४९१९",  # Devanagari
])
def test_a_card_number_in_any_script_of_digits_is_read(digits):
    assert parse_text(digits).card_candidates == ("5545084919",)
