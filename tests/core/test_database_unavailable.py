"""The 503 page, whichever layer met the dead database."""

import json

from django.db import OperationalError
from django.test import RequestFactory

from campaign.core.views import server_error


def test_handler500_answers_503_when_a_middleware_met_the_dead_database():
    request = RequestFactory().get("/letters/")
    try:
        raise OperationalError("connection to server failed")  # e.g. the session save
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"We will be back in a moment" in response.content


def test_handler500_answers_json_503_under_the_api():
    request = RequestFactory().get("/api/petitions/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and json.loads(response.content)["error"] == "unavailable"


def test_handler500_still_answers_500_for_other_errors():
    request = RequestFactory().get("/letters/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
