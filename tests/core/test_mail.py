"""Mail goes out over one kept SMTP session per process, replaced when the server
has closed it, against a real SMTP server on loopback."""

import email
from email import policy

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

    settings.EMAIL_BACKEND = "campaign.core.mail.SMTPBackend"
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
    settings.EMAIL_BACKEND = "campaign.core.mail.SMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with pytest.raises(OSError):
        mail.send(message("nobody@example.org"))
    mail._connections.clear()


# --- Writing the message ---------------------------------------------------------------------


def sent_like_django(message: EmailMultiAlternatives):
    return email.message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=policy.default)


def sent_by_us(message: EmailMultiAlternatives):
    raw = mail.message_bytes(message)
    assert raw is not None, "not written by message_bytes"
    return email.message_from_bytes(raw, policy=policy.default)


def alternative(subject: str = "Bitte bestätigen: “Stop face scans” & more", to: str = "a.person@example.org"):
    message = EmailMultiAlternatives(subject=subject, body="Hallo Zoë <b>,\n\nhttps://example.org/c/abc/\n", to=[to])
    message.attach_alternative("<p>Hallo Zoë &lt;b&gt;,</p>\n<p><a href='x'>€</a></p>", "text/html")
    return message


def test_a_simple_mail_reads_as_django_would_write_it():
    message = alternative()
    ours, django = sent_by_us(message), sent_like_django(message)
    for header in ("Subject", "From", "To", "MIME-Version", "Content-Type"):
        assert str(ours[header]).split(";")[0].strip() == str(django[header]).split(";")[0].strip(), header
    assert ours["Subject"] == message.subject and ours["Date"] and ours["Message-ID"]
    for subtype in ("plain", "html"):
        assert ours.get_body((subtype,)).get_content() == django.get_body((subtype,)).get_content()
        assert ours.get_body((subtype,))["Content-Transfer-Encoding"] == "8bit"


def test_every_line_of_a_written_mail_ends_in_crlf_and_fits_smtp():
    raw = mail.message_bytes(alternative(subject="Ä" * 300))
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines) and all(len(line) <= 998 for line in lines)
    assert email.message_from_bytes(raw, policy=policy.default)["Subject"] == "Ä" * 300


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.attach("notes.txt", "x"),
        lambda m: setattr(m, "cc", ["other@example.org"]),
        lambda m: setattr(m, "reply_to", ["other@example.org"]),
        lambda m: setattr(m, "extra_headers", {"X-Thing": "1"}),
        lambda m: setattr(m, "to", ["zoë@exämple.org"]),
        lambda m: setattr(m, "to", []),
        lambda m: setattr(m, "subject", "Hello\r\nBcc: victim@example.org"),
        lambda m: setattr(m, "body", "x" * 1200),
    ],
    ids=[
        "attachment",
        "cc",
        "reply-to",
        "extra header",
        "non-ascii address",
        "no recipient",
        "line break",
        "long line",
    ],
)
def test_anything_but_a_simple_mail_goes_djangos_way(change):
    message = alternative()
    change(message)
    assert mail.message_bytes(message) is None


def test_the_backend_delivers_what_it_writes_and_what_django_writes(sink):
    handler, _ = sink
    mail.send(alternative(to="simple@example.org"))
    mail.send(alternative(to="zoë@exämple.org"))  # IDNA and SMTPUTF8: Django's way
    assert handler.recipients == ["simple@example.org", "zoë@xn--exmple-cua.org"]
