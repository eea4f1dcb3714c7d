"""Logo uploads: verified with Pillow, capped, re-encoded, stored at fixed sizes.

Nothing of the uploaded file survives but its pixels: no metadata, no embedded
profile or comment, no second frame, and never SVG (which can carry script).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4000 * 4000
ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
OPEN_FORMATS = sorted(ALLOWED_FORMATS)
SIZES = {"large": 256, "small": 64}


@dataclass(frozen=True)
class ProcessedLogo:
    large: bytes
    small: bytes
    digest: str


def _square(image: Image.Image, size: int) -> bytes:
    fitted = ImageOps.contain(image, (size, size), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    canvas.paste(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    out = io.BytesIO()
    # A fresh image saved with no info: no EXIF, no text chunks, no ICC profile.
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def process_logo(upload) -> ProcessedLogo:
    """Check an uploaded file and turn it into our fixed-size PNGs, or refuse it."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("This file is too big: a logo may be at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="too_big",
        )
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("This file is too big."), code="too_big")
    not_an_image = ValidationError(
        _("This file is not an image we accept. Please upload a PNG, JPEG, GIF or WebP logo."), code="not_image"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only our formats' decoders ever see the bytes: Pillow would otherwise try
            # every plugin it has, each a parser of attacker-supplied data.
            with Image.open(io.BytesIO(data), formats=OPEN_FORMATS) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise not_an_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(
                        _("This image has too many pixels: at most 4000 by 4000, please."), code="too_many_pixels"
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=OPEN_FORMATS) as image:
                image.seek(0)
                image = ImageOps.exif_transpose(image).convert("RGBA")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("This image has too many pixels: at most 4000 by 4000, please."), code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None
    large = _square(image, SIZES["large"])
    small = _square(image, SIZES["small"])
    return ProcessedLogo(large=large, small=small, digest=hashlib.sha256(large).hexdigest()[:16])
