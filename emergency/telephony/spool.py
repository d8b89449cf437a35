"""Texts that reached the line while the database could not be reached (a restart, an outage).

Such a text cannot be recorded or handed to anyone at that moment, so it is appended, with its
MessageSid, to a file on local disk (flushed to disk before Twilio is answered), and the texter
is told it is kept. A background job replays the file once the database answers: each text is
handled as if it had just arrived, and the reply the texter should have had goes to them by
text. The MessageSid's replay record makes a text handled once, however often it is replayed.

Only a database that cannot be reached puts a text here (see `keeps`): a statement the
database refuses is a fault of ours, and the text goes to a person at once instead. A kept
text that still cannot be handled after KEPT_TEXT_ATTEMPTS replays moves to the dead-letter
folder, where the console board shows it until a coordinator marks it dealt with.
"""
import fcntl
import json
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

SPOOL_FILE = "texts.jsonl"
DEAD_LETTERS = "dead-letter"
# A MessageSid names a dead letter's file: nothing else may reach the file system.
_SID = re.compile(r"^[A-Za-z0-9]{2,64}$")


def keeps(error: BaseException) -> bool:
    """Whether a failure means the database cannot be reached (the connection refused, lost,
    timed out, or the server shutting down), so that a text is kept for later. A refused
    statement (a constraint, a bug) is not: it would be refused again."""
    if isinstance(error, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    return bool(getattr(error, "connection_invalidated", False))


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


@contextmanager
def held(path: Path):
    """Yields whether this process holds the claimed file: each web worker runs the replay,
    and two replaying one file would count one text's tries twice and rewrite it over each
    other. The lock goes with the process, so a killed replay leaves the file to the next."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        yield False  # another process finished it
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            same = os.path.samestat(os.fstat(handle), os.stat(path))  # not replaced since we opened it
        except FileNotFoundError:
            same = False
        yield same
    finally:
        os.close(handle)


def texts_in(path: Path) -> list[dict]:
    texts = []
    for line in path.read_text().splitlines():
        try:
            texts.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by a crash mid-write: nothing usable was kept
    return texts


def _write_whole(path: Path, text: str) -> None:
    """Replace a file at once: a crash leaves the old contents or the new, never half."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(handle, text.encode())
        os.fsync(handle)
    finally:
        os.close(handle)
    partial.replace(path)


def put_back(path: Path, texts: list[dict]) -> None:
    """What is left of a claimed file after a replay: the texts still to try, or nothing."""
    if texts:
        _write_whole(path, "".join(json.dumps(kept) + "\n" for kept in texts))
    else:
        path.unlink(missing_ok=True)


def dead_letter(kept: dict) -> bool:
    """Move a text the line could not handle to the dead-letter folder; False if the disk
    would not take it (it then stays in the spool, tried again)."""
    if not _SID.match(str(kept.get("sid", ""))):
        return False
    try:
        folder = _directory() / DEAD_LETTERS
        folder.mkdir(parents=True, exist_ok=True)
        _write_whole(folder / f"{kept['sid']}.json", json.dumps(kept))
    except OSError:
        current_app.logger.exception("a kept text from %s could not be moved to the dead letters", kept.get("sender"))
        return False
    return True


def dead_letters() -> list[dict]:
    """The texts in the dead-letter folder, oldest first."""
    folder = _directory() / DEAD_LETTERS
    letters = []
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            letters.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            letters.append({"sid": path.stem, "sender": "", "body": "(this kept text could not be read)",
                            "received_at": ""})
    return sorted(letters, key=lambda letter: letter.get("received_at", ""))


def remove_dead_letter(sid: str) -> bool:
    """A coordinator has dealt with it; False if there is no such dead letter."""
    if not _SID.match(sid):
        return False
    path = _directory() / DEAD_LETTERS / f"{sid}.json"
    if not path.exists():
        return False
    path.unlink()
    return True
