"""Load the demo campaign. Idempotent: a second run changes nothing."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaign.articles.demo.loader import load_evidence
from campaign.coalition.demo import members as coalition_demo
from campaign.petitions import services
from campaign.petitions.demo import letter
from campaign.petitions.demo.translations import TRANSLATIONS
from campaign.petitions.forms import CONSENT_TEXT
from campaign.petitions.models import Demand, Petition, PetitionTranslation, Signature


class Command(BaseCommand):
    help = "Load the demo open letter and a few clearly marked demo signatures."

    @transaction.atomic
    def handle(self, *args, **options):
        petition, created = Petition.objects.get_or_create(
            slug=letter.SLUG,
            defaults={
                "title": letter.TITLE,
                "summary": letter.SUMMARY,
                "body": letter.BODY,
                "addressee": letter.ADDRESSEE,
                "goal": letter.GOAL,
                "status": Petition.Status.OPEN,
                "kind": Petition.Kind.OPEN_LETTER,
                "opens_at": timezone.now() - timedelta(days=30),
            },
        )
        if created:
            Demand.objects.bulk_create(
                Demand(petition=petition, position=position, text=text)
                for position, text in enumerate(letter.DEMANDS, start=1)
            )
        services.petition_record_version(petition=petition)
        for language, text in TRANSLATIONS.items():
            translation, _made = PetitionTranslation.objects.get_or_create(
                petition=petition, language=language, defaults={**text, "demands": "\n".join(text["demands"])}
            )
            services.petition_translation_record_version(translation=translation)
        petition.refresh_from_db()
        now = timezone.now()
        made_now = []
        for number, (name, country, city) in enumerate(letter.DEMO_SIGNATURES, start=1):
            email = f"demo-signer-{number}@example.org"
            signature, made = Signature.objects.get_or_create(
                petition=petition,
                email_normalised=email,
                defaults={
                    "name": name,
                    "email": email,
                    "country": country,
                    "city": city,
                    "is_public": True,
                    "is_demo": True,
                    "petition_version": petition.version,
                    "consent_text": str(CONSENT_TEXT),
                    "consent_version": "demo",
                    "created_at": now - timedelta(hours=number),
                    "confirmed_at": now - timedelta(hours=number, minutes=-5),
                },
            )
            if made:
                made_now.append(signature)
        added = len(made_now)
        services.signature_days_add(petition=petition, signatures=made_now)
        transaction.on_commit(lambda: services.counts_reconcile(petition=petition))
        loaded = load_evidence(petition=petition)
        self.stdout.write(
            f"Evidence library /evidence/: {loaded['documents']} documents and {loaded['citations']} citations added."
        )
        members, endorsements = coalition_demo.load(petition=petition)
        self.stdout.write(f"Coalition: {members} demo members and {endorsements} endorsements added.")
        verb = "Created" if created else "Kept"
        self.stdout.write(f"{verb} the demo letter /letters/{petition.slug}/ ({added} demo signatures added).")
