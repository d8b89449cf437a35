"""Secrets kept out of logs and stored texts: the one place that knows what a secret looks like.

The details link (`/details/<token>`) and calendar feeds (`/feeds/<token>.ics`) are
unguessable addresses that work without a login; API tokens (`cel_...`) and bearer credentials
open the API. Whoever reads one in a log can use it. A report chart's address
(`/console/reports/chart/<token>.svg`) names a chart and a period, signed: kept out of logs too."""
import logging
import re
from urllib.parse import unquote

REDACTED = "[redacted]"
_SECRET_PATHS = re.compile(r"(/details/|/feeds/)[^\s/?#\"'.]+|(/console/reports/chart/)[^\s/?#\"']+")
_TOKENS = re.compile(r"(cel_[A-Za-z0-9_\-]{8,}|(?i:bearer)\s+[A-Za-z0-9._~+/=\-]+)")


def redact_secret_links(text: str) -> str:
    """The text with the token of every details link and feed address replaced. The server
    decodes an address before routing it, so /details%2F<token> and /%64etails/<token> reach
    the details page: a text that holds a secret link only once decoded is logged decoded."""
    decoded = text
    for _ in range(3):  # %252F is %2F once decoded, and so on
        if "%" not in decoded:
            break
        decoded = unquote(decoded)
    if decoded != text and _SECRET_PATHS.search(decoded):
        text = decoded
    return _SECRET_PATHS.sub(lambda match: (match.group(1) or match.group(2)) + REDACTED, text)


def redact_secrets(text: str) -> str:
    """The text with secret links' tokens, API tokens and bearer credentials replaced."""
    return _TOKENS.sub(REDACTED, redact_secret_links(text))


class RedactSecrets(logging.Filter):
    """Rewrites a record's message so that no secret reaches a log, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
