import re

from campaign.petitions import services

ACCESS_LINK = re.compile(r"http://[^/\s]+(/privacy/my-data/[^/\s]+/)")


def access_path(mail) -> str:
    """The path of the access link in a mail's text."""
    return ACCESS_LINK.search(mail.body).group(1)


def signed(petition, *, confirm: bool = True, **values):
    details = {"name": "Someone", "email": "someone@example.org", "country": "GB", **values}
    signature = services.signature_create(petition=petition, details=services.SignatureDetails(**details))
    if confirm:
        services.signature_confirm(signature=signature)
    signature.refresh_from_db()
    return signature
