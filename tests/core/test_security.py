"""Security properties with figures: property-based tests over every public form
(1,000 examples each), formula-safe CSV, redirects that stay on the site, strict CSP
with nothing inline, and logs without names, addresses or IPs."""

from __future__ import annotations

import csv
import io
import logging
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.core.csv import FORMULA_PREFIXES
from campaign.core.models import OutboxMessage
from campaign.petitions import services
from campaign.petitions.models import Signature
from tests.accounts.helpers import enrol_totp, reauthenticate
from tests.factories import ConfirmedSignatureFactory, PetitionFactory
from tests.petitions.helpers import sign_data
from tests.petitions.test_sign_properties import field, form_data

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
FORGED = {
    "confirmed_at": "2020-01-01T00:00:00Z",
    "status": "confirmed",
    "is_staff": "on",
    "is_superuser": "on",
    "is_demo": "on",
    "petition_version": "99",
    "mails_sent": "0",
    "ip_hash": "forged",
    "id": "1",
    "petition": "999",
}


@pytest.fixture
def petition():
    return PetitionFactory()


def assert_headers_single_line(message) -> None:
    """No header carries a line break of its own. A long header is folded on output
    (a line break followed by white space, RFC 5322), which is not an injected line."""
    for name, value in message.message().items():
        unfolded = re.sub(r"\r?\n[ \t]", " ", str(value))
        assert "\r" not in unfolded and "\n" not in unfolded, f"line break in {name}"


@EXAMPLES
@given(data=form_data, forged=st.dictionaries(st.sampled_from(sorted(FORGED)), st.just("x"), max_size=4))
def test_sign_form_property_no_500_single_line_headers_and_forged_fields_ignored(
    client, petition, data, forged, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    posted = {**data, **{key: FORGED[key] for key in forged}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("petitions:sign", kwargs={"slug": petition.slug}), posted)
    assert response.status_code in (200, 302)
    for message in mail.outbox:
        assert_headers_single_line(message)
        assert len(message.to) == 1
    for signature in Signature.objects.filter(petition=petition):
        assert signature.confirmed_at is None and not signature.is_demo
        assert signature.petition_version == petition.version
        assert signature.ip_hash != "forged" and signature.mails_sent <= 4


@EXAMPLES
@given(email=st.one_of(field, st.emails()), forged=st.booleans())
def test_resend_form_property_no_500_and_single_line_headers(
    client, petition, email, forged, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    data = {"email": email, **(FORGED if forged else {})}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("petitions:resend", kwargs={"slug": petition.slug}), data)
    assert response.status_code in (200, 302)
    for message in mail.outbox:
        assert_headers_single_line(message)


@EXAMPLES
@given(token=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=200))
def test_confirm_and_withdraw_links_property_no_500_and_nothing_changes(client, petition, token):
    if not Signature.objects.filter(petition=petition).exists():
        ConfirmedSignatureFactory(petition=petition)
    before = list(Signature.objects.values_list("pk", "confirmed_at", "withdrawn_at"))
    for name in ("petitions:confirm", "petitions:withdraw"):
        try:
            url = reverse(name, kwargs={"slug": petition.slug, "token": token})
        except Exception:  # noqa: S112 - the URL pattern refuses it: no request possible
            continue
        assert client.post(url).status_code in (400, 404)
    assert list(Signature.objects.values_list("pk", "confirmed_at", "withdrawn_at")) == before


cell_text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=60)


@pytest.fixture
def exporter(admin_client, admin_user, settings):
    """An organiser with the export permission, who has set up two-factor login and
    given the password again, as an export asks (valid for the whole property run)."""
    enrol_totp(admin_user)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 3600
    reauthenticate(admin_client, "password")
    return admin_client


@EXAMPLES
@given(rows=st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=3))
def test_export_property_every_cell_is_formula_safe(exporter, petition, rows):
    Signature.objects.filter(petition=petition).delete()
    for n, (name, city, affiliation) in enumerate(rows):
        ConfirmedSignatureFactory(
            petition=petition,
            name=name[:100],
            city=city[:100],
            affiliation=affiliation[:150],
            email=f"cell{n}@example.org",
            email_normalised=f"cell{n}@example.org",
        )
    response = exporter.get(reverse("admin:petitions_petition_export", args=[petition.pk]))
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(table) == len(rows) + 1
    for row in table:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), cell


# --- Redirects -----------------------------------------------------------------------------

