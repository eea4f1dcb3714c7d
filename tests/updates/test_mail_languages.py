"""An update goes out in each signer's language: its frame and links in the language
they signed in, the organiser's subject and text as written."""

import re

import pytest
from django.test import Client

from campaign.updates import mails
from tests.catalogue import use_french_catalogue
from tests.factories import PetitionFactory
from tests.updates.helpers import draft, opted_in, sent_to_everyone

pytestmark = pytest.mark.django_db


@pytest.fixture
def update_in_two_languages(settings, tmp_path):
    use_french_catalogue(settings, tmp_path)
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    petition = PetitionFactory()
    (french,) = opted_in(petition, 1, language="fr")
    (english,) = opted_in(petition, 1, language="en")
    update = sent_to_everyone(draft(petition, subject="Nouvelles & news", body="Texte **tel quel**."))
    ids = {recipient.signature_id: recipient.pk for recipient in update.recipients.all()}
    return mails.build_update_many([ids[french.pk], ids[english.pk]]), ids, french, english


def test_each_signer_gets_the_frame_and_links_in_their_language_and_the_text_as_written(update_in_two_languages):
    built, ids, french, english = update_in_two_languages
    mine, theirs = built[ids[french.pk]], built[ids[english.pk]]
    assert mine.subject == theirs.subject == "Nouvelles & news"
    assert "Texte **tel quel**." in mine.body and "Texte **tel quel**." in theirs.body
    assert mine.body.startswith(f"Bonjour {french.name},") and theirs.body.startswith(f"Hello {english.name},")
    assert "Se désabonner de ces nouvelles" in mine.body and "Se désabonner" not in theirs.body
    assert "/fr/updates/unsubscribe/" in mine.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://[^/]+/updates/unsubscribe/\S+/>", theirs.extra_headers["List-Unsubscribe"])
    assert "Bonjour" in mine.alternatives[0][0] and "/fr/privacy/my-data/" in mine.alternatives[0][0]
    assert mails.NAME_HOLE not in mine.body + theirs.body


def test_a_providers_one_click_post_to_a_french_link_unsubscribes(update_in_two_languages):
    built, ids, french, _english = update_in_two_languages
    path = re.search(r"https?://[^/]+(/\S+)>", built[ids[french.pk]].extra_headers["List-Unsubscribe"]).group(1)
    response = Client(enforce_csrf_checks=True).post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and not response.cookies
    french.refresh_from_db()
    assert french.wants_updates is False


def test_a_batch_in_two_languages_is_still_built_with_one_query(update_in_two_languages, django_assert_num_queries):
    _built, ids, _french, _english = update_in_two_languages
    with django_assert_num_queries(1):
        built = mails.build_update_many(list(ids.values()))
    assert all(built.values())
