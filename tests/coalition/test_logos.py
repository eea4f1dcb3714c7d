import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign.coalition import logos
from tests.coalition.helpers import image_bytes


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_logo_is_reencoded_as_fixed_size_pngs(fmt):
    processed = logos.process_logo(upload(image_bytes(fmt)))
    for data, size in [(processed.large, 256), (processed.small, 64)]:
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert image.size == (size, size)


def test_logo_loses_its_metadata():
    source = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret GPS-ish comment"
    Image.new("RGB", (50, 50)).save(source, format="JPEG", exif=exif, comment=b"a comment")
    processed = logos.process_logo(upload(source.getvalue(), "x.jpg", "image/jpeg"))
    assert b"secret" not in processed.large
    with Image.open(io.BytesIO(processed.large)) as image:
        assert "exif" not in image.info
        assert not image.getexif()


def test_script_renamed_png_is_refused():
    with pytest.raises(ValidationError) as error:
        logos.process_logo(upload(b"#!/bin/sh\nrm -rf /\n<script>alert(1)</script>", "evil.png"))
    assert error.value.code == "not_image"


def test_svg_is_refused_even_as_png():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError) as error:
        logos.process_logo(upload(svg, "logo.svg", "image/svg+xml"))
    assert error.value.code == "not_image"


def test_oversized_file_is_refused():
    with pytest.raises(ValidationError) as error:
        logos.process_logo(upload(b"\x89PNG" + b"0" * (logos.MAX_BYTES + 10)))
    assert error.value.code == "too_big"


def test_image_with_too_many_pixels_is_refused():
    # A small file that decompresses into a huge image.
    data = image_bytes("PNG", size=(5000, 4000))
    assert len(data) < logos.MAX_BYTES
    with pytest.raises(ValidationError) as error:
        logos.process_logo(upload(data))
    assert error.value.code == "too_many_pixels"


def test_truncated_image_is_refused():
    with pytest.raises(ValidationError):
        logos.process_logo(upload(image_bytes("PNG")[:60]))


def test_unsupported_format_is_refused():
    with pytest.raises(ValidationError):
        logos.process_logo(upload(image_bytes("BMP"), "logo.bmp", "image/bmp"))
