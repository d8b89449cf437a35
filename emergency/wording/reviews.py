"""Which machine-drafted catalogs a coordinator has marked reviewed by a translator. A language
the settings mark reviewed needs no record; any other is machine-drafted until one is made."""
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from emergency.audit import service as audit
from emergency.db_types import UTCDateTime
from emergency.extensions import db
from emergency.wording.languages import LANGUAGES


class LanguageReview(db.Model):
    __tablename__ = "language_review"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    reviewed_by: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())


def reviews() -> dict[str, LanguageReview]:
    return {review.code: review for review in db.session.scalars(select(LanguageReview))}


def machine_drafted(codes) -> list[str]:
    """The English names of those languages whose catalog nobody has marked reviewed yet."""
    wanted = [code for code in dict.fromkeys(codes) if code in LANGUAGES and not LANGUAGES[code].reviewed]
    if not wanted:
        return []
    marked = set(db.session.scalars(select(LanguageReview.code).where(LanguageReview.code.in_(wanted))))
    return [LANGUAGES[code].english_name for code in wanted if code not in marked]


def mark_reviewed(code: str, *, by, now) -> bool:
    """False when it needs no mark (unknown, or already reviewed)."""
    if code not in LANGUAGES or LANGUAGES[code].reviewed or db.session.get(LanguageReview, code) is not None:
        return False
    db.session.add(LanguageReview(code=code, reviewed_by=by.username, reviewed_at=now))
    audit.record("language.reviewed", user=by, now=now, detail=f"the {LANGUAGES[code].english_name} catalog")
    db.session.flush()
    return True
