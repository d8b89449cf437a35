"""Secret tokens in URLs, kept out of logs and stored texts. Pure: no Flask, no session.

The details link (`/details/<token>`) and calendar feeds (`/feeds/<token>.ics`) are
unguessable addresses that work without a login; whoever reads one in a log can use it."""
import re

REDACTED = "[redacted]"
_SECRET_PATHS = re.compile(r"(/details/|/feeds/)[^\s/?#\"'.]+")


def redact_secret_links(text: str) -> str:
    """The text with the token of every details link and feed address replaced."""
    return _SECRET_PATHS.sub(lambda match: match.group(1) + REDACTED, text)
