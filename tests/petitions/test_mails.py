"""The signing mails: rendered once per letter and language, personal values poured in,
a batch built with one query."""

import pytest
from django.utils.html import escape

from campaign.core import mail
from campaign.petitions import mails
from campaign.petitions.models import Petition
from tests.factories import ConfirmedSignatureFactory, PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def parts(message) -> tuple[str, str, str]:
    return message.subject, message.body, message.alternatives[0][0]


def test_each_signer_of_a_letter_gets_their_own_name_and_links():
    petition = PetitionFactory()
    first, second = SignatureFactory(petition=petition), SignatureFactory(petition=petition)
    built = mails.build_confirm_many([first.pk, second.pk])
    first_subject, first_text, first_html = parts(built[first.pk])
    _, second_text, second_html = parts(built[second.pk])
    assert first.name in first_text and second.name not in first_text
    assert escape(first.name) in first_html and escape(second.name) not in first_html
    assert second.name in second_text and escape(second.name) in second_html
    first_links = {line for line in first_text.splitlines() if "/confirm/" in line or "/withdraw/" in line}
    second_links = {line for line in second_text.splitlines() if "/confirm/" in line or "/withdraw/" in line}
    assert len(first_links) == 2 and first_links.isdisjoint(second_links)
    assert petition.title in first_subject and built[first.pk].to == [first.email]


def test_hostile_names_and_titles_are_escaped_in_html_and_left_plain_in_text():
    signature = SignatureFactory()
    subject, text, html = parts(mails.build_confirm(signature.pk))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert escape(signature.petition.title) in html
    assert signature.name in text and signature.petition.title in text and signature.petition.title in subject
    assert "hole-" not in subject + text + html


def test_an_edited_title_shows_in_the_next_mail():
    signature = SignatureFactory()
    mails.build_confirm(signature.pk)
    Petition.objects.filter(pk=signature.petition_id).update(title="A new title")
    subject, text, html = parts(mails.build_confirm(signature.pk))
    assert "A new title" in subject and "A new title" in text and "A new title" in html


def test_a_batch_of_signatures_is_built_with_one_query(django_assert_num_queries):
    petition = PetitionFactory()
    signatures = SignatureFactory.create_batch(10, petition=petition)
    with django_assert_num_queries(1):
        built = mails.build_confirm_many([signature.pk for signature in signatures])
    assert all(built[signature.pk] is not None for signature in signatures)


def test_a_batch_leaves_out_what_is_no_longer_due():
    pending, confirmed = SignatureFactory(), ConfirmedSignatureFactory()
    built = mail.kind("petitions.confirm").build_batch([pending.pk, confirmed.pk, 0])
    assert built[pending.pk] is not None
    assert built[confirmed.pk] is None and built[0] is None
    already = mail.kind("petitions.already_signed").build_batch([pending.pk, confirmed.pk])
    assert already[pending.pk] is None
    assert already[confirmed.pk].to == [confirmed.email]
