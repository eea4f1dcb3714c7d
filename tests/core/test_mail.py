"""Mail goes out over one kept SMTP session per process, replaced when the server
has closed it, against a real SMTP server on loopback."""

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMultiAlternatives

from campaign.core import mail
from tests.conftest import free_port


class CountingSink:
    def __init__(self) -> None:
        self.sessions = 0
        self.recipients: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.recipients += envelope.rcpt_tos
        return "250 OK"


@pytest.fixture
def sink(settings):
    handler = CountingSink()
    port = free_port()
    controllers = [Controller(handler, hostname="127.0.0.1", port=port)]
    controllers[0].start()

    def restart() -> None:
        controllers[-1].stop()
        controllers.append(Controller(handler, hostname="127.0.0.1", port=port))
        controllers[-1].start()

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield handler, restart
    controllers[-1].stop()
    mail._connections.clear()


def message(to: str) -> EmailMultiAlternatives:
    return EmailMultiAlternatives(subject="Hello", body="Text", to=[to])


def test_mails_share_one_smtp_session(sink):
    handler, _ = sink
    for n in range(3):
        mail.send(message(f"person{n}@example.org"))
    assert handler.recipients == ["person0@example.org", "person1@example.org", "person2@example.org"]
    assert handler.sessions == 1


def test_a_session_the_server_closed_is_replaced_once(sink):
    handler, restart = sink
    mail.send(message("first@example.org"))
    restart()  # the server goes away and comes back: the kept session is dead
    mail.send(message("second@example.org"))
    assert handler.recipients == ["first@example.org", "second@example.org"]
    assert handler.sessions == 2


def test_a_server_that_is_down_is_reported(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with pytest.raises(OSError):
        mail.send(message("nobody@example.org"))
    mail._connections.clear()
