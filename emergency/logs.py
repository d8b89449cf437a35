"""Log lines: one JSON object per line when LOG_FORMAT=json, readable text otherwise.

A line about an incident carries its id (`extra={"incident_id": ...}`), as a field in JSON and
as "[incident 42]" in text. Tokens are blanked out of every line, whatever logged them; SQL
parameters, which could hold a plan's health details, are never put into errors at all
(the engine's hide_parameters).
"""
import json
import logging
from datetime import datetime, timezone

from flask.logging import default_handler

from emergency.redaction import RedactSecrets, redact_secrets

MARK = "_carers_emergency_line_handler"


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "incident_id", None) is not None:
            line["incident_id"] = record.incident_id
        if record.exc_info:
            line["error"] = redact_secrets(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class ReadableText(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        incident_id = getattr(record, "incident_id", None)
        first, _, rest = text.partition("\n")
        first = f"{first} [incident {incident_id}]" if incident_id is not None else first
        return redact_secrets(f"{first}\n{rest}" if rest else first)


def configure_logging(app) -> None:
    handler = logging.StreamHandler()
    setattr(handler, MARK, True)
    handler.setFormatter(JsonLines() if app.config.get("LOG_FORMAT") == "json" else ReadableText())
    handler.addFilter(RedactSecrets())
    app.logger.removeHandler(default_handler)
    for old in [h for h in app.logger.handlers if getattr(h, MARK, False)]:
        app.logger.removeHandler(old)
    app.logger.addHandler(handler)
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "hide_parameters": True}
