from campaign.petitions.forms import SignatureForm
from tests.core import helpers


def old_stamp(seconds_ago: float = 60) -> str:
    """A sign form stamp from a while ago, as a person who read the letter would send."""
    return helpers.old_stamp(SignatureForm, seconds_ago)


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
