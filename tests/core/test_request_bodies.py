"""Oversized or over-long request bodies get a clear error page, never a 500."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from campaign.coalition import logos
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def sign_url(petition) -> str:
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


@pytest.mark.parametrize("enforce_csrf_checks", [False, True])
def test_request_body_too_large_gets_the_413_page(settings, enforce_csrf_checks):
    petition = PetitionFactory()
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    body = "name=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(sign_url(petition), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Too much to send" in response.content.decode()


def test_upload_over_the_body_cap_is_refused_before_it_reaches_the_disk(settings, monkeypatch):
    """Django's body cap leaves files out; ours counts them, as the proxy does."""
    spooled = []
    monkeypatch.setattr(
        "django.core.files.uploadhandler.TemporaryFileUploadHandler.new_file",
        lambda *args, **kwargs: spooled.append(args),
    )
    logo = SimpleUploadedFile("logo.png", b"\x89PNG" + b"x" * settings.REQUEST_BODY_MAX_BYTES, "image/png")
    response = Client().post(reverse("coalition:apply"), {"name": "Big Files", "logo": logo})
    assert response.status_code == 413
    assert "Too much to send" in response.content.decode()
    assert spooled == []


def test_request_body_cap_matches_the_proxys(settings):
    nginx = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    megabytes = settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)
    assert f"client_max_body_size {megabytes}m;" in nginx


def test_request_body_cap_is_a_megabyte_at_most(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 5


def test_request_with_too_many_fields_gets_the_400_page(settings):
    petition = PetitionFactory()
    body = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = Client().post(sign_url(petition), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_api_body_too_large_gets_json(settings):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))  # a CSRF cookie, so the middleware reads the body
    body = "x=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("api:petition-list"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_logo_in_a_format_we_do_not_take_is_never_parsed_by_its_plugin(monkeypatch):
    """Pillow asks each format's plugin whether the bytes are its own, and then parses
    them: a BMP must not reach the BMP plugin at all."""
    Image.init()
    consulted = []
    factory, accept = Image.OPEN["BMP"]

    def spy(prefix):
        consulted.append(prefix)
        return accept(prefix)

    monkeypatch.setitem(Image.OPEN, "BMP", (factory, spy))
    data = io.BytesIO()
    Image.new("RGB", (20, 20)).save(data, format="BMP")
    with pytest.raises(ValidationError) as error:
        logos.process_logo(SimpleUploadedFile("logo.png", data.getvalue(), content_type="image/png"))
    assert error.value.code == "not_image"
    assert consulted == []
