"""The hand-in: delivery packs read back from their PDF, who may have them, how long
they are kept, and the letter's public timeline of deliveries and responses."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from campaign.accounts.roles import EDITOR
from campaign.articles.models import DemandCitation
from campaign.coalition import logos
from campaign.petitions import services
from campaign.petitions.models import Delivery, DeliveryPack, Petition, Response, Signature
from tests.accounts.helpers import reauthenticate
from tests.articles.factories import DocumentFactory
from tests.coalition.factories import EndorsementFactory, OrganisationFactory
from tests.coalition.helpers import image_bytes, make_user, organiser
from tests.factories import ConfirmedSignatureFactory, PetitionFactory, SignatureFactory
from tests.petitions.test_admin import admin_change

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"
LISTED = {
    "Fernández": "ES",
    "Zoë": "FR",
    "Łukasz": "PL",
    "Ψυχή": "GR",
    "Фёдор": "UA",
    "שרה": "IL",
}
PRIVATE_NAME = "Quietly Unlisted"
PENDING_NAME = "Not Yet Confirmed"
CITY = "Secretville"


class Upload(io.BytesIO):
    size = None


@pytest.fixture
def letter() -> Petition:
    """A letter with two demands, evidence for one, an endorsing organisation with a
    logo, six listed signers in six scripts, one unlisted and one pending."""
    petition = PetitionFactory(demands=["Ban live facial recognition in public spaces", "Stop <b>GPS tags</b> & scans"])
    document = DocumentFactory(title="Cameras on the high street, a field study")
    DemandCitation.objects.create(demand=petition.demands.first(), document=document)
    processed = logos.process_logo(Upload(image_bytes()))
    organisation = OrganisationFactory(
        name="Privacy Ωmega Liberties", logo_large=processed.large, logo_small=processed.small, logo_hash="abc"
    )
    EndorsementFactory(organisation=organisation, petition=petition)
    EndorsementFactory(
        petition=petition,
        organisation=OrganisationFactory(name="Withdrawn Org"),
        endorsed_at=timezone.now() - timedelta(days=2),
        withdrawn_at=timezone.now() - timedelta(days=1),
    )
    for name, country in LISTED.items():
        ConfirmedSignatureFactory(
            petition=petition, name=name, country=country, city=CITY, email=f"{country}@mail.example"
        )
    ConfirmedSignatureFactory(petition=petition, name=PRIVATE_NAME, country="ES", is_public=False)
    SignatureFactory(petition=petition, name=PENDING_NAME, is_public=True)
    return petition


def build(petition: Petition, *, include_signers: bool, by=None, capture=None) -> DeliveryPack:
    """Ask for a pack as the organisers' page does: the task runs after commit (eagerly
    in the tests, through Celery's real delay)."""
    by = by or organiser()
    with capture(execute=True):
        pack = services.pack_request(petition=petition, by=by, include_signers=include_signers)
    pack.refresh_from_db()
    return pack


