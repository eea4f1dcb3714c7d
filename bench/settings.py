"""The product's settings plus the ceiling scenario's bare view (bench/urls.py)."""

from campaign.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
