"""Pages read their words from the catalogs too: `phrase` and `phrase_plural` in every template, in
the page's language (`g.language`, English unless a view chose another)."""
from flask import g
from markupsafe import Markup, escape

from emergency.wording.catalogs import SOURCE_LANGUAGE, phrase, phrase_plural
from emergency.wording.languages import LANGUAGES, described
from emergency.wording.reviews import machine_drafted


def page_language() -> str:
    return g.get("language", SOURCE_LANGUAGE)


def register(app) -> None:
    app.jinja_env.globals.update(
        phrase=lambda key, **values: phrase(key, page_language(), **values),
        phrase_plural=lambda key, plural_key, count, **values: phrase_plural(key, plural_key, count, page_language(),
                                                                        **values),
        page_language=page_language,
        # Values that are HTML already (a tap-to-call link) kept; the words and any other value escaped.
        phrase_html=lambda key, **values: Markup(escape(phrase(key, page_language()))) % values,
        machine_drafted=machine_drafted,
        language_choices=lambda: [(code, f"{language.english_name} ({language.own_name})")
                                  if language.own_name != language.english_name else (code, language.english_name)
                                  for code, language in LANGUAGES.items()],
        language_described=described,
    )