def read_back(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


# --- The PDF ---------------------------------------------------------------------------


def test_pack_pdf_holds_the_letter_its_evidence_the_organisations_and_the_count(
    letter, django_capture_on_commit_callbacks
):
    pack = build(letter, include_signers=False, capture=django_capture_on_commit_callbacks)
    assert pack.state == DeliveryPack.State.READY
    pages, text = read_back(bytes(pack.pdf))
    assert pages == pack.page_count >= 3
    flat = " ".join(text.split())
    assert letter.title in flat  # hostile markup printed as text, not read as ReportLab's
    assert "The Home Secretary & <i>Parliament</i>" in flat
    assert "Ban live facial recognition in public spaces" in flat
    assert "Stop <b>GPS tags</b> & scans" in flat
    assert "Cameras on the high street, a field study" in flat
    assert "Privacy Ωmega Liberties" in flat
    assert "Withdrawn Org" not in flat
    for country in ("Spain", "France", "Poland", "Greece", "Ukraine", "Israel"):
        assert country in flat
    assert "7 confirmed signatures" in flat
    assert timezone.localdate().strftime("%Y") in flat
    assert pack.signature_count == 7
    assert pack.organisation_count == 1
    for name in LISTED:
        assert name not in flat
    assert PRIVATE_NAME not in flat


def test_pack_embeds_the_endorsing_organisations_logo(letter, django_capture_on_commit_callbacks):
    pack = build(letter, include_signers=False, capture=django_capture_on_commit_callbacks)
    reader = PdfReader(io.BytesIO(bytes(pack.pdf)))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    assert images[0].image.size[0] > 0


def test_pack_with_names_lists_only_the_signers_who_chose_to_be_shown(letter, django_capture_on_commit_callbacks):
    pack = build(letter, include_signers=True, capture=django_capture_on_commit_callbacks)
    _pages, text = read_back(bytes(pack.pdf))
    for name in LISTED:
        assert name in text, name
    assert PRIVATE_NAME not in text
    assert PENDING_NAME not in text
    assert CITY not in text
    assert "@" not in text  # no address, not even the letter's hostile defaults hold one
    assert pack.signer_count == len(LISTED)


def test_pack_of_a_letter_without_signatures_or_endorsements_still_reads(django_capture_on_commit_callbacks):
    petition = PetitionFactory(title="Quiet letter")
    pack = build(petition, include_signers=True, capture=django_capture_on_commit_callbacks)
    pages, text = read_back(bytes(pack.pdf))
    assert pages >= 1
    assert "Quiet letter" in text
    assert "0 confirmed signatures" in text


def test_long_list_of_names_flows_over_pages(django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    ConfirmedSignatureFactory.create_batch(600, petition=petition)
    pack = build(petition, include_signers=True, capture=django_capture_on_commit_callbacks)
    pages, text = read_back(bytes(pack.pdf))
    assert pages >= 4
    assert pack.signer_count == 600
    last = Signature.objects.filter(petition=petition).order_by("confirmed_at", "pk").last()
    assert last.name.rsplit(" ", 1)[-1] in text.rsplit("Page", 1)[-1]  # the last name, on the last page


# --- The CSV beside it -----------------------------------------------------------------


def test_pack_csv_has_a_row_per_counted_signature_and_names_only_of_listed_signers(
    letter, django_capture_on_commit_callbacks
):
    pack = build(letter, include_signers=True, capture=django_capture_on_commit_callbacks)
    rows = csv_rows(bytes(pack.csv))
    assert rows[0] == ["name (only of those who chose to be shown)", "country", "confirmed on"]
    assert len(rows) - 1 == 7
    assert {row[0] for row in rows[1:]} == {*LISTED, ""}
    assert {row[1] for row in rows[1:]} >= {"Spain", "Israel"}
    assert rows[1][2] == timezone.localdate().isoformat()
    text = bytes(pack.csv).decode()
    assert PRIVATE_NAME not in text and CITY not in text and "@" not in text


def test_pack_csv_without_names_keeps_countries_and_days_only(letter, django_capture_on_commit_callbacks):
    pack = build(letter, include_signers=False, capture=django_capture_on_commit_callbacks)
    rows = csv_rows(bytes(pack.csv))
    assert len(rows) == 8
    assert all(row[0] == "" for row in rows[1:])


def test_pack_csv_cells_cannot_run_as_formulas(django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    ConfirmedSignatureFactory(petition=petition, name='=HYPERLINK("http://evil")')
    pack = build(petition, include_signers=True, capture=django_capture_on_commit_callbacks)
    assert csv_rows(bytes(pack.csv))[1][0] == '\'=HYPERLINK("http://evil")'


# --- Keeping it no longer than the names -----------------------------------------------


def test_a_listed_signer_withdrawing_deletes_the_packs_that_name_them(letter, django_capture_on_commit_callbacks):
    by = organiser()
    named = build(letter, include_signers=True, by=by, capture=django_capture_on_commit_callbacks)
    counts = build(letter, include_signers=False, by=by, capture=django_capture_on_commit_callbacks)
    services.signature_withdraw(signature=letter.signatures.get(name="Zoë"))
    named.refresh_from_db()
    counts.refresh_from_db()
    assert named.state == DeliveryPack.State.EXPIRED
    assert named.pdf is None and named.csv is None
    assert counts.state == DeliveryPack.State.READY


def test_an_unlisted_signer_withdrawing_keeps_the_packs(letter, django_capture_on_commit_callbacks):
    named = build(letter, include_signers=True, capture=django_capture_on_commit_callbacks)
    services.signature_withdraw(signature=letter.signatures.get(name=PRIVATE_NAME))
    named.refresh_from_db()
    assert named.state == DeliveryPack.State.READY


def test_erasing_a_listed_signer_deletes_the_packs_that_name_them(letter, django_capture_on_commit_callbacks):
    named = build(letter, include_signers=True, capture=django_capture_on_commit_callbacks)
    services.signature_erase(signature=letter.signatures.get(name="Фёдор"))
    named.refresh_from_db()
    assert named.state == DeliveryPack.State.EXPIRED


def test_packs_with_names_go_when_the_signers_details_are_anonymised(letter, django_capture_on_commit_callbacks):
    named = build(letter, include_signers=True, capture=django_capture_on_commit_callbacks)
    Petition.objects.filter(pk=letter.pk).update(
        status=Petition.Status.CLOSED, closed_at=timezone.now() - timedelta(days=400)
    )
    services.signatures_anonymise()
    named.refresh_from_db()
    assert named.state == DeliveryPack.State.EXPIRED


def test_a_signer_withdrawing_while_the_pack_is_drawn_is_not_kept(letter):
    pack = services.pack_request(petition=letter, by=organiser(), include_signers=True)
    services.signature_withdraw(signature=letter.signatures.get(name="Zoë"))
    assert services.pack_build(pack_id=pack.pk) is False
    pack.refresh_from_db()
    assert pack.state == DeliveryPack.State.EXPIRED and pack.pdf is None


def test_a_built_pack_is_not_built_again(letter, django_capture_on_commit_callbacks):
    pack = build(letter, include_signers=False, capture=django_capture_on_commit_callbacks)
    assert services.pack_build(pack_id=pack.pk) is False


# --- The organisers' page --------------------------------------------------------------


def packs_url(petition) -> str:
    return reverse("handin:packs", kwargs={"slug": petition.slug})


def test_organiser_requests_a_pack_and_downloads_it(client, letter, django_capture_on_commit_callbacks):
    boss = organiser()
    client.force_login(boss)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(packs_url(letter), {"include_signers": "on"})
    assert response.status_code == 302
    pack = DeliveryPack.objects.get()
    assert pack.requested_by == boss and pack.state == DeliveryPack.State.READY
    page = client.get(packs_url(letter))
    assert page.status_code == 200
    assert b"&lt;b&gt;face&lt;/b&gt;" in page.content  # the hostile title, escaped
    pdf_url = reverse("handin:pdf", kwargs={"slug": letter.slug, "pk": pack.pk})
    assert pdf_url.encode() in page.content
    # A list of names asks for the password again first, as the signature export does.
    assert client.get(pdf_url).status_code == 302
    reauthenticate(client, PASSWORD)
    download = client.get(pdf_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Disposition"].startswith(f'attachment; filename="{letter.slug}-delivery-')
    assert "Łukasz" in read_back(download.content)[1]
    csv_download = client.get(reverse("handin:csv", kwargs={"slug": letter.slug, "pk": pack.pk}) + "?for=excel")
    assert csv_download.content.startswith("\ufeff".encode())
    assert csv_download["Content-Type"] == "text/csv; charset=utf-8"


def test_a_pack_without_names_downloads_without_asking_again(client, letter, django_capture_on_commit_callbacks):
    boss = organiser()
    pack = build(letter, include_signers=False, by=boss, capture=django_capture_on_commit_callbacks)
    client.force_login(boss)
    response = client.get(reverse("handin:pdf", kwargs={"slug": letter.slug, "pk": pack.pk}))
    assert response.status_code == 200


def test_a_pack_being_prepared_is_not_downloadable_and_the_page_reloads(client, letter):
    boss = organiser()
    pack = services.pack_request(petition=letter, by=boss, include_signers=False)
    client.force_login(boss)
    page = client.get(packs_url(letter))
    assert b'http-equiv="refresh"' in page.content
    assert client.get(reverse("handin:pdf", kwargs={"slug": letter.slug, "pk": pack.pk})).status_code == 404


def test_a_pack_of_another_letter_is_not_found(client, letter, django_capture_on_commit_callbacks):
    boss = organiser()
    pack = build(letter, include_signers=False, by=boss, capture=django_capture_on_commit_callbacks)
    other = PetitionFactory()
    client.force_login(boss)
    assert client.get(reverse("handin:pdf", kwargs={"slug": other.slug, "pk": pack.pk})).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, letter, django_capture_on_commit_callbacks):
    pack = build(letter, include_signers=False, capture=django_capture_on_commit_callbacks)
    for url in (
        packs_url(letter),
        reverse("handin:pdf", kwargs={"slug": letter.slug, "pk": pack.pk}),
        reverse("handin:csv", kwargs={"slug": letter.slug, "pk": pack.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert client.post(packs_url(letter), {}).status_code == 302
    assert DeliveryPack.objects.count() == 1


@pytest.mark.parametrize("role", [None, EDITOR])
def test_accounts_without_the_organisers_permission_are_refused(
    client, letter, role, django_capture_on_commit_callbacks
):
    pack = build(letter, include_signers=False, capture=django_capture_on_commit_callbacks)
    client.force_login(make_user("someone@example.org", role=role, totp=True))
    assert client.get(packs_url(letter)).status_code == 403
    assert client.post(packs_url(letter), {"include_signers": "on"}).status_code == 403
    assert client.get(reverse("handin:pdf", kwargs={"slug": letter.slug, "pk": pack.pk})).status_code == 403
    assert client.get(reverse("handin:csv", kwargs={"slug": letter.slug, "pk": pack.pk})).status_code == 403
    assert DeliveryPack.objects.count() == 1


def test_an_organiser_without_two_factor_is_sent_to_set_it_up(client, letter):
    client.force_login(make_user("new@example.org", role="organiser", is_staff=True))
    response = client.get(packs_url(letter))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_asking_for_a_pack_takes_a_post(client, letter):
    client.force_login(organiser())
    client.get(packs_url(letter), {"include_signers": "on"})
    assert not DeliveryPack.objects.exists()
    assert client.put(packs_url(letter)).status_code == 405


# --- Delivery, responses and the public timeline ---------------------------------------


def timeline_post(petition, *, deliveries=(), responses=()) -> dict:
    data = {"deliveries-TOTAL_FORMS": len(deliveries), "responses-TOTAL_FORMS": len(responses)}
    for number, delivery in enumerate(deliveries):
        data.update({f"deliveries-{number}-{key}": value for key, value in delivery.items()})
        data[f"deliveries-{number}-petition"] = petition.pk
    for number, answer in enumerate(responses):
        data.update({f"responses-{number}-{key}": value for key, value in answer.items()})
        data[f"responses-{number}-petition"] = petition.pk
    return data


HOSTILE_NOTE = '<script>alert("note")</script> & <img src=x onerror=alert(1)>'


def test_deliveries_and_responses_show_on_the_letter_page_escaped(client):
    petition = PetitionFactory()
    page_url = petition.get_absolute_url()
    assert b"handin-heading" not in Client().get(page_url).content  # nothing yet, and now cached
    admin_change(
        client,
        petition,
        **timeline_post(
            petition,
            deliveries=[
                {
                    "delivered_at_0": "2026-03-02",
                    "delivered_at_1": "11:00:00",
                    "recipient": 'The Minister <b>"of"</b> the Interior',
                    "method": Delivery.Method.IN_PERSON,
                    "note": HOSTILE_NOTE,
                }
            ],
            responses=[
                {
                    "received_at_0": "2026-04-10",
                    "received_at_1": "09:30:00",
                    "sender": "Ministry <script>x</script>",
                    "summary": "They will <em>consider</em> it.\nA second line.",
                    "document_url": "https://gov.example/answer?a=1&b=2",
                }
            ],
        ),
    )
    assert Delivery.objects.count() == 1 and Response.objects.count() == 1
    html = Client().get(page_url).content.decode()
    assert 'id="handin-heading"' in html  # the cached copy was retired at once
    assert "<script>alert(&quot;note&quot;)</script>" not in html
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in html
    assert "The Minister &lt;b&gt;&quot;of&quot;&lt;/b&gt; the Interior, in person" in html
    assert "Ministry &lt;script&gt;x&lt;/script&gt;" in html
    assert "They will &lt;em&gt;consider&lt;/em&gt; it.<br>A second line." in html
    assert 'href="https://gov.example/answer?a=1&amp;b=2" rel="nofollow noopener noreferrer"' in html
    assert html.index("2 March 2026") < html.index("10 April 2026")


def test_a_response_document_must_be_an_https_address(client):
    petition = PetitionFactory()
    with pytest.raises(AssertionError):
        admin_change(
            client,
            petition,
            **timeline_post(
                petition,
                responses=[
                    {
                        "received_at_0": "2026-04-10",
                        "received_at_1": "09:30:00",
                        "sender": "Ministry",
                        "summary": "No.",
                        "document_url": "javascript:alert(1)//http://x",
                    }
                ],
            ),
        )
    assert not Response.objects.exists()


def test_the_organisers_page_lists_the_timeline(client, letter):
    Delivery.objects.create(
        petition=letter, delivered_at=timezone.now(), recipient="Home <b>Office</b>", method=Delivery.Method.POST
    )
    client.force_login(organiser())
    page = client.get(packs_url(letter))
    assert b"Delivered to Home &lt;b&gt;Office&lt;/b&gt;, by post" in page.content


# --- Right-to-left names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "drawn"),
    [
        ("Fernández", "Fernández"),
        ("שרה", "הרש"),
        ("שרה כהן", "ןהכ הרש"),
        ("Dr שרה (כהן) Levi", "Dr (ןהכ) הרש Levi"),
        ("דוד 123 לוי", "יול 123 דוד"),
        ("سارة", "ةراس"),
    ],
)
def test_right_to_left_runs_are_put_in_visual_order(typed, drawn):
    from campaign.petitions.pack import visual_order

    assert visual_order(typed) == drawn


def test_an_organiser_hiding_a_listed_name_deletes_the_packs_that_name_them(
    client, letter, django_capture_on_commit_callbacks
):
    named = build(letter, include_signers=True, capture=django_capture_on_commit_callbacks)
    signature = letter.signatures.get(name="Łukasz")
    client.force_login(organiser("hider@example.org"))
    response = client.post(
        reverse("admin:petitions_signature_change", args=[signature.pk]),
        {"name": signature.name, "country": signature.country, "city": "", "affiliation": ""},
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    named.refresh_from_db()
    assert signature.is_public is False
    assert named.state == DeliveryPack.State.EXPIRED


def test_a_pack_the_broker_refuses_says_it_failed(letter, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from campaign.petitions import tasks

    def broker_away(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.pack_build_task, "delay", broker_away)
    pack = build(letter, include_signers=False, capture=django_capture_on_commit_callbacks)
    assert pack.state == DeliveryPack.State.FAILED
    assert pack.pdf is None
