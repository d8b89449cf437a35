"""Texts that reached the line while the database could not take them (a restart, an outage).

Such a text cannot be recorded or handed to anyone at that moment, so it is appended, with its
MessageSid, to a file on local disk (flushed to disk before Twilio is answered), and the texter
is told it is kept. A background job replays the file once the database answers: each text is
handled as if it had just arrived, and the reply the texter should have had goes to them by
text. The MessageSid's replay record makes a text handled once, however often it is replayed.
"""
import json
import os
import time
from pathlib import Path

from flask import current_app

SPOOL_FILE = "texts.jsonl"


def _directory() -> Path:
    return Path(current_app.config["INBOUND_SPOOL_DIR"] or Path(current_app.instance_path) / "spool")


def keep(sid: str, sender: str, body: str, received_at) -> bool:
    """Append the text to the spool, durably; False if even that failed (the disk)."""
    line = json.dumps({"sid": sid, "sender": sender, "body": body, "received_at": received_at.isoformat()}) + "\n"
    try:
        directory = _directory()
        directory.mkdir(parents=True, exist_ok=True)
        # O_APPEND: several workers may keep texts at once; each line is written whole.
        handle = os.open(directory / SPOOL_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(handle, line.encode())
            os.fsync(handle)
        finally:
            os.close(handle)
    except OSError:
        current_app.logger.exception("a text from %s could not be kept on disk either", sender)
        return False
    current_app.logger.error("the database could not take a text from %s; kept on disk to be handled later", sender)
    return True


def claim() -> list[Path]:
    """The spool files to replay: the current file, renamed so that new texts start a new one,
    and any left by a replay that stopped part-way."""
    directory = _directory()
    current = directory / SPOOL_FILE
    if current.exists():
        try:
            current.rename(directory / f"replaying-{os.getpid()}-{time.time_ns()}.jsonl")
        except FileNotFoundError:
            pass  # another process claimed it first
    return sorted(directory.glob("replaying-*.jsonl")) if directory.exists() else []


def texts_in(path: Path) -> list[dict]:
    texts = []
    for line in path.read_text().splitlines():
        try:
            texts.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a crash mid-write: nothing usable was kept
    return texts
