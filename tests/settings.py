"""Test settings: the real settings, with only what tests need changed."""

import os
from pathlib import Path

# Debug on, as on a laptop: the settings may fall back to the embedded PostgreSQL and the
# broker folder. The worker the tests start inherits it; the production-like stacks
# (tests/integration/stack.py) turn it off and set every part.
os.environ.setdefault("DJANGO_DEBUG", "true")
# The test run gets a broker folder of its own, so a `make run` worker on the same
# machine never takes the tests' tasks. The worker the tests start inherits it.
os.environ.setdefault("CAMPAIGN_BROKER_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test-broker"))

from campaign.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; integration tests switch this off and use a worker.
CELERY_TASK_ALWAYS_EAGER = True
# Every test client shares 127.0.0.1; the rate-limit tests set their own limits.
SIGN_RATE_PER_IP_PER_HOUR = 10_000
SIGN_RATE_PER_ADDRESS_PER_HOUR = 10_000
COALITION_APPLY_RATE_PER_IP_PER_HOUR = 10_000
COALITION_APPLY_RATE_PER_ADDRESS_PER_HOUR = 10_000
