import sys
from dataclasses import dataclass
from urllib.parse import urlencode

from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control

from campaign.coalition.models import Organisation
from campaign.core.forms import MASTODON_FORM_CSP, MastodonShareForm
from campaign.core.links import absolute_url
from campaign.core.middleware import database_unavailable_response, is_database_unavailable
from campaign.core.pagecache import public_page
from campaign.petitions import selectors
from campaign.petitions.models import Petition

HOME_MEMBER_LOGOS = 24


@public_page
def home(request):
    letters = list(Petition.objects.public().order_by("status", "-created_at")[:6])
    for letter in letters:
        letter.signature_count = selectors.signature_count(letter)
    featured = next((letter for letter in letters if letter.is_open), letters[0] if letters else None)
    members = Organisation.objects.public()
    context = {
        "letters": letters,
        "featured": featured,
        "open_letters": [letter for letter in letters if letter.is_open],
        # Logos are our own re-encoded copies (coalition.logos), never a member's server.
        "member_logos": members.exclude(logo_hash="")
        .defer("logo_large", "logo_small")
        .order_by("name")[:HOME_MEMBER_LOGOS],
        "member_count": members.count(),
        "organiser_name": settings.CAMPAIGN_ORGANISER,
        "organiser_url": settings.CAMPAIGN_ORGANISER_URL,
        "contact_email": settings.CAMPAIGN_CONTACT_EMAIL,
    }
    return render(request, "core/home.html", context)


@dataclass(frozen=True)
class CookieUse:
    pages: str
    url_names: tuple[str, ...]  # the pages themselves, which a test visits
    cookies: tuple[str, ...]


# Which cookies which pages set, as the privacy notice states it. A test visits each
# page and compares: the notice cannot claim less, or more, than the site does.
PAGE_COOKIES = (
    CookieUse(
        _(
            "Every page a reader sees: the home page, the letters and their sign forms, the evidence library, "
            "the coalition's directory, this notice, and the forms to get a new confirmation link, to ask what "
            "we hold about you and to join the coalition"
        ),
        (
            "home",
            "petitions:list",
            "petitions:detail",
            "petitions:embed",
            "petitions:resend",
            "articles:list",
            "coalition:directory",
            "coalition:apply",
            "privacy",
            "privacy:request",
        ),
        (),
    ),
    CookieUse(_("The organisers' login"), ("account_login",), (settings.CSRF_COOKIE_NAME,)),
)


@csp_update(MASTODON_FORM_CSP)
def share_mastodon(request):
    """Mastodon has no one server to share to: the reader names theirs, and is sent to
    its share page with the letter's title and address. Only a bare host name passes
    (campaign.core.forms.mastodon_host); anything else shows the form again with a 400."""
    letter = get_object_or_404(Petition.objects.public(), slug=request.GET.get("letter", ""))
    if "instance" not in request.GET:
        form = MastodonShareForm(initial={"letter": letter.slug})
        return render(request, "core/share_mastodon.html", {"form": form, "petition": letter})
    form = MastodonShareForm(request.GET)
    if not form.is_valid():
        return render(request, "core/share_mastodon.html", {"form": form, "petition": letter}, status=400)
    text = f"{letter.title} {absolute_url(letter.get_absolute_url())}"
    return redirect(f"https://{form.cleaned_data['instance']}/share?{urlencode({'text': text})}")


def privacy_facts() -> dict:
    """What the privacy notice says, read from the settings the site runs on."""
    from campaign.coalition.services import CONFIRM_MAX_AGE

    return {
        "controller_name": settings.DATA_CONTROLLER_NAME,
        "controller_email": settings.DATA_CONTROLLER_EMAIL,
        "controller_address": settings.DATA_CONTROLLER_ADDRESS,
        "pending_days": settings.SIGNATURE_PENDING_DAYS,
        "ip_hash_days": settings.IP_HASH_RETENTION_DAYS,
        "retention_days": settings.SIGNATURE_RETENTION_DAYS,
        "application_days": settings.APPLICATION_RETENTION_DAYS,
        "application_confirm_days": CONFIRM_MAX_AGE.days,
        "access_hours": settings.PRIVACY_ACCESS_LINK_HOURS,
        "page_cookies": PAGE_COOKIES,
        "access_url": reverse("privacy:request"),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_days": settings.CSRF_COOKIE_AGE // 86400,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
    }


@public_page
def privacy(request):
    return render(request, "core/privacy.html", privacy_facts())


def bad_request(request, exception):
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE is "too large" (413), said plainly, so a
    # visitor who pasted a book into a form knows what to change.
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if request.path.startswith("/api/"):
        error = "too_large" if too_large else "bad_request"
        detail = "The request body is too large." if too_large else "The request could not be read."
        return JsonResponse({"error": error, "detail": detail}, status=status)
    return render(request, "400.html", {"too_large": too_large}, status=status)


def cross_site_refused(request):
    """A post to a public form from another site (campaign.core.origin)."""
    response = render(request, "403_cross_site.html", status=403)
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": "No such resource."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # Django calls this inside its exception handler: a database that went away while
    # a middleware used it (a session save, say) still gets the 503 page, not a 500.
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "server_error", "detail": "Something went wrong on our side."}, status=500)
    return render(request, "500.html", status=500)


# Pages for one person (token links), for organisers, or for signing in: nothing a search
# engine should list. Each also under every language prefix the site may use.
PRIVATE_PATHS = (
    "/admin/",
    "/organise/",
    "/accounts/",
    "/partners/",
    "/privacy/my-data/",
    "/updates/unsubscribe/",
    "/letters/*/preview/",
    "/letters/*/confirm/",
    "/letters/*/withdraw/",
    "/letters/*/check-your-inbox/",
    "/coalition/join/",
    "/coalition/invitation/",
    "/coalition/review/",
    "/coalition/manage/",
)


@cache_control(public=True, max_age=60 * 60)
def robots_txt(request):
    prefixes = ["", *(f"/{code}" for code, _name in settings.LANGUAGES)]
    return render(
        request,
        "core/robots.txt",
        {
            "private_paths": [prefix + path for prefix in prefixes for path in PRIVATE_PATHS],
            "sitemap_url": absolute_url(reverse("sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )
