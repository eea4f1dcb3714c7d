"""Email addresses as identities: one person, one address, however it is typed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

# Providers where dots in the local part mean nothing.
DOT_BLIND_DOMAINS = {"gmail.com", "googlemail.com"}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}
# Providers that deliver local+anything@ to local@.
PLUS_TAG_DOMAINS = DOT_BLIND_DOMAINS | {
    "outlook.com",
    "hotmail.com",
    "live.com",
    "protonmail.com",
    "protonmail.ch",
    "proton.me",
    "pm.me",
    "fastmail.com",
    "fastmail.fm",
    "icloud.com",
    "me.com",
    "posteo.de",
    "posteo.net",
    "mailbox.org",
    "riseup.net",
    "tutanota.com",
    "tuta.io",
}


def normalise_email(address: str) -> str:
    """Fold an address to the form we compare on: lower case, provider aliases
    folded, Gmail's dots and known providers' +tags removed."""
    local, _, domain = address.strip().lower().rpartition("@")
    domain = domain.rstrip(".")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


# RFC 1035: at most 253 characters in a domain name, as it travels (in ASCII).
MAX_DOMAIN_LENGTH = 253


def validate_mailable_domain(value: str) -> None:
    """Refuse an address whose domain our mail cannot carry.

    Django's EmailValidator takes any character from U+00A1 on in a domain, but its mail
    code writes the domain in IDNA (punycode(), called by sanitize_address), which
    refuses some of them (a private-use character, a label over 63 characters once
    encoded) with a UnicodeError. Among addresses the validator accepts, that is the one
    way sanitize_address fails, so this is the same check, made before anything is stored.
    """
    domain = value.rpartition("@")[2]
    try:
        encoded = punycode(domain)
    except UnicodeError:
        encoded = None
    if encoded is None or len(encoded) > MAX_DOMAIN_LENGTH:
        raise ValidationError(
            _("We cannot send mail to this domain. Please check the part after the @, or use another address."),
            code="unmailable_domain",
        )
