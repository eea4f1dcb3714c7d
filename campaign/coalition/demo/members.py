"""Demo members: organisations the campaign's source texts name, with public facts
only (name, website, country). Descriptions are written for this project."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from campaign.coalition.models import Application, Contact, Endorsement, Organisation
from campaign.petitions.models import Petition

# slug, name, short name, website, country, kind, scope, tier, days after the letter opened
# (0 = at launch), description.
MEMBERS = [
    ("access-now", "Access Now", "", "https://www.accessnow.org", "US", "ngo", "international", "lead", 0,
     "An international digital rights group; in June 2021 it coordinated a call, backed by more than "
     "175 organisations and individuals, for a global ban on biometric surveillance in public spaces."),
    ("amnesty-international", "Amnesty International", "Amnesty", "https://www.amnesty.org", "GB", "ngo",
     "international", "lead", 0,
     "The worldwide human rights movement, one of the co-authors of the 2021 global call to ban facial "
     "and remote biometric recognition."),
    ("european-digital-rights", "European Digital Rights", "EDRi", "https://edri.org", "BE", "network",
     "regional", "lead", 0,
     "A Brussels-based network of digital rights organisations across Europe, and a co-author of the "
     "2021 global call for a ban."),
    ("human-rights-watch", "Human Rights Watch", "HRW", "https://www.hrw.org", "US", "ngo", "international",
     "member", 0,
     "Investigates and reports on human rights abuses worldwide; it helped draft the 2021 call for a ban."),
    ("internet-freedom-foundation", "Internet Freedom Foundation", "IFF", "https://internetfreedom.in", "IN",
     "ngo", "national", "member", 0,
     "An Indian digital liberties organisation, among the groups behind the 2021 call for a ban."),
    ("idec", "Instituto Brasileiro de Defesa do Consumidor", "Idec", "https://idec.org.br", "BR", "ngo",
     "national", "member", 0,
     "A Brazilian consumer rights institute and one of the collaborators on the 2021 global call."),
    ("fight-for-the-future", "Fight for the Future", "", "https://www.fightforthefuture.org", "US", "ngo",
     "national", "member", 0,
     "A US digital rights group that in 2019 led more than 30 organisations in calling for a ban on police "
     "use of facial recognition."),
    ("liberty", "Liberty", "", "https://www.libertyhumanrights.org.uk", "GB", "ngo", "national", "member", 3,
     "A UK civil liberties organisation whose research documented police forces checking fingerprints "
     "against immigration records with handheld scanners."),
    ("privacy-international", "Privacy International", "PI", "https://privacyinternational.org", "GB", "ngo",
     "international", "member", 5,
     "A London-based charity that challenges data exploitation and has warned about the reach of the "
     "Home Office's Law Enforcement Data Service."),
    ("big-brother-watch", "Big Brother Watch", "", "https://bigbrotherwatch.org.uk", "GB", "ngo", "national",
     "endorser", 9,
     "A UK campaign group on privacy and civil liberties that has criticised the plan to make migrants "
     "scan their faces on smartwatches."),
    ("open-rights-group", "Open Rights Group", "ORG", "https://www.openrightsgroup.org", "GB", "ngo", "national",
     "endorser", 12,
     "A UK organisation working for digital rights, which has commented on accountability for police "
     "data under the new Law Enforcement Data Service."),
]  # fmt: skip

# One application waiting for an organiser: invented, clearly marked as a demo.
PENDING = {
    "slug": "demo-pending-residents-network",
    "name": "Riverside Residents' Privacy Network",
    "website": "https://riverside-privacy.example.org",
    "country": "GB",
    "kind": "community",
    "scope": "local",
    "description": "A demo application: a residents' group worried about live facial recognition cameras "
    "on its high street. It exists to show the review queue and is not a real organisation.",
    "contact": ("Sam Demo", "Coordinator", "sam@riverside-privacy.example.org"),
    "why": "We want to add a local voice to the call for a ban. (Demo content.)",
}


@transaction.atomic
def load(*, petition: Petition) -> tuple[int, int]:
    """Create the demo members, their endorsements of the demo letter, and the pending
    application. Idempotent: rows are matched by slug and left alone once they exist."""
    opened = petition.opens_at or petition.created_at
    added_members = added_endorsements = 0
    for slug, name, short, website, country, kind, scope, tier, days, description in MEMBERS:
        organisation, made = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "website": website,
                "country": country,
                "kind": kind,
                "scope": scope,
                "tier": tier,
                "description": description,
                "status": Organisation.Status.APPROVED,
                "joined_at": opened - timedelta(days=7) + timedelta(days=days),
                "is_demo": True,
            },
        )
        added_members += made
        endorsed_at = opened + timedelta(days=days)
        _, made = Endorsement.objects.get_or_create(
            organisation=organisation,
            petition=petition,
            defaults={
                "petition_version": petition.version,
                "authorised_by": "Demo content",
                "endorsed_at": max(endorsed_at, organisation.joined_at),
            },
        )
        added_endorsements += made
    _load_pending(petition)
    return added_members, added_endorsements


def _load_pending(petition: Petition) -> None:
    if Organisation.objects.filter(slug=PENDING["slug"]).exists():
        return
    now = timezone.now()
    organisation = Organisation.objects.create(
        slug=PENDING["slug"],
        name=PENDING["name"],
        website=PENDING["website"],
        country=PENDING["country"],
        kind=PENDING["kind"],
        scope=PENDING["scope"],
        description=PENDING["description"],
        status=Organisation.Status.EMAIL_VERIFIED,
        is_demo=True,
    )
    name, role, email = PENDING["contact"]
    contact = Contact.objects.create(organisation=organisation, name=name, role=role, email=email, verified_at=now)
    application = Application.objects.create(
        organisation=organisation,
        contact=contact,
        why=PENDING["why"],
        is_authorised=True,
        principles_version="demo",
        confirmed_at=now,
    )
    application.letters.set([petition])
