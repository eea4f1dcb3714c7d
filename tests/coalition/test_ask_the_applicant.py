"""Organisers ask an applicant for more information; the applicant answers from the mail."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from campaign.coalition import services
from campaign.coalition.models import ApplicantReply, Decision, Organisation
from tests.coalition.factories import ApplicationFactory
from tests.coalition.helpers import organiser

pytestmark = pytest.mark.django_db

QUESTION = 'Who funds you? <script>alert("q")</script>'


@pytest.fixture
def boss(client):
    user = organiser()
    client.force_login(user)
    return user


def answer_path(mail) -> str:
    return re.search(r"https?://[^/\s]+(/coalition/join/answer/[^/\s]+/)", mail.body).group(1)


def ask(client, application, mailoutbox, capture) -> str:
    with capture(execute=True):
        response = client.post(
            reverse("coalition:review-detail", args=[application.pk]),
            {"decision": "ask", "tier": "member", "reason": QUESTION},
            follow=True,
        )
    assert "Your question is on its way" in response.content.decode()
    return answer_path(mailoutbox[-1])


def test_an_organiser_asks_and_the_applicant_answers_from_the_mail(
    client, boss, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    path = ask(client, application, mailoutbox, django_capture_on_commit_callbacks)
    application.organisation.refresh_from_db()
    assert application.organisation.status == Organisation.Status.MORE_INFO
    (mail,) = mailoutbox
    assert mail.to == [application.contact.email]
    assert "Who funds you?" in mail.body
    assert '<script>alert("q")' not in mail.alternatives[0][0]
    assert "awaiting the applicant" in client.get(reverse("coalition:review")).content.decode()

    applicant = Client(enforce_csrf_checks=True)  # no session, no token: the link is the key
    page = applicant.get(path)
    assert page.status_code == 200 and "Who funds you?" in page.content.decode()
    assert '<script>alert("q")' not in page.content.decode()
    assert applicant.post(path, {"text": ""}).status_code == 400  # an empty answer re-renders
    response = applicant.post(path, {"text": "Our members' fees, and no company."})
    assert "your answer is with the organisers" in response.content.decode()
    assert not response.cookies

    reply = ApplicantReply.objects.get()
    assert reply.application == application and reply.question.action == Decision.Action.ASK
    application.organisation.refresh_from_db()
    assert application.organisation.status == Organisation.Status.UNDER_REVIEW
    detail = client.get(reverse("coalition:review-detail", args=[application.pk])).content.decode()
    assert "no company." in detail and "Answered on" in detail

    applicant.post(path, {"text": "A second answer"})
    assert ApplicantReply.objects.count() == 1  # one answer per question


def test_an_application_awaiting_an_answer_can_still_be_decided(
    client, boss, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    path = ask(client, application, mailoutbox, django_capture_on_commit_callbacks)
    client.post(
        reverse("coalition:review-detail", args=[application.pk]),
        {"decision": "decline", "tier": "member", "reason": "No answer came"},
    )
    application.organisation.refresh_from_db()
    assert application.organisation.status == Organisation.Status.DECLINED
    assert Client().get(path).status_code == 400  # the question is closed with the application


def test_a_forged_or_cross_site_answer_is_refused(client, boss, mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    path = ask(client, application, mailoutbox, django_capture_on_commit_callbacks)
    assert Client().get(path[:-5] + "xxxx/").status_code == 400
    response = Client().post(path, {"text": "From elsewhere"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    assert not ApplicantReply.objects.exists()


def test_erasing_the_application_erases_the_answers(client, boss, mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    path = ask(client, application, mailoutbox, django_capture_on_commit_callbacks)
    Client().post(path, {"text": "Our answer"})
    assert services.application_erase(application=application)
    assert not ApplicantReply.objects.exists()
