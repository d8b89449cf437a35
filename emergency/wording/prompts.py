"""Recorded prompts: the council's own recordings of the line's fixed phrases, per language,
played (<Play>) where Twilio has no voice for the language. Only phrases that carry no values
can be recorded; the rest are said in English after a short apology."""
from datetime import datetime

from sqlalchemy import LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column

from emergency.audit import service as audit
from emergency.db_types import UTCDateTime
from emergency.errors import RuleBroken
from emergency.extensions import db
from emergency.wording.languages import LANGUAGES

# What a caller hears while giving the card number.
RECORDABLE = ("voice.welcome", "voice.type_card", "voice.card_not_recognised")
MOST_BYTES = 900 * 1024
_AUDIO = {"audio/mpeg": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"), "audio/wav": (b"RIFF",)}


class RecordedPrompt(db.Model):
    __tablename__ = "recorded_prompt"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    language: Mapped[str] = mapped_column(String(12), primary_key=True)
    audio: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(20))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


def audio_type(audio: bytes) -> str | None:
    """audio/mpeg or audio/wav by the file's own first bytes, or None for anything else."""
    for content_type, starts in _AUDIO.items():
        if audio.startswith(starts) and (content_type != "audio/wav" or audio[8:12] == b"WAVE"):
            return content_type
    return None


def save(key: str, language: str, audio: bytes, *, by, now) -> RecordedPrompt:
    if language not in LANGUAGES or key not in RECORDABLE:
        raise RuleBroken("that phrase cannot be recorded in that language", field="audio")
    if not audio:
        raise RuleBroken("select a recording", field="audio")
    if len(audio) > MOST_BYTES:
        raise RuleBroken("the recording is too large: keep it under 900 KB", field="audio")
    content_type = audio_type(audio)
    if content_type is None:
        raise RuleBroken("the file is not an MP3 or WAV recording", field="audio")
    prompt = db.session.get(RecordedPrompt, (key, language)) or RecordedPrompt(key=key, language=language)
    prompt.audio, prompt.content_type, prompt.uploaded_by, prompt.uploaded_at = audio, content_type, by.username, now
    db.session.add(prompt)
    audit.record("language.prompt_recorded", user=by, now=now, detail=f"{key} in {LANGUAGES[language].english_name}")
    db.session.flush()
    return prompt


def recorded(language: str) -> dict[str, datetime]:
    """{phrase key: when it was uploaded} for the language's recordings."""
    rows = db.session.execute(select(RecordedPrompt.key, RecordedPrompt.uploaded_at)
                              .where(RecordedPrompt.language == language))
    return {key: at for key, at in rows}
