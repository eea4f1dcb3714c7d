"""Factories whose defaults are hostile: every view test is an escaping test too."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from campaign.core.emails import normalise_email
from campaign.petitions.models import Demand, Petition, Signature

HOSTILE = '<script>alert("x")</script> & "quotes" \'apostrophes\''


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f'Stop <b>face</b> scans & "tags" #{n}')
    slug = factory.Sequence(lambda n: f"letter-{n}")
    summary = f"Summary {HOSTILE}"
    body = "We ask for a **ban**.\n\n<script>alert('body')</script><img src=x onerror=alert(1)>"
    addressee = "The Home Secretary & <i>Parliament</i>"
    goal = 100
    status = Petition.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def demands(self, create, extracted, **kwargs):
        if not create:
            return
        for position, text in enumerate(extracted or ["Ban <em>it</em> & now"], start=1):
            Demand.objects.create(petition=self, position=position, text=text)


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    petition = factory.SubFactory(PetitionFactory)
    petition_version = 1
    name = factory.Sequence(lambda n: f'Zoë <script>x</script> O\'Brien & "Co" {n}')
    email = factory.Sequence(lambda n: f"Signer.{n}+Tag@Example.ORG")
    email_normalised = factory.LazyAttribute(lambda o: normalise_email(o.email))
    country = "GB"
    consent_text = "I agree."
    consent_version = "test"


class ConfirmedSignatureFactory(SignatureFactory):
    confirmed_at = factory.LazyFunction(timezone.now)
    is_public = True
