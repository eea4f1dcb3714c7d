"""The front cache answers a crowd's reads before Django's request cycle, with Django's
own headers and a CSRF cookie and token Django accepts; anything it is not sure of
goes to Django."""

import io
import re
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token

from campaign.core.frontcache import FrontCache, Route, csrf_cookie, masked, random_chars, well_formed
from campaign.core.pagecache import public_pages_changed
from campaign.petitions import services
from campaign.petitions.frontcache import ROUTES
from campaign.petitions.models import Signature
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

TOKENS = re.compile(rb'name="(csrfmiddlewaretoken|stamp)" value="([^"]*)"')


class Django:
    """Django's WSGI handler, counting the requests that reach it. Made at the first
    request, after the test's settings: middleware reads them when it is made."""

    def __init__(self) -> None:
        self.handler = None
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        self.handler = self.handler or WSGIHandler()
        return self.handler(environ, start_response)


class Answer:
    def __init__(self, status: str, headers: list, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body
        self.code = int(status.split()[0])

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def cookie(self) -> SimpleCookie:
        return SimpleCookie(self.header("Set-Cookie") or "")

    def tokens(self) -> dict:
        return {key.decode(): value.decode() for key, value in TOKENS.findall(self.body)}

    def without_tokens(self) -> bytes:
        return TOKENS.sub(b"", self.body)


def call(app, path: str, *, method="GET", query="", cookie="", form=None, host="testserver", **extra) -> Answer:
    body = urlencode(form).encode() if form is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
        **extra,
    }
    if form is not None:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=headers)

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return Answer(started["status"], started["headers"], content)


