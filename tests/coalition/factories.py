"""Coalition factories with hostile defaults: every page test is an escaping test too."""

from __future__ import annotations

import factory
from django.utils import timezone

from campaign.coalition.models import Application, Contact, Endorsement, Organisation
from tests.factories import HOSTILE, PetitionFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f'Rights <script>alert("org")</script> & "Watch" {n}')
    short_name = factory.Sequence(lambda n: f"<b>RW{n}</b>")
    slug = factory.Sequence(lambda n: f"org-{n}")
    website = factory.Sequence(lambda n: f"https://www.rights-{n}.example.org/about")
    country = "GB"
    description = f"We campaign. {HOSTILE}"
    focus_areas = "<i>policing</i> & migration"
    status = Organisation.Status.APPROVED
    joined_at = factory.LazyFunction(timezone.now)


class PendingOrganisationFactory(OrganisationFactory):
    status = Organisation.Status.EMAIL_VERIFIED
    joined_at = None


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = 'Ada "Lovelace" <script>x</script>'
    role = "Director & <em>founder</em>"
    email = factory.LazyAttribute(lambda o: f"Ada.{o.organisation.slug}@{o.organisation.domain}")
    verified_at = factory.LazyFunction(timezone.now)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    organisation = factory.SubFactory(PendingOrganisationFactory)
    contact = factory.SubFactory(ContactFactory, organisation=factory.SelfAttribute("..organisation"))
    why = f"Because. {HOSTILE}"
    is_authorised = True
    principles_version = "test"
    confirmed_at = factory.LazyFunction(timezone.now)


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    organisation = factory.SubFactory(OrganisationFactory)
    petition = factory.SubFactory(PetitionFactory)
    petition_version = 1
    authorised_by = "Ada <b>L</b>"
