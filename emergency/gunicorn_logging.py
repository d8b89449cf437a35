"""gunicorn's logger with secret link tokens taken out of every access-log field (the request
line, path, query, referrer, headers), whatever access_log_format is used. gunicorn.conf.py
in the repository's root selects it; `--logger-class emergency.gunicorn_logging.RedactingLogger`
does the same on the command line."""
from gunicorn.glogging import Logger

from emergency.redaction import redact_secret_links


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact_secret_links(value) if isinstance(value, str) else value for name, value in atoms.items()}
