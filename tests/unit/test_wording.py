"""The catalogs: every phrase the code or a template says has English words, no English phrase
is left unused, and every translation keeps every value its phrase carries."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from emergency.wording import MissingPhrase, phrase, phrase_plural
from emergency.wording.catalogs import SOURCE_LANGUAGE, TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"phrase": None, "phrase_plural": (1, 2), "phrase_html": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _keys_in_use() -> set[str]:
    keys = set()
    for _, _, message, _, _ in extract_from_dir(ROOT / "emergency", METHODS, keywords=KEYWORDS):
        keys.update(message if isinstance(message, tuple) else (message,))
    return keys


def _catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _words(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_every_phrase_said_has_english_words_and_every_english_phrase_is_said():
    english = {message.id if isinstance(message.id, str) else message.id[0]: message
               for message in _catalog(SOURCE_LANGUAGE) if message.id}
    in_use = _keys_in_use()
    plural_keys = {message.id[1] for message in english.values() if isinstance(message.id, tuple)}
    assert sorted(in_use - set(english) - plural_keys) == []
    assert sorted(set(english) - in_use) == []
    assert [key for key, message in english.items() if not all(_words(message))] == []


LANGUAGES = sorted(path.name for path in TRANSLATIONS.iterdir() if (path / "LC_MESSAGES" / "messages.po").exists())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_values_its_english_phrase_carries(language):
    english = {message.id: message for message in _catalog(SOURCE_LANGUAGE) if message.id}
    lost = []
    for message in _catalog(language):
        if not message.id or message.id not in english:
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_words(english[message.id]))))
        for words in _words(message):
            if words and set(PLACEHOLDER.findall(words)) != wanted:
                lost.append((message.id, words))
    assert lost == []


def test_a_phrase_is_filled_in_and_a_plural_follows_its_number():
    assert phrase("ask.too_late", accepter="Susan") == (
        "Carers Emergency Line: thank you, this is already covered by Susan. No need to go.")
    assert phrase_plural("caller.people_asked", "caller.people_asked.plural", 1) == "We have asked 1 person so far. "
    assert phrase_plural("caller.people_asked", "caller.people_asked.plural", 3) == "We have asked 3 people so far. "


def test_a_language_without_a_catalog_gets_english_and_an_unknown_phrase_is_an_error():
    assert phrase("ask.no_longer_needed", "xx") == phrase("ask.no_longer_needed")
    with pytest.raises(MissingPhrase):
        phrase("no.such.phrase")
