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