@pytest.fixture
def django_app():
    # As Django's test client does: the test's transaction keeps its connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Django()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Clock:
    """The front cache's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def pass_reuse_window(self) -> None:
        self.now += django_settings.FRONT_CACHE_SECONDS + 0.001


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def front(django_app, clock):
    return FrontCache(django_app, ROUTES, clock=clock)


def headers_but_own(answer: Answer) -> set:
    return {(key, value) for key, value in answer.headers if key.lower() not in ("set-cookie", "content-length")}


def test_a_crowd_read_of_a_letter_is_answered_before_django(front, django_app):
    petition = PetitionFactory()
    first = call(front, petition.get_absolute_url())
    second = call(front, petition.get_absolute_url())
    assert django_app.calls == 1
    assert first.code == second.code == 200
    assert second.without_tokens() == first.without_tokens()
    assert b"hole-" not in second.body
    assert headers_but_own(second) == headers_but_own(first)
    assert "frame-ancestors 'none'" in second.header("Content-Security-Policy")
    assert second.header("Content-Length") == str(len(second.body))


def test_every_reader_gets_a_token_of_their_own(front, django_app):
    petition = PetitionFactory()
    call(front, petition.get_absolute_url())
    one, two = call(front, petition.get_absolute_url()), call(front, petition.get_absolute_url())
    assert one.tokens()["csrfmiddlewaretoken"] != two.tokens()["csrfmiddlewaretoken"]
    assert one.cookie()["csrftoken"].value != two.cookie()["csrftoken"].value
    assert one.tokens()["stamp"]


def test_a_form_from_the_front_cache_signs_through_djangos_csrf_check(front, django_app, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    petition = PetitionFactory()
    call(front, petition.get_absolute_url())  # someone else fills the cache
    page = call(front, petition.get_absolute_url())
    assert django_app.calls == 1
    cookie = f"csrftoken={page.cookie()['csrftoken'].value}"
    form = {**page.tokens(), "name": "Amara", "email": "amara@example.org", "country": "GB", "consent": "on"}
    signed = call(front, f"/letters/{petition.slug}/sign/", method="POST", cookie=cookie, form=form)
    assert signed.code == 302
    assert Signature.objects.filter(petition=petition).count() == 1


def test_a_returning_visitor_keeps_their_csrf_secret(front, django_app, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    petition = PetitionFactory()
    call(front, petition.get_absolute_url())
    secret = random_chars(32)
    page = call(front, petition.get_absolute_url(), cookie=f"csrftoken={secret}")
    assert django_app.calls == 1
    assert page.cookie()["csrftoken"].value == secret
    assert _unmask_cipher_token(page.tokens()["csrfmiddlewaretoken"]) == secret


def test_a_forged_token_is_still_refused(front, django_app, settings):
    settings.SIGN_MIN_FILL_SECONDS = 0
    petition = PetitionFactory()
    call(front, petition.get_absolute_url())
    page = call(front, petition.get_absolute_url())
    form = {**page.tokens(), "name": "Amara", "email": "amara@example.org", "country": "GB", "consent": "on"}
    other = f"csrftoken={random_chars(32)}"  # a cookie that is not the one the token masks
    refused = call(front, f"/letters/{petition.slug}/sign/", method="POST", cookie=other, form=form)
    assert refused.code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "HEAD"},
        {"query": "wall=2"},
        {"query": "utm_source=x"},
        {"cookie": "sessionid=abc"},
        {"cookie": "messages=abc"},
        {"cookie": "django_language=en"},
        {"cookie": "csrftoken=too-short"},
        {"cookie": "csrftoken=" + "!" * 32},
    ],
    ids=["head", "older-signatories", "any-query", "session", "message", "language", "short-csrf", "bad-csrf"],
)
def test_requests_it_is_not_sure_of_go_to_django(front, django_app, request_kwargs):
    petition = PetitionFactory()
    call(front, petition.get_absolute_url())
    call(front, petition.get_absolute_url(), **request_kwargs)
    assert django_app.calls == 2


def test_a_host_django_refuses_is_refused(front, django_app):
    petition = PetitionFactory()
    call(front, petition.get_absolute_url())
    refused = call(front, petition.get_absolute_url(), host="evil.example")
    assert refused.code == 400
    assert django_app.calls == 2


def test_plain_http_goes_to_django_when_it_redirects_to_https(front, django_app, settings):
    settings.SECURE_SSL_REDIRECT = True
    petition = PetitionFactory()
    for _ in range(2):
        assert call(front, petition.get_absolute_url()).code == 301
    assert django_app.calls == 2


def test_https_has_headers_of_its_own(front, django_app, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    petition = PetitionFactory()
    call(front, petition.get_absolute_url())
    secure = call(front, petition.get_absolute_url(), **{"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
    assert django_app.calls == 2  # learnt apart from plain http's
    again = call(front, petition.get_absolute_url(), **{"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
    assert django_app.calls == 2
    assert again.header("Strict-Transport-Security") == secure.header("Strict-Transport-Security") == "max-age=3600"


def test_a_confirmation_shows_once_the_reuse_window_has_passed(
    front, django_app, clock, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Amara", email="a@example.org", country="GB")
    )
    call(front, petition.get_absolute_url())
    assert b"0 signatures so far" in call(front, petition.get_absolute_url()).body
    assert django_app.calls == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_confirm(signature=signature)
    assert b"0 signatures so far" in call(front, petition.get_absolute_url()).body  # kept a moment
    clock.pass_reuse_window()
    assert b"1 signature so far" in call(front, petition.get_absolute_url()).body
    assert django_app.calls == 2


def test_an_edit_retires_the_page(front, django_app, clock, django_capture_on_commit_callbacks):
    petition = PetitionFactory(title="Before the edit")
    call(front, petition.get_absolute_url())
    call(front, petition.get_absolute_url())
    petition.title = "After the edit"
    petition.save()
    with django_capture_on_commit_callbacks(execute=True):
        public_pages_changed()
    clock.pass_reuse_window()
    assert b"After the edit" in call(front, petition.get_absolute_url()).body
    assert django_app.calls == 2


def test_the_count_api_is_answered_before_django_and_moves_within_the_reuse_window(
    front, django_app, clock, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    url = f"/api/petitions/{petition.slug}/"
    first = call(front, url)
    second = call(front, url)
    assert django_app.calls == 1
    assert second.body == first.body
    assert headers_but_own(second) == headers_but_own(first)
    assert second.header("Cache-Control") == "public, max-age=10"
    signature = services.signature_create(
        petition=petition, details=services.SignatureDetails(name="Amara", email="a@example.org", country="GB")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_confirm(signature=signature)
    clock.pass_reuse_window()
    assert b'"signature_count": 1' in call(front, url).body


def test_a_process_reads_the_cache_once_per_reuse_window(django_app, clock):
    reads = []

    def card(slug):
        reads.append(slug)
        return f'{{"reads": {len(reads)}}}'

    route = Route(name="api:petition-detail", pattern=ROUTES[1].pattern, answer=card)
    front = FrontCache(django_app, [route], clock=clock)
    petition, other = PetitionFactory(), PetitionFactory()
    call(front, f"/api/petitions/{petition.slug}/")  # Django answers: headers learnt
    bodies = [call(front, f"/api/petitions/{petition.slug}/").body for _ in range(3)]
    assert bodies == [b'{"reads": 1}'] * 3
    assert call(front, f"/api/petitions/{other.slug}/").body == b'{"reads": 2}'  # each letter its own
    clock.now += django_settings.FRONT_CACHE_SECONDS / 2
    assert call(front, f"/api/petitions/{petition.slug}/").body == b'{"reads": 1}'
    clock.pass_reuse_window()
    assert call(front, f"/api/petitions/{petition.slug}/").body == b'{"reads": 3}'
    assert reads == [petition.slug, other.slug, petition.slug]

    every_time = FrontCache(django_app, [route], clock=clock, reuse_seconds=0)
    for _ in range(3):
        call(every_time, f"/api/petitions/{petition.slug}/")
    assert reads[3:] == [petition.slug, petition.slug]


def test_an_unknown_letter_is_djangos_json_404(front, django_app):
    for _ in range(2):
        missing = call(front, "/api/petitions/no-such-letter/")
        assert missing.code == 404
        assert b'"not_found"' in missing.body
    assert django_app.calls == 2


def test_a_failing_cache_leaves_the_answer_to_django(django_app):
    def unreachable(slug):
        raise ConnectionError("the cache is away")

    front = FrontCache(django_app, [Route(name="api:petition-detail", pattern=ROUTES[1].pattern, answer=unreachable)])
    petition = PetitionFactory()
    for _ in range(2):
        assert call(front, f"/api/petitions/{petition.slug}/").code == 200
    assert django_app.calls == 2


@pytest.mark.parametrize("secure", [False, True])
def test_the_csrf_cookie_is_the_one_django_writes(settings, secure):
    settings.CSRF_COOKIE_SECURE = secure
    settings.CSRF_COOKIE_DOMAIN = "example.org" if secure else None
    secret = random_chars(32)
    django = HttpResponse()
    csrf_cookie(secret)  # the date formatted in this second, so the two are made together
    django.set_cookie(
        settings.CSRF_COOKIE_NAME,
        secret,
        max_age=settings.CSRF_COOKIE_AGE,
        domain=settings.CSRF_COOKIE_DOMAIN,
        path=settings.CSRF_COOKIE_PATH,
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=settings.CSRF_COOKIE_HTTPONLY,
        samesite=settings.CSRF_COOKIE_SAMESITE,
    )
    ours = csrf_cookie(secret)
    theirs = django.cookies[settings.CSRF_COOKIE_NAME].OutputString()
    if ours != theirs:  # the clock may have turned a second in between
        ours = csrf_cookie(secret)
    assert ours == theirs


def test_masked_tokens_unmask_to_the_secret_and_never_repeat():
    secret = random_chars(32)
    tokens = {masked(secret) for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == 64
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret


def test_random_characters_cover_the_alphabet_evenly():
    drawn = random_chars(62 * 400)
    counts = {char: drawn.count(char) for char in CSRF_ALLOWED_CHARS}
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    assert min(counts.values()) > 400 * 0.6
    assert max(counts.values()) < 400 * 1.4
    assert well_formed(drawn[:32])
    assert not well_formed(drawn[:31])
