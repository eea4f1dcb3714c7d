"""The organisers' pages, and the unsubscribe link as people and mail providers use it."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign.core.models import OutboxMessage
from campaign.petitions.models import Delivery, Response
from campaign.updates import services
from campaign.updates.models import Update, UpdateRecipient
from tests.coalition.helpers import make_user, organiser
from tests.factories import PetitionFactory
from tests.updates.helpers import draft, opted_in, sent_to_everyone

pytestmark = pytest.mark.django_db


@pytest.fixture
def recipient(settings) -> UpdateRecipient:
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    petition = PetitionFactory()
    opted_in(petition, 1)
    return sent_to_everyone(draft(petition)).recipients.get()


def unsubscribe_url(recipient) -> str:
    return reverse("updates:unsubscribe", kwargs={"token": services.unsubscribe_token(recipient)})


# --- Unsubscribe --------------------------------------------------------------------------


def test_a_providers_one_click_post_unsubscribes_with_no_cookie_or_token(recipient):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(recipient), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    recipient.refresh_from_db()
    recipient.signature.refresh_from_db()
    assert recipient.unsubscribed_at is not None and recipient.signature.wants_updates is False
    assert not OutboxMessage.objects.filter(kind=services.MAIL_UPDATE, status="pending").exists()


def test_a_post_from_a_web_mail_clients_own_origin_is_honoured_too(recipient):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(recipient),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": "https://mail.example.net", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 200
    recipient.signature.refresh_from_db()
    assert recipient.signature.wants_updates is False


def test_opening_the_link_changes_nothing_and_offers_a_button(client, recipient):
    response = client.get(unsubscribe_url(recipient))
    assert response.status_code == 200
    assert b'<button type="submit"' in response.content
    assert "Set-Cookie" not in response.headers
    assert "no-cache" in response.headers["Cache-Control"]
    recipient.signature.refresh_from_db()
    assert recipient.signature.wants_updates is True


def test_an_unsubscribed_person_opening_the_link_again_is_told_so(client, recipient):
    services.recipient_unsubscribe(recipient=recipient)
    response = client.get(unsubscribe_url(recipient))
    assert b"You had already unsubscribed" in response.content


@pytest.mark.parametrize("token", ["nonsense", "eyJyIjo5OTk5OTl9:tampered:sig"])
def test_a_broken_or_tampered_link_gets_a_clear_page(client, token):
    for method in (client.get, client.post):
        response = method(reverse("updates:unsubscribe", kwargs={"token": token}))
        assert response.status_code == 400
        assert b"This link does not work" in response.content


def test_the_link_of_a_test_mail_unsubscribes_no_one(client, recipient):
    token = services.sample_unsubscribe_token(recipient.update)
    response = client.post(reverse("updates:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 200 and b"test mail" in response.content
    recipient.signature.refresh_from_db()
    assert recipient.signature.wants_updates is True


# --- Organisers ---------------------------------------------------------------------------


def test_organisers_pages_are_for_organisers_only(client):
    petition = PetitionFactory()
    url = reverse("updates:list", kwargs={"slug": petition.slug})
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user("reader@example.org"))
    assert client.get(url).status_code == 403
    client.force_login(organiser())
    assert client.get(url).status_code == 200


def test_an_organiser_previews_without_saving_then_saves_a_draft(client):
    petition = PetitionFactory()
    opted_in(petition, 3)
    client.force_login(organiser())
    url = reverse("updates:create", kwargs={"slug": petition.slug})
    data = {"subject": "<script>x</script> news", "body": "**Big** news <script>alert(1)</script>"}
    response = client.post(url, {**data, "action": "preview"})
    assert response.status_code == 200
    assert b"<strong>Big</strong>" in response.content and b"<script>alert(1)" not in response.content
    assert not Update.objects.exists()
    response = client.post(url, {**data, "action": "save"})
    update = Update.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/updates/{update.pk}/")
    page = client.get(response["Location"]).content
    assert b"&lt;script&gt;x&lt;/script&gt; news" in page and b"It would go to 3 people now." in page


def test_a_form_with_errors_re_renders_with_messages(client):
    petition = PetitionFactory()
    client.force_login(organiser())
    url = reverse("updates:create", kwargs={"slug": petition.slug})
    response = client.post(url, {"subject": "", "body": "x" * 20_001, "action": "save"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"subject", "body"}
    assert b'aria-invalid="true"' in response.content
    assert not Update.objects.exists()


def test_a_test_send_queues_one_mail_to_the_organiser(client, mailoutbox, django_capture_on_commit_callbacks):
    boss = organiser()
    update = draft(PetitionFactory())
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("updates:test", kwargs={"slug": update.petition.slug, "pk": update.pk}))
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[boss.email]]


def test_sending_asks_for_confirmation_then_starts_and_freezes_the_update(client, settings):
    settings.UPDATE_MAILS_PER_SECOND = 1_000_000
    petition = PetitionFactory()
    opted_in(petition, 2)
    update = draft(petition)
    client.force_login(organiser())
    url = reverse("updates:send", kwargs={"slug": petition.slug, "pk": update.pk})
    page = client.get(url)
    assert b"will be mailed to 2 people" in page.content
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT  # GET sends nothing
    assert client.post(url).status_code == 302
    update.refresh_from_db()
    assert update.state == Update.State.SENDING
    detail = reverse("updates:detail", kwargs={"slug": petition.slug, "pk": update.pk})
    response = client.post(detail, {"subject": "Changed", "body": "Changed", "action": "save"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.subject != "Changed"
    assert client.post(url).status_code == 302  # a second send is refused with a message
    assert Update.objects.filter(state=Update.State.SENDING).count() == 1


def test_the_dashboard_shows_sent_pending_failed_and_unsubscribed(client, recipient):
    from campaign.core import outbox

    outbox.outbox_drain()
    services.recipient_unsubscribe(recipient=recipient)
    client.force_login(organiser())
    petition = recipient.update.petition
    page = client.get(reverse("updates:list", kwargs={"slug": petition.slug})).content.decode()
    assert "<td>1</td><td>0</td><td>0</td><td>1</td>" in page
    detail = client.get(reverse("updates:detail", kwargs={"slug": petition.slug, "pk": recipient.update.pk}))
    assert detail.context["counts"]["sent"] == 1 and detail.context["counts"]["unsubscribed"] == 1


def test_an_update_of_another_letter_is_not_found(client):
    update = draft(PetitionFactory())
    other = PetitionFactory()
    client.force_login(organiser())
    response = client.get(reverse("updates:detail", kwargs={"slug": other.slug, "pk": update.pk}))
    assert response.status_code == 404


def test_the_hand_in_page_starts_an_update_about_a_delivery_or_a_response(client):
    petition = PetitionFactory()
    delivery = Delivery.objects.create(
        petition=petition,
        delivered_at=timezone.now(),
        recipient="The Home Secretary <b>",
        method=Delivery.Method.IN_PERSON,
        note="With 12 partners.",
    )
    response = Response.objects.create(
        petition=petition, received_at=timezone.now(), sender="The Home Office", summary="They will consult."
    )
    client.force_login(organiser())
    pack_page = client.get(reverse("handin:packs", args=[petition.slug])).content.decode()
    assert f"{reverse('updates:create', args=[petition.slug])}?delivery={delivery.pk}" in pack_page
    form = client.get(reverse("updates:create", args=[petition.slug]), {"delivery": delivery.pk}).context["form"]
    assert form.initial["subject"] == "We handed in the letter"
    assert "The Home Secretary <b>" in form.initial["body"] and "With 12 partners." in form.initial["body"]
    html = client.get(reverse("updates:create", args=[petition.slug]), {"delivery": delivery.pk}).content.decode()
    assert "Secretary <b>" not in html  # escaped in the form
    form = client.get(reverse("updates:create", args=[petition.slug]), {"response": response.pk}).context["form"]
    assert form.initial["subject"] == "The Home Office has answered"
    assert "They will consult." in form.initial["body"]
    other = Response.objects.create(petition=PetitionFactory(), received_at=timezone.now(), sender="x", summary="y")
    for query in ({"response": other.pk}, {"delivery": "nonsense"}):
        assert client.get(reverse("updates:create", args=[petition.slug]), query).context["form"].initial == {}
