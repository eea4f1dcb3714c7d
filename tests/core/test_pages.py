import pytest

pytestmark = pytest.mark.django_db


def test_organiser_login_page_renders_and_signup_is_closed(client):
    assert client.get("/accounts/login/").status_code == 200
    signup = client.get("/accounts/signup/")
    assert b"Sign Up Closed" in signup.content or signup.status_code in (403, 404)


def test_every_public_page_sends_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
        assert directive in policy
    assert "unsafe-inline" not in policy
