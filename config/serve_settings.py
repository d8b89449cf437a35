"""The settings `python3 tasks.py serve` started the development server with, shared with the
commands typed in another shell (`flask --app emergency phone text ...`), so that they act as
that server would: links in texts on its port, the same waits and rounds.

serve writes instance/serve-settings.json just before the server starts. A development process
fills in from it whatever its own environment leaves unset, and only while that server is
running (its process id is alive) and on the same database. Secrets are never written: a
second shell that needs them exports them itself. Production never reads the file.

    python -m config.serve_settings INSTANCE_DIR PID   (what serve runs)
"""
import hashlib
import json
import os
import sys
from pathlib import Path

from config import Config

FILE_NAME = "serve-settings.json"
# Secrets, and what says which database or which kind of settings, stay out of the file.
NOT_SHARED = frozenset({"APP_ENV", "DATABASE_URL", "SECRET_KEY", "TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN_SECONDARY",
                        "SMTP_URL"})


class _Listening(dict):
    """An empty environment that notes every name a settings class asks it for."""

    def __init__(self):
        super().__init__()
        self.asked = set()

    def get(self, name, default=None):
        self.asked.add(name)
        return default


def setting_names() -> frozenset[str]:
    """Every environment variable the settings read, secrets left out."""
    environ = _Listening()
    Config(environ=environ)
    return frozenset(environ.asked - NOT_SHARED)


def _database(environ) -> str:
    # A digest: the URL may hold a password, and only its identity matters here.
    return hashlib.sha256((environ.get("DATABASE_URL") or "").encode()).hexdigest()


def save(instance_dir, environ, pid: int) -> Path:
    """Write the settings of the server that runs as `pid` with `environ`."""
    path = Path(instance_dir) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    shared = {name: environ[name] for name in sorted(setting_names()) if environ.get(name)}
    content = json.dumps({"pid": pid, "database": _database(environ), "settings": shared}, indent=2)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(content + "\n")
    return path


def _running(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:  # alive, but another user's
        return True
    except OSError:
        return False
    return True


def shared_with(instance_dir, environ) -> dict:
    """The running server's settings for a process with `environ`, or {} when no server
    started by serve is running on the same database."""
    try:
        saved = json.loads((Path(instance_dir) / FILE_NAME).read_text())
        pid, database, settings = saved["pid"], saved["database"], saved["settings"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(settings, dict) or database != _database(environ) or not _running(pid):
        return {}
    names = setting_names()
    return {name: str(value) for name, value in settings.items() if name in names}


if __name__ == "__main__":
    instance, server_pid = sys.argv[1:3]
    save(instance, os.environ, int(server_pid))
