"""The delivery pack: a letter as a PDF to hand over, and the CSV beside it.

ReportLab draws the PDF with DejaVu Sans, vendored in fonts/, so Greek, Cyrillic,
Hebrew and accented names print on any host. Every piece of text that an organiser,
an organisation or a signer typed is escaped before ReportLab's paragraph markup sees
it. ReportLab lays glyphs out left to right only, so a right-to-left run (a Hebrew or
Arabic name) is put in visual order first (`visual_order`); Arabic letters are not
joined, which would need a shaping engine.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from campaign.articles.citations import citation_plain
from campaign.articles.selectors import letter_evidence
from campaign.coalition.models import Endorsement, Organisation
from campaign.core.csv import csv_chunks
from campaign.core.text import render_markdown
from campaign.petitions.models import Petition, Signature

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
LOGO_SIZE = 12 * mm
# Signers are listed in batches of one paragraph each: one flowable per name made a
# list of 10,000 names take ReportLab several times as long.
NAMES_PER_PARAGRAPH = 40


RTL_CLASSES = {"R", "AL"}
KEEP_ORDER_CLASSES = {"EN", "AN"}  # digits read left to right inside a right-to-left run
MIRRORED = str.maketrans("()[]{}<>", ")(][}{><")
BRACKETS = {")": "(", "]": "[", "}": "{", ">": "<"}


def visual_order(text: str) -> str:
    """`text` as ReportLab must draw it in a left-to-right document: each run of
    right-to-left letters (with the spaces and marks between them) reversed, its digits
    kept in their order and its brackets mirrored. Enough for names and titles; a
    paragraph of right-to-left prose would need the full Unicode bidi algorithm."""
    classes = [unicodedata.bidirectional(char) for char in text]
    if not RTL_CLASSES.intersection(classes):
        return text
    out: list[str] = []
    position = 0
    while position < len(text):
        if classes[position] not in RTL_CLASSES:
            out.append(text[position])
            position += 1
            continue
        end = position
        last_rtl = position
        while end < len(text) and classes[end] != "L":
            if classes[end] in RTL_CLASSES:
                last_rtl = end
            end += 1
        # A closing bracket after the run belongs to it if its opening one is inside.
        for after in range(last_rtl + 1, end):
            closer = text[after]
            opener = BRACKETS.get(closer)
            if opener and text.count(opener, position, after) > text.count(closer, position, after):
                last_rtl = after
        run = text[position : last_rtl + 1]
        out.append(_reverse_run(run, classes[position : last_rtl + 1]))
        position = last_rtl + 1
    return "".join(out)


def _reverse_run(run: str, classes: list[str]) -> str:
    pieces: list[str] = []
    for char, bidi_class in zip(run, classes, strict=True):
        if bidi_class in KEEP_ORDER_CLASSES and pieces and pieces[-1][-1:].isdigit():
            pieces[-1] += char
        else:
            pieces.append(char)
    return "".join(reversed(pieces)).translate(MIRRORED)


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, FONT_DIR / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


# --- What the pack says ----------------------------------------------------------------


@dataclass(frozen=True)
class PackOrganisation:
    name: str
    country: str
    tier: str
    logo: bytes | None


@dataclass
class PackContent:
    title: str
    addressee: str
    summary: str
    body_html: str
    version: int
    demands: list[tuple[str, list[int]]]
    footnotes: list[tuple[int, str]]
    organisations: list[PackOrganisation]
    country_counts: list[tuple[str, int]]
    total: int
    signers: list[tuple[str, str]] | None
    generated_at: datetime
    site_url: str = field(default_factory=lambda: settings.SITE_URL)


def pack_content(petition: Petition, *, include_signers: bool) -> PackContent:
    """Everything the pack shows, read from the database now: counted signatures (not
    the cached counters), active endorsements by members, the published evidence."""
    evidence = letter_evidence(petition.demands.all())
    counted = Signature.objects.counted().filter(petition=petition)
    by_country = list(counted.values("country").annotate(n=Count("pk")).order_by("-n", "country"))
    country_counts = [(str(countries.name(row["country"])) or _("Not given"), row["n"]) for row in by_country]
    endorsements = (
        Endorsement.objects.active()
        .public()
        .filter(petition=petition)
        .select_related("organisation")
        .order_by("endorsed_at", "organisation__name")
    )
    tiers = dict(Organisation.Tier.choices)
    rank = {tier: position for position, tier in enumerate(tiers)}
    organisations = [
        PackOrganisation(
            name=endorsement.organisation.name,
            country=str(endorsement.organisation.country.name),
            tier=str(tiers.get(endorsement.organisation.tier, "")),
            logo=bytes(endorsement.organisation.logo_small) if endorsement.organisation.logo_small else None,
        )
        for endorsement in sorted(
            endorsements,
            key=lambda row: (rank.get(row.organisation.tier, len(rank)), row.organisation.name.lower()),
        )
    ]
    signers = None
    if include_signers:
        signers = [
            (name, str(countries.name(country)) if country else "")
            for name, country in counted.filter(is_public=True)
            .order_by("confirmed_at", "pk")
            .values_list("name", "country")
            .iterator(chunk_size=5000)
        ]
    return PackContent(
        title=petition.title,
        addressee=petition.addressee,
        summary=petition.summary,
        body_html=str(render_markdown(petition.body)),
        version=petition.version,
        demands=[(item.demand.text, [note.number for note in item.notes]) for item in evidence.demands],
        footnotes=[(note.number, citation_plain(note.document)) for note in evidence.footnotes],
        organisations=organisations,
        country_counts=country_counts,
        total=sum(row["n"] for row in by_country),
        signers=signers,
        generated_at=timezone.now(),
    )


# --- The CSV beside it -----------------------------------------------------------------

CSV_COLUMNS = [
    ("name", gettext_lazy("name (only of those who chose to be shown)")),
    ("country", gettext_lazy("country")),
    ("confirmed", gettext_lazy("confirmed on")),
]


def pack_csv(petition: Petition, *, include_signers: bool) -> bytes:
    """One row per counted signature, so whoever receives it can count them: its country
    and the day it was confirmed, and the signer's name only if they chose to be shown
    and the organiser chose to list them. Never an address, a city or an affiliation.
    The same formula-safe writer as the organisers' export."""
    rows = (
        Signature.objects.counted()
        .filter(petition=petition)
        .order_by("confirmed_at", "pk")
        .values_list("name", "is_public", "country", "confirmed_at")
        .iterator(chunk_size=5000)
    )
    lines = (
        (
            name if include_signers and is_public else "",
            str(countries.name(country)) if country else "",
            timezone.localtime(confirmed_at).date().isoformat(),
        )
        for name, is_public, country, confirmed_at in rows
    )
    header = [str(label) for _name, label in CSV_COLUMNS]
    return "".join(csv_chunks(header, lines)).encode()