TRICKY_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "\\/evil.example/",
    "/\t/evil.example/",
    " //evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "/%2F%2Fevil.example/",
    "%2F%2Fevil.example",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "http://testserver.evil.example/",
    "http://[::1]:80@evil.example/",
    "//evil%E3%80%82example/",
    "/\u3002evil.example",
    "http://evil.example%23@testserver/",
    "\x00//evil.example",
]


def stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver") and "\\" not in location


@pytest.mark.parametrize("target", TRICKY_NEXT)
def test_login_next_never_leaves_the_site(client, django_user_model, target):
    django_user_model.objects.create_user(email="staff@example.org", password="a-long-test-password", is_staff=True)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=django_user_model.objects.get(), email="staff@example.org", verified=True, primary=True
    )
    response = client.post(
        "/accounts/login/", {"login": "staff@example.org", "password": "a-long-test-password", "next": target}
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", TRICKY_NEXT)
def test_admin_login_next_never_leaves_the_site(client, django_user_model, target):
    django_user_model.objects.create_superuser(email="admin@example.org", password="a-long-test-password")
    response = client.post(
        f"/admin/login/?next={target}",
        {"username": "admin@example.org", "password": "a-long-test-password", "next": target},
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


# --- CSP and inline code ---------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def public_pages(petition, signature) -> list[str]:
    return [
        "/",
        "/privacy/",
        "/letters/",
        f"/letters/{petition.slug}/",
        f"/letters/{petition.slug}/check-your-inbox/",
        f"/letters/{petition.slug}/resend/",
        f"/letters/{petition.slug}/confirm/{services.confirm_token(signature)}/",
        f"/letters/{petition.slug}/withdraw/{services.withdraw_token(signature)}/",
        f"/letters/{petition.slug}/confirm/tampered/",
        f"/letters/{petition.slug}/embed/",
        f"/letters/{petition.slug}/embed/check-your-inbox/",
        f"/share/mastodon/?letter={petition.slug}",
        f"/share/mastodon/?letter={petition.slug}&instance=not+a+host",
        "/accounts/login/",
        "/no-such-page/",
    ]


def test_every_public_page_has_strict_csp_and_nothing_inline(client, petition):
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Csp", email="csp@example.org", country="GB")
    )
    for path in public_pages(petition, signature):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), path
        policy = response["Content-Security-Policy"]
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'"):
            assert directive in policy, (path, directive)
        # Only a letter's embed may be framed, by the sites EMBED_FRAME_ANCESTORS names.
        framing = "frame-ancestors *" if "/embed/" in path else "frame-ancestors 'none'"
        assert "base-uri 'none'" in policy and framing in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), path
        assert not INLINE_STYLE.search(html), (path, INLINE_STYLE.search(html))


# --- Logs ------------------------------------------------------------------------------------


def test_logs_never_carry_names_addresses_or_ips(
    client, petition, caplog, settings, django_capture_on_commit_callbacks, smtp
):
    caplog.set_level(logging.DEBUG)
    settings.SIGN_RATE_PER_ADDRESS_PER_HOUR = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    secret_name, address, ip = "Ysolde Quarrington", "ysolde.q@example.org", "203.0.113.77"
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    smtp.reply = "550 5.1.1 <ysolde.q@example.org> unknown"
    for _ in range(3):  # signs, reminds, then meets the rate limit
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, sign_data(name=secret_name, email=address), REMOTE_ADDR=ip)
    smtp.reply = "451 4.3.0 <ysolde.q@example.org> later"
    signature = Signature.objects.get(email=address)
    message = OutboxMessage.objects.create(kind=services.MAIL_CONFIRM, object_id=signature.pk)
    with pytest.raises(Exception):  # noqa: B017 - deferred, retried by Celery
        from campaign.core.tasks import outbox_send_task

        outbox_send_task.apply(args=[message.pk], throw=True)
    client.post(reverse("petitions:resend", kwargs={"slug": petition.slug}), {"email": address}, REMOTE_ADDR=ip)
    # aiosmtpd's "mail.log" is the test's own SMTP sink talking, not the site.
    records = [record for record in caplog.records if not record.name.startswith("mail.log")]
    assert any(record.name.startswith("campaign") for record in records), "nothing logged: this proves nothing"
    for record in records:
        text = record.getMessage() + " " + str(record.args)
        for secret in (secret_name, "Ysolde", address, "ysolde", ip):
            assert secret not in text, (record.name, text)
