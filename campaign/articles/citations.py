""" "Cite this": a plain reference and a BibTeX entry for a document."""

from __future__ import annotations

import re

from django.utils.text import slugify

from campaign.articles.models import DatePrecision, Document
from campaign.core.links import absolute_url

BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
ENTRY_TYPES = {
    Document.Type.NEWS: "article",
    Document.Type.INVESTIGATION: "article",
    Document.Type.ACADEMIC: "article",
    Document.Type.NGO: "techreport",
    Document.Type.GOVERNMENT: "techreport",
    Document.Type.PARLIAMENT: "techreport",
}


def _bibtex_escape(text: str) -> str:
    text = " ".join(str(text).split())
    return re.sub(r"[\\{}&%$#_~^]", lambda match: BIBTEX_SPECIALS[match.group(0)], text)


def citation_plain(document: Document) -> str:
    """Author-date style: Authors (date) Title. Publisher. Available at: URL."""
    who = "; ".join(document.author_list) or document.publisher.name
    parts = [f"{who} ({document.published_display}) {document.title.rstrip('.')}."]
    if document.author_list:
        parts.append(f"{document.publisher.name}.")
    if document.url:
        parts.append(f"Available at: {document.url}")
    if document.archive_url:
        parts.append(f"(archived copy: {document.archive_url})")
    parts.append(f"Evidence library no. {document.number}: {absolute_url(document.get_absolute_url())}")
    return " ".join(parts)


def bibtex_key(document: Document) -> str:
    who = slugify(document.author_list[0].split()[-1] if document.author_list else document.publisher.name)
    year = document.published_on.year if document.published_on else "nd"
    return f"{who.replace('-', '')[:20] or 'doc'}{year}n{document.number}"


def citation_bibtex(document: Document) -> str:
    entry_type = ENTRY_TYPES.get(document.doc_type, "misc")
    fields: list[tuple[str, str]] = [("title", "{" + _bibtex_escape(document.title) + "}")]
    if document.author_list:
        fields.append(("author", " and ".join(_bibtex_escape(name) for name in document.author_list)))
    else:
        fields.append(("author", "{" + _bibtex_escape(document.publisher.name) + "}"))
    publisher = _bibtex_escape(document.publisher.name)
    if entry_type == "article":
        fields.append(("journal", publisher))
    elif entry_type == "techreport":
        fields.append(("institution", publisher))
    else:
        fields.append(("howpublished", publisher))
    if document.published_on:
        fields.append(("year", str(document.published_on.year)))
        if document.published_precision in (DatePrecision.MONTH, DatePrecision.DAY):
            fields.append(("month", MONTHS[document.published_on.month - 1]))
    if document.url:
        fields.append(("url", _bibtex_escape(document.url)))
    notes = [f"Evidence library no. {document.number}"]
    if document.archive_url:
        notes.append(f"archived at {document.archive_url}")
    fields.append(("note", _bibtex_escape(", ".join(notes))))
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{bibtex_key(document)},\n{body}\n}}\n"
