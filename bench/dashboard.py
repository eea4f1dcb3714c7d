"""The `dashboard` scenario: the organisers' dashboard at a million signatures.

A letter of its own gets `rows` signatures inserted with SQL, spread over 90 days and
eight countries, four in five confirmed, a few hundred mails refused or deferred; the
aggregates the services keep as they go (counters, daily counts) are then filled from
them at once, as the migration that brought the daily counts does. The organiser logs
in (password, authenticator code) and fetches the dashboard and the letter's page
straight from gunicorn, `FETCHES` times each; beside them, the GROUP BY over the
signatures that the daily counts replace is timed on the same data.
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import time
import urllib.parse
import urllib.request

SLUG = "dashboard-bench"
FETCHES = 20
DAYS = 90
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

INSERT_LETTER = """
INSERT INTO petitions_petition (created_at, updated_at, kind, title, slug, summary, body, addressee, goal,
    status, language, version, text_fingerprint)
VALUES (now(), now(), 'letter', 'Dashboard bench', %s, '', '', 'Bench', 2000000, 'open', 'en', 1, '')
RETURNING id
"""
INSERT_SIGNATURES = """
INSERT INTO petitions_signature (petition_id, petition_version, name, email, email_normalised, country, city,
    affiliation, is_public, wants_updates, consent_text, consent_version, is_demo, mails_sent, created_at,
    confirmed_at, mail_failed_at)
SELECT %(letter)s, 1, 'Signer ' || n, 'dash' || n || '@example.org', 'dash' || n || '@example.org',
    (ARRAY['GB', 'FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'PL', ''])[1 + n %% 9], '', '', false, false, 'I agree.',
    'bench', false, 1, created, CASE WHEN n %% 5 = 0 THEN NULL ELSE created + interval '20 minutes' END,
    CASE WHEN n %% 5 = 0 AND n %% 4000 = 0 THEN created + interval '1 minute' END
FROM generate_series(1, %(rows)s) AS n,
    LATERAL (SELECT now() - (n %% %(days)s) * interval '1 day' - (n %% 86400) * interval '1 second') AS t(created)
"""
# What the services would have kept one event at a time (see the migration
# petitions/0007_daily_counts_and_milestones).
FILL_AGGREGATES = """
INSERT INTO petitions_signaturecounter (petition_id, country, shard, count)
SELECT petition_id, country, 0, count(*) FROM petitions_signature
WHERE petition_id = %(letter)s AND confirmed_at IS NOT NULL GROUP BY petition_id, country;
INSERT INTO petitions_signatureday (petition_id, day, shard, signed, confirmed, mailed)
SELECT petition_id, day, 0, sum(signed), sum(confirmed), sum(signed) FROM (
    SELECT petition_id, (created_at AT TIME ZONE 'UTC')::date AS day, 1 AS signed, 0 AS confirmed
    FROM petitions_signature WHERE petition_id = %(letter)s
    UNION ALL
    SELECT petition_id, (confirmed_at AT TIME ZONE 'UTC')::date, 0, 1
    FROM petitions_signature WHERE petition_id = %(letter)s AND confirmed_at IS NOT NULL
) AS events GROUP BY petition_id, day;
INSERT INTO core_outboxmessage (kind, object_id, status, attempts, created_at, next_attempt_at, last_error)
SELECT 'petitions.confirm', id, CASE WHEN mail_failed_at IS NULL THEN 'pending' ELSE 'failed' END, 1, now(),
    now() + interval '1 hour', 'SMTPDataError 451'
FROM petitions_signature
WHERE petition_id = %(letter)s AND confirmed_at IS NULL AND (mail_failed_at IS NOT NULL OR id %% 1000 = 0);
ANALYZE petitions_signature;
"""
# The per-day figures as they would be read without the daily counts.
ROW_SCAN = """
SELECT (created_at AT TIME ZONE 'UTC')::date, count(*), count(confirmed_at)
FROM petitions_signature WHERE petition_id = %s GROUP BY 1
"""


def prepare(stack, rows: int) -> int:
    letter = stack.sql(INSERT_LETTER, [SLUG])[0][0]
    stack.sql(INSERT_SIGNATURES, {"letter": letter, "rows": rows, "days": DAYS})
    stack.sql(FILL_AGGREGATES, {"letter": letter})
    return letter


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _post(opener, url: str, fields: dict) -> str:
    with opener.open(url, timeout=30) as reply:  # nosec B310 - loopback
        token = TOKEN.search(reply.read().decode()).group(1)
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    with opener.open(url, data=data, timeout=30) as reply:  # nosec B310 - loopback
        reply.read()
        return reply.url


def log_in(base: str, email: str, password: str, totp: str) -> urllib.request.OpenerDirector:
    """Password, then the authenticator code; redirects followed, as a browser does."""
    from bench.load import totp_code

    opener = _opener()
    _post(opener, f"{base}/accounts/login/", {"login": email, "password": password})
    landed = _post(opener, f"{base}/accounts/2fa/authenticate/", {"code": totp_code(totp)})
    if urllib.parse.urlsplit(landed).path != "/organise/":
        raise SystemExit(f"the organiser landed on {landed}, not the dashboard")
    return opener


def _timed(opener, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with opener.open(url, timeout=60) as reply:  # nosec B310 - loopback
        size = len(reply.read())
    return (time.perf_counter() - started) * 1000, size


def _figures(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def run(stack, organiser: tuple[str, str], rows: int) -> dict:
    started = time.monotonic()
    letter = prepare(stack, rows)
    prepared = round(time.monotonic() - started, 1)
    opener = log_in(stack.gunicorn_url, *organiser, stack.totp_secret)
    result: dict = {"signatures": rows, "seconds_to_insert_rows": prepared}
    for name, path in [("dashboard", "/organise/"), ("letter page", f"/organise/letters/{SLUG}/")]:
        _timed(opener, stack.gunicorn_url + path)  # the first read fills the count caches
        samples = [_timed(opener, stack.gunicorn_url + path)[0] for _ in range(FETCHES)]
        result[name] = _figures(samples)
    scans = []
    for _ in range(3):
        begun = time.perf_counter()
        stack.sql(ROW_SCAN, [letter])
        scans.append((time.perf_counter() - begun) * 1000)
    result["group_by_over_signatures_ms"] = round(min(scans), 1)
    return result
