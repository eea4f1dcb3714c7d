from django.conf import settings


def absolute_url(path: str) -> str:
    """Every absolute link (mails, API) starts from SITE_URL, never from a request's Host."""
    return f"{settings.SITE_URL}{path}"
