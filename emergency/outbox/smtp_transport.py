"""The email transport through a mail server: the standard library's smtplib, always STARTTLS,
the server's certificate checked (SMTP_CA_FILE for a private CA)."""
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from emergency.outbox.transport import SendFailed

SUBMISSION_PORT = 587


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None


def smtp_settings(url: str) -> SmtpSettings:
    """smtp://user:password@host:port, refused with a message a person can act on."""
    parts = urlsplit(url)
    try:
        port = parts.port or SUBMISSION_PORT
    except ValueError:
        raise RuntimeError("SMTP_URL has a port that is not a number") from None
    if parts.scheme != "smtp" or not parts.hostname:
        raise RuntimeError("SMTP_URL must look like smtp://user:password@mail.example.org:587")
    return SmtpSettings(parts.hostname, port, unquote(parts.username) if parts.username else None,
                        unquote(parts.password) if parts.password else None)


class SmtpTransport:
    provider = "email"  # the mail server, whose health coordinators see

    def __init__(self, url: str, from_address: str, *, ca_file: str | None = None, timeout: float = 10):
        self.settings, self.from_address, self.timeout = smtp_settings(url), from_address, timeout
        self.context = ssl.create_default_context(cafile=ca_file)

    @classmethod
    def from_config(cls, config):
        return cls(config["SMTP_URL"], config["SMTP_FROM"], ca_file=config["SMTP_CA_FILE"])

    def send_email(self, to: str, subject: str, body: str, reference: str) -> None:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.from_address, to, subject
        domain = parseaddr(self.from_address)[1].partition("@")[2] or "localhost"
        email["Message-ID"] = f"<{reference}@{domain}>"
        email.set_content(body)
        try:
            with smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.timeout) as smtp:
                smtp.starttls(context=self.context)
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as refused:
            code, answer = next(iter(refused.recipients.values()))
            raise SendFailed(f"mail server refused {to}: {code} {answer!r}", transient=400 <= code < 500,
                             code=code) from None
        except smtplib.SMTPResponseException as error:
            raise SendFailed(f"mail server answered {error.smtp_code} {error.smtp_error!r}",
                             transient=not 500 <= error.smtp_code < 600, code=error.smtp_code) from None
        except (smtplib.SMTPException, OSError) as error:
            # Unreachable, timed out, no STARTTLS, a bad certificate: worth trying again later.
            raise SendFailed(f"no answer from the mail server: {error}", transient=True) from None
