"""A real SMTP server (aiosmtpd) on a loopback port, requiring STARTTLS with a throwaway
self-signed certificate, that keeps what it receives."""
import email
import socket
import ssl
import subprocess
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append({"to": envelope.rcpt_tos, "from": envelope.mail_from, "subject": message["Subject"],
                              "body": message.get_content(), "tls": session.ssl is not None})
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smtp-tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return key, cert


@pytest.fixture
def smtp_server(smtp_certificate):
    """(inbox, SMTP_URL, CA file): the mail server the line is pointed at."""
    key, cert = smtp_certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}", str(cert)
    finally:
        controller.stop()
