"""Look phrases up in the compiled catalogs: the asked-for language first, then English."""
from functools import cache
from pathlib import Path

from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


class CatalogNotCompiled(RuntimeError):
    pass


class MissingPhrase(KeyError):
    pass


def _compiled(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def catalog(language: str) -> Translations | None:
    """The language's compiled catalog; None for a language with no catalog at all. A catalog
    whose .mo is missing or older than its .po is a set-up fault, said plainly."""
    source = TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not source.exists():
        return None
    compiled = _compiled(language)
    if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
        raise CatalogNotCompiled(
            f"the {language} catalog is not compiled (or older than its .po): run "
            f"`python3 tasks.py serve` or `pybabel compile -d {TRANSLATIONS}`")
    with compiled.open("rb") as handle:
        return Translations(handle, domain=DOMAIN)


def _lookup(key: str, language: str, plural_key: str | None = None, count: int = 1) -> str:
    for code in dict.fromkeys((language, SOURCE_LANGUAGE)):
        translations = catalog(code)
        if translations is None:
            continue
        found = translations.ngettext(key, plural_key, count) if plural_key else translations.gettext(key)
        if found not in (key, plural_key):
            return found
    raise MissingPhrase(f"no words for {key!r} in the {language} or {SOURCE_LANGUAGE} catalog")


def phrase(key: str, language: str = SOURCE_LANGUAGE, **values) -> str:
    """The phrase `key` in `language` (English where that catalog lacks it), filled in."""
    phrase = _lookup(key, language)
    return phrase % values if values else phrase


def phrase_plural(key: str, plural_key: str, count: int, language: str = SOURCE_LANGUAGE, **values) -> str:
    """A phrase that changes with a number (`count` is also available to the phrase)."""
    return _lookup(key, language, plural_key, count) % {"count": count, **values}
