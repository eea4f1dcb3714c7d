"""The update mail as it reaches a mail server: RFC 8058 headers, a visible unsubscribe
link in both parts, the organiser's Markdown rendered and sanitised, names escaped."""

import re

import pytest
from django.utils.html import escape

from campaign.core import outbox
from campaign.updates import mails, services
from tests.factories import PetitionFactory
from tests.updates.helpers import draft, opted_in, sent_to_everyone

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings, smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    return smtp


def test_every_update_mail_carries_one_click_unsubscribe_headers_and_a_visible_link(smtp_settings):
    petition = PetitionFactory()
    (signer,) = opted_in(petition, 1)
    sent_to_everyone(draft(petition))
    outbox.outbox_drain()
    (received,) = smtp_settings.wait_for(signer.email)
    header = " ".join(received["List-Unsubscribe"].split())  # a long header may be folded
    assert re.fullmatch(r"<http://\S+/updates/unsubscribe/\S+/>", header)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header[1:-1]
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert link in text and f'href="{link}"' in html
    assert received["Subject"] == 'News <b>&</b> "more"'


def test_the_markdown_is_rendered_sanitised_and_the_name_escaped(settings):
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    petition = PetitionFactory()
    (signer,) = opted_in(petition, 1)
    update = sent_to_everyone(draft(petition))
    message = mails.build_update(update.recipients.get().pk)
    html = message.alternatives[0][0]
    assert "<strong>won</strong>" in html and "<li>Write to your MP</li>" in html
    assert "<script>" not in html
    assert escape(signer.name) in html and signer.name in message.body
    assert message.to == [signer.email]


def test_each_recipient_of_a_batch_gets_their_own_name_and_link(settings):
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    petition = PetitionFactory()
    first, second = opted_in(petition, 2)
    update = sent_to_everyone(draft(petition))
    ids = {recipient.signature_id: recipient.pk for recipient in update.recipients.all()}
    built = mails.build_update_many([ids[first.pk], ids[second.pk]])
    mine, theirs = built[ids[first.pk]], built[ids[second.pk]]
    my_link = mine.extra_headers["List-Unsubscribe"][1:-1]
    assert my_link != theirs.extra_headers["List-Unsubscribe"][1:-1]
    assert my_link in mine.body and my_link in mine.alternatives[0][0]
    assert first.name in mine.body and second.name not in mine.body
    assert escape(first.name) in mine.alternatives[0][0] and escape(second.name) not in mine.alternatives[0][0]
    assert mine.to == [first.email] and theirs.to == [second.email]
    assert mails.NAME_HOLE not in mine.body + mine.alternatives[0][0]
    assert mails.LINK_HOLE not in mine.body + mine.alternatives[0][0]
    assert mails.DATA_HOLE not in mine.body + mine.alternatives[0][0]


def test_the_data_link_opens_the_signers_own_data(settings, client):
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    petition = PetitionFactory()
    (signer,) = opted_in(petition, 1)
    update = sent_to_everyone(draft(petition))
    message = mails.build_update(update.recipients.get().pk)
    path = re.search(r"https?://[^/\s]+(/privacy/my-data/[^/\s]+/)", message.body).group(1)
    assert path in message.alternatives[0][0]
    assert signer.email in client.get(path).content.decode()


def test_a_batch_of_update_mails_is_built_with_one_query(settings, django_assert_num_queries):
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    petition = PetitionFactory()
    opted_in(petition, 10)
    update = sent_to_everyone(draft(petition))
    ids = list(update.recipients.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        built = mails.build_update_many(ids)
    assert all(built[pk] is not None for pk in ids)


def test_a_test_mail_goes_to_the_organiser_alone_and_its_link_unsubscribes_no_one(mailoutbox):
    from tests.coalition.helpers import organiser

    boss = organiser()
    petition = PetitionFactory()
    opted_in(petition, 2)
    update = draft(petition)
    services.update_test_send(update=update, by=boss)
    message = mails.build_test(update.pk)
    assert message.to == [boss.email] and message.subject.startswith("[Test] ")
    token = message.extra_headers["List-Unsubscribe"].rstrip("/>").rsplit("/", 1)[1]
    assert services.recipient_from_token(token) is None
    assert not update.recipients.exists()


def test_a_refused_update_counts_as_failed_and_flags_the_signature(smtp_settings):
    petition = PetitionFactory()
    refused, accepted = opted_in(petition, 2)
    smtp_settings.refuse = {refused.email.lower(): "550 no such user"}
    update = sent_to_everyone(draft(petition))
    outbox.outbox_drain()
    smtp_settings.wait_for(accepted.email)
    counts = services.update_counts(update)
    assert (counts["sent"], counts["failed"], counts["pending"]) == (1, 1, 0)
    refused.refresh_from_db()
    accepted.refresh_from_db()
    assert refused.mail_failed_at is not None and accepted.mail_failed_at is None
