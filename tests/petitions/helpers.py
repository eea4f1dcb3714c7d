import time

from campaign.petitions.forms import form_stamp


def old_stamp(seconds_ago: float = 60) -> str:
    """A form stamp from a while ago, as a person who read the form would send."""
    return form_stamp(at=time.time() - seconds_ago)


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