# --- The PDF ---------------------------------------------------------------------------


class _BlocksFromHtml(HTMLParser):
    """The letter's body, rendered from Markdown and cleaned, as paragraphs of
    ReportLab's markup: the text escaped anew, only bold and italics kept."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
    INLINE = {"strong": "b", "b": "b", "em": "i", "i": "i"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._parts: list[str] = []
        self._tag = "p"
        self._lists: list[list] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._flush()
            self._lists.append([tag, 0])
        elif tag in self.BLOCKS:
            self._flush()
            self._tag = tag
            if tag == "li" and self._lists:
                self._lists[-1][1] += 1
                kind, number = self._lists[-1]
                self._parts.append(f"{number}. " if kind == "ol" else "• ")
        elif tag in self.INLINE:
            self._parts.append(f"<{self.INLINE[tag]}>")
        elif tag == "br":
            self._parts.append("<br/>")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in self.BLOCKS:
            self._flush()
        elif tag in self.INLINE:
            self._parts.append(f"</{self.INLINE[tag]}>")

    def handle_data(self, data):
        self._parts.append(escape(visual_order(data)))

    def _flush(self) -> None:
        text = "".join(self._parts).strip()
        if text.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace("</i>", "").strip():
            self.blocks.append((self._tag, text))
        self._parts = []
        self._tag = "p"

    def close(self):
        super().close()
        self._flush()


def _body_blocks(html: str) -> list[tuple[str, str]]:
    parser = _BlocksFromHtml()
    parser.feed(html)
    parser.close()
    return parser.blocks


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=14.5, alignment=TA_LEFT, spaceAfter=6)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, spaceBefore=10),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=6),
        "lede": ParagraphStyle("lede", parent=base, fontSize=12, leading=16.5),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, leading=13, textColor=colors.HexColor("#444444")),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11.5),
        # One paragraph holds NAMES_PER_PARAGRAPH signers: no gap between them.
        "names": ParagraphStyle("names", parent=base, fontSize=8.5, leading=11.5, spaceAfter=0),
        "quote": ParagraphStyle("quote", parent=base, leftIndent=8 * mm),
        "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT, spaceAfter=0),
        "number_head": ParagraphStyle("number_head", parent=base, fontName=FONT_BOLD, alignment=TA_RIGHT, spaceAfter=0),
    }


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of text someone typed: escaped, line breaks kept."""
    lines = [escape(visual_order(line)) for line in text.split("\n")]
    return Paragraph("<br/>".join(lines), style)


