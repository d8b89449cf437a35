"""Every word a caller, contact, officer, provider or carer hears or reads, in gettext catalogs.

Code names a phrase by its key ("caller.opened") and passes the values it needs; the words
themselves live in translations/<language>/LC_MESSAGES/messages.po, one catalog per language.
The compiled .mo files are built at set-up (`python3 tasks.py serve` / `test` run
`pybabel compile`), never committed.
"""
from emergency.wording.catalogs import CatalogNotCompiled, MissingPhrase, phrase, phrase_plural

__all__ = ["CatalogNotCompiled", "MissingPhrase", "phrase", "phrase_plural"]
