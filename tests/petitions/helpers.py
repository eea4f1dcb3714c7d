import time

from django.core import signing

from campaign.petitions.forms import FORM_STAMP_SALT


def old_stamp(seconds_ago: float = 60) -> str:
    """A form stamp from a while ago, as a person who read the letter would send."""
    return signing.dumps(time.time() - seconds_ago, salt=FORM_STAMP_SALT)


def sign_data(**overrides) -> dict:
    data = {
        "name": "Amara Okafor",
        "email": "amara@example.org",
        "country": "GB",
        "city": "Cardiff",
        "affiliation": "",
        "consent": "on",
        "website": "",
        "stamp": old_stamp(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
