"""A letter in several languages: one count, one set of signatures; each translation
with versions of its own; a signature says which language and version it signed; its
mails go out in that language."""

import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.translation import gettext, override

from campaign.petitions import mails, selectors, services, share_image
from campaign.petitions.models import Petition, PetitionTranslation, PetitionVersion, Signature
from tests.catalogue import use_french_catalogue
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.helpers import sign_data

pytestmark = pytest.mark.django_db

FRENCH_TITLE = 'Interdire les <b>scans</b> & "balises"'


def translate(petition, language="fr", **fields) -> PetitionTranslation:
    translation = PetitionTranslation.objects.create(
        petition=petition,
        language=language,
        title=fields.pop("title", FRENCH_TITLE),
        summary=fields.pop("summary", "Résumé <i>hostile</i>"),
        body=fields.pop("body", "Nous demandons une **interdiction**.\n\n<script>alert('fr')</script>"),
        addressee=fields.pop("addressee", "Au Parlement"),
        demands=fields.pop("demands", "L'interdire <em>maintenant</em>"),
    )
    services.petition_publish_changes(petition=petition)
    translation.refresh_from_db()
    return translation


def confirm_all(petition, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for signature in Signature.objects.filter(petition=petition):
            services.signature_confirm(signature=signature)


# --- The letter page -----------------------------------------------------------------------


def test_the_french_page_shows_the_french_translation_and_the_english_page_the_original(client):
    petition = PetitionFactory()
    translate(petition)
    english = client.get(f"/letters/{petition.slug}/").content.decode()  # kept by Django, per language
    french = client.get(f"/fr/letters/{petition.slug}/").content.decode()
    assert escape(petition.title) in english and escape(FRENCH_TITLE) not in english
    assert f'<h1 id="letter-title">{escape(FRENCH_TITLE)}</h1>' in french
    assert escape(petition.title) not in french
    assert "<strong>interdiction</strong>" in french and "<script>alert" not in french
    assert "L&#x27;interdire &lt;em&gt;maintenant&lt;/em&gt;" in french
    assert "letter__untranslated" not in french


def test_a_page_with_no_translation_shows_the_original_in_its_own_language_with_a_note(client, settings, tmp_path):
    use_french_catalogue(settings, tmp_path)
    petition = PetitionFactory()
    translate(petition, language="es", title="Prohibir")
    html = client.get(f"/fr/letters/{petition.slug}/").content.decode()
    assert f'<h1 id="letter-title" lang="en">{escape(petition.title)}</h1>' in html
    assert '<div class="prose" lang="en">' in html and '<ol class="demands" lang="en">' in html
    assert "Cette lettre n'est pas encore traduite dans votre langue." in html
    assert "Prohibir" not in html


def test_a_translations_demands_keep_the_evidence_of_the_original_demands():
    petition = PetitionFactory(demands=["One", "Two"])
    translate(petition, demands="Un\n\nDeux\n")
    text = selectors.letter_text(petition, "fr")
    assert [demand.text for demand in text.demands] == ["Un", "Deux"]
    assert [demand.pk for demand in text.demands] == list(petition.demands.values_list("pk", flat=True))
    assert list(petition.demands.values_list("text", flat=True)) == ["One", "Two"]  # nothing saved


def test_pages_around_the_letter_show_its_title_in_the_pages_language(client):
    petition = PetitionFactory()
    translate(petition)
    signature = SignatureFactory(petition=petition)
    pages = [
        "/fr/letters/",
        f"/fr/letters/{petition.slug}/check-your-inbox/",
        f"/fr/letters/{petition.slug}/confirm/{services.confirm_token(signature)}/",
        f"/fr/letters/{petition.slug}/withdraw/{services.withdraw_token(signature)}/",
        f"/fr/letters/{petition.slug}/resend/",
        f"/fr/letters/{petition.slug}/embed/",
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert escape(FRENCH_TITLE) in html, page
        assert escape(petition.title) not in html, page
    assert escape(petition.title) in client.get("/letters/").content.decode()
    petition.refresh_from_db()
    assert petition.title != FRENCH_TITLE  # shown, never saved


def test_the_share_image_is_drawn_with_the_title_in_the_pages_language(client):
    petition = PetitionFactory()
    translate(petition)
    french = client.get(f"/fr/letters/{petition.slug}/share.png")
    assert french["Content-Type"] == "image/png"
    with override("fr"):
        drawn = {
            title: share_image.draw(title=title, count=0, campaign_name=gettext("Ban Biometric Surveillance"))
            for title in (FRENCH_TITLE, petition.title)
        }
    assert french.content == drawn[FRENCH_TITLE] != drawn[petition.title]


# --- Versions ------------------------------------------------------------------------------


def test_each_translation_counts_its_own_versions_once_the_letter_is_open():
    petition = PetitionFactory(status=Petition.Status.OPEN)
    services.petition_record_version(petition=petition)
    translation = translate(petition)
    assert translation.version == 1
    translation.title = "Un nouveau titre"
    translation.save()
    services.petition_publish_changes(petition=petition)
    translation.refresh_from_db()
    petition.refresh_from_db()
    assert translation.version == 2 and petition.version == 1
    assert PetitionVersion.objects.get(petition=petition, language="fr", number=2).title == "Un nouveau titre"
    assert PetitionVersion.objects.get(petition=petition, language="en", number=1).title == petition.title


def test_a_letter_has_one_translation_per_language():
    petition = PetitionFactory()
    translate(petition)
    with pytest.raises(IntegrityError):
        PetitionTranslation.objects.create(petition=petition, language="fr", title="b", summary="s", body="b")


# --- Signing -------------------------------------------------------------------------------


def test_a_signature_on_the_french_page_records_french_and_the_french_version(client):
    petition = PetitionFactory(status=Petition.Status.OPEN)
    translation = translate(petition)
    translation.title = "Deuxième version"
    translation.save()
    services.petition_publish_changes(petition=petition)
    response = client.post(f"/fr/letters/{petition.slug}/sign/", sign_data())
    assert response.status_code == 302 and response["Location"] == f"/fr/letters/{petition.slug}/check-your-inbox/"
    signature = Signature.objects.get()
    assert signature.language == "fr" and signature.petition_version == 2
    assert Petition.objects.get(pk=petition.pk).version == 1


def test_a_signature_on_a_page_with_no_translation_records_the_original_version(client):
    petition = PetitionFactory()
    client.post(f"/de/letters/{petition.slug}/sign/", sign_data())
    signature = Signature.objects.get()
    assert signature.language == "de" and signature.petition_version == petition.version


def test_signing_in_french_costs_the_same_queries_as_signing_in_english(client):
    petition = PetitionFactory()
    translate(petition)
    counts = {}
    for prefix in ("", "/fr"):
        client.post(f"{prefix}/letters/{petition.slug}/sign/", sign_data(email=f"warm{prefix[1:]}@example.org"))
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"{prefix}/letters/{petition.slug}/sign/", sign_data(email=f"s{prefix[1:]}@x.org"))
        assert response.status_code == 302
        counts[prefix] = [query["sql"].split()[0] for query in captured.captured_queries]
    assert counts["/fr"] == counts[""]
    assert not any("petitiontranslation" in query["sql"] for query in captured.captured_queries)


def test_signatures_in_every_language_share_one_count(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    translate(petition)
    for number, prefix in enumerate(["", "/fr", "/de", "/pt-br"]):
        client.post(f"{prefix}/letters/{petition.slug}/sign/", sign_data(email=f"p{number}@example.org"))
    confirm_all(petition, django_capture_on_commit_callbacks)
    assert selectors.signature_count(petition) == 4
    assert client.get(f"/api/petitions/{petition.slug}/").json()["signature_count"] == 4
    for prefix in ("", "/fr"):
        html = client.get(f"{prefix}/letters/{petition.slug}/").content.decode()
        assert 'data-count="4"' in html or ">4<" in html


def test_the_letter_signing_reads_from_the_cache_carries_every_languages_version():
    petition = PetitionFactory()
    translate(petition)
    assert selectors.public_letter(petition.slug).text_versions == {"en": 1, "fr": 1}


# --- Mails ---------------------------------------------------------------------------------


def test_the_confirmation_mail_is_in_the_signers_language_with_links_to_its_pages(settings, tmp_path):
    use_french_catalogue(settings, tmp_path)
    petition = PetitionFactory()
    translate(petition)
    french = SignatureFactory(petition=petition, language="fr")
    english = SignatureFactory(petition=petition, language="en")
    built = mails.build_confirm_many([french.pk, english.pk])
    message = built[french.pk]
    assert message.subject == f"Confirmez votre signature : {FRENCH_TITLE}"
    assert message.body.startswith(f"Bonjour {french.name},")
    links = re.findall(r"https?://\S+", message.body)
    assert any(f"/fr/letters/{petition.slug}/confirm/" in link for link in links)
    assert any(f"/fr/letters/{petition.slug}/withdraw/" in link for link in links)
    assert any("/fr/privacy/my-data/" in link for link in links)
    assert (
        "Bonjour" in message.alternatives[0][0]
        and f"/fr/letters/{petition.slug}/confirm/" in message.alternatives[0][0]
    )
    other = built[english.pk]
    assert other.subject == f"Please confirm your signature: {petition.title}"
    assert f"http://127.0.0.1:8000/letters/{petition.slug}/confirm/" in other.body


def test_a_confirmation_link_in_french_confirms(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    signature = SignatureFactory(petition=petition, language="fr")
    link = re.search(r"https?://[^/\s]+(/fr/letters/\S+/confirm/\S+?/)", mails.build_confirm(signature.pk).body)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link.group(1))
    assert response.status_code == 200
    assert Signature.objects.get(pk=signature.pk).confirmed_at is not None


def test_signatures_from_before_languages_get_mails_in_the_letters_language(settings, tmp_path):
    use_french_catalogue(settings, tmp_path)
    petition = PetitionFactory(language="fr")
    signature = SignatureFactory(petition=petition)  # language ""
    message = mails.build_confirm(signature.pk)
    assert message.subject.startswith("Confirmez votre signature")
    assert f"/fr/letters/{petition.slug}/confirm/" in message.body


# --- API, admin, demo ----------------------------------------------------------------------


def test_the_api_lists_a_letters_translations_with_their_pages(client):
    petition = PetitionFactory()
    translate(petition)
    for url in (f"/api/petitions/{petition.slug}/", "/api/petitions/"):
        data = client.get(url).json()
        card = data if "slug" in data else data["results"][0]
        assert card["language"] == "en"
        assert card["translations"] == [
            {"language": "fr", "title": FRENCH_TITLE, "url": f"http://127.0.0.1:8000/fr/letters/{petition.slug}/"}
        ]


def test_load_demo_adds_the_letter_in_every_other_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
        call_command("load_demo")
    petition = Petition.objects.get(slug="ban-biometric-mass-surveillance")
    translations = {t.language: t for t in petition.translations.all()}
    assert set(translations) == {"fr", "de", "es", "pt-br"}
    for translation in translations.values():
        assert len(translation.demand_lines) == petition.demands.count()
        assert "22" in translation.body and "43" in translation.body
        assert translation.version == 1
    assert PetitionVersion.objects.filter(petition=petition).count() == 5