def _date(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def pack_pdf(content: PackContent, *, language: str = "en") -> tuple[bytes, int]:
    """The PDF and its number of pages, with its labels in the letter's language."""
    _register_fonts()
    with translation.override(language):
        return _pack_pdf(content)


def _pack_pdf(content: PackContent) -> tuple[bytes, int]:
    styles = _styles()
    story: list = [
        _paragraph(content.title, styles["title"]),
        _paragraph(_("To: %(addressee)s") % {"addressee": content.addressee}, styles["lede"]),
        _paragraph(
            _("Handed in on behalf of %(signatures)s and %(organisations)s, as counted on %(date)s.")
            % {
                "signatures": ngettext("%(n)s signatory", "%(n)s signatories", content.total)
                % {"n": formats.number_format(content.total, force_grouping=True)},
                "organisations": ngettext(
                    "%(n)s endorsing organisation", "%(n)s endorsing organisations", len(content.organisations)
                )
                % {"n": len(content.organisations)},
                "date": _date(content.generated_at),
            },
            styles["meta"],
        ),
        _paragraph(content.summary, styles["lede"]),
        Spacer(1, 4 * mm),
    ]
    for tag, markup in _body_blocks(content.body_html):
        style = styles["h3"] if tag.startswith("h") else styles["quote"] if tag == "blockquote" else styles["base"]
        story.append(Paragraph(markup, style))
    if content.demands:
        story.append(_paragraph(_("Our demands"), styles["h2"]))
        for number, (text, notes) in enumerate(content.demands, start=1):
            refs = "".join(f"<super>[{note}]</super>" for note in notes)
            story.append(Paragraph(f"{number}. {escape(visual_order(text))}{refs}", styles["base"]))
    if content.footnotes:
        story.append(_paragraph(_("Evidence"), styles["h2"]))
        for number, citation in content.footnotes:
            story.append(_paragraph(f"[{number}] {citation}", styles["small"]))
    story.append(
        _paragraph(_("Text version %(version)s.") % {"version": content.version}, styles["meta"]),
    )
    story += _organisations(content, styles)
    story += _counts(content, styles)
    if content.signers is not None:
        story += _signers(content, styles)

    buffer = io.BytesIO()
    title = content.title

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, visual_order(title[:90]))
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("Page %(page)s") % {"page": doc.page})
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=content.site_url,
        subject=_("Delivery pack"),
        creator=content.site_url,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), document.page


def _organisations(content: PackContent, styles) -> list:
    if not content.organisations:
        return []
    flowables: list = [PageBreak(), _paragraph(_("Endorsing organisations"), styles["h2"])]
    rows = []
    for organisation in content.organisations:
        logo = Image(io.BytesIO(organisation.logo), LOGO_SIZE, LOGO_SIZE) if organisation.logo else ""
        rows.append(
            [
                logo,
                _paragraph(organisation.name, styles["base"]),
                _paragraph(organisation.country, styles["small"]),
                _paragraph(organisation.tier, styles["small"]),
            ]
        )
    table = Table(rows, colWidths=[LOGO_SIZE + 4 * mm, 85 * mm, 40 * mm, 30 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    flowables.append(table)
    return flowables


def _counts(content: PackContent, styles) -> list:
    heading = _paragraph(_("Signatures by country"), styles["h2"])
    total = _paragraph(
        ngettext(
            "%(n)s confirmed signature on %(date)s.",
            "%(n)s confirmed signatures on %(date)s.",
            content.total,
        )
        % {"n": formats.number_format(content.total, force_grouping=True), "date": _date(content.generated_at)},
        styles["base"],
    )
    if not content.country_counts:
        return [KeepTogether([heading, total])]
    rows = [[_paragraph(_("Country"), styles["h3"]), _paragraph(_("Signatures"), styles["number_head"])]]
    rows += [
        [
            _paragraph(name, styles["base"]),
            Paragraph(formats.number_format(count, force_grouping=True), styles["number"]),
        ]
        for name, count in content.country_counts
    ]
    table = Table(rows, colWidths=[110 * mm, 40 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ]
        )
    )
    return [PageBreak(), heading, total, table]


def _signers(content: PackContent, styles) -> list:
    flowables: list = [
        PageBreak(),
        _paragraph(_("Signatories who chose to be listed"), styles["h2"]),
        _paragraph(
            ngettext(
                "%(n)s of the signatories asked for their name and country to be shown.",
                "%(n)s of the signatories asked for their name and country to be shown.",
                len(content.signers),
            )
            % {"n": formats.number_format(len(content.signers), force_grouping=True)},
            styles["meta"],
        ),
    ]
    # No break inside one signer's entry: a line ends only between two of them.
    lines = [
        escape(f"{visual_order(name)} ({country})" if country else visual_order(name)).replace(" ", "\u00a0")
        for name, country in content.signers
    ]
    for start in range(0, len(lines), NAMES_PER_PARAGRAPH):
        flowables.append(Paragraph(" · ".join(lines[start : start + NAMES_PER_PARAGRAPH]), styles["names"]))
    return flowables
