"""The letter's link-preview picture: a 1200x630 PNG, drawn again as the count crosses
a step, which caches may keep for minutes."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from campaign.petitions import share_image
from tests.factories import PetitionFactory
from tests.petitions.test_embeds import sign_and_confirm

pytestmark = pytest.mark.django_db


def fetch(client, petition):
    response = client.get(reverse("petitions:share-image", args=[petition.slug]))
    assert response.status_code == 200
    return response


def test_the_share_image_is_a_1200_by_630_png(client):
    response = fetch(client, PetitionFactory())
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert not response.cookies
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_the_share_image_changes_when_the_count_crosses_a_step(client, django_capture_on_commit_callbacks):
    petition = PetitionFactory()
    before = fetch(client, petition).content
    assert fetch(client, petition).content == before  # the kept copy
    with django_capture_on_commit_callbacks(execute=True):
        sign_and_confirm(petition, 1)  # below a thousand, every signature is a step
    assert fetch(client, petition).content != before


def test_the_count_is_rounded_to_its_first_three_digits_above_a_thousand():
    assert share_image.shown_count(999) == (999, False)
    assert share_image.shown_count(1234) == (1230, True)
    assert share_image.shown_count(12_345) == (12_300, True)
    assert share_image.shown_count(1_234_567) == (1_230_000, True)


def test_a_long_title_is_cut_with_an_ellipsis_and_a_long_word_is_split():
    font = share_image._font(58, bold=True)
    width = share_image.WIDTH - 2 * share_image.MARGIN
    lines = share_image._title_lines("word " * 200, font, width)
    assert len(lines) == share_image.TITLE_LINES and lines[-1].endswith("…")
    assert all(font.getlength(line) <= width for line in share_image._title_lines("x" * 300, font, width))


def test_a_draft_has_no_share_image(client):
    petition = PetitionFactory(status="draft")
    assert client.get(reverse("petitions:share-image", args=[petition.slug])).status_code == 404
