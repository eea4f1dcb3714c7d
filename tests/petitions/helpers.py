from django.conf import settings
from django.db import connection


def sign_data(**overrides) -> dict:
    data = {
        "name": "Amara Okafor",
        "email": "amara@example.org",
        "country": "GB",
        "city": "Cardiff",
        "affiliation": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def let_cache_time_pass(seconds: int) -> None:
    """Age every entry of the test run's database cache, rather than sleeping in a test
    whose timing a busy machine would break."""
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET expires = expires - %s * interval '1 second'", [seconds])  # noqa: S608 (a setting, quoted)
