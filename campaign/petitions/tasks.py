from celery import shared_task

from campaign.petitions import services
from campaign.petitions.models import Petition


@shared_task(ignore_result=True)
def signatures_purge_task() -> None:
    services.signatures_purge()


@shared_task(ignore_result=True)
def signatures_anonymise_task() -> None:
    services.signatures_anonymise()


@shared_task(ignore_result=True)
def counts_reconcile_task() -> None:
    for petition in Petition.objects.public():
        services.counts_reconcile(petition=petition)


@shared_task(ignore_result=True)
def pack_build_task(pack_id: int) -> None:
    services.pack_build(pack_id=pack_id)
