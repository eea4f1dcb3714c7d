"""Mail goes out through Django's SMTP backend, one session per drain, against a
real SMTP server on loopback."""

import pytest
from aiosmtpd.controller import Controller

from campaign.core import outbox
from campaign.core.models import OutboxMessage
from campaign.petitions import services as petition_services
from tests.conftest import free_port
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


class CountingSink:
    """Counts SMTP sessions opened and closed; refuses the recipients in `refuse`."""

    def __init__(self) -> None:
        self.sessions = 0
        self.quits = 0
        self.recipients: list[str] = []
        self.refuse: dict[str, str] = {}

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_QUIT(self, server, session, envelope):
        self.quits += 1
        return "221 Bye"

    async def handle_DATA(self, server, session, envelope):
        for recipient in envelope.rcpt_tos:
            if recipient in self.refuse:
                return self.refuse[recipient]
        self.recipients += envelope.rcpt_tos
        return "250 OK"


@pytest.fixture
def sink(settings):
    handler = CountingSink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield handler
    controller.stop()


def signatures(*addresses: str) -> None:
    petition = PetitionFactory()
    for address in addresses:
        details = petition_services.SignatureDetails(name="Amara", email=address, country="GB")
        petition_services.signature_create(petition=petition, details=details)


def test_a_drain_sends_its_batch_over_one_smtp_session_and_closes_it(sink):
    signatures(*(f"person{n}@example.org" for n in range(3)))
    assert outbox.outbox_drain() == 3
    assert sorted(sink.recipients) == [f"person{n}@example.org" for n in range(3)]
    assert (sink.sessions, sink.quits) == (1, 1)


def test_a_drain_keeps_its_session_across_batches(sink):
    signatures(*(f"person{n}@example.org" for n in range(outbox.DRAIN_BATCH + 1)))
    assert outbox.outbox_drain() == outbox.DRAIN_BATCH + 1
    assert (sink.sessions, sink.quits) == (1, 1)


def test_a_drain_that_finds_nothing_opens_no_session(sink):
    assert outbox.outbox_drain() == 0
    assert sink.sessions == 0


def test_a_mail_refused_mid_session_fails_alone_and_the_next_opens_a_fresh_session(sink):
    sink.refuse = {"refused@example.org": "550 5.1.1 Mailbox unavailable"}
    signatures("first@example.org", "refused@example.org", "last@example.org")
    assert outbox.outbox_drain() == 2
    assert sink.recipients == ["first@example.org", "last@example.org"]
    failed = OutboxMessage.objects.get(status=OutboxMessage.Status.FAILED)
    assert failed.last_error == "SMTPDataError 550"
    assert sink.sessions == 2  # the session that met the refusal was not reused
