"""The picture a shared letter link shows (Open Graph / Twitter card): 1200x630 PNG,
the letter's title, its count and the campaign's name in the site's colours, drawn
with the DejaVu fonts the delivery pack vendors, so every script the pack prints shows.

Drawing takes tens of milliseconds, so the image is kept in Django's cache under a key
that holds the count rounded down to a step: a crowd of link previews costs one drawing
per step, and the picture moves on as the count crosses the next one."""

from __future__ import annotations

import hashlib
import io

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.utils.translation import get_language, gettext, npgettext
from PIL import Image, ImageDraw, ImageFont

from campaign.petitions.models import Petition
from campaign.petitions.pack import FONT_DIR

WIDTH, HEIGHT = 1200, 630
# The site's colours (static/css/site.css: --brand, --accent, --paper).
BRAND = (0x3B, 0x1D, 0x5E)
ACCENT = (0xF5, 0xC5, 0x42)
PAPER = (0xFF, 0xFF, 0xFF)
MARGIN = 72
CACHE_SECONDS = 24 * 60 * 60
TITLE_LINES = 4


def count_step(count: int) -> int:
    """How far the count may move before the picture is drawn again: every signature
    below a thousand, then between one and ten per cent (the first three digits)."""
    return 10 ** max(0, len(str(count)) - 3)


def shown_count(count: int) -> tuple[int, bool]:
    """The figure the picture prints, and whether it is rounded down ("1,200+")."""
    step = count_step(count)
    return count - count % step, step > 1


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _title_lines(title: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """The title wrapped to `width` pixels, word by word (a word wider than the line is
    cut), at most TITLE_LINES lines, the last one ending in an ellipsis if text is left."""
    lines: list[str] = []
    line = ""
    for word in title.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:
            cut = len(word) - 1
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) > TITLE_LINES:
        last = lines[TITLE_LINES - 1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: TITLE_LINES - 1], last.rstrip() + "…"]
    return lines


def draw(*, title: str, count: int, campaign_name: str) -> bytes:
    figure, rounded = shown_count(count)
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=ACCENT)
    pen.text((MARGIN, 56), campaign_name, font=_font(34, bold=True), fill=ACCENT)
    title_font = _font(58, bold=True)
    y = 140
    for line in _title_lines(title, title_font, WIDTH - 2 * MARGIN):
        pen.text((MARGIN, y), line, font=title_font, fill=PAPER)
        y += 72
    number = intcomma(figure) + ("+" if rounded else "")
    count_font = _font(64, bold=True)
    pen.text((MARGIN, HEIGHT - 150), number, font=count_font, fill=ACCENT)
    label = npgettext("after a number", "signature", "signatures", figure)
    pen.text((MARGIN + count_font.getlength(number) + 20, HEIGHT - 132), label, font=_font(40), fill=PAPER)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def share_image(petition: Petition, count: int) -> bytes:
    """The letter's picture for `count`, drawn once per count step, title and language."""
    figure, _rounded = shown_count(count)
    title_hash = hashlib.sha256(petition.title.encode()).hexdigest()[:12]
    key = f"petitions:share-image:{petition.pk}:{title_hash}:{get_language()}:{figure}"
    png = cache.get(key)
    if png is None:
        png = draw(title=petition.title, count=count, campaign_name=gettext("Ban Biometric Surveillance"))
        cache.set(key, png, CACHE_SECONDS)
    return png
