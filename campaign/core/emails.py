"""Email addresses as identities: one person, one address, however it is typed."""

from __future__ import annotations

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
