"""Settings for the campaign site, driven by environment variables.

With DJANGO_DEBUG=true (`make run`, the tests) every variable has a laptop default, so
that a laptop needs no environment at all; with debug off the site refuses to start on
those defaults. The README's configuration table lists them (a test keeps the two in step).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from campaign import embedded

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


# --- Core ----------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
PORT = env_int("PORT", 8000)
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
SITE_HOST = urlsplit(SITE_URL).hostname or ""
# An IPv6 host is written in brackets in a Host header, and so in ALLOWED_HOSTS.
SITE_HOST_HEADER = f"[{SITE_HOST}]" if ":" in SITE_HOST else SITE_HOST
ALLOWED_HOSTS = [
    host.strip()
    for host in env("DJANGO_ALLOWED_HOSTS", f"{SITE_HOST_HEADER},127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]

# --- Safe by default -----------------------------------------------------------------
# With debug off, a variable left unset must stop the boot rather than quietly turn a
# server into a laptop: a development key anyone can read signs every withdraw link, an
# embedded database, a broker folder no other machine reads, console mail, racing limits.
# The two parts that are sound on one machine are allowed when asked for by name
# (CELERY_BROKER_URL=filesystem://, CACHE_URL=dbcache://); the others never.

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# A site that only answers on this machine may keep the development key with debug off.
SITE_IS_LOOPBACK = bool(env("SITE_URL")) and SITE_HOST in {"127.0.0.1", "localhost", "::1"}
if not DEBUG:
    unset = [
        (name, why)
        for name, why in (
            ("SITE_URL", "the address every link in a mail points at, e.g. https://campaign.example"),
            ("DJANGO_SECRET_KEY", "a random string of at least 32 characters"),
            ("DATABASE_URL", "a PostgreSQL URL (the embedded PostgreSQL is for laptops)"),
            ("CELERY_BROKER_URL", "a Redis URL, or filesystem:// for a single-machine install"),
            ("CACHE_URL", "a Redis URL, or dbcache:// for a single-machine install"),
            ("EMAIL_HOST", "the SMTP server (without it mails are only printed)"),
        )
        if not env(name) and not (name == "DJANGO_SECRET_KEY" and SITE_IS_LOOPBACK)
    ]
    if unset:
        (name, why), others = unset[0], [other for other, _ in unset[1:]]
        raise ImproperlyConfigured(
            f"Set {name}: {why}. "
            + (f"Also unset: {', '.join(others)}. " if others else "")
            + "DJANGO_DEBUG is off, so the site will not fall back to a laptop part (DJANGO_DEBUG=true on a laptop)."
        )
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY and not SITE_IS_LOOPBACK:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY to a random string: the development key is public, and with it anyone could "
            "forge confirm and withdraw links (allowed only while SITE_URL is a loopback address)."
        )
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random string of at least 32 characters.")

# Every page's footer links here, as the AGPL (section 13) asks of a site running the
# code: the source of what runs, so a fork that changes the code points at its own.
SOURCE_URL = env("SOURCE_URL", "https://source.campaign.invalid/campaign")

ROOT_URLCONF = "campaign.urls"
WSGI_APPLICATION = "campaign.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
SITE_ID = 1

# --- Database ------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL") or embedded.postgres_url()
# Persistent connections, checked before each request's first query, so one the server
# ended (a restart, a terminated backend) is replaced before use.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# "pgbouncer" when DATABASE_URL points at PgBouncer in transaction pooling mode
# (deploy/pgbouncer.ini): consecutive transactions may then run on different server
# connections, so a server-side cursor (what .iterator() uses) would be lost between
# fetches. The exports then read their rows client-side (docs/operations.md).
DATABASE_POOLER = env("DATABASE_POOLER").strip().lower()
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured("DATABASE_POOLER must be empty or 'pgbouncer'.")
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# --- Apps ----------------------------------------------------------------------------

INSTALLED_APPS = [
    "campaign.core",
    "campaign.accounts",
    "campaign.petitions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "allauth",
    "allauth.account",
    "csp",
    "campaign.coalition",
    "allauth.mfa",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "campaign.articles",
    # Before the last app: roles_sync (post_migrate) gives organisers this app's
    # permission when a later app's post_migrate runs, once Django has created it.
    "campaign.updates",
    "campaign.privacy",
    "campaign.organise",
]

MIDDLEWARE = [
    "campaign.core.requestid.RequestIdMiddleware",
    # Before the host check and the HTTPS redirect: a load balancer probes by IP, over http.
    "campaign.core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "campaign.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "campaign.accounts.middleware.RequireMFAMiddleware",
]

# --- Templates -----------------------------------------------------------------------

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "campaign.core.context_processors.site",
            ],
        },
    }
]

# --- Internationalisation ------------------------------------------------------------

LANGUAGE_CODE = "en"
# Each language's own name, as the switcher shows it to people who read that language.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
]
LOCALE_PATHS = [BASE_DIR / "campaign" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Cache ---------------------------------------------------------------------------
# Shared by every web worker: rate limits must hold across processes, so never a
# per-process cache. Redis from CACHE_URL; the database cache (dbcache://, or unset with
# debug on) counts limits approximately, as a read then a write (docs/operations.md).

CACHE_URL = env("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith("dbcache://"):
    CACHES = {
        "default": {
            # django-redis keeps one client per process; Django's own backend builds a
            # redis-py client for every call (docs/adr/0009-a-kept-redis-client-and-a-cached-letter.md).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that accepts connections but does not answer fails a request in
            # seconds rather than holding its worker for ever (redis-py waits by default).
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": urlsplit(CACHE_URL).netloc or "campaign_cache",
        }
    }

# How long a public page every reader gets alike (a letter, the count API) may be kept,
# by Django and by a cache in front (campaign.core.pagecache): a new signature shows in
# the count within twice this.
PUBLIC_PAGE_SECONDS = env_int("PUBLIC_PAGE_SECONDS", 5)

# --- Mail ----------------------------------------------------------------------------

EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Ban Biometric Surveillance <hello@campaign.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

# --- Celery --------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded.broker_folders()
else:
    # Socket timeouts bound how long a publish can block a request on a broker that
    # accepts connections but does not answer (redis-py waits forever by default).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 5, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The web process must never hang on a dead broker: the outbox sweep catches up later.
# A publish tries to connect for at most this long, then gives up (no publish retry).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# The worker, on the other hand, waits for a lost broker for ever (0 made it exit).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_SERIALIZER = "json"
# Celery closes the database connection around every task unless this is set; the
# tasks reuse it as requests do instead (campaign/celery.py).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_ACCEPT_CONTENT = ["json"]
# The outbox (campaign.core.outbox): how often beat sweeps it for mails the broker
# never took or whose drain died with its worker (a sweep is two indexed queries; its
# interval bounds how long a lost worker delays the mails it had not claimed, ADR 6),
# how long a worker's claim on a mail lasts (a killed worker's mails are sent again
# after it), and the first delay after a temporary SMTP refusal (doubling).
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 5)
OUTBOX_CLAIM_SECONDS = env_int("OUTBOX_CLAIM_SECONDS", 120)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 30)
# Worker liveness (campaign.core.liveness): `manage.py worker_alive` and `make run` send
# a worker canary tasks on its own direct queue, and call it stuck when it has run none
# for this long. The direct queue is read with the task queue, on the same channel.
WORKER_STUCK_SECONDS = env_int("WORKER_STUCK_SECONDS", 120)
# Updates to supporters (campaign.updates): the most update mails sent per second,
# whatever the number of workers (their due times are spaced by it). Keep it within
# what the mail provider accepts; bench/updates.py measures what this machine can do.
UPDATE_MAILS_PER_SECOND = env_int("UPDATE_MAILS_PER_SECOND", 50)
CELERY_WORKER_DIRECT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "campaign.core.tasks.outbox_sweep_task", "schedule": float(OUTBOX_SWEEP_SECONDS)},
    # A delivery step for updates being sent (fan-out, then what is due): a no-op query
    # when none is; expiring, so ticks a busy worker missed do not pile up.
    "updates-deliver": {
        "task": "campaign.updates.tasks.updates_deliver_task",
        "schedule": 1.0,
        "options": {"expires": 2},
    },
    "signatures-purge": {
        "task": "campaign.petitions.tasks.signatures_purge_task",
        "schedule": timedelta(hours=1),
    },
    "signatures-anonymise": {
        "task": "campaign.petitions.tasks.signatures_anonymise_task",
        "schedule": timedelta(hours=6),
    },
    "counts-reconcile": {
        "task": "campaign.petitions.tasks.counts_reconcile_task",
        "schedule": timedelta(minutes=15),
    },
    "access-requests-purge": {
        "task": "campaign.privacy.tasks.access_requests_purge_task",
        "schedule": timedelta(hours=1),
    },
    "applications-purge": {
        "task": "campaign.coalition.tasks.applications_purge_task",
        "schedule": timedelta(hours=6),
    },
}

# --- Campaign rules ------------------------------------------------------------------

SIGNATURE_PENDING_DAYS = env_int("SIGNATURE_PENDING_DAYS", 7)
IP_HASH_RETENTION_DAYS = env_int("IP_HASH_RETENTION_DAYS", 7)
# After a letter closes, its signers are anonymised once this many days have passed (a
# letter may set its own period); invalidated signatures are purged after the same time.
SIGNATURE_RETENTION_DAYS = env_int("SIGNATURE_RETENTION_DAYS", 180)
# Declined and withdrawn coalition applications are erased after this many days.
APPLICATION_RETENTION_DAYS = env_int("APPLICATION_RETENTION_DAYS", 90)
SIGN_MIN_FILL_SECONDS = env_int("SIGN_MIN_FILL_SECONDS", 2)
SIGN_RATE_PER_IP_PER_HOUR = env_int("SIGN_RATE_PER_IP_PER_HOUR", 30)
SIGN_RATE_PER_ADDRESS_PER_HOUR = env_int("SIGN_RATE_PER_ADDRESS_PER_HOUR", 5)
# Proxies in front of the site that append to X-Forwarded-For; 0 trusts none.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
PRIVACY_CONSENT_VERSION = "2026-11-1"
COALITION_APPLY_RATE_PER_IP_PER_HOUR = env_int("COALITION_APPLY_RATE_PER_IP_PER_HOUR", 10)
COALITION_APPLY_RATE_PER_ADDRESS_PER_HOUR = env_int("COALITION_APPLY_RATE_PER_ADDRESS_PER_HOUR", 3)
# The library's whole-result CSV/JSON exports are costly to make: per hashed client.
LIBRARY_EXPORT_RATE_PER_IP_PER_HOUR = env_int("LIBRARY_EXPORT_RATE_PER_IP_PER_HOUR", 30)

# --- Privacy -------------------------------------------------------------------------
# The privacy notice names whoever answers for the data, and people write to them.
DATA_CONTROLLER_NAME = env("DATA_CONTROLLER_NAME", "Ban Biometric Surveillance")
DATA_CONTROLLER_EMAIL = env("DATA_CONTROLLER_EMAIL", "privacy@campaign.invalid")
DATA_CONTROLLER_ADDRESS = env("DATA_CONTROLLER_ADDRESS")
# How long the link to "what do you hold about me" works: it opens a person's data.
PRIVACY_ACCESS_LINK_HOURS = env_int("PRIVACY_ACCESS_LINK_HOURS", 24)

# --- allauth -------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "campaign.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# allauth's rate limits (its defaults, plus this stricter one for failed logins) keep
# their counters in the default cache, which every web worker shares (see Cache above).
# Wrong MFA codes count as failed logins too.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# allauth reads X-Forwarded-For only with a proxy count of its own: without it, behind the
# proxy every visitor is the proxy, and one person's failed logins lock every organiser out.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Exporting signatures and changing an authenticator ask for the password or a code
# again once this many seconds have passed since the last time it was given.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# A password change keeps the session it was made in; Django's session hash logs out
# every other session of the account (tests/accounts/test_sessions.py).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/admin/"
# MFA (TOTP with recovery codes) is required for roles that see personal data or admit
# members: campaign.accounts.middleware walks them through setting it up.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Ban Biometric Surveillance")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security ------------------------------------------------------------------------

# Staff and representatives log in for a working day, not Django's two weeks: a session
# left open on a shared or lost machine ends the same evening.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if SITE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
CSRF_TRUSTED_ORIGINS = [SITE_URL]
# Request bodies: the public forms post a few kilobytes, the admin's largest form (a
# letter with its demands) well under a megabyte. A bigger body, or more fields, is
# refused with a 413 or 400 page (campaign.core.views.bad_request) before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Files up to a logo's cap (campaign.coalition.logos.MAX_BYTES) are read in memory; a
# bigger one goes to a temporary file, which the logo form refuses. The proxy caps
# the whole body (docs/operations.md).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging -------------------------------------------------------------------------
# Log lines name ids, never an address, a name or an IP. DJANGO_LOG_FORMAT=json writes one
# JSON object a line, with the request's or the task's id, for a log collector.

LOG_FORMAT = env("DJANGO_LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "campaign.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_context"]}
    },
    "filters": {
        "quiet_canary": {"()": "campaign.core.logs.QuietCanary"},
        "request_context": {"()": "campaign.core.logs.RequestContext"},
        "quiet_probes": {"()": "campaign.core.logs.QuietProbes"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "celery.worker.strategy": {"filters": ["quiet_canary"]},
        "celery.app.trace": {"filters": ["quiet_canary"]},
        "django.request": {"level": "ERROR", "filters": ["quiet_probes"]},
        "django.server": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}

# --- Error reporting -----------------------------------------------------------------
# Off unless SENTRY_DSN is set (Sentry or GlitchTip); what is sent carries no personal
# data (campaign.core.sentry).

SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from campaign.core.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN)
