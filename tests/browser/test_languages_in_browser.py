"""A French visitor in Chromium: reads the letter in French, signs, gets the mail in
French with a /fr/ confirmation link, and confirms. The mail is built in process (tasks
run eagerly) so the test's own French catalogue applies; strings are found by their
fields and addresses, not by the translators' wording."""

import re

import pytest

from campaign.petitions import selectors, services
from campaign.petitions.models import PetitionTranslation, Signature
from tests.catalogue import use_french_catalogue
from tests.conftest import wait_until
from tests.factories import PetitionFactory

pytestmark = [pytest.mark.browser]


def test_a_french_visitor_signs_gets_a_french_mail_and_confirms(
    page, live_server, transactional_db, mailoutbox, settings, tmp_path
):
    use_french_catalogue(settings, tmp_path)
    settings.SITE_URL = live_server.url
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    petition = PetitionFactory(title="Ban face scans in the street")
    PetitionTranslation.objects.create(
        petition=petition,
        language="fr",
        title="Interdire la reconnaissance faciale dans la rue",
        summary="Résumé",
        body="Nous demandons une interdiction.",
        addressee="Au Parlement",
        demands="L'interdire",
    )
    services.petition_publish_changes(petition=petition)

    page.goto(f"{live_server.url}/fr/letters/{petition.slug}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Interdire la reconnaissance faciale dans la rue"
    page.locator('input[name="name"]').fill("Léa Martin")
    page.locator('input[name="email"]').fill("lea@example.org")
    page.locator('select[name="country"]').select_option("FR")
    page.locator('input[name="consent"]').check()
    page.locator(".sign-panel form button[type=submit]").click()
    # The form's action ends in #errors (where a failed form comes back); the browser keeps
    # that fragment through the redirect.
    page.wait_for_url(re.compile(rf"/fr/letters/{petition.slug}/check-your-inbox/(#errors)?$"))

    (message,) = [m for m in mailoutbox if m.to == ["lea@example.org"]]
    assert message.subject == "Confirmez votre signature : Interdire la reconnaissance faciale dans la rue"
    assert message.body.startswith("Bonjour Léa Martin,")
    confirm = re.search(rf"{re.escape(live_server.url)}/fr/letters/{petition.slug}/confirm/\S+?/", message.body)
    assert confirm is not None

    page.goto(confirm.group(0))
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator("main form button[type=submit]").click()
    confirmed = Signature.objects.filter(email="lea@example.org", confirmed_at__isnull=False)
    wait_until(confirmed.exists, timeout=15, what="the signature to be confirmed")
    signature = confirmed.get()
    assert signature.language == "fr" and signature.petition_version == 1
    assert selectors.signature_count(petition) == 1
