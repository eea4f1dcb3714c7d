import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Petition, Signature
from tests.factories import HOSTILE, PetitionFactory
from tests.petitions.helpers import let_cache_time_pass, sign_data

pytestmark = pytest.mark.django_db


def sign_url(petition):
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


def test_detail_shows_letter_with_hostile_text_escaped(client):
    petition = PetitionFactory(summary=f"Summary {HOSTILE}")
    response = client.get(petition.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "onerror" not in html
    assert "<strong>ban</strong>" in html  # Markdown still renders


def test_detail_form_has_labels_consent_link_and_honeypot(client):
    html = client.get(PetitionFactory().get_absolute_url()).content.decode()
    for field in ["name", "email", "country", "city", "affiliation", "is_public", "wants_updates", "consent"]:
        assert f'<label for="id_{field}"' in html
    assert reverse("privacy") in html
    assert 'name="website"' in html
    # Nothing per visitor: the same page for every reader, so any cache can serve it.
    assert 'name="stamp"' not in html
    assert "csrfmiddlewaretoken" not in html


def test_detail_of_draft_is_404(client):
    petition = PetitionFactory(status=Petition.Status.DRAFT)
    assert client.get(petition.get_absolute_url()).status_code == 404


def test_sign_valid_redirects_to_check_inbox_and_sends_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(petition), sign_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:thanks", kwargs={"slug": petition.slug})
    assert Signature.objects.get().email == "amara@example.org"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["amara@example.org"]
    assert "\n" not in mail.subject
    assert re.search(r"http://[^/]+/letters/[\w-]+/confirm/\S+/", mail.body)
    assert mail.alternatives[0][1] == "text/html"


def test_sign_same_page_whether_new_pending_or_confirmed(client):
    petition = PetitionFactory()
    first = client.post(sign_url(petition), sign_data())
    again = client.post(sign_url(petition), sign_data(email="AMARA@Example.org"))
    services.signature_confirm(signature=Signature.objects.get())
    confirmed = client.post(sign_url(petition), sign_data())
    assert first["Location"] == again["Location"] == confirmed["Location"]
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "Visit https://spam.example"}, "name"),
        ({"name": "cheap pills at pills.com"}, "name"),
        ({"name": "line\nbreak"}, "name"),
        ({"country": "XX"}, "country"),
        ({"consent": None}, "consent"),
        ({"name": "x" * 101}, "name"),
    ],
)
def test_sign_invalid_rerenders_with_field_error_and_stores_nothing(client, overrides, field):
    petition = PetitionFactory()
    response = client.post(sign_url(petition), sign_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert 'aria-invalid="true"' in html
    assert not Signature.objects.exists()


def test_sign_invalid_keeps_what_was_typed(client):
    petition = PetitionFactory()
    response = client.post(sign_url(petition), sign_data(email="bad", name="Zoë <b>O'Brien</b>"))
    html = response.content.decode()
    assert 'value="Zoë &lt;b&gt;O&#x27;Brien&lt;/b&gt;"' in html
    assert 'value="bad"' in html


def test_sign_needs_no_token_nor_stamp_and_may_be_sent_at_once():
    """The sign form may come from a cached page: no CSRF token, no render time. The
    honeypot, the rate limits and the confirmation mail remain the guards."""
    petition = PetitionFactory()
    response = Client(enforce_csrf_checks=True).post(sign_url(petition), sign_data())
    assert response.status_code == 302
    assert Signature.objects.filter(petition=petition).exists()


def test_sign_honeypot_pretends_success_and_stores_nothing(client):
    petition = PetitionFactory()
    response = client.post(sign_url(petition), sign_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not Signature.objects.exists()


def test_sign_closed_letter_is_refused(client):
    petition = PetitionFactory(status=Petition.Status.CLOSED)
    response = client.post(sign_url(petition), sign_data())
    assert response.status_code == 409
    assert not Signature.objects.exists()


def test_sign_closed_letter_refuses_a_form_with_errors_too(client):
    petition = PetitionFactory(status=Petition.Status.CLOSED)
    response = client.post(sign_url(petition), sign_data(email="not an address"))
    assert response.status_code == 409
    assert not Signature.objects.exists()


@pytest.mark.parametrize("status", [Petition.Status.DRAFT, None])
def test_sign_a_draft_or_unknown_letter_is_not_found(client, status):
    petition = PetitionFactory(status=status or Petition.Status.OPEN)
    url = sign_url(petition) if status else reverse("petitions:sign", kwargs={"slug": "no-such-letter"})
    assert client.post(url, sign_data()).status_code == 404
    assert client.post(url, sign_data(email="not an address")).status_code == 404
    assert not Signature.objects.exists()


def test_sign_get_is_not_allowed(client):
    assert client.get(sign_url(PetitionFactory())).status_code == 405


def test_sign_rate_limited_per_address_answers_429(client, settings):
    settings.SIGN_RATE_PER_ADDRESS_PER_HOUR = 2
    petition = PetitionFactory()
    statuses = [client.post(sign_url(petition), sign_data()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_sign_rate_limited_per_ip_even_with_forged_forwarded_for(client, settings):
    settings.SIGN_RATE_PER_IP_PER_HOUR = 2
    petition = PetitionFactory()
    statuses = [
        client.post(
            sign_url(petition), sign_data(email=f"p{n}@example.org"), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_sign_from_another_site_is_refused_and_stores_nothing(client, mailoutbox):
    response = client.post(sign_url(PetitionFactory()), sign_data(), headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def confirm_url(signature):
    return reverse(
        "petitions:confirm", kwargs={"slug": signature.petition.slug, "token": services.confirm_token(signature)}
    )


def make_signature(**overrides):
    petition = PetitionFactory()
    values = {"name": "Amara", "email": "amara@example.org", "country": "GB", **overrides}
    return services.signature_create(petition=petition, details=services.SignatureDetails(**values))


def test_confirm_get_shows_button_and_changes_nothing(client):
    signature = make_signature()
    response = client.get(confirm_url(signature))
    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    signature.refresh_from_db()
    assert signature.confirmed_at is None


def test_confirm_post_confirms_and_shows_signer_number(client):
    signature = make_signature()
    response = client.post(confirm_url(signature))
    html = response.content.decode()
    assert "You are signer number 1" in html
    assert reverse("petitions:withdraw", kwargs={"slug": signature.petition.slug, "token": "x"})[:-2] in html
    signature.refresh_from_db()
    assert signature.confirmed_at is not None
    second = client.post(confirm_url(signature))
    assert "already confirmed" in second.content.decode()


def test_confirm_tampered_link_gets_friendly_page_with_resend_form(client):
    signature = make_signature()
    response = client.get(confirm_url(signature)[:-3] + "xx/")
    assert response.status_code == 400
    assert reverse("petitions:resend", kwargs={"slug": signature.petition.slug}) in response.content.decode()


def test_confirm_expired_link_gets_friendly_page(client, settings):
    signature = make_signature()
    url = confirm_url(signature)
    settings.SIGNATURE_PENDING_DAYS = -1
    response = client.get(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_count_moves_after_confirmation_within_the_public_page_seconds(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_SECONDS = 60
    signature = make_signature()
    petition = signature.petition
    assert "0 signatures so far" in client.get(petition.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(signature))
    assert "0 signatures so far" in client.get(petition.get_absolute_url()).content.decode()  # the kept copy
    let_cache_time_pass(settings.PUBLIC_PAGE_SECONDS + 1)
    assert "1 signature so far" in client.get(petition.get_absolute_url()).content.decode()


def test_a_surge_of_signatures_reads_the_letter_from_postgresql_once(client):
    petition = PetitionFactory()
    assert client.post(sign_url(petition), sign_data(email="first@example.org")).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.post(sign_url(petition), sign_data(email="second@example.org")).status_code == 302
    assert not [query for query in queries if 'FROM "petitions_petition"' in query["sql"]]
    assert Signature.objects.filter(petition=petition).count() == 2


def test_withdraw_flow_asks_then_removes(client, django_capture_on_commit_callbacks):
    signature = make_signature()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url(signature))
    url = reverse(
        "petitions:withdraw", kwargs={"slug": signature.petition.slug, "token": services.withdraw_token(signature)}
    )
    assert "Withdraw my signature" in client.get(url).content.decode()
    signature.refresh_from_db()
    assert signature.withdrawn_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None and signature.email == ""
    assert client.get(signature.petition.get_absolute_url()).context["signature_count"] == 0
    assert client.get(confirm_url(signature)).status_code == 410


def test_resend_for_unknown_address_looks_the_same_and_sends_nothing(client):
    petition = PetitionFactory()
    url = reverse("petitions:resend", kwargs={"slug": petition.slug})
    response = client.post(url, {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert not OutboxMessage.objects.exists()


def test_resend_says_when_no_mail_went_out_because_one_just_did(client):
    """The same page for every address (it must not tell who signed), naming the case
    where the mail was held back: a signer who just got one gets no second."""
    signature = make_signature()
    url = reverse("petitions:resend", kwargs={"slug": signature.petition.slug})
    response = client.post(url, {"email": signature.email}, follow=True)
    page = response.content.decode()
    assert "less than 2 minutes ago, we did not send another one" in page
    assert "Check your inbox and spam folder, or ask again in 2 minutes." in page
    assert "We have sent you an email to confirm" not in page
    assert OutboxMessage.objects.count() == 1  # the mail of signing, not a second one
    unknown = client.post(url, {"email": "nobody@example.org"}, follow=True).content.decode()
    assert unknown.replace("nobody@example.org", "") == page.replace(signature.email, "")


def test_resend_invalid_address_says_what_to_enter(client):
    petition = PetitionFactory()
    url = reverse("petitions:resend", kwargs={"slug": petition.slug})
    response = client.post(url, {"email": "nope"})
    assert "Enter your email address in full, like name@example.org." in response.content.decode()


def test_resend_invalid_address_rerenders(client):
    petition = PetitionFactory()
    url = reverse("petitions:resend", kwargs={"slug": petition.slug})
    response = client.post(url, {"email": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_wall_lists_only_public_confirmed_and_escapes_names(client):
    petition = PetitionFactory()
    public = make_signature(name="Zoë <script>x</script>", email="a@example.org", is_public=True)
    Signature.objects.filter(pk=public.pk).update(petition=petition)
    services.signature_confirm(signature=Signature.objects.get(pk=public.pk))
    hidden = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Hidden Person", email="h@example.org", country="FR")
    )
    services.signature_confirm(signature=hidden)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "Zoë &lt;script&gt;x&lt;/script&gt;" in html
    assert "Hidden Person" not in html
    assert "France" in html  # counted by country even when not listed


def test_wall_page_parameter_garbage_is_harmless(client):
    petition = PetitionFactory()
    assert client.get(petition.get_absolute_url() + "?wall=abc").status_code == 200
    assert client.get(petition.get_absolute_url() + "?wall=-5").status_code == 200


def test_home_and_list_and_privacy_render(client):
    petition = PetitionFactory()
    assert escape(petition.title) in client.get("/").content.decode()
    assert client.get(reverse("petitions:list")).status_code == 200
    assert client.get(reverse("privacy")).status_code == 200


def test_unknown_page_is_a_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_confirmation_mail_subject_is_plain_text_not_html(client, mailoutbox, django_capture_on_commit_callbacks):
    petition = PetitionFactory(
        title='Stop "face" scans & <tags> now, and a very long title that the mail header must fold'
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sign_url(petition), sign_data())
    subject = mailoutbox[0].subject
    assert subject.endswith('Stop "face" scans & <tags> now, and a very long title that the mail header must fold')
    assert "&amp;" not in subject and "&quot;" not in subject
